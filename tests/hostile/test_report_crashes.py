"""Valid ledgers that crashed a report, and inputs every command must refuse cleanly (issue 18).

Each repro is a real ledger on disk run through the real commands: a valid ledger must give
exit 0 with every report written, an invalid value a problem at its line, a bad option a
usage error (exit 2); never exit 3 or a traceback.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import COMMENTED
from builders import make_ledger as write_ledger
from builders import minimal_deal as deal_text
from dealledger.cli import app
from hostile_helpers import assert_safe_for_terminal, run_cli_subprocess

runner = CliRunner()

UNDISCLOSED_DUE = """\
[[tranches]]
type = "upfront"
amount = "5M"

[[tranches]]
type = "milestone"
amount = "undisclosed"
due = 2030-01-01
"""


def invoke(*args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "internal error" not in result.output, result.output
    assert "Traceback" not in result.output
    return result


# Every report of every command, in every format; `{out}` is a fresh output path.
REPORTS = [
    ["summarize", "-f", "table"],
    ["summarize", "-f", "json"],
    ["summarize", "-f", "csv"],
    ["summarize", "-f", "markdown"],
    ["totals"],
    ["totals", "-f", "json"],
    ["totals", "--by", "payee"],
    ["timeline"],
    ["timeline", "--by", "year"],
    ["timeline", "--by", "year", "-f", "json"],
    ["timeline", "-f", "csv"],
    ["timeline", "--chart"],
    ["timeline", "--by", "year", "--chart"],
    ["show", "{id}"],
    ["show", "{id}", "-f", "json"],
    ["value"],
    ["value", "--explain", "{id}"],
    ["value", "-f", "json"],
    ["export", "-o", "{out}.sqlite"],
    ["export", "-f", "json", "-o", "{out}.json"],
    ["export", "-f", "csv", "-o", "{out}"],
    ["report", "-o", "{out}.html"],
    ["report", "-o", "{out}.svg"],
]


def run_every_report(root: Path, deal_id: str, tmp_path: Path) -> None:
    """Every report on a ledger `check` accepts: exit 0 or 1, never 3, every file written."""
    checked = invoke("check", "--ledger", str(root))
    assert checked.exit_code == 0, checked.output
    for index, template in enumerate(REPORTS):
        out = str(tmp_path / f"out{index}")
        args = [part.format(id=deal_id, out=out) for part in template]
        result = invoke(*args, "--ledger", str(root))
        assert result.exit_code == 0, (args, result.output)
        if "-o" in args:
            assert Path(args[args.index("-o") + 1]).exists(), args


# --- undisclosed amounts ------------------------------------------------------------------


def test_undisclosed_milestone_with_a_due_date_renders_every_report(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    write_ledger(root, {"a.toml": deal_text("a", tranches=UNDISCLOSED_DUE)})
    run_every_report(root, "a", tmp_path)
    page = (tmp_path / f"out{REPORTS.index(['report', '-o', '{out}.html'])}.html").read_text()
    assert "undisclosed" in page


@pytest.mark.parametrize(
    "tranches",
    [
        # every tranche of a year undisclosed, paid and due
        'type = "upfront"\namount = "undisclosed"\nstatus = "paid"\npaid = 2025-07-01\n',
        'type = "milestone"\namount = "undisclosed"\ndue = "2027-Q2"\n',
        'type = "milestone"\namount = "undisclosed"\nstatus = "achieved"\nachieved = 2025-07-01\n',
        'type = "milestone"\namount = "undisclosed"\n',  # no date at all
        'type = "equity"\namount = "undisclosed"\nstatus = "paid"\npaid = 2025-08-01\n',
    ],
)
def test_a_deal_whose_only_tranche_is_undisclosed_renders_every_report(
    tmp_path: Path, tranches: str
) -> None:
    root = tmp_path / "ledger"
    write_ledger(root, {"a.toml": deal_text("a", tranches="[[tranches]]\n" + tranches)})
    run_every_report(root, "a", tmp_path)


# --- extreme dates -------------------------------------------------------------------------


def test_year_9999_dates_render_the_html_and_svg_report(tmp_path: Path) -> None:
    tranches = """\
    [[tranches]]
    type = "upfront"
    amount = "5M"
    due = 9999-12-31

    [[tranches]]
    type = "milestone"
    amount = "7M"
    due = "9999-Q4"

    [[tranches]]
    type = "milestone"
    amount = "1M"
    due = "9999"
    """
    root = tmp_path / "ledger"
    top = "signed = 9999-12-30\n"
    text = deal_text("far", top, tranches=tranches).replace("2025-06-13", "9999-12-01")
    write_ledger(root, {"far.toml": text})
    result = invoke("check", "--ledger", str(root), "-f", "json")
    codes = {problem["code"] for problem in json.loads(result.stdout)["problems"]}
    assert result.exit_code == 0, result.output
    assert codes == set(), codes
    for suffix in ("html", "svg"):
        report = invoke("report", "--ledger", str(root), "-o", str(tmp_path / f"r.{suffix}"))
        assert report.exit_code == result.exit_code, report.output
        assert (tmp_path / f"r.{suffix}").stat().st_size > 0
    for command in (["timeline", "--chart"], ["timeline", "--by", "quarter", "--chart"]):
        assert invoke(*command, "--ledger", str(root)).exit_code == result.exit_code


# --- file names that are not UTF-8 ---------------------------------------------------------


@pytest.fixture
def latin1_named(tmp_path: Path) -> Path:
    if sys.platform == "darwin":
        pytest.skip("macOS file systems refuse names that are not UTF-8")
    root = tmp_path / "ledger"
    write_ledger(root, {})
    name = os.fsencode(root / "deals") + b"/caf\xe9.toml"
    with open(name, "wb") as handle:
        handle.write(deal_text("cafe").encode())
    with open(os.fsencode(root / "deals") + b"/bad\xff.toml", "wb") as handle:
        handle.write(b'id = "bad"\n')
    return root


@pytest.mark.parametrize(
    "args",
    [
        ["check", "-f", "sarif"],
        ["check", "-f", "json"],
        ["check", "-f", "junit"],
        ["check", "-f", "gitlab"],
        ["check", "-f", "github"],
        ["check"],
        ["export", "-o", "{out}.sqlite"],
        ["export", "-f", "csv", "-o", "{out}"],
        ["export", "-f", "json", "-o", "-"],
        ["summarize", "-f", "json"],
        ["report", "-o", "{out}.html"],
    ],
)
def test_a_file_name_that_is_not_utf8_is_shown_not_a_crash(
    latin1_named: Path, tmp_path: Path, args: list[str]
) -> None:
    args = [part.format(out=tmp_path / "out") for part in args]
    result = run_cli_subprocess([*args, "--ledger", str(latin1_named)], tmp_path)
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert "Traceback" not in result.stderr
    if args[0] == "check":  # the file with problems is named, its odd byte visible
        assert "bad" in result.stdout


# --- a full disk ---------------------------------------------------------------------------


def test_a_full_disk_during_sqlite_export_is_exit_1_no_space(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dealledger.render import export_formats as export

    def full(*_: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(export, "_fill_database", full)  # SQLite's words for ENOSPC
    root = tmp_path / "ledger"
    write_ledger(root, {"a.toml": deal_text("a")})
    target = tmp_path / "x.sqlite"
    result = invoke("export", "--ledger", str(root), "-o", str(target))
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert not target.exists()
    assert [path.name for path in tmp_path.iterdir()] == ["ledger"]


# --- output and validation -----------------------------------------------------------------


def test_junit_escapes_c1_and_bidi_controls(tmp_path: Path) -> None:
    """A file name with CSI (U+009B), RLO (U+202E) and LRI (U+2066), quoted in a message."""
    root = tmp_path / "ledger"
    write_ledger(
        root, {"a.toml": deal_text("a"), "b\u202eevil\u2066\u009b31m.toml": deal_text("a")}
    )
    result = invoke("check", "--ledger", str(root), "-f", "junit")
    assert result.exit_code == 1
    assert "evil" in result.stdout
    assert_safe_for_terminal(result.stdout.replace("\t", " "))
    assert "\\u202e" in result.stdout


@pytest.mark.parametrize(
    "amount",
    ["١٢٣", "１２３", "𝟏𝟐𝟑", "1٢3M", "１.５M", "۱۲۳", "१२३"],
)
def test_non_ascii_digits_are_not_amounts(tmp_path: Path, amount: str) -> None:
    root = tmp_path / "ledger"
    tranches = f'[[tranches]]\ntype = "upfront"\namount = "{amount}"\n'
    text = deal_text("a", tranches=tranches)
    write_ledger(root, {"a.toml": text})
    for cache in ([], ["--no-cache"]):
        result = invoke("check", "--ledger", str(root), "-f", "json", *cache)
        assert result.exit_code == 1, (amount, result.stdout)
        problems = json.loads(result.stdout)["problems"]
        assert problems[0]["line"] == text.splitlines().index(f'amount = "{amount}"') + 1


def test_record_refuses_non_ascii_digits_too(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    write_ledger(root, {"a.toml": deal_text("a")})
    before = (root / "deals" / "a.toml").read_bytes()
    result = invoke("record", "a", "--tranche", "1", "--amount", "١٢٣", "--ledger", str(root))
    assert result.exit_code == 2
    assert (root / "deals" / "a.toml").read_bytes() == before


@pytest.mark.parametrize(
    "rate", ["99999999999999999999999%", "100000001%", "5%-99999999999999999999999%"]
)
def test_a_royalty_rate_over_the_cap_is_an_error_at_its_line(tmp_path: Path, rate: str) -> None:
    root = tmp_path / "ledger"
    tranches = f'[[tranches]]\ntype = "royalty"\nrate = "{rate}"\n'
    text = deal_text("a", tranches=tranches)
    write_ledger(root, {"a.toml": text})
    result = invoke("check", "--ledger", str(root), "-f", "json")
    assert result.exit_code == 1, result.stdout
    problem = json.loads(result.stdout)["problems"][0]
    assert problem["line"] == text.splitlines().index(f'rate = "{rate}"') + 1
    assert problem["code"] == "DL114"


def test_dl203_does_not_depend_on_the_local_time_zone(tmp_path: Path) -> None:
    """The same ledger at the same instant: the same verdict in every time zone. A payment
    dated the current date where the day begins first (UTC+14) is not in the future; one
    dated the day after is, everywhere."""
    from datetime import datetime, timedelta, timezone

    first_today = datetime.now(timezone(timedelta(hours=14))).date()
    root = tmp_path / "ledger"

    def paid_on(day: object) -> str:
        return f'[[tranches]]\ntype = "upfront"\namount = "5M"\nstatus = "paid"\npaid = {day}\n'

    write_ledger(
        root,
        {
            "today.toml": deal_text("today", tranches=paid_on(first_today)),
            "tomorrow.toml": deal_text("tomorrow", tranches=paid_on(first_today + timedelta(1))),
        },
    )
    verdicts = set()
    for zone in ("Pacific/Kiritimati", "UTC", "Etc/GMT+12", "America/Los_Angeles", "Asia/Tokyo"):
        result = _check_in_zone(root, tmp_path, zone)
        problems = json.loads(result.stdout)["problems"]
        verdicts.add(tuple(sorted((Path(p["path"]).name, p["code"]) for p in problems)))
    assert verdicts == {(("tomorrow.toml", "DL203"),)}, verdicts


def _check_in_zone(root: Path, cwd: Path, zone: str):  # type: ignore[no-untyped-def]
    import subprocess

    from hostile_helpers import dealledger_command

    return subprocess.run(
        dealledger_command("check", "--ledger", str(root), "-f", "json", "--no-cache"),
        cwd=cwd,
        env={**os.environ, "TZ": zone},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("option", ["--since", "--until"])
@pytest.mark.parametrize("command", ["summarize", "totals", "timeline", "export"])
def test_an_empty_date_filter_is_a_usage_error(tmp_path: Path, option: str, command: str) -> None:
    root = tmp_path / "ledger"
    write_ledger(root, {"a.toml": deal_text("a")})
    extra = ["-f", "json", "-o", "-"] if command == "export" else []
    result = invoke(command, "--ledger", str(root), option, "", *extra)
    assert result.exit_code == 2, result.output
    assert "dealledger: error:" in result.stderr or "Invalid value" in result.stderr


INTERRUPTED_DUMPS = """
import signal, sys
from pathlib import Path
from dealledger.ledger.cache_codec import dump_deal
from dealledger.ledger.interrupts import install
from dealledger.rules.deal_file import load_deal_file

