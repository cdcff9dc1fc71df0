"""Limits: oversized or pathological files get one DL004 problem, never a crash or a hang."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import make_ledger, minimal_deal
from dealledger.cli import app
from dealledger.domain import limits
from dealledger.domain.limits import MAX_FILE_BYTES, MAX_NESTING, nesting_breach
from dealledger.load.document import read_document
from dealledger.rules.deal_file import load_deal_file

runner = CliRunner()

VALID = minimal_deal("ok")


def ledger_with(tmp_path: Path, name: str, content: str | bytes) -> Path:
    return make_ledger(tmp_path, {"other.toml": minimal_deal("other"), name: content})


def check_json(root: Path) -> dict:
    result = runner.invoke(app, ["check", "--ledger", str(root), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def problems_of(document: dict, name: str) -> list[dict]:
    return [problem for problem in document["problems"] if problem["path"].endswith(name)]


def test_30_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    root = ledger_with(tmp_path, "huge.toml", b"")
    with (root / "deals" / "huge.toml").open("wb") as handle:
        handle.truncate(30 * 1024 * 1024)  # sparse: the test stays fast
    document = check_json(root)
    [problem] = problems_of(document, "huge.toml")
    assert problem["code"] == "DL004"
    assert "31,457,280 bytes" in problem["message"] and f"{MAX_FILE_BYTES:,}" in problem["message"]
    assert document["deals"] == 1  # the other file is still checked


def test_file_one_byte_over_the_limit(tmp_path: Path) -> None:
    content = VALID + "#" * (MAX_FILE_BYTES - len(VALID)) + "\n"
    root = ledger_with(tmp_path, "big.toml", content)
    [problem] = problems_of(check_json(root), "big.toml")
    assert problem["code"] == "DL004"


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("[", "]"), ("{a = ", "}")],
    ids=["arrays", "inline-tables"],
)
def test_deep_nesting_is_a_problem_not_a_recursion_error(
    tmp_path: Path, opening: str, closing: str
) -> None:
    content = "x = " + opening * 100_000 + "1" + closing * 100_000 + "\n"
    root = ledger_with(tmp_path, "deep.toml", content)
    [problem] = problems_of(check_json(root), "deep.toml")
    assert problem["code"] == "DL004"
    assert problem["line"] == 1
    assert "nested" in problem["message"]


def test_unclosed_deep_nesting(tmp_path: Path) -> None:
    root = ledger_with(tmp_path, "deep.toml", "x = " + "[" * 1_000_000)
    [problem] = problems_of(check_json(root), "deep.toml")
    assert problem["code"] == "DL004"


def test_nesting_at_the_limit_is_only_a_format_problem(tmp_path: Path) -> None:
    nested = "tags = " + "[" * MAX_NESTING + '"x"' + "]" * MAX_NESTING + "\n"
    content = VALID.replace('currency = "USD"\n', 'currency = "USD"\n' + nested)
    root = ledger_with(tmp_path, "nested.toml", content)
    codes = {problem["code"] for problem in problems_of(check_json(root), "nested.toml")}
    assert "DL004" not in codes


@pytest.mark.parametrize("inner", ['"x"', ""], ids=["value-inside", "empty-innermost"])
def test_nesting_one_over_the_limit_with_few_brackets(tmp_path: Path, inner: str) -> None:
    """Few brackets skip the text scan; the check after parsing must hold the same line."""
    nested = "tags = " + "[" * (MAX_NESTING + 1) + inner + "]" * (MAX_NESTING + 1) + "\n"
    content = VALID.replace('currency = "USD"\n', 'currency = "USD"\n' + nested)
    root = ledger_with(tmp_path, "nested.toml", content)
    codes = [problem["code"] for problem in problems_of(check_json(root), "nested.toml")]
    assert codes == ["DL004"]


def test_dotted_keys_deeper_than_the_limit(tmp_path: Path) -> None:
    content = VALID.replace('title = "Example licence"', "title." + ".".join(["a"] * 200) + " = 1")
    root = ledger_with(tmp_path, "dotted.toml", content)
    [problem] = problems_of(check_json(root), "dotted.toml")
    assert problem["code"] == "DL004"
    assert problem["line"] == 2


@pytest.mark.parametrize("header", [False, True], ids=["key", "header"])
def test_a_key_of_a_million_parts_is_refused_before_parsing(tmp_path: Path, header: bool) -> None:
    """tomllib's cost grows with the square of a dotted key's parts: 2 MB of `a.a.a…` would
    take hours to parse, so such a key is refused from the text, where it is written."""
    import time

    key = ".".join(["a"] * 1_000_000)
    content = VALID + (f"[{key}]\nb = 1\n" if header else f"{key} = 1\n")
    start = time.process_time()
    document = read_document(Path("long.toml"), "long.toml", content.encode())
    assert time.process_time() - start < 10
    [problem] = document.problems
    assert (problem.code, problem.line, problem.column) == ("DL004", VALID.count("\n") + 1, 1)
    assert problem.message == limits.TABLES_TOO_DEEP


def test_a_key_of_many_parts_inside_a_string_is_no_key() -> None:
    text = VALID.replace('"A valid deal"', '"""' + ".".join(["a"] * 1000) + ' = 1\n"""')
    document = read_document(Path("ok.toml"), "ok.toml", text.encode())
    assert document.problems == ()


@pytest.mark.parametrize(
    "text",
    [
        'title = "' + "[" * 100 + '"',
        "title = '" + "{" * 100 + "'",
        'title = """\n' + "[" * 100 + '\n"""',
        "title = '''\n" + "[" * 100 + "\n'''",
        "# " + "[" * 100 + '\ntitle = "x"',
        'title = """a\\"""' + "[" * 100 + '"""',
        'title = """a""""',
    ],
)
def test_brackets_in_strings_and_comments_do_not_count(text: str) -> None:
    assert nesting_breach(text) is None


