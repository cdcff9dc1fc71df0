"""`fmt`: canonical layout, every comment kept with its key, amounts as written, idempotent."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dealledger.cli import app
from dealledger.formatting import FormatError, format_text

FIXTURES = Path(__file__).parent / "fixtures" / "commented"
REPO = Path(__file__).parent.parent


def comments(text: str) -> list[str]:
    """Every comment, whole-line or end-of-line, outside strings (good enough for fixtures)."""
    found = []
    for line in text.splitlines():
        match = re.search(r"#.*$", line)
        if match and '"""' not in line:
            found.append(match.group(0).rstrip())
    return sorted(found)


def test_messy_fixture_formats_to_the_expected_bytes() -> None:
    source = (FIXTURES / "messy.toml").read_text()
    expected = (FIXTURES / "messy.expected.toml").read_text()
    assert format_text(source) == expected


def test_fmt_is_idempotent_and_keeps_data_and_comments() -> None:
    source = (FIXTURES / "messy.toml").read_text()
    once = format_text(source)
    assert format_text(once) == once
    assert tomllib.loads(once) == tomllib.loads(source)
    assert comments(once) == comments(source)


def test_multiline_string_is_untouched() -> None:
    source = (FIXTURES / "messy.toml").read_text()
    block = source[source.index('summary = """') : source.index('"""\n', source.index("untouched"))]
    assert block in format_text(source)
    assert "trailing spaces   \n" in format_text(source)


def test_canonical_files_are_left_byte_identical() -> None:
    for path in [FIXTURES / "messy.expected.toml", *sorted((REPO / "deals").rglob("*.toml"))]:
        data = path.read_bytes()
        assert format_text(data.decode()).encode() == data, path


def test_amounts_keep_their_spelling() -> None:
    source = (
        'id = "x"\ntitle = "t"\nkind = "license"\nannounced = 2024-01-01\ncurrency = "USD"\n'
        "[[tranches]]\namount = 1_620_000_000\ntype = 'upfront'\n"
        '[[tranches]]\ntype = "milestone"\namount = "1,620,000,000"\n'
        '[[tranches]]\ntype = "commercial"\namount = "5.3 bn"\n'
    )
    out = format_text(source)
    assert "amount = 1_620_000_000\n" in out
    assert 'amount = "1,620,000,000"\n' in out
    assert 'amount = "5.3 bn"\n' in out


def test_crlf_and_bom_survive() -> None:
    source = (FIXTURES / "messy.toml").read_text()
    expected = (FIXTURES / "messy.expected.toml").read_text()
    crlf = "\ufeff" + source.replace("\n", "\r\n")
    assert format_text(crlf) == "\ufeff" + expected.replace("\n", "\r\n")


def test_unparsable_text_is_refused() -> None:
    with pytest.raises(FormatError, match="TOML syntax error"):
        format_text('id = "x"\ntitle = \n')


# --- the command -------------------------------------------------------------------------


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    (tmp_path / "deals").mkdir()
    shutil.copy(FIXTURES / "messy.toml", tmp_path / "deals" / "messy.toml")
    shutil.copy(FIXTURES / "messy.expected.toml", tmp_path / "deals" / "clean.toml")
    # Two files with one id would be a check error, not a fmt concern; keep ids apart anyway.
    clean = tmp_path / "deals" / "clean.toml"
    clean.write_text(clean.read_text().replace("acme-widget-2024", "acme-widget-clean"))
    return tmp_path


def test_check_lists_files_and_changes_nothing(ledger: Path) -> None:
    messy = ledger / "deals" / "messy.toml"
    before = messy.read_bytes()
    result = CliRunner().invoke(app, ["fmt", "--check", "--ledger", str(ledger)])
    assert result.exit_code == 1
    assert "would reformat" in result.output
    assert "messy.toml" in result.output
    assert "clean.toml" not in result.output
    assert messy.read_bytes() == before


def test_diff_shows_a_unified_diff(ledger: Path) -> None:
    messy = ledger / "deals" / "messy.toml"
    before = messy.read_bytes()
    result = CliRunner().invoke(app, ["fmt", "--diff", "--ledger", str(ledger)])
    assert result.exit_code == 1
    assert "--- a/" in result.output
    assert "+++ b/" in result.output
    assert "-title   =   'Acme licence of Widget-1'" in result.output
    assert messy.read_bytes() == before


def test_fmt_rewrites_then_check_passes(ledger: Path) -> None:
    result = CliRunner().invoke(app, ["fmt", "--ledger", str(ledger)])
    assert result.exit_code == 0, result.output
    assert "reformatted" in result.output
    messy = ledger / "deals" / "messy.toml"
    assert messy.read_text() == (FIXTURES / "messy.expected.toml").read_text()
    again = CliRunner().invoke(app, ["fmt", "--check", "--ledger", str(ledger)])
    assert again.exit_code == 0, again.output
    check = CliRunner().invoke(app, ["check", "--ledger", str(ledger)])
    assert check.exit_code == 0, check.output