install()
deal = load_deal_file(Path(sys.argv[1]), "d.toml").deal
reference = dump_deal(deal)
sent = []

def interrupt(*_):
    sent.append(1)
    raise KeyboardInterrupt

signal.signal(signal.SIGALRM, interrupt)
caught = wrong = 0
for attempt in range(600):
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.00001 * (attempt % 40 + 1))
        for _ in range(100):
            if dump_deal(deal) != reference:
                wrong += 1
        signal.setitimer(signal.ITIMER_REAL, 0)
    except KeyboardInterrupt:
        caught += 1
print(len(sent), caught, wrong)
"""


def test_an_interrupt_inside_deal_encoding_is_raised_not_printed(tmp_path: Path) -> None:
    """Ctrl-C while pydantic-core encodes a deal for the cache (it calls back into Python for
    each Decimal): no "Exception ignored" message, the interrupt is not lost, and no damaged
    encoding ("<unprintable Decimal object>") is ever returned. Timer signals stand in for
    Ctrl-C, at hundreds of moments."""
    import subprocess

    deal = tmp_path / "d.toml"
    deal.write_text(deal_text("d", 'total = "1.2B"\n'), encoding="utf-8")
    script = tmp_path / "interrupt.py"
    script.write_text(INTERRUPTED_DUMPS, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), str(deal)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Exception ignored" not in result.stderr, result.stderr[:2000]
    sent, caught, wrong = (int(part) for part in result.stdout.split())
    assert caught == sent > 100  # every interrupt was raised, none swallowed
    assert wrong == 0


def test_partly_undisclosed_periods_in_a_multi_currency_ledger_render_every_report(
    tmp_path: Path,
) -> None:
    """The report fixture (undisclosed amounts and financials, FX) plus periods where paid or
    due are partly undisclosed: every report renders, and the schedule says so."""
    from reports_fixture import write_ledger as write_report_ledger

    root = write_report_ledger(tmp_path / "ledger")
    tranches = """\
