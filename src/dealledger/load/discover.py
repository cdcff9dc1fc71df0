"""Finding the ledger root and the deal files, the way git finds its repository."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import UsageError
from ..domain.limits import MAX_FOLDER_DEPTH
from ..domain.problems import Severity

DEALS_DIR = "deals"
SETTINGS_FILE = "dealledger.toml"
LEDGER_ENV = "DEALLEDGER_LEDGER"


@dataclass(frozen=True, slots=True)
class Target:
    """A file to read, with the path as the user will see it in messages.

    `refusal` is set where discovery decided not to read the path (a link out of the folder,
    a link loop, a folder that cannot be listed): the loader reports it as a problem of that
    path instead of reading it, so nothing found is silently dropped.
    """

    path: Path
    display: str
    refusal: Refusal | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    severity: Severity
    message: str


LINK_OUTSIDE = Refusal(
    Severity.ERROR,
    "symbolic link to a file outside the folder being checked; not read (copy the file in, "
    "or give its real path on the command line)",
)
LINK_LOOP = Refusal(Severity.ERROR, "symbolic link loop or broken link; not read")
TOO_DEEP = Refusal(
    Severity.ERROR,
    f"folder nested more than {MAX_FOLDER_DEPTH} levels deep; not searched",
)
LINKED_FOLDER = Refusal(
    Severity.WARNING,
    "symbolic link to a folder; not followed (give the folder itself to check its deals)",
)
NOT_REGULAR = Refusal(Severity.ERROR, "not a regular file; give a .toml file or a folder")
A_FOLDER = Refusal(Severity.ERROR, "a folder, not a file; not read (it must be a file)")
LINKED_FILE = Refusal(
    Severity.ERROR,
    "symbolic link; not written through (run the command on the file it points to)",
)
OUTSIDE = Refusal(Severity.ERROR, "outside the ledger folder; not used")


def file_refusal(path: Path, base: Path | None, *, links: bool = True) -> Refusal | None:
    """The one rule for a file dealledger reads or writes inside a ledger (or cache) folder.

    `base` is the real (resolved) folder the file must stay in, or None where the user named
    the file itself (a path given on the command line). Refused, with the reason:
    - a symbolic link out of `base`, a link loop or a broken link, and with `links=False`
      (writers, the cache) any link at all: writing through a link would change whatever it
      points to, and a committed link can point anywhere on a CI runner;
    - a folder, FIFO, socket or device: reading a FIFO blocks, a device never ends, and a
      writer must not replace either;
    - a path whose folder resolves outside `base`.
    None: the path may be used, or does not exist and its folder is inside `base` (the
    reader reports that, a writer creates it). This is the test every reader and writer
    applies (`deal_files`, the settings, the cache, completion, `update_file`, `new`,
    `--output`), so a path refused by `check` is refused everywhere.
    """
    try:
        info = path.lstat()
    except FileNotFoundError:
        return _folder_outside(path, base)  # to be created: only where it will stay inside
    except OSError:
        return LINK_LOOP if path.is_symlink() else None  # the reader reports the error
    if stat.S_ISLNK(info.st_mode):
        real = resolved(path)
        if real is None:
            return LINK_LOOP
        if base is not None and not is_within(real, base):
            return LINK_OUTSIDE
        if not links:
            return LINKED_FILE
        try:
            info = path.stat()
        except OSError:
            return LINK_LOOP
    if stat.S_ISDIR(info.st_mode):
        return A_FOLDER
    if not stat.S_ISREG(info.st_mode):
        return NOT_REGULAR
    return _folder_outside(path, base)


def _folder_outside(path: Path, base: Path | None) -> Refusal | None:
    """OUTSIDE where `path`'s folder resolves outside `base` (a linked sub-folder)."""
    if base is None:
        return None
    folder = resolved(path.parent)
    return OUTSIDE if folder is None or not is_within(folder, base) else None


def settings_file(root: Path) -> tuple[Path, Refusal | None] | None:
    """The root's dealledger.toml and why it may not be read (None: it may), or None where
    there is none. The same rule as deal files: a folder, FIFO or device of that name, or a
    link out of the ledger, is a problem to report (DL001), never silently the defaults."""
    path = root / SETTINGS_FILE
    if not os.path.lexists(path):
        return None
    return path, file_refusal(path, real_folder(root))


def real_folder(folder: Path) -> Path:
    """`folder` resolved, as `file_refusal` wants its `base` (the path itself if it cannot be)."""
    return resolved(folder) or folder.absolute()


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


def resolved(path: Path) -> Path | None:
    """The real path, or None for a link loop or a path that cannot be resolved."""
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: symlink loop on Python < 3.13
        return None


