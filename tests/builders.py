"""Deal files and ledgers on disk: the one set of builders the tests share.

`minimal_deal` is the smallest deal that `dealledger check` passes; a test changes only the
part it is about (a key added at the top, other parties, other tranches, a table at the end),
so what it tests stands out. `make_ledger` writes deal files and settings under a root the way
a user keeps them. tests/conftest.py turns these into fixtures; a test that needs its own
variation imports them directly (tests/ is on pytest's pythonpath).
"""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "tests"
FIXTURES = TESTS / "fixtures"
COMMENTED = FIXTURES / "commented"  # hand-written deal files full of comments, for writers
DATA = TESTS / "data"

PARTIES = """\
[[parties]]
name = "Licensor Co"
role = "licensor"

[[parties]]
name = "Licensee Inc"
role = "licensee"
"""

UPFRONT = """\
[[tranches]]
type = "upfront"
amount = "110M"
"""


def parties(*roles: tuple[str, str]) -> str:
    """[[parties]] tables for (name, role) pairs, each followed by a blank line."""
    return "".join(f'[[parties]]\nname = "{name}"\nrole = "{role}"\n\n' for name, role in roles)


def minimal_deal(
    deal_id: str = "example",
    top: str = "",
    *,
    title: str = "Example licence",
    kind: str = "license",
    announced: str = "2025-06-13",
    currency: str | None = "USD",
    parties: str = PARTIES,
    tranches: str = UPFRONT,
    tail: str = "",
) -> str:
    """A valid deal file unless an override makes it otherwise.

    `top` is added after the required top-level keys, so its keys stay in the root table;
    `tail` comes after the tranches (assets, sources...). `title` is written as a TOML basic
    string as given, so it may hold TOML escapes.
    """
    head = [
        f'id = "{deal_id}"',
        f'title = "{title}"',
        f'kind = "{kind}"',
        f"announced = {announced}",
    ]
    if currency is not None:
        head.append(f'currency = "{currency}"')
    parts = ["\n".join(head) + "\n" + textwrap.dedent(top), textwrap.dedent(parties)]
    if tranches:
        parts.append(textwrap.dedent(tranches))
    if tail:
        parts.append(textwrap.dedent(tail))
    return "\n".join(parts)


_ID = re.compile(r'^id\s*=\s*"([^"]+)"', re.MULTILINE)


def write_deal(root: Path, content: str | bytes, name: str | None = None) -> Path:
    """Write `root/deals/<name>` (bytes verbatim, text as UTF-8) and return its path.

    Without a name the file is named after the deal's id, as `dealledger new` names it.
    """
    if name is None:
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        found = _ID.search(text)
        name = f"{found.group(1) if found else 'deal'}.toml"
    path = root / "deals" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def make_ledger(
    root: Path,
    deals: Mapping[str, str | bytes] | Iterable[str | bytes] = (),
    settings: str | bytes | None = None,
) -> Path:
    """A ledger at `root`: deals/ (always made), its files, and dealledger.toml if given.

    `deals` maps a path under deals/ to the file's content, or lists contents to be named
    after their ids. Settings text is dedented, so a test may indent it with its code.
    Returns `root`.
    """
    (root / "deals").mkdir(parents=True, exist_ok=True)
    if isinstance(deals, Mapping):
        for name, content in deals.items():
            write_deal(root, content, name)
    else:
        for content in deals:
            write_deal(root, content)
    if isinstance(settings, bytes):
        (root / "dealledger.toml").write_bytes(settings)
    elif settings is not None:
        (root / "dealledger.toml").write_text(textwrap.dedent(settings), encoding="utf-8")
    return root


def copy_bundled_ledger(root: Path) -> Path:
    """A copy of the repository's own ledger (deals/ and dealledger.toml) at `root`."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "deals", root / "deals")
    shutil.copy(REPO / "dealledger.toml", root / "dealledger.toml")
    return root