def test_file_that_does_not_parse_is_reported_not_rewritten(ledger: Path) -> None:
    broken = ledger / "deals" / "broken.toml"
    broken.write_bytes(b'id = "broken"\ntitle = \n')
    result = CliRunner().invoke(app, ["fmt", str(broken)])
    assert result.exit_code == 1
    assert "TOML syntax error" in result.output
    assert "not reformatted" in result.output
    assert broken.read_bytes() == b'id = "broken"\ntitle = \n'


def test_non_utf8_file_is_reported(ledger: Path) -> None:
    bad = ledger / "deals" / "latin1.toml"
    bad.write_bytes(b'id = "caf\xe9"\n')
    result = CliRunner().invoke(app, ["fmt", str(bad)])
    assert result.exit_code == 1
    assert "not UTF-8" in result.output
    assert bad.read_bytes() == b'id = "caf\xe9"\n'


def test_bundled_ledger_is_canonical() -> None:
    result = CliRunner().invoke(app, ["fmt", "--check", "--ledger", str(REPO)])
    assert result.exit_code == 0, result.output


# --- property: any arrangement of keys, tables and comments -------------------------------

ROOT = [
    ('id = "p"', "id"),
    ('title = "T"', "title"),
    ('kind = "license"', "kind"),
    ("announced = 2024-01-02", "announced"),
    ('currency = "USD"', "currency"),
    ('tags = ["x", "y"]', "tags"),
    ('notes = """\nline one  \nline two"""', "notes"),
]
TABLES = [
    ("parties", ['name = "A"', 'role = "licensor"']),
    ("parties", ['role = "licensee"', 'name = "B"']),
    ("tranches", ["amount = 5_000", 'type = "upfront"', 'label = "u"']),
    ("tranches", ['type = "royalty"', "rate = '8%'"]),
    ("sources", ['url = "https://a.example/x"']),
    ("assets", ['name = "W"', 'phase = "phase1"']),
]

GAPS = [[], [], [""], ["# one"], ["# two", ""], ["", "# three", "# four"], ["#five", "", ""]]
gap = st.sampled_from(GAPS)


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for text, _ in draw(st.permutations(ROOT)):
        lines += draw(gap)
        spaced = text.replace(" = ", draw(st.sampled_from([" = ", "=", "  =   "])), 1)
        trailing = draw(st.sampled_from(["", "  # end", "#x"]))
        if "\n" in spaced:
            trailing = ""
        lines.append(draw(st.sampled_from(["", "  "])) + spaced + trailing)
    for name, keys in draw(st.permutations(TABLES)):
        lines += draw(gap)
        lines.append(f"[[{name}]]")
        for key in draw(st.permutations(keys)):
            lines += draw(gap)
            lines.append(key)
    lines += draw(gap)
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_property_same_data_same_comments_idempotent(document: str) -> None:
    once = format_text(document)
    assert tomllib.loads(once) == tomllib.loads(document)
    assert format_text(once) == once

    def whole_line_comments(text: str) -> list[str]:
        return sorted(line.strip() for line in text.splitlines() if line.strip().startswith("#"))

    assert whole_line_comments(once) == whole_line_comments(document)
    assert "\n\n\n" not in once
    assert not once.startswith("\n")


def test_deep_nesting_is_refused_not_a_crash(ledger: Path) -> None:
    deep = ledger / "deals" / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    result = CliRunner().invoke(app, ["fmt", str(deep)])
    assert result.exit_code == 1
    assert "nested more than 16 deep" in result.output  # check's DL004 message


def test_tricky_values_keep_their_bytes() -> None:
    source = (
        'a = "x # not a comment"  # a comment\n'
        "b = '''two quotes at the end''''\n"
        'c = """escaped \\""" inside"""\n'
        "d = [\n  1,  # one\n  2,\n]\n"
        'e = { k = "v#", n = [1, 2] }\n'
        "f = 1979-05-27 07:32:00Z  # space in a date-time\n"
        "g = 1#tight\n"
    )
    out = format_text(source)
    assert tomllib.loads(out) == tomllib.loads(source)
    assert 'a = "x # not a comment"  # a comment\n' in out
    assert "d = [\n  1,  # one\n  2,\n]\n" in out
    assert 'e = { k = "v#", n = [1, 2] }\n' in out
    assert "f = 1979-05-27 07:32:00Z  # space in a date-time\n" in out
    assert "g = 1  #tight\n" in out
    assert format_text(out) == out