def is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def deal_files(folder: Path, display_base: str) -> Iterator[Target]:
    """Every *.toml below `folder` in a stable order, each real file once.

    - Links to folders are not followed: a link loop cannot recurse forever, and a link out
      of the ledger cannot pull in folders nobody meant to check. Each is reported (warning).
    - A linked file is read only where its target lies inside `folder`, and only once (the
      target itself is usually found too); a link leading out of the folder is an error and
      is not read, so a pull request cannot make CI print parts of a file elsewhere on the
      runner. A link loop is an error.
    - A folder named `x.toml` is a folder: it is searched, not read.
    - A sub-folder that cannot be listed (permission denied) is an error, not a silent gap.
    """
    base = real_folder(folder)
    seen: set[Path] = set()

    def shown_folder(here: Path) -> str:
        relative = here.relative_to(folder)
        return os.fspath(Path(display_base) / relative if display_base else relative)

    def shown(path: Path) -> str:
        return os.fspath(Path(shown_folder(path.parent)) / path.name)

    # An explicit stack, not os.walk: on Python 3.11 os.walk recurses once per level, and a
    # pull request can add a folder 1,500 levels deep.
    stack: list[tuple[Path, int]] = [(folder, 0)]
    while stack:
        here, depth = stack.pop()
        try:
            with os.scandir(here) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            yield Target(here, shown(here), _unlistable(error))
            continue
        subfolders: list[Path] = []
        # Path arithmetic once per folder, not per file: ledgers hold 100,000 files.
        here_shown = shown_folder(here)
        child = getattr(here, "_make_child_relpath", None)
        for entry in entries:
            # Path(entry.path) parses the whole path again, per file; the child of a parsed
            # folder needs no parsing (pathlib's own iterdir does this), where available.
            path = child(entry.name) if child is not None else here / entry.name
            if is_temporary(entry.name):
                continue
            if _is_folder(entry):
                if entry.is_symlink():
                    yield Target(path, shown(path), LINKED_FOLDER)
                elif depth + 1 > MAX_FOLDER_DEPTH:
                    yield Target(path, shown(path), TOO_DEEP)
                else:
                    subfolders.append(path)
                continue
            if not entry.name.endswith(".toml"):
                continue
            # A plain file is met once by the walk; only links can name a file twice, so
            # only links are resolved (a syscall per path part, too dear for every file).
            # The file type comes with the listing: a FIFO or device is refused unopened.
            if entry.is_symlink():
                refusal = file_refusal(path, base)
                if refusal is not None:
                    yield Target(path, shown(path), refusal)
                    continue
                real = resolved(path)
                if real is None:  # removed since: the loader reports it
                    yield Target(path, shown(path))
                    continue
                if real.suffix == ".toml":
                    continue  # the walk reaches the target itself; read it under its own name
                if real in seen:
                    continue
                seen.add(real)
            elif not _is_plain_file(entry):
                yield Target(path, shown(path), NOT_REGULAR)
                continue
            name = entry.name
            yield Target(path, name if here_shown == "." else f"{here_shown}{os.sep}{name}")
        stack.extend((path, depth + 1) for path in reversed(subfolders))


def is_temporary(name: str) -> bool:
    """A writer's temporary file or folder (`.x.toml.k3j2h1.tmp`): never a deal.

    Writers build their output under such a name and rename it when complete; one killed
    mid-write leaves it behind, and its half-written content must not be read as a deal.
    """
    return name.startswith(".") and name.endswith(".tmp")


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_plain_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return True  # gone or unreadable since the listing: the loader says which


def _unlistable(error: OSError) -> Refusal:
    reason = error.strerror or str(error)
    return Refusal(Severity.ERROR, f"folder cannot be listed ({reason}); its deals were not read")


def expand_paths(
    arguments: Iterable[str],
    stdin_lines: Iterable[str] | None,
    on_empty_folder: Callable[[str], None] | None = None,
) -> list[Target]:
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
        found = list(deal_files(path, item.rstrip("/"))) if path.is_dir() else [Target(path, item)]
        if not found and on_empty_folder is not None:
            on_empty_folder(item)
        for target in found:
            key = target.path.absolute() if target.refusal else file_identity(target.path)
            if key not in seen:
                seen.add(key)
                targets.append(target)
    return targets


def outside_the_ledger(targets: Iterable[Target], root: Path) -> list[Target]:
    """Targets that are neither a file under `root/deals/` nor the ledger's dealledger.toml.

    `check` and `fmt` act on the ledger's own files; a pre-commit hook or a shell glob that
    hands them `pyproject.toml` must not get six "unknown key" errors or a rewritten file.
    """
    deals = (root / DEALS_DIR).absolute()
    settings = (root / SETTINGS_FILE).absolute()
    return [
        target
        for target in targets
        if target.path.absolute() != settings and not is_within(target.path.absolute(), deals)
    ]


def refuse_outside(targets: list[Target], root: Path | None) -> None:
    """A usage error for paths outside the ledger (`--force` skips this call)."""
    if root is None:
        return
    outside = outside_the_ledger(targets, root)
    if outside:
        listed = ", ".join(repr(target.display) for target in outside[:3])
        more = f" and {len(outside) - 3} more" if len(outside) > 3 else ""
        raise UsageError(
            f"{listed}{more} {'is' if len(outside) == 1 else 'are'} not in the ledger's "
            f"{DEALS_DIR}/ folder (ledger root: {str(root)!r}); give deal files under "
            f"{DEALS_DIR}/ or {SETTINGS_FILE}, or pass --force to use them anyway"
        )


def file_identity(path: Path) -> Path:
    """Identity for de-duplication: the real path, or the path itself where none resolves."""
    return resolved(path) or path.absolute()


def count_deal_files(folder: Path) -> int:
    """About how many files `deal_files` will give, counted without resolving links: the
    total of a progress bar, cheap enough to take before a long load."""
    count = 0
    pending = [folder]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(Path(entry.path))
                    elif entry.name.endswith(".toml"):
                        count += 1
        except OSError:
            continue
    return count
