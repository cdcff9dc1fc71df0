"""Issue 2, "Bad input (each one tested)": every class of bad input gets a problem with its
code, file, line (and column), a message saying what to write instead, exit code 1, no
traceback, and the rest of the ledger is still checked.

Each ledger holds the bad file next to a valid deal and a second bad file with a problem of
its own, so a test fails if one bad file stops the others from being read.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import pytest

from builders import UPFRONT, make_ledger, minimal_deal
from check_runs import Checked, check, column_of, line_of, run_cli

OTHER = minimal_deal("other", 'tilte = "typo in another file"\n')


def check_with_others(tmp_path: Path, name: str, content: str | bytes) -> tuple[Checked, Path]:
    """Check a ledger of the bad file, a valid deal and another bad file; assert the rest."""
    deals = (
        make_ledger(
            tmp_path, {"good.toml": minimal_deal("good"), "other.toml": OTHER, name: content}
        )
        / "deals"
    )
    checked = check(tmp_path)
    assert checked.exit_code == 1, checked.stdout
    assert checked.data["files"] == 3
    assert checked.data["deals"] == 1, "the valid deal must still count"
    assert checked.at(deals / "good.toml") == []
    other = checked.one(deals / "other.toml", "DL102")
    assert other["line"] == line_of(OTHER, "tilte")
    assert "`title`" in other["message"]
    assert checked.data["errors"] == sum(p["severity"] == "error" for p in checked.problems)
    return checked, deals / name


def assert_problem(
    problem: dict[str, Any], line: int, column: int | None, *hints: str, severity: str = "error"
) -> None:
    assert problem["severity"] == severity
    assert problem["line"] == line, problem
    if column is not None:
        assert problem["column"] == column, problem
    for hint in hints:
        assert hint in problem["message"], problem


# --- malformed TOML ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "hint"),
    [
        ('id = "a"\ntitle = "T"\nx = = 3\n', 3, 5, "Invalid value"),
        ('id = "a"\ntitle = "abc\nkind = "license"\n', 2, 13, "Illegal character"),
        # tomllib stops after the repeated value; the line is what matters here.
        ('id = "a"\nid = "b"\n', 2, None, "Cannot overwrite"),
        ('id = "a"\n[[parties]\nname = "x"\n', 2, 10, "']]'"),
        ('id = "a"\nannounced = 2025-02-30\n', 2, 13, "date"),
    ],
    ids=["invalid-value", "unterminated-string", "duplicate-key", "bad-header", "bad-date"],
)
def test_malformed_toml_is_reported_at_its_line_and_column(
    tmp_path: Path, text: str, line: int, column: int | None, hint: str
) -> None:
    checked, bad = check_with_others(tmp_path, "bad.toml", text)
    assert checked.codes(bad) == ["DL003"]
    assert_problem(checked.one(bad, "DL003"), line, column, "TOML syntax error", hint)


def test_text_output_names_file_line_and_column_without_traceback(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"good.toml": minimal_deal("good"), "bad.toml": 'id = "a"\nx = = 3\n'})
    result = run_cli("check", "--ledger", str(tmp_path))
    assert result.exit_code == 1
    bad = str(tmp_path / "deals" / "bad.toml")
    assert f"{bad}:2:5: error DL003 TOML syntax error" in result.stdout
    assert result.stdout.rstrip().endswith("Found 1 error and 0 warnings in 2 files.")
    assert "Traceback" not in result.stdout + result.stderr


# --- wrong types -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "tranche", "needle", "code", "hint"),
    [
        ('summary = ["a"]\n', "", "summary =", "DL103", "found an array"),
        ('tags = "oncology"\n', "", "tags =", "DL103", "must be an array, found a string"),
        ("territory = 5\n", "", "territory =", "DL103", '["CN", "HK"]'),
        ("status = 3\n", "", "status =", "DL104", '"active"'),
        ('financials = "secret"\n', "", "financials =", "DL104", '"undisclosed"'),
        ("", "amount = true\n", "amount = true", "DL103", "expected an amount, found a boolean"),
        ("", "payer = 3\n", "payer =", "DL103", 'e.g. "AstraZeneca"'),
        ("", 'amount = "lots"\n', 'amount = "lots"', "DL109", '"1.62B"'),
        ("", 'status = "done"\n', 'status = "done"', "DL104", '"achieved"'),
        ("", "probability = 1.5\n", "probability", "DL114", "between 0 and 1"),
    ],
    ids=[
        "string-as-array",
        "array-as-string",
        "territory-int",
        "status-int",
        "enum-value",
        "amount-bool",
        "payer-int",
        "amount-text",
        "tranche-status",
        "probability",
    ],
)
def test_wrong_types_are_reported_at_the_value(
    tmp_path: Path, top: str, tranche: str, needle: str, code: str, hint: str
) -> None:
    text = minimal_deal("typed", top, tranches='[[tranches]]\ntype = "upfront"\n' + tranche)
    if "amount" not in tranche:
        text += 'amount = "1M"\n'
    checked, bad = check_with_others(tmp_path, "typed.toml", text)
    problem = checked.one(bad, code)
    line = line_of(text, needle)
    value_column = text.splitlines()[line - 1].index("=") + 3
    assert_problem(problem, line, value_column, hint)
    assert problem["deal"] == "typed"


def test_a_table_where_a_string_is_needed_and_an_enum_near_miss(tmp_path: Path) -> None:
    text = minimal_deal("typed").replace('kind = "license"', 'kind = "licence"')
    text = text.replace('title = "Example licence"', "title = { text = 'x' }")
    checked, bad = check_with_others(tmp_path, "typed.toml", text)
    assert_problem(checked.one(bad, "DL103"), 2, 9, "expected a string, found a table")
    assert_problem(checked.one(bad, "DL104"), 3, 8, 'did you mean "license"?')


# --- unknown and misspelt keys -----------------------------------------------------------


def test_unknown_keys_suggest_the_nearest_key_at_the_keys_line(tmp_path: Path) -> None:
    text = minimal_deal(
        "typos",
        'totl = "110M"\n',
        parties=PARTIES_WITH_TYPO,
        tranches='[[tranches]]\ntype = "upfront"\namount = "110M"\n\n'
        '[[tranches]]\ntype = "milestone"\namout = "1B"\n',
        tail='[[sources]]\nurl = "https://example.com"\nflavour = "vanilla"\n',
    )
    checked, bad = check_with_others(tmp_path, "typos.toml", text)
    found = {p["message"].split("`")[1]: p for p in checked.at(bad, "DL102")}
    assert set(found) == {"totl", "rol", "amout", "flavour"}
    assert_problem(found["totl"], line_of(text, "totl"), 1, "did you mean `total`?")
    assert_problem(found["rol"], line_of(text, "rol ="), 1, "[[parties]] #2", "`role`")
    assert_problem(found["amout"], line_of(text, "amout"), 1, "[[tranches]] #2", "`amount`")
    # Nothing is near "flavour": the message lists the keys that are allowed instead.
    assert_problem(found["flavour"], line_of(text, "flavour"), 1, "known keys:", "publisher")


PARTIES_WITH_TYPO = """\
[[parties]]
name = "Licensor Co"
role = "licensor"

