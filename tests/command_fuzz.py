"""Mutated ledgers run through every command in every format: the oracle of the fuzz harness
over every command (fuzz/commands.py, the long run) and of its short run in the suite
(tests/hostile/test_fuzz_commands.py).

A mutant is a whole ledger (deal files and `dealledger.toml`) built from a seed ledger by
byte and value mutations; `mutant(seed, index)` is a pure function of its arguments, so any
crash can be replayed from two numbers. `run_every_command` runs each registered command, with
its argument lists from tests/command_matrix.py, in every `--format`, in-process, and returns
what each run did. A crash is an exit outside 0/1/2, an exception, a traceback or "internal
error" in the output, a run over `HANG_SECONDS`, or, after a writer, a deal file that is
neither the old content nor a complete TOML document, or a temporary file left behind.
"""

from __future__ import annotations

import functools
import os
import random
import shutil
import signal
import subprocess
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w
import typer.testing
from typer.testing import CliRunner

from builders import DATA, REPO
from command_matrix import ARGUMENTS, DEAL_ID, HOSTILE_SHEET, LEDGER, TITLE, command_formats
from deal_strategies import generated_deals, mutate, mutate_values
from dealledger.cli import app

# CliRunner rebuilds the click command from the Typer app on every call (~25 ms); the app does
# not change during `run_every_command`, so it builds it once (and puts the original back: a
# cached command keeps state other tests do not expect).
_build_command = typer.testing._get_command
_built_once = functools.lru_cache(maxsize=None)(_build_command)

HANG_SECONDS = 10
SETTINGS = "dealledger.toml"
WRITERS = {"fmt", "record", "new", "import", "init"}
SHEET = (
    "title,licensor,licensee,announced,upfront,currency,kind\n"
    f'"{TITLE}","=HYPERLINK(""x"")","@Acme \x1b[31m",2024-01-01,$5M,USD,license\n'
    f'"{TITLE} two",Alpha,Beta,03/06/2025,undisclosed,USD,license\n'
)

Files = dict[str, bytes]  # path relative to the ledger root -> content