[[tranches]]
type = "upfront"
amount = "undisclosed"
status = "paid"
paid = 2024-05-01

[[tranches]]
type = "milestone"
amount = "3M"
status = "paid"
paid = 2024-06-01

[[tranches]]
type = "milestone"
amount = "undisclosed"
due = "2026-Q1"

[[tranches]]
type = "milestone"
amount = "2M"
due = 2026-03-01

[[tranches]]
type = "commercial"
amount = "undisclosed"
"""
    (root / "deals" / "mixed.toml").write_text(
        deal_text("mixed", tranches=tranches).replace("2025-06-13", "2024-01-10"),
        encoding="utf-8",
    )
    run_every_report(root, "mixed", tmp_path)


# --- fmt applies check's limits first ----------------------------------------------------


MESSY = (COMMENTED / "messy.toml").read_text()


@pytest.mark.parametrize(
    ("name", "tail"),
    [
        ("bigint", "x = " + "9" * 4302 + "\n"),
        ("header", "[" + ".".join(f"a{i}" for i in range(1000)) + "]\n"),
        ("dotted", ".".join(f"k{i}" for i in range(10000)) + " = 1\n"),
        ("tranches", '\n[[tranches]]\ntype = "milestone"\namount = "1M"\n' * 100_000),
    ],
)
def test_fmt_refuses_what_check_refuses_with_dl004_quickly(
    tmp_path: Path, name: str, tail: str
) -> None:
    """Where check says DL004, fmt says the same and leaves the file, in seconds: no
    RecursionError or int-conversion error (exit 3), no quadratic run on 100,000 tables."""
    import time

    root = tmp_path / "ledger"
    write_ledger(root, {f"{name}.toml": MESSY + "\n" + tail})
    path = root / "deals" / f"{name}.toml"
    before = path.read_bytes()
    checked = invoke("check", "--ledger", str(root), "--no-cache")
    assert "DL004" in checked.stdout
    started = time.monotonic()
    result = run_cli_subprocess(["fmt", "--ledger", str(root)], tmp_path, timeout=120)
    assert time.monotonic() - started < 60
    assert result.returncode == 1, result.stderr
    assert "DL004" in result.stderr
    assert "internal error" not in result.stderr
    assert path.read_bytes() == before


def test_the_largest_amount_at_the_largest_rate_exports(tmp_path: Path) -> None:
    """10^15 - 1 EUR at a rate of 10^15 - 1 is 31 digits of cents: export gave exit 3
    (InvalidOperation from quantize) where every other report worked."""
    root = tmp_path / "ledger"
    settings = """\
