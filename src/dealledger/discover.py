"""Finding the ledger root and the deal files, the way git finds its repository."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

DEALS_DIR = "deals"
SETTINGS_FILE = "dealledger.toml"
LEDGER_ENV = "DEALLEDGER_LEDGER"


class UsageError(Exception):
    """Bad arguments: exit code 2, with a message that says what to give instead."""


@dataclass(frozen=True, slots=True)
class Target:
    """A file to read, with the path as the user will see it in messages."""

    path: Path
    display: str


def find_root(ledger: Path | None, cwd: Path, environ: dict[str, str] | None = None) -> Path | None:
    """`--ledger`, else $DEALLEDGER_LEDGER, else the nearest ancestor with a deals/ folder."""
    env = os.environ if environ is None else environ
    chosen = ledger or (Path(env[LEDGER_ENV]) if env.get(LEDGER_ENV) else None)
    if chosen is not None:
        if not chosen.is_dir():
            raise UsageError(f"ledger folder {str(chosen)!r} does not exist")
        return chosen
    for folder in (cwd, *cwd.parents):
        if (folder / DEALS_DIR).is_dir():
            return folder
    return None


def deal_files(folder: Path, display_base: str) -> Iterator[Target]:
    """Every *.toml below `folder` in a stable order, without following directory links.

    Not following links keeps a link loop from recursing forever and a link out of the
    ledger from pulling in folders nobody meant to check; linked files are read as files. A
    folder named `x.toml` is a folder: it is searched, not read.
    """
    for directory, subdirs, files in os.walk(folder, followlinks=False):
        subdirs.sort()
        base = Path(directory)
        relative = base.relative_to(folder)
        # Path arithmetic once per folder, not per file: ledgers hold 100,000 files.
        shown_dir = os.fspath(Path(display_base) / relative if display_base else relative)
        for name in sorted(files):
            if name.endswith(".toml"):
                shown = name if shown_dir == "." else os.path.join(shown_dir, name)  # noqa: PTH118 - a str is what Target holds; Path joins cost more per file
                yield Target(base / name, shown)


def expand_paths(arguments: Iterable[str], stdin_lines: Iterable[str] | None) -> list[Target]:
    """Expand files, folders and `-` (paths on stdin, one a line) into deal files to read.

    A path that does not exist is a usage error raised before anything is read, as the spec
    asks: a typo in CI must not pass as "no problems found".
    """
    targets: list[Target] = []
    raw: list[str] = []
    for argument in arguments:
        if argument == "-":
            raw.extend(line.rstrip("\r\n") for line in (stdin_lines or ()) if line.strip())
        else:
            raw.append(argument)
    missing = [item for item in raw if not os.path.lexists(item)]
    if missing:
        listed = ", ".join(repr(item) for item in missing[:5])
        raise UsageError(f"no such file or folder: {listed}")
    seen: set[Path] = set()
    for item in raw:
        path = Path(item)
        found = deal_files(path, item.rstrip("/")) if path.is_dir() else [Target(path, item)]
        for target in found:
            key = target.path.resolve() if target.path.exists() else target.path.absolute()
            if key not in seen:
                seen.add(key)
                targets.append(target)
    return targets