[[parties]]
name = "Licensee Inc"
role = "licensee"
rol = "partner"
"""


def test_unknown_key_inside_an_inline_table(tmp_path: Path) -> None:
    tranches = """\
    [[tranches]]
    type = "royalty"
    tiers = [{ from = 0, rate = "8%" }, { form = "1B", rate = "10%" }]
    """
    text = minimal_deal("inline", tranches=UPFRONT_AND + textwrap.dedent(tranches))
    checked, bad = check_with_others(tmp_path, "inline.toml", text)
    problem = checked.one(bad, "DL102")
    assert_problem(problem, line_of(text, "form ="), column_of(text, "form ="), "`from`")


UPFRONT_AND = '[[tranches]]\ntype = "upfront"\namount = "110M"\n\n'


# --- money -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "hint"),
    [("1.62e9", '"1.62B"'), ("110000000.0", '"110M"'), ("5_300_000_000.0", '"5.3B"')],
)
def test_toml_float_for_money_shows_the_string_form(
    tmp_path: Path, written: str, hint: str
) -> None:
    text = minimal_deal("floaty", tranches=f'[[tranches]]\ntype = "upfront"\namount = {written}\n')
    checked, bad = check_with_others(tmp_path, "floaty.toml", text)
    problem = checked.one(bad, "DL108")
    assert_problem(problem, line_of(text, "amount ="), 10, "TOML float", f"write {hint}")


def test_float_declared_total_is_an_error_too(tmp_path: Path) -> None:
    text = minimal_deal("floaty", "total = 1.62e9\n")
    checked, bad = check_with_others(tmp_path, "floaty.toml", text)
    assert_problem(checked.one(bad, "DL108"), line_of(text, "total ="), 9, 'write "1.62B"')


@pytest.mark.parametrize(
    ("written", "hint"),
    [("-5", "write 5"), ('"-5M"', 'write "5M"'), ('"-1.62B"', 'write "1.62B"')],
)
def test_negative_amounts(tmp_path: Path, written: str, hint: str) -> None:
    text = minimal_deal("neg", tranches=f'[[tranches]]\ntype = "upfront"\namount = {written}\n')
    checked, bad = check_with_others(tmp_path, "neg.toml", text)
    problem = checked.one(bad, "DL110")
    assert_problem(problem, line_of(text, "amount ="), 10, "cannot be negative", hint)


def test_negative_tier_start_and_declared_total(tmp_path: Path) -> None:
    text = minimal_deal(
        "neg",
        "total = -110_000_000\n",
        tranches=UPFRONT_AND + '[[tranches]]\ntype = "royalty"\n'
        'tiers = [{ from = "-1M", rate = "8%" }]\n',
    )
    checked, bad = check_with_others(tmp_path, "neg.toml", text)
    lines = sorted(p["line"] for p in checked.at(bad, "DL110"))
    assert lines == [line_of(text, "total ="), line_of(text, "tiers =")]


# --- codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party", "tranche", "needle", "code", "hint"),
    [
        ("", "", 'currency = "usd"', "DL111", 'upper case; write "USD"'),
        ("", "", 'currency = "XYZ"', "DL111", "not an ISO 4217 currency code"),
        ("", 'currency = "eur"\n', 'currency = "eur"', "DL111", 'write "EUR"'),
        ("", 'currency = "EUX"\n', 'currency = "EUX"', "DL111", '"USD"'),
        ('country = "cn"\n', "", 'country = "cn"', "DL112", 'upper case; write "CN"'),
        ('country = "XX"\n', "", 'country = "XX"', "DL112", "not an ISO 3166-1 alpha-2"),
        ('country = "CHN"\n', "", 'country = "CHN"', "DL112", '"CN"'),
    ],
    ids=[
        "currency-lower",
        "currency-unknown",
        "tranche-currency-lower",
        "tranche-currency-unknown",
        "country-lower",
        "country-unknown",
        "country-alpha3",
    ],
)
def test_unknown_currency_and_country_codes(
    tmp_path: Path, party: str, tranche: str, needle: str, code: str, hint: str
) -> None:
    currency = needle.split('"')[1] if needle.startswith("currency") and not tranche else "USD"
    parties = PARTIES_WITH_TYPO.replace('rol = "partner"\n', party)
    text = minimal_deal("codes", parties=parties, tranches=UPFRONT + tranche, currency=currency)
    checked, bad = check_with_others(tmp_path, "codes.toml", text)
    line = line_of(text, needle)
    problem = checked.one(bad, code)
    assert_problem(problem, line, column_of(text, needle) + needle.index('"'), hint)


# --- slugs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "hint"),
    [
        ("AZ CSPC 2025!", 'write "az-cspc-2025"'),
        ("-leading-hyphen", 'write "leading-hyphen"'),
        ("x" * 81, "at most 80 characters"),
        ("", "lowercase letters, digits and hyphens"),
    ],
    ids=["spaces-caps", "leading-hyphen", "too-long", "empty"],
)
def test_bad_slugs(tmp_path: Path, slug: str, hint: str) -> None:
    text = minimal_deal(slug)
    checked, bad = check_with_others(tmp_path, "slug.toml", text)
    assert_problem(checked.one(bad, "DL105"), 1, 6, hint)


def test_bad_slug_in_related(tmp_path: Path) -> None:
    text = minimal_deal("slugs", 'related = ["good", "Not A Slug"]\n')
    checked, bad = check_with_others(tmp_path, "slug.toml", text)
    problem = checked.one(bad, "DL105")
    assert_problem(problem, line_of(text, "related"), column_of(text, '"Not'), '"not-a-slug"')


# --- dates and periods -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ('"2025-06-13"', "remove the quotes: 2025-06-13"),
        ("2025-06-13T10:00:00", "without a time; write 2025-06-13"),
        ("2025-06-13T10:00:00Z", "without a time; write 2025-06-13"),
        ("20250613", "expected a date such as 2025-06-13"),
        ('"13 June 2025"', "expected a date such as 2025-06-13"),
    ],
    ids=["quoted", "local-datetime", "offset-datetime", "integer", "prose"],
)
def test_bad_dates(tmp_path: Path, written: str, hint: str) -> None:
    text = minimal_deal("dates").replace("announced = 2025-06-13", f"announced = {written}")
    checked, bad = check_with_others(tmp_path, "dates.toml", text)
    assert_problem(checked.one(bad, "DL106"), line_of(text, "announced"), 13, hint)


def test_bad_date_in_a_tranche_and_a_source(tmp_path: Path) -> None:
    text = minimal_deal(
        "dates",
        tranches='[[tranches]]\ntype = "upfront"\namount = "1M"\nstatus = "paid"\n'
        'paid = "2025-07-01"\n',
        tail='[[sources]]\nurl = "https://example.com"\npublished = 2025-06-13 10:00:00\n',
    )
    checked, bad = check_with_others(tmp_path, "dates.toml", text)
    found = sorted((p["line"], p["message"]) for p in checked.at(bad, "DL106"))
    assert [line for line, _ in found] == [line_of(text, "paid ="), line_of(text, "published")]
    assert "remove the quotes: 2025-07-01" in found[0][1]
    assert "write 2025-06-13" in found[1][1]


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ('"2027-Q5"', '"2027-Q2"'),
        ('"2027-13"', "month must be 01 to 12"),
        ('"2027-H3"', '"2027-H1"'),
        ('"Q2 2027"', '"2027-Q2"'),
        ('"2027-06-30"', "remove the quotes: 2027-06-30"),
        ("2027", "a period string"),
        ("2027-06-30T00:00:00", "a period string"),
    ],
    ids=["quarter-5", "month-13", "half-3", "word-order", "quoted-date", "integer", "datetime"],
)
def test_bad_periods(tmp_path: Path, written: str, hint: str) -> None:
    tranche = f'[[tranches]]\ntype = "milestone"\namount = "1B"\ndue = {written}\n'
    text = minimal_deal("periods", tranches=UPFRONT_AND + tranche)
    checked, bad = check_with_others(tmp_path, "periods.toml", text)
    assert_problem(checked.one(bad, "DL107"), line_of(text, "due ="), 7, hint)


def test_good_periods_pass(tmp_path: Path) -> None:
    tranches = UPFRONT_AND + "".join(
        f'[[tranches]]\ntype = "milestone"\namount = "1M"\ndue = {due}\n\n'
        for due in ('"2027"', '"2027-06"', '"2027-Q4"', '"2027-H2"', "2027-06-30")
    )
    make_ledger(tmp_path, {"periods.toml": minimal_deal("periods", tranches=tranches)})
    checked = check(tmp_path)
    assert (checked.exit_code, checked.problems, checked.data["deals"]) == (0, [], 1)


# --- files that cannot be used -----------------------------------------------------------


@pytest.mark.parametrize("content", ["", "   \n\n\t\n", "\ufeff"], ids=["zero", "blank", "bom"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    checked, bad = check_with_others(tmp_path, "empty.toml", content)
    assert checked.codes(bad) == ["DL005"]
    assert_problem(checked.one(bad, "DL005"), 1, 1, "id, title, kind, announced")


@pytest.mark.parametrize(
    ("content", "line", "column", "hint"),
    [
        ('id = "x"\ntitle = "caf\xe9"\n'.encode("latin-1"), 2, 13, "byte 0xe9"),
        ("id = 'x'\n".encode("utf-16"), 1, 1, "file is UTF-16"),
        (b'id = "x"\n\n# ok \xc3\xa9 then bad \xc3\x28\n', 3, 17, "byte 0xc3"),
    ],
    ids=["latin-1", "utf-16", "invalid-continuation"],
)
def test_non_utf8_file_is_reported_at_the_bad_byte(
    tmp_path: Path, content: bytes, line: int, column: int, hint: str
) -> None:
    checked, bad = check_with_others(tmp_path, "encoded.toml", content)
    assert checked.codes(bad) == ["DL002"]
    assert_problem(checked.one(bad, "DL002"), line, column, hint, "as UTF-8")


def test_a_ledger_with_no_deals_is_clean(tmp_path: Path) -> None:
    (tmp_path / "deals" / "2025").mkdir(parents=True)
    (tmp_path / "deals" / "README.md").write_text("not a deal file\n", encoding="utf-8")
    checked = check(tmp_path)
    assert checked.exit_code == 0
    assert checked.data == {"files": 0, "deals": 0, "errors": 0, "warnings": 0, "problems": []}
    text = run_cli("check", "--ledger", str(tmp_path))
    assert (text.exit_code, text.stdout) == (0, "No problems in 0 files.\n")


def test_a_ledger_without_a_deals_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("check", "--ledger", str(tmp_path), "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "is not a folder of deal files" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_path_is_a_usage_error_on_stderr(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"good.toml": minimal_deal("good")})
    missing = str(tmp_path / "deals" / "no-such-deal.toml")
    result = run_cli("check", "--ledger", str(tmp_path), "--format", "json", missing)
    assert result.exit_code == 2
    assert result.stdout == "", "a usage error must not print a report"
    assert "no such file or folder" in result.stderr
    assert "no-such-deal.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_path_read_from_stdin_is_a_usage_error(tmp_path: Path) -> None:
    deals = make_ledger(tmp_path, {"good.toml": minimal_deal("good")}) / "deals"
    stdin = f"{deals / 'good.toml'}\n{tmp_path / 'typo.toml'}\n"
    result = run_cli("check", "--ledger", str(tmp_path), "-", stdin=stdin)
    assert result.exit_code == 2
    assert "typo.toml" in result.stderr


def test_a_missing_ledger_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("check", "--ledger", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "Traceback" not in result.stdout + result.stderr


# --- duplicate ids -----------------------------------------------------------------------


def test_duplicate_ids_across_files_name_each_other(tmp_path: Path) -> None:
    deals = (
        make_ledger(
            tmp_path,
            {
                "good.toml": minimal_deal("good"),
                "other.toml": OTHER,
                "a.toml": minimal_deal("twin"),
                "2025/b.toml": minimal_deal("twin"),
            },
        )
        / "deals"
    )
    checked = check(tmp_path)
    assert checked.exit_code == 1
    assert checked.data["deals"] == 1, "neither copy may count as a valid deal"
    assert checked.one(deals / "other.toml", "DL102")
    first = checked.one(deals / "a.toml", "DL301")
    second = checked.one(deals / "2025/b.toml", "DL301")
    assert_problem(first, 1, 6, "'twin'", str(Path("deals", "2025", "b.toml")))
    assert_problem(second, 1, 6, "'twin'", str(Path("deals", "a.toml")))


def test_three_files_sharing_an_id_each_name_the_other_two(tmp_path: Path) -> None:
    deals = (
        make_ledger(
            tmp_path,
            {
                "good.toml": minimal_deal("good"),
                "other.toml": OTHER,
                "a.toml": minimal_deal("twin"),
                "b.toml": minimal_deal("twin"),
                "c.toml": minimal_deal("twin"),
            },
        )
        / "deals"
    )
    checked = check(tmp_path)
    assert checked.exit_code == 1
    assert checked.data["deals"] == 1
    assert checked.one(deals / "other.toml", "DL102")
    for name in ("a", "b", "c"):
        message = checked.one(deals / f"{name}.toml", "DL301")["message"]
        others = {"a", "b", "c"} - {name}
        assert all(f"{other}.toml" in message for other in others), message
        assert f"{name}.toml" not in message


# --- unreadable files --------------------------------------------------------------------


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root reads files whatever their mode",
)
def test_permission_denied_is_dl001(tmp_path: Path) -> None:
    deals = (
        make_ledger(
            tmp_path,
            {
                "good.toml": minimal_deal("good"),
                "other.toml": OTHER,
                "locked.toml": minimal_deal("x"),
            },
        )
        / "deals"
    )
    (deals / "locked.toml").chmod(0)
    try:
        checked = check(tmp_path)
    finally:
        (deals / "locked.toml").chmod(0o644)
    assert checked.exit_code == 1
    assert checked.data["deals"] == 1
    assert "permission denied" in checked.one(deals / "locked.toml", "DL001")["message"]


def _unreadable(tmp_path: Path, kind: str) -> Path:
    deals = tmp_path / "deals"
    deals.mkdir(parents=True, exist_ok=True)
    path = deals / "unreadable.toml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "loop":
        path.symlink_to(path.name)
    elif kind == "dangling":
        path.symlink_to("nowhere.toml")
    return path


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        ("fifo", "not a regular file"),
        ("loop", "link loop"),
        ("dangling", "broken link"),
    ],
)
def test_files_that_cannot_be_read_even_by_root(tmp_path: Path, kind: str, hint: str) -> None:
    if kind == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    bad = _unreadable(tmp_path, kind)
    deals = (
        make_ledger(tmp_path, {"good.toml": minimal_deal("good"), "other.toml": OTHER}) / "deals"
    )
    checked = check(tmp_path)
    assert checked.exit_code == 1
    assert (checked.data["files"], checked.data["deals"]) == (3, 1)
    assert checked.one(deals / "other.toml", "DL102")
    problem = [p for p in checked.problems if p["path"].endswith("unreadable.toml")]
    assert [p["code"] for p in problem] == ["DL001"], checked.problems
    assert hint in problem[0]["message"]
    assert problem[0]["path"] == str(bad)


def test_a_folder_named_like_a_deal_file_is_searched_not_read(tmp_path: Path) -> None:
    deals = make_ledger(tmp_path, {"odd.toml/inner.toml": minimal_deal("inner")}) / "deals"
    # A link to a folder is not followed (no loops, nothing from outside the ledger).
    (tmp_path / "deals" / "linked.toml").symlink_to(tmp_path / "deals" / "odd.toml")
    checked = check(tmp_path)
    assert checked.exit_code == 0, checked.problems
    assert checked.data["deals"] == 1
    (linked,) = [p for p in checked.problems if p["path"].endswith("linked.toml")]
    assert (linked["severity"], linked["code"]) == ("warning", "DL001")
    assert (deals / "odd.toml/inner.toml").is_file()


# --- paths from stdin --------------------------------------------------------------------


def test_paths_from_stdin_check_only_those_files(tmp_path: Path) -> None:
    bad_text = minimal_deal("bad", 'tilte = "x"\n')
    deals = (
        make_ledger(
            tmp_path,
            {
                "good.toml": minimal_deal("good"),
                "bad.toml": bad_text,
                "unlisted.toml": 'id = "x"\nx = = 1\n',
            },
        )
        / "deals"
    )
    stdin = f"{deals / 'good.toml'}\n\n{deals / 'bad.toml'}\n"
    checked = check(tmp_path, "-", stdin=stdin)
    assert checked.exit_code == 1
    assert (checked.data["files"], checked.data["deals"]) == (2, 1)
    assert checked.at(deals / "unlisted.toml") == []
    assert_problem(checked.one(deals / "bad.toml", "DL102"), line_of(bad_text, "tilte"), 1)


def test_empty_stdin_checks_nothing_and_passes(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"bad.toml": "x = = 1\n"})
    checked = check(tmp_path, "-", stdin="")
    assert checked.exit_code == 0
    assert checked.data["files"] == 0


def test_stdin_paths_still_see_the_whole_ledger_for_duplicate_ids(tmp_path: Path) -> None:
    deals = (
        make_ledger(tmp_path, {"a.toml": minimal_deal("twin"), "b.toml": minimal_deal("twin")})
        / "deals"
    )
    checked = check(tmp_path, "-", stdin=f"{deals / 'a.toml'}\n")
    assert checked.exit_code == 1
    assert checked.data["files"] == 1
    assert "b.toml" in checked.one(deals / "a.toml", "DL301")["message"]
    assert checked.at(deals / "b.toml") == []


def test_relative_paths_are_shown_as_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_ledger(tmp_path, {"2025/bad.toml": "x = = 1\n"})
    monkeypatch.chdir(tmp_path)
    checked = check(Path("."))
    assert [p["path"] for p in checked.problems] == [str(Path("deals", "2025", "bad.toml"))]
