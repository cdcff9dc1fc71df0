"""The ledger's files as they were at a git revision, read from git's objects.

`diff` compares the ledger at a commit with another commit or the working tree. Checking the
commit out (or adding a worktree) would touch the user's repository; instead the tree is
listed with `git ls-tree` and the blobs read with one `git cat-file --batch`, and the deal
files are written into a private folder the caller owns and removes.

Only what the loader reads is materialised: `dealledger.toml` and the `*.toml` files under
`deals/`. Symbolic links and submodules in the tree are skipped (the working-tree loader
refuses links out of the ledger too), and a path that would leave the folder is refused.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .discover import DEALS_DIR, SETTINGS_FILE, UsageError

# Git file modes of regular files (plain and executable); links (120000) and submodules
# (160000) are not deal files.
_REGULAR_MODES = frozenset({"100644", "100755"})


class RevisionError(UsageError):
    """No git, not a repository, or no such revision: a usage error naming which."""


@dataclass(frozen=True, slots=True)
class RevisionFiles:
    """What was written for one revision: the commit it resolved to and what was skipped."""

    commit: str
    files: int
    skipped: tuple[str, ...]


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args], cwd=root, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise RevisionError("git is not installed or not on PATH; diff needs it") from None
    except OSError as exc:
        raise RevisionError(f"cannot run git: {exc.strerror or exc}") from None


def _first_line(data: bytes) -> str:
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else "no message"


def resolve_commit(root: Path, revision: str) -> str:
    """The commit `revision` names in the repository holding `root`."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0:
        raise RevisionError(
            f"{str(root)!r} is not in a git repository ({_first_line(inside.stderr)}); "
            "diff compares revisions of a ledger kept in git"
        )
    if not revision or revision.startswith("-"):
        raise RevisionError(f"{revision!r} is not a revision; name a commit, branch or tag")
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if found.returncode != 0:
        raise RevisionError(
            f"unknown revision {revision!r}: no commit, branch or tag of that name "
            "(see `git log --oneline`)"
        )
    return found.stdout.decode("ascii").strip()


def _wanted(path: str) -> bool:
    return path == SETTINGS_FILE or (path.startswith(f"{DEALS_DIR}/") and path.endswith(".toml"))


def _safe_relative(path: str) -> PurePosixPath | None:
    relative = PurePosixPath(path)
    if relative.is_absolute() or any(part in ("", ".", "..") for part in relative.parts):
        return None
    return relative


def write_revision(root: Path, revision: str, folder: Path) -> RevisionFiles:
    """Write the ledger at `revision` (its files under `root`) into the empty `folder`.

    Paths in the tree are taken relative to `root`, so a ledger kept in a sub-folder of its
    repository comes out as it would be checked out there. `folder/deals` always exists
    afterwards: a revision before the ledger had deals is an empty ledger.
    """
    commit = resolve_commit(root, revision)
    listing = _git(root, "ls-tree", "-r", "-z", commit, "--", DEALS_DIR, SETTINGS_FILE)
    if listing.returncode != 0:
        raise RevisionError(f"cannot list {revision!r}: {_first_line(listing.stderr)}")
    objects: list[tuple[str, PurePosixPath]] = []
    skipped: list[str] = []
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, sha = meta.decode("ascii").split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if not _wanted(path):
            continue
        relative = _safe_relative(path)
        if kind != "blob" or mode not in _REGULAR_MODES or relative is None:
            skipped.append(path)
            continue
        objects.append((sha, relative))
    (folder / DEALS_DIR).mkdir(parents=True, exist_ok=True)
    contents = _blobs(root, [sha for sha, _ in objects])
    for (_, relative), data in zip(objects, contents, strict=True):
        target = folder.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return RevisionFiles(commit, len(objects), tuple(skipped))


def _blobs(root: Path, shas: list[str]) -> list[bytes]:
    """The contents of `shas`, in order, from one `git cat-file --batch`."""
    if not shas:
        return []
    batch = _git(root, "cat-file", "--batch", stdin="".join(f"{sha}\n" for sha in shas).encode())
    if batch.returncode != 0:
        raise RevisionError(f"cannot read git objects: {_first_line(batch.stderr)}")
    output = batch.stdout
    contents: list[bytes] = []
    offset = 0
    for sha in shas:
        end = output.index(b"\n", offset)
        header = output[offset:end].decode("ascii").split()
        if len(header) != 3 or header[0] != sha or header[1] != "blob":
            raise RevisionError(f"cannot read git object {sha}: {' '.join(header)}")
        size = int(header[2])
        contents.append(output[end + 1 : end + 1 + size])
        offset = end + 1 + size + 1  # the blob, then a newline
    return contents