def test_long_string_is_a_problem_at_its_key(tmp_path: Path) -> None:
    content = VALID.replace("Example licence", "x" * (limits.MAX_STRING_CHARS + 1))
    root = ledger_with(tmp_path, "long.toml", content)
    [problem] = problems_of(check_json(root), "long.toml")
    assert problem["code"] == "DL004"
    assert problem["line"] == 2
    assert "100,000-character" in problem["message"]


def test_too_many_tranches(tmp_path: Path) -> None:
    tranche = '\n[[tranches]]\ntype = "milestone"\namount = 1\n'
    content = VALID + tranche * limits.MAX_TRANCHES
    root = ledger_with(tmp_path, "many.toml", content)
    [problem] = problems_of(check_json(root), "many.toml")
    assert problem["code"] == "DL004"
    assert "1,001 items" in problem["message"]


def test_too_many_parties(tmp_path: Path) -> None:
    party = '\n[[parties]]\nname = "P{}"\nrole = "partner"\n'
    content = VALID + "".join(party.format(index) for index in range(limits.MAX_PARTIES))
    root = ledger_with(tmp_path, "parties.toml", content)
    [problem] = problems_of(check_json(root), "parties.toml")
    assert problem["code"] == "DL004"


def test_huge_table(tmp_path: Path) -> None:
    keys = "".join(f"k{index} = 1\n" for index in range(limits.MAX_ITEMS + 1))
    root = ledger_with(tmp_path, "keys.toml", "[t]\n" + keys)
    [problem] = problems_of(check_json(root), "keys.toml")
    assert problem["code"] == "DL004"
    assert problem["line"] == 1


def test_huge_array_of_strings(tmp_path: Path) -> None:
    content = VALID.replace("kind =", "tags = [" + '"t",' * 50_000 + "]\nkind =")
    root = ledger_with(tmp_path, "tags.toml", content)
    [problem] = problems_of(check_json(root), "tags.toml")
    assert problem["code"] == "DL004"


def test_integer_of_5000_digits(tmp_path: Path) -> None:
    root = ledger_with(tmp_path, "digits.toml", VALID.replace('"110M"', "9" * 5000))
    [problem] = problems_of(check_json(root), "digits.toml")
    assert problem["code"] == "DL004"
    # tomllib does not say where; the problem points at the integer all the same.
    assert (problem["line"], problem["column"]) == (VALID.count("\n"), 10)


@pytest.mark.parametrize(
    ("where", "line", "column"),
    [
        ("x = [1, 2, { y = BIG }]", 0, 18),
        ('x = "BIG"\ny = 1.BIG\nz = -BIG', 2, 5),
        ("x = 1979-05-27\ny = BIG", 1, 5),
    ],
    ids=["in-an-inline-table", "after-a-string-and-a-float", "after-a-date"],
)
def test_a_long_integer_is_found_where_it_is_written(where: str, line: int, column: int) -> None:
    text = VALID + where.replace("BIG", "1_" * 4400 + "1") + "\n"
    [problem] = read_document(Path("n.toml"), "n.toml", text.encode()).problems
    assert problem.code == "DL004"
    assert (problem.line, problem.column) == (VALID.count("\n") + 1 + line, column)