class Hang(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` in the app eats it."""


def ledger_files(root: Path, folder: str = "deals") -> Files:
    files = {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted((root / folder).rglob("*.toml"))
    }
    if (root / SETTINGS).is_file():
        files[SETTINGS] = (root / SETTINGS).read_bytes()
    return files


@functools.cache
def seed_ledgers() -> tuple[Files, ...]:
    """The bundled ledger, the real-deal corpus, and small generated ledgers of 1 to 4 deals."""
    ledgers = [ledger_files(REPO), ledger_files(DATA / "real-deals")]
    deals = generated_deals(60)
    rng = random.Random(0)
    while deals:
        size = rng.randint(1, 4)
        group, deals = deals[:size], deals[size:]
        ledgers.append({f"deals/g{index}.toml": data for index, data in enumerate(group)})
    return tuple(ledgers)


def mutant(seed: int, index: int) -> Files:
    """Mutant `index` of the run seeded `seed`: one to three files of a seed ledger changed."""
    return mutant_and_base(seed, index)[0]


def mutant_and_base(seed: int, index: int) -> tuple[Files, Files]:
    """Mutant `index` of the run seeded `seed`, and the seed ledger it was made from (which
    `run_every_command` commits to git, so that `diff` compares the two)."""
    rng = random.Random(f"{seed}-{index}")
    base = rng.choice(seed_ledgers())
    files = dict(base)
    names = sorted(files)
    for _ in range(rng.randint(1, 3)):
        name = rng.choice(names)
        roll = rng.random()
        if roll < 0.45:
            files[name] = mutate(files[name], rng, rng.randint(1, 4))
        elif roll < 0.9:
            files[name] = mutate_values(files[name], rng, rng.randint(1, 4))
        elif roll < 0.95:
            files[f"deals/copy-{rng.randrange(100)}.toml"] = files[name]  # duplicate ids
        elif len(names) > 1:  # a ledger keeps at least one of its own files
            del files[name]
            names.remove(name)
    return files, base


def write_ledger(root: Path, files: Files) -> None:
    """`files` under `root`, and nothing else there but the cache and git's folder."""
    for child in root.iterdir() if root.exists() else ():
        if child.name not in (".dealledger-cache", ".git"):
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "deals").mkdir(exist_ok=True)
    (root / HOSTILE_SHEET).write_text(SHEET, encoding="utf-8")


@dataclass
class Outcome:
    """What the runs of one mutant did: exit codes per command, and any crash described."""

    exits: Counter[tuple[str, str]] = field(default_factory=Counter)
    crashes: list[tuple[list[str], str]] = field(default_factory=list)


def first_deal_id(files: Files) -> str:
    for name in sorted(files):
        if name == SETTINGS:
            continue
        try:
            deal_id = tomllib.loads(files[name].decode()).get("id")
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        if isinstance(deal_id, str) and deal_id:
            return deal_id
    return DEAL_ID


def invocations(root: Path, deal_id: str, commands: set[str] | None) -> Iterator[list[str]]:
    for command, output_format in command_formats():
        if commands is not None and command not in commands:
            continue
        for variant in ARGUMENTS[command]:
            args = [command]
            for arg in variant:
                args.append(str(root) if arg == LEDGER else deal_id if arg == DEAL_ID else arg)
            if output_format is not None:
                args += ["--format", output_format]
            yield args


def run_every_command(
    work: Path,
    files: Files,
    commands: set[str] | None = None,
    timeout: int = HANG_SECONDS,
    *,
    require_outputs: bool = False,
    base: Files | None = None,
) -> Outcome:
    """Every command (or those named) in every format on the ledger `files`, under `work`.

    With `require_outputs` (a valid ledger), a run that ends with 0 or 1 must also have
    written the file its `--output` names. With `base`, the ledger is a git repository whose
    last commit holds `base` and whose working tree holds `files`, so `diff` gets past its
    revision check and compares the two."""
    root = work / "ledger"
    root.mkdir(parents=True, exist_ok=True)
    if base is not None:
        commit_ledger(root, base)
    write_ledger(root, files)
    outcome = Outcome()
    previous = os.getcwd()
    os.chdir(root)
    typer.testing._get_command = _built_once
    try:
        for args in invocations(root, first_deal_id(files), commands):
            exit_code, crash = _run_one(root, files, args, timeout)
            outcome.exits[(args[0], "crash" if crash else exit_code)] += 1
            if require_outputs and not crash and exit_code in ("0", "1"):
                crash = _missing_output(root, args)
            if crash:
                outcome.crashes.append((args, crash))
            if args[0] in WRITERS or "--output" in args:
                write_ledger(root, files)
    finally:
        os.chdir(previous)
        typer.testing._get_command = _build_command
    return outcome


def commit_ledger(root: Path, files: Files) -> None:
    """A git repository at `root` whose one commit holds `files`."""
    write_ledger(root, files)
    git = ["git", "-C", str(root), "-c", "user.name=fuzz", "-c", "user.email=fuzz@example.com"]
    quiet = {
        "check": True,
        "capture_output": True,
        "env": {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"},
    }
    subprocess.run([*git, "init", "-q"], **quiet)
    subprocess.run([*git, "add", "-A"], **quiet)
    subprocess.run([*git, "commit", "-q", "--no-verify", "-m", "base"], **quiet)


def _missing_output(root: Path, args: list[str]) -> str | None:
    if "--output" not in args:
        return None
    target = args[args.index("--output") + 1]
    if target == "-" or (root / target).exists():
        return None
    return f"no output written at {target}"


def _alarm(signum: int, frame: object) -> None:
    raise Hang


def _run_one(root: Path, files: Files, args: list[str], timeout: int) -> tuple[str, str | None]:
    """Run `args`: its exit code, and a description of the crash or None."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        result = CliRunner().invoke(app, args, input="")
    except Hang:
        return "hang", f"hang: no exit within {timeout} s"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    code = str(result.exit_code)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return code, f"exception: {type(result.exception).__name__}: {result.exception}"[:500]
    if result.exit_code not in (0, 1, 2):
        return code, f"exit {result.exit_code}: {result.output[-500:]}"
    for marker in ("Traceback", "internal error", "Exception ignored"):
        if marker in result.output:
            return code, f"{marker!r} in the output: {result.output[-500:]}"
    return code, torn(root, files) if args[0] in WRITERS else None


def torn(root: Path, files: Files) -> str | None:
    """A deal file a writer left neither as it was nor as a complete TOML document."""
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith((".dealledger-cache", ".git/")) or not path.is_file():
            continue
        if path.name.endswith(".tmp") or path.name.endswith("-journal"):
            return f"temporary file left behind: {relative}"
        if path.suffix != ".toml" or files.get(relative) == path.read_bytes():
            continue
        try:
            # A leading BOM is allowed in deal files (the loader drops it, fmt keeps it);
            # tomllib rejects it, so it is read past here too (mutant 13802 of seed 2028).
            tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            return f"{relative} written as neither the old nor a complete new file: {exc}"
    return None


def save_regression(folder: Path, files: Files, args: list[str], crash: str) -> None:
    """The crashing ledger as a folder of tests/data/fuzz-regressions, with what crashed."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    note = {"command": [arg for arg in args if not arg.startswith("/")], "crash": crash}
    (folder / "CRASH.toml").write_text(tomli_w.dumps(note), encoding="utf-8")


def regression_ledgers() -> list[Path]:
    """Saved crashing ledgers (folders holding CRASH.toml)."""
    return sorted(path.parent for path in (DATA / "fuzz-regressions").glob("*/CRASH.toml"))


def load_regression(folder: Path) -> Files:
    return ledger_files(folder)
