"""Tables read off a real terminal: every reporting command at 80, 120 and 200 columns and
under TERM=dumb, on the bundled ledger and on a small multi-currency one.

Each run happens in a pseudo-terminal sized with TIOCSWINSZ (and COLUMNS/LINES), so the
program sees what a person's terminal gives it. On the screen: every row's key in full (an
id may be split only after a `-`), no amount or date cut, no line wider than the terminal,
and a note naming the columns left out whenever some were.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from builders import REPO
from reports_fixture import write_ledger

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")


WIDTHS = [80, 120, 200]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# A money figure as the tables print it; an amount cut short would end in `…` or lose its
# number, a date cut short would leave `2023-1` with nothing after it.
MONEY = re.compile(r"\b[A-Z]{3} ~?[0-9][0-9.,]*[kMB]?\b")
CUT_DATE = re.compile(r"(?:^|  )\d{4}-(?:\d{2}-\d?|\d?)(?:  |$)")
HIDDEN = re.compile(r"(\d+) columns? hidden at (\d+) columns: (.*?)(?: — |$)", re.S)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bundled")
    shutil.copytree(REPO / "deals", root / "deals")
    shutil.copy(REPO / "dealledger.toml", root / "dealledger.toml")
    return root


@pytest.fixture(scope="module")
def currencies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ledger(tmp_path_factory.mktemp("currencies"))


def on_screen(root: Path, args: list[str], width: int, term: str = "xterm-256color") -> str:
    """What the command prints on a terminal `width` columns wide, escapes removed."""
    import fcntl
    import pty
    import struct
    import termios

    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    env = {
        key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")
    }
    env.update(
        TERM=term,
        COLUMNS=str(width),
        LINES="50",
        DEALLEDGER_LEDGER=str(root),
        DEALLEDGER_NO_PAGER="1",
        DEALLEDGER_CACHE_DIR=str(root / ".cache"),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "dealledger", *args],
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait()
    os.close(main)
    assert process.returncode in (0, 1), process.stderr.read().decode()
    text = output.decode("utf-8").replace("\r\n", "\n")
    return ANSI.sub("", text)


def machine(root: Path, *args: str) -> object:
    result = subprocess.run(
        [sys.executable, "-m", "dealledger", *args, "--format", "json"],
        capture_output=True,
        env={**os.environ, "DEALLEDGER_LEDGER": str(root)},
        check=False,
    )
    return json.loads(result.stdout)


def appears_whole(key: str, screen: str) -> bool:
    """The key on the screen, possibly split after a `-` onto the next line of its column."""
    parts = [re.escape(part) for part in re.split(r"(?<=-)", key) if part]
    return re.search(r"(?:[^\n]*\n[ ]*)?".join(parts), screen) is not None


def assert_readable(screen: str, width: int, keys: list[str]) -> None:
    for line in screen.splitlines():
        assert cell_len(line) <= width, f"{cell_len(line)} > {width}: {line!r}"
    assert "…" not in screen, screen
    for line in screen.splitlines():
        assert not CUT_DATE.search(line), line
    for key in keys:
        assert appears_whole(key, screen), f"{key!r} missing:\n{screen}"
    for found in HIDDEN.finditer(screen):
        count, at, titles = found.groups()
        assert int(at) == width
        header = screen.split("\n", 3)
        assert len(titles.split(", ")) >= int(count) or "\n" in titles
        assert not any(title in header[0] for title in titles.split(", ") if "\n" not in title)


def _ids(root: Path) -> list[str]:
    return [deal["id"] for deal in machine(root, "summarize")]  # type: ignore[union-attr]


def _group_keys(root: Path, *args: str) -> list[str]:
    record = machine(root, *args)
    return [
        str(value)
        for group in record["groups"]  # type: ignore[index]
        for value in (group["key"].values() if isinstance(group["key"], dict) else [group["key"]])
        if value is not None
    ]


CASES: list[tuple[str, list[str]]] = [
    ("summarize", ["summarize"]),
    ("totals", ["totals"]),
    ("totals-year", ["totals", "--by", "year"]),
    ("totals-payee-group", ["totals", "--by", "payee-group"]),
    ("totals-payer-year", ["totals", "--by", "payer,year"]),
    ("timeline", ["timeline", "--no-chart"]),
    ("timeline-quarter", ["timeline", "--by", "quarter", "--no-chart"]),
    ("value", ["value", "--as-of", "2025-01-01"]),
    ("comps", ["comps", "--by", "year"]),
]


@functools.cache
def _keys(root: Path, name: str, args: tuple[str, ...]) -> list[str]:
    if name in ("summarize", "value", "timeline"):
        return _ids(root)
    if name.startswith("totals-") or name == "comps":
        return _group_keys(root, *args)
    if name == "timeline-quarter":
        return [period["period"] for period in machine(root, *args)["periods"]]  # type: ignore[index]
    return []


@pytest.mark.parametrize("term", ["xterm-256color", "dumb"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("name", "args"), CASES, ids=[name for name, _ in CASES])
@pytest.mark.parametrize("which", ["bundled", "currencies"])
def test_every_table_is_readable_at_every_width(
    request: pytest.FixtureRequest, which: str, name: str, args: list[str], width: int, term: str
) -> None:
    root = request.getfixturevalue(which)
    screen = on_screen(root, args, width, term)
    assert_readable(screen, width, _keys(root, name, tuple(args)))
    if name != "comps":
        assert MONEY.search(screen), screen
    if term == "dumb":
        assert not set("─━│┃") & set(screen), "TERM=dumb gets no box drawing"


def test_narrow_summary_says_what_it_left_out(bundled: Path) -> None:
    screen = on_screen(bundled, ["summarize"], 80)
    assert "hidden at 80 columns: Title" in screen
    assert "use --wide or --columns" in " ".join(screen.split())  # the note may wrap
    header = screen.splitlines()[0]
    assert "Deal" in header and "Total" in header
    wide = on_screen(bundled, ["summarize"], 200)
    assert "Parties" in wide.splitlines()[0] and "Declared" in wide.splitlines()[0]


def test_dumb_terminal_drops_columns_instead_of_squeezing_them(bundled: Path) -> None:
    screen = on_screen(bundled, ["summarize"], 80, "dumb")
    body = [line for line in screen.splitlines() if "azn-cspc-" in line]
    assert len(body) == 5, screen  # one line per deal, not 156 lines of 4-character slivers
    assert "hidden at 80 columns" in screen


def test_wide_keeps_every_column_and_columns_chooses(bundled: Path) -> None:
    wide = on_screen(bundled, ["summarize", "--wide"], 80)
    assert "hidden" not in wide and "Title" in wide and "Declared" in wide
    chosen = on_screen(bundled, ["summarize", "--columns", "id,total"], 80)
    assert chosen.splitlines()[0].split() == ["Deal", "Total"]


def test_show_fits_the_terminal(bundled: Path) -> None:
    for width in WIDTHS:
        screen = on_screen(bundled, ["show", "azn-cspc-2025-ai-research"], width)
        assert_readable(screen, width, ["azn-cspc-2025-ai-research"])
