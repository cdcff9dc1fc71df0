"""`dealledger init`: start a new ledger from the bundled example, or an empty one.

The example ledger (deals/ and dealledger.toml of the source tree) ships inside the wheel as
package data under `dealledger/example/`; in a source checkout or editable install it is read
from the repository itself. Nothing existing is ever overwritten: the new files are written
into a temporary folder beside the target and moved into place only when complete, so an
interrupted `init` leaves no half-made ledger behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from ..domain.errors import UsageError
from ..load.discover import DEALS_DIR, SETTINGS_FILE

EMPTY_SETTINGS = """\
# Ledger-wide settings (deal file format version 1). Everything here is optional.

currency = "USD"   # reporting currency for totals across currencies

# [[fx]]                       # 1 `from` = `rate` `to`, valid from `date` on
# date = 2025-01-01
# from = "CNY"
# to = "USD"
# rate = "0.1389"

# [parties."Example Pharma Inc."]
# aliases = ["Example Pharma"]
# country = "US"
"""


def example_root() -> Path:
    """Where the bundled example ledger lives in this installation."""
    packaged = Path(str(resources.files("dealledger"))) / "example"
    if (packaged / DEALS_DIR).is_dir() and (packaged / SETTINGS_FILE).is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / DEALS_DIR).is_dir() and (checkout / SETTINGS_FILE).is_file():
        return checkout
    raise UsageError(
        "the bundled example ledger is missing from this installation; "
        "use `dealledger init --empty DIR` or reinstall dealledger"
    )


def create_ledger(target: Path, *, empty: bool = False) -> list[Path]:
    """Create a ledger in `target` (new or empty folder); returns the deal files written."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"{str(target)!r} exists and is not a folder")
    if target.is_dir():
        clashes = [name for name in (DEALS_DIR, SETTINGS_FILE) if (target / name).exists()]
        if clashes:
            listed = " and ".join(clashes)
            raise UsageError(
                f"{str(target)!r} already holds {listed}; init never overwrites a ledger — "
                "choose a new folder"
            )
    source = None if empty else example_root()
    parent = target.parent if not target.exists() else target
    parent.mkdir(parents=True, exist_ok=True)
    # A `.….tmp` name: what an interrupted init leaves behind is never read as deals.
    staging = Path(tempfile.mkdtemp(prefix=".dealledger-init-", suffix=".tmp", dir=parent))
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it 0700; a new folder follows umask
        if source is None:
            (staging / DEALS_DIR).mkdir()
            (staging / SETTINGS_FILE).write_text(EMPTY_SETTINGS, encoding="utf-8")
        else:
            shutil.copytree(
                source / DEALS_DIR,
                staging / DEALS_DIR,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"),
            )
            shutil.copyfile(source / SETTINGS_FILE, staging / SETTINGS_FILE)
        _fsync_tree(staging)
        if target.exists():
            for name in (DEALS_DIR, SETTINGS_FILE):
                (staging / name).replace(target / name)
            staging.rmdir()
        else:
            staging.replace(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted((target / DEALS_DIR).rglob("*.toml"))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
