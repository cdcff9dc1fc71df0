"""Hostile text in deal files never acts on the terminal, on Rich, on Markdown or on a sheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dealledger.cli import app
from dealledger.domain.safe_text import spreadsheet_safe, terminal_safe
from dealledger.render.delimited import render_delimited
from dealledger.render.jsonout import dumps
from dealledger.render.markdown import render_markdown
from dealledger.render.table import lay_out, table_lines
from dealledger.render.view import Column, View
from hostile_helpers import assert_safe_for_terminal

MARKUP = "[bold red]x[/]"
LINK = "[link=https://evil.example]click[/link]"
OSC_TITLE = "\x1b]0;pwned\x07"
RTL = "\u202e"
HOSTILE_TITLE = f"{MARKUP} {LINK} {OSC_TITLE} {RTL}gpj.exe \x9b31m \x1b[2J"

runner = CliRunner()


def write_deal(folder: Path, name: str, **overrides: object) -> Path:
    data: dict[str, object] = {
        "id": name,
        "title": HOSTILE_TITLE,
        "kind": "license",
        "announced": dt.date(2024, 1, 1),
        "currency": "USD",
        "parties": [
            {"name": '=HYPERLINK("https://evil.example","x")', "role": "licensor"},
            {"name": f"@Acme {OSC_TITLE}", "role": "licensee"},
        ],
        "tranches": [{"type": "upfront", "amount": "5M", "label": "-1+1"}],
    }
    data.update(overrides)
    path = folder / "deals" / f"{name}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    write_deal(tmp_path, "evil")
    return tmp_path


@pytest.mark.parametrize("output_format", ["table", "markdown", "csv", "tsv"])
def test_summarize_output_has_no_raw_controls(ledger: Path, output_format: str) -> None:
    result = runner.invoke(app, ["summarize", "--ledger", str(ledger), "-f", output_format])
    assert result.exit_code == 0, result.output
    assert_safe_for_terminal(result.stdout.replace("\r\n", "\n").replace("\t", " "))
    # The evidence stays visible: the escape is shown, not silently dropped.
    shown = result.stdout.replace("\\\\", "\\").replace("\\]", "]").replace("\\[", "[")
    assert "\\x1b]0;pwned\\x07" in shown
    assert "\\u202e" in shown


def test_table_shows_markup_literally(ledger: Path) -> None:
    result = runner.invoke(app, ["summarize", "--ledger", str(ledger)])
    assert MARKUP in result.stdout
    assert LINK in result.stdout


def test_table_never_parses_markup_even_on_a_terminal() -> None:
    view = View([Column("Title")], [[HOSTILE_TITLE]], title=MARKUP, caption=LINK)
    layout = lay_out(view, 300, for_person=True)
    output = "\n".join(table_lines(view, layout, boxed=True, styled=True))
    assert MARKUP in output and LINK in output
    # The only escapes are the table's own styling (bold header), never OSC, links or clear.
    assert "\x1b]" not in output and "\x1b[2J" not in output and "\x07" not in output
    assert RTL not in output


def test_check_messages_escape_hostile_values(tmp_path: Path) -> None:
    write_deal(tmp_path, "bad", kind=f"{OSC_TITLE}{RTL}[bold]x")
    result = runner.invoke(app, ["check", "--ledger", str(tmp_path)])
    assert result.exit_code == 1
    assert "DL104" in result.stdout
    assert_safe_for_terminal(result.stdout)


def test_problems_on_stderr_are_escaped(tmp_path: Path) -> None:
    write_deal(tmp_path, "bad", kind=f"{OSC_TITLE}")
    result = runner.invoke(app, ["summarize", "--ledger", str(tmp_path)])
    assert result.exit_code == 1
    assert "DL104" in result.stderr
    assert_safe_for_terminal(result.stderr)


def test_check_json_escapes_controls_as_json(tmp_path: Path) -> None:
    write_deal(tmp_path, "bad", kind=f"{OSC_TITLE}{RTL}")
    result = runner.invoke(app, ["check", "--ledger", str(tmp_path), "--format", "json"])
    assert_safe_for_terminal(result.stdout)
    document = json.loads(result.stdout)
    messages = " ".join(problem["message"] for problem in document["problems"])
    assert "\\x1b]0;pwned\\x07\\u202e" in messages  # the message quotes the value visibly


def test_summarize_json_round_trips_hostile_title(ledger: Path) -> None:
    result = runner.invoke(app, ["summarize", "--ledger", str(ledger), "-f", "json"])
    assert_safe_for_terminal(result.stdout)
    assert json.loads(result.stdout)[0]["title"] == HOSTILE_TITLE


def test_markdown_escapes_links_images_and_html() -> None:
    view = View(
        [Column("Title")],
        [["![x](https://track.example/p.png) [a](javascript:alert(1)) <img src=x> a|b `c` &amp;"]],
    )
    text = render_markdown(view)
    row = text.splitlines()[2]
    assert not re.search(r"(?<!\\)[\[\]<>]", row)  # no unescaped bracket: no link, image, tag
    assert "\\|" in row and "\\`" in row and "\\&amp;" in row
    assert row.count(" | ") == 0  # one cell: the pipe inside the title is escaped


# --- CSV / TSV: OWASP formula neutralisation -----------------------------------------------


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_cells_are_prefixed(prefix: str) -> None:
    assert spreadsheet_safe(f"{prefix}cmd|' /C calc'!A0").startswith("'")


@pytest.mark.parametrize("number", ["-5", "+5", "-5.25", "0", "110000000", "43243243.24"])
def test_numbers_stay_numbers(number: str) -> None:
    assert spreadsheet_safe(number) == number


def test_csv_neutralises_and_keeps_amounts_numeric(ledger: Path) -> None:
    result = runner.invoke(app, ["summarize", "--ledger", str(ledger), "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["parties"].startswith("'=HYPERLINK")
    assert rows[0]["upfront"] == "5000000"
    assert rows[0]["total"] == "5000000"


def test_raw_cells_opt_out_keeps_bytes_as_written(ledger: Path) -> None:
    result = runner.invoke(app, ["summarize", "--ledger", str(ledger), "-f", "csv", "--raw-cells"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["parties"].startswith("=HYPERLINK")
    assert rows[0]["title"] == HOSTILE_TITLE


def test_tsv_neutralises(ledger: Path) -> None:
    result = runner.invoke(app, ["summarize", "--ledger", str(ledger), "-f", "tsv"])
    header, row = result.stdout.splitlines()[:2]
    cells = dict(zip(header.split("\t"), row.split("\t"), strict=True))
    assert cells["parties"].startswith("'=HYPERLINK")
    assert cells["upfront"] == "5000000"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_any_text_is_terminal_safe_and_spreadsheet_inert(text: str) -> None:
    safe = terminal_safe(text)
    assert_safe_for_terminal(safe)
    cell = render_delimited([{"a": text}], ["a"], delimiter=",").splitlines()[1]
    parsed = next(csv.reader([cell])) if cell else [""]
    value = parsed[0] if parsed else ""
    assert not value.startswith(("=", "@", "\t", "\r"))
    assert not value.startswith(("+", "-")) or _is_plain_number(value)


def _is_plain_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.lstrip("+-").replace(".", "", 1).isdigit()


@pytest.mark.parametrize(
    ("hidden", "shown"),
    [
        ("\U000e0041", "\\U000e0041"),  # tag character: invisible "A" (ASCII smuggling)
        ("\u200b", "\\u200b"),  # zero-width space
        ("\ufeff", "\\ufeff"),  # zero-width no-break space
        ("\u2066", "\\u2066"),  # left-to-right isolate
        ("\x9b", "\\x9b"),  # C1 CSI
    ],
)
def test_invisible_and_format_characters_are_shown(hidden: str, shown: str) -> None:
    assert terminal_safe(f"a{hidden}b") == f"a{shown}b"
    encoded = dumps(f"a{hidden}b")
    assert hidden not in encoded and json.loads(encoded) == f"a{hidden}b"


def test_joiners_that_scripts_need_are_kept() -> None:
    assert terminal_safe("می\u200cخواهم 👩\u200d💻") == "می\u200cخواهم 👩\u200d💻"