@pytest.mark.parametrize(
    "amount",
    ['"999999999999999999999999999999999B"', "99999999999999999999", '"0.00000000000001"'],
)
def test_amounts_beyond_exact_arithmetic_are_problems(tmp_path: Path, amount: str) -> None:
    root = ledger_with(tmp_path, "amount.toml", VALID.replace('"110M"', amount))
    [problem] = problems_of(check_json(root), "amount.toml")
    assert problem["code"] == "DL109"


def test_largest_amount_is_accepted_and_exact(tmp_path: Path) -> None:
    root = ledger_with(tmp_path, "amount.toml", VALID.replace('"110M"', '"1000000000000000"'))
    result = runner.invoke(app, ["summarize", "--ledger", str(root), "-f", "json"])
    assert result.exit_code == 0, result.output
    totals = sorted(record["total"] for record in json.loads(result.stdout))
    assert totals[-1] == 1_000_000_000_000_000


@pytest.mark.parametrize(
    "value",
    ['"NaN"', '"sNaN"', "nan", "inf", '"1e999999999"', '"-Infinity"', '"1e-999999999"'],
)
def test_non_finite_probabilities_are_problems(tmp_path: Path, value: str) -> None:
    content = VALID.replace('amount = "110M"', f'amount = "110M"\nprobability = {value}')
    root = ledger_with(tmp_path, "probability.toml", content)
    [problem] = problems_of(check_json(root), "probability.toml")
    assert problem["code"] == "DL114"


def test_settings_file_allows_long_fx_tables(tmp_path: Path) -> None:
    root = ledger_with(tmp_path, "x.toml", VALID)
    rates = "".join(
        f'[[fx]]\ndate = 2020-01-01\nfrom = "C{index % 26:c}"\nto = "USD"\nrate = "1"\n'
        for index in range(65, 65 + 2000)
    )
    (root / "dealledger.toml").write_text(rates, encoding="utf-8")
    document = read_document(root / "dealledger.toml", "dealledger.toml", settings=True)
    assert not [problem for problem in document.problems if problem.code == "DL004"]


def test_settings_file_deep_nesting(tmp_path: Path) -> None:
    root = ledger_with(tmp_path, "x.toml", VALID)
    (root / "dealledger.toml").write_text("x = " + "[" * 50_000, encoding="utf-8")
    document = check_json(root)
    assert [p["code"] for p in problems_of(document, "dealledger.toml")] == ["DL004"]


def test_loader_never_raises_on_limit_breaches(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text("a = " + "{b = " * 5000, encoding="utf-8")
    deal_file = load_deal_file(path, "x.toml")
    assert deal_file.deal is None
    assert [problem.code for problem in deal_file.problems] == ["DL004"]


def test_too_many_values_in_one_file(tmp_path: Path) -> None:
    tranche = '[[tranches]]\ntype = "upfront"\namount = "5M"\n' + "".join(
        f"z{index} = 1\n" for index in range(100)
    )
    root = ledger_with(tmp_path, "values.toml", VALID + tranche * 300)
    [problem] = problems_of(check_json(root), "values.toml")
    assert problem["code"] == "DL004"
    assert "20,000 values" in problem["message"]


def test_problems_per_file_are_capped(tmp_path: Path) -> None:
    tranche = '[[tranches]]\ntype = "upfront"\namount = "5M"\n' + "".join(
        f"z{index} = 1\n" for index in range(50)
    )
    root = ledger_with(tmp_path, "noisy.toml", VALID + tranche * 20)  # 1,000 unknown keys
    problems = problems_of(check_json(root), "noisy.toml")
    assert len(problems) == limits.MAX_PROBLEMS + 1
    [summary] = [problem for problem in problems if problem["code"] == "DL004"]
    assert summary["message"].startswith("1,000 problems in this file")


def test_messages_quoting_long_values_are_shortened(tmp_path: Path) -> None:
    content = VALID.replace('kind = "license"', f'kind = "{"x" * 50_000}"')
    root = ledger_with(tmp_path, "kind.toml", content)
    [problem] = problems_of(check_json(root), "kind.toml")
    assert problem["code"] == "DL104"
    assert len(problem["message"]) == limits.MAX_MESSAGE_CHARS
    assert problem["message"].endswith("…")
