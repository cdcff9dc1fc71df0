"""Format version 2: a file using every new key is valid, and each rule on the new terms
fires at the line at fault with a fix in its message (each case fails without its rule)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builders import make_ledger
from check_runs import check_json, run
from v2_deals import BASE, OTHER


def _ledger(tmp_path: Path, text: str) -> Path:
    return make_ledger(tmp_path, {"v2.toml": text, "base.toml": OTHER})


def test_a_file_using_every_version_2_key_is_valid(tmp_path: Path) -> None:
    code, report = check_json(_ledger(tmp_path, BASE), "--strict")
    assert report["problems"] == []
    assert code == 0


def _line(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


CASES = [
    # (name, old, new, code, line of, words in the message)
    (
        "split-over-100",
        'share = "35%" }',
        'share = "100%" }',
        "DL225",
        "split =",
        "leaving nothing",
    ),
    (
        "split-not-100",
        'share = "undisclosed" }',
        'share = "60%" }',
        "DL225",
        "split =",
        "not 100%",
    ),
    (
        "paid-before-signing",
        "paid = 2024-07-01",
        "paid = 2024-06-01",
        "DL204",
        "paid = 2024-06-01",
        "before the deal was signed",
    ),
    (
        "paid-in-before-signing",
        'paid_in = "2024-07"',
        'paid_in = "2024-05"',
        "DL204",
        'paid_in = "2024-05"',
        "ends before",
    ),
    (
        "exercised-after-deadline",
        "exercised = 2025-01-10",
        "exercised = 2026-07-01",
        "DL205",
        "exercised = 2026-07-01",
        "deadline",
    ),
    (
        "exercised-on-open-option",
        'status = "exercised"',
        'status = "open"',
        "DL206",
        "exercised = 2025-01-10",
        'status = "exercised"',
    ),
    (
        "over-tranche-in-up-to-total",
        'total_qualifier = "over"',
        'total_qualifier = "about"',
        "DL231",
        "total_qualifier",
        "floor",
    ),
    ("qualifier-without-total", 'total = "1.5B"\n', "", "DL231", "total_qualifier", "no"),
    ("floor-not-reached", 'total = "1.5B"', 'total = "2B"', "DL230", 'total = "2B"', "floor"),
    (
        "contradictory-roles",
        'role = ["licensee", "investor"]',
        'role = ["licensee", "licensor"]',
        "DL215",
        'role = ["licensee", "licensor"]',
        "cannot be both",
    ),
    (
        "unknown-covers-stage",
        '"regulatory", "sales"]',
        '"regulatory", "marketing"]',
        "DL104",
        "covers =",
        "development",
    ),
    (
        "sales-share-without-sales",
        'covers = ["development", "regulatory", "sales"]',
        'covers = ["development", "regulatory"]',
        "DL226",
        "sales_share",
        "covers",
    ),
    ("stock-inconsistent", 'price = "2.51"', 'price = "3.51"', "DL227", "stock =", "come to"),
    (
        "stock-issuer-elsewhere",
        'issuer = "Licensor Co", shares',
        'issuer = "Second Licensor", shares',
        "DL227",
        "stock =",
        "neither",
    ),
    ("parts-exceed", 'amount = "175M"', 'amount = "75M"', "DL228", "parts =", "more than"),
    (
        "unknown-option",
        'option = "china"\n\n[[tranches]]',
        'option = "chna"\n\n[[tranches]]',
        "DL216",
        'option = "chna"',
        "china",
    ),
    ("partial-termination-without-asset", 'asset = "B-2"\n', "", "DL229", "[[events]]", "asset"),
    (
        "unknown-asset-in-list",
        'asset = ["A-1", "B-2"]',
        'asset = ["A-1", "C-3"]',
        "DL214",
        'asset = ["A-1", "C-3"]',
        "C-3",
    ),
    (
        "unknown-region",
        'territory = ["worldwide", "ex-CN", "ex-HK"]',
        'territory = ["worldwide", "ex-CN", "ex-Hongkong"]',
        "DL117",
        "territory =",
        "ex-",
    ),
    (
        "amends-unknown-deal",
        'amends = "base-deal"',
        'amends = "no-such-deal"',
        "DL306",
        "amends =",
        "no-such-deal",
    ),
    (
        "event-before-signing",
        'date = "2025-Q3"',
        'date = "2024-Q1"',
        "DL204",
        'date = "2024-Q1"',
        "before",
    ),
    (
        "bad-royalty-band",
        'rate = "tiered, up to mid-teens"',
        'rate = "tiered, up to mid-tens"',
        "DL115",
        "rate =",
        "mid-teens",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "code", "needle", "words"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_version_2_rule_fires_at_its_line(
    tmp_path: Path, old: str, new: str, code: str, needle: str, words: str
) -> None:
    assert old in BASE
    text = BASE.replace(old, new, 1)
    _, report = check_json(_ledger(tmp_path, text), "--strict")
    found = [problem for problem in report["problems"] if problem["code"] == code]
    assert found, report["problems"]
    assert found[0]["line"] == _line(text, needle), found
    assert words in found[0]["message"]


def test_territory_words_are_checked_only_in_files_that_declare_format_2(tmp_path: Path) -> None:
    text = BASE.replace('"ex-HK"]', '"Hong Kong"]', 1).replace("format = 2\n", "")
    _, report = check_json(_ledger(tmp_path, text), "--strict")
    assert report["problems"] == []


def test_a_split_tranche_is_attributed_to_each_payee_in_totals(tmp_path: Path) -> None:
    root = _ledger(tmp_path, BASE)
    result = run("totals", "--ledger", str(root), "--format", "json", "--by", "payee")
    groups = {group["key"]["payee"]: group for group in json.loads(result.stdout)["groups"]}
    assert groups["Second Licensor"]["upfront"] == 65_000_000
    # Licensor Co: its 35% of the upfront; the shared milestone goes to the joint key.
    assert groups["Licensor Co"]["upfront"] == 35_000_000
    assert groups["Licensor Co + Second Licensor"]["milestone"] == 1_500_000_000


def test_version_2_terms_appear_in_show_json_only_where_set(tmp_path: Path) -> None:
    root = _ledger(tmp_path, BASE)
    shown = json.loads(run("show", "v2-example", "--ledger", str(root), "-f", "json").stdout)
    assert shown["options"][0]["id"] == "china"
    assert shown["tranches"][1]["covers"] == ["development", "regulatory", "sales"]
    assert shown["tranches"][1]["asset"] == ["A-1", "B-2"]
    assert shown["tranches"][0]["split"][0] == {"payee": ["Licensor Co"], "share": 0.35}
    assert shown["parties"][0]["role"] == "licensor, investee"
    base = json.loads(run("show", "base-deal", "--ledger", str(root), "-f", "json").stdout)
    assert "options" not in base and "total_qualifier" not in base


def test_figures_treat_mixed_option_and_equity_tranches_as_other(tmp_path: Path) -> None:
    root = _ledger(tmp_path, BASE)
    rows = json.loads(run("summarize", "--ledger", str(root), "-f", "json").stdout)
    row = next(row for row in rows if row["id"] == "v2-example")
    assert row["upfront"] == 100_000_000
    assert row["milestone"] == 1_500_000_000
    assert row["other"] == 175_000_000 + 25_100_000 + 150_000_000
    assert row["paid"] == 275_000_000