currency = "USD"

[[fx]]
from = "EUR"
to = "USD"
rate = "999999999999999"
date = 2020-01-01
"""
    tranches = '[[tranches]]\ntype = "upfront"\namount = "999999999999999"\n'
    write_ledger(root, {"a.toml": deal_text("a", tranches=tranches, currency="EUR")}, settings)
    for args in (
        ["totals"],
        ["summarize", "-f", "json"],
        ["report", "-o", str(tmp_path / "r.html")],
    ):
        assert invoke(*args, "--ledger", str(root)).exit_code == 0
    exported = invoke("export", "--ledger", str(root), "-f", "json", "-o", "-")
    (tranche,) = json.loads(exported.stdout)["tranches"]
    # Beyond the 28 digits sums keep exactly (docs/security.md): right to 28 digits.
    assert str(tranche["reporting_minor"])[:28] == "9999999999999980000000000000"
    assert len(str(tranche["reporting_minor"])) == 32
    assert (
        invoke("export", "--ledger", str(root), "-f", "csv", "-o", str(tmp_path / "t")).exit_code
        == 0
    )
    database = tmp_path / "x.sqlite"
    refused = invoke("export", "--ledger", str(root), "-o", str(database))
    assert refused.exit_code == 1
    assert "64-bit INTEGER" in refused.stderr
    assert not database.exists()
