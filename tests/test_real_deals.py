"""The real-deals corpus (tests/data/real-deals): fourteen sourced agreements of 2021-2026 in
format version 2. It passes `check --strict`; its figures equal the hand-computed ones in
EXPECTED.toml; every gap row of issue 13 is shown by a file that uses the key for it; and
every source is an article page, never a site root or an index."""

from __future__ import annotations

import json
import shutil
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from builders import REPO
from check_runs import run
from dealledger.domain.money import parse_money_text

CORPUS = REPO / "tests" / "data" / "real-deals"
EXPECTED = tomllib.loads((CORPUS / "EXPECTED.toml").read_text(encoding="utf-8"))
FIGURES = ("upfront", "milestone", "commercial", "other", "total", "paid", "forfeited")


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("real-deals") / "ledger"
    shutil.copytree(CORPUS, root)
    return root


def _deals() -> dict[str, dict[str, Any]]:
    return {
        path.stem: tomllib.loads(path.read_text(encoding="utf-8"))
        for path in sorted((CORPUS / "deals").glob("*.toml"))
    }


def _money(text: str) -> Decimal:
    return parse_money_text(text).value


def test_the_corpus_passes_a_strict_check(ledger: Path) -> None:
    result = run("check", "--ledger", str(ledger), "--strict", "--no-cache")
    assert result.exit_code == 0, result.output


def test_the_corpus_has_at_least_ten_version_2_deals_of_2020_to_2026() -> None:
    deals = _deals()
    assert len(deals) >= 10
    for name, data in deals.items():
        assert data["format"] == 2, name
        assert 2020 <= data["announced"].year <= 2026, name
        assert data["id"] == name


def test_summarize_gives_the_hand_computed_figures(ledger: Path) -> None:
    rows = json.loads(run("summarize", "--ledger", str(ledger), "-f", "json").stdout)
    assert {row["id"] for row in rows} == set(EXPECTED["deals"])
    for row in rows:
        expected = EXPECTED["deals"][row["id"]]
        assert row["currency"] == expected["currency"], row["id"]
        for name in (*FIGURES, "declared_total", "outstanding"):
            want = _money(expected[name]) if name in expected else None
            got = None if row[name] is None else Decimal(str(row[name]))
            assert got == want, (row["id"], name, got, want)


def test_totals_give_the_hand_computed_usd_sums(ledger: Path) -> None:
    document = json.loads(run("totals", "--ledger", str(ledger), "-f", "json").stdout)
    overall, expected = document["overall"], EXPECTED["totals"]
    assert document["currency"] == expected["currency"]
    assert overall["deals"] == expected["deals"]
    assert overall["incomplete_deals"] == expected["incomplete_deals"]
    for name in (*FIGURES, "outstanding"):
        assert Decimal(str(overall[name])) == Decimal(expected[name].replace("_", "")), name


def test_every_source_is_an_article_page_not_a_site_root_or_index() -> None:
    for name, data in _deals().items():
        assert data.get("sources"), name
        for source in data["sources"]:
            parts = urlsplit(source["url"])
            assert parts.path.strip("/") or parts.query, (name, source["url"])
            assert "press-releases.html" not in parts.path, (name, source["url"])


def _tranches(data: dict[str, Any]) -> list[dict[str, Any]]:
    return list(data.get("tranches", []))


def _combined(data: dict[str, Any]) -> bool:
    return any(len(t.get("covers", [])) > 1 and "sales" in t["covers"] for t in _tranches(data))


def _roles(data: dict[str, Any]) -> bool:
    return any(isinstance(party["role"], list) for party in data["parties"])


#: Issue 13's gap table: each row, the corpus file that shows it, and what in the file does.
GAPS: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {
    "one milestone figure across development, regulatory and sales": (
        "pfizer-3sbio-2025-ssgj707",
        _combined,
    ),
    "licensee options (a China option)": (
        "pfizer-3sbio-2025-ssgj707",
        lambda d: d["options"][0]["right"] == "territory" and "option" in d["tranches"][4],
    ),
    "licensor options (cost/profit share, co-promotion)": (
        "dualitybio-biontech-2023-adcs",
        lambda d: {o["right"] for o in d["options"]} == {"cost-profit-share", "co-promotion"},
    ),
    "option declined": (
        "beigene-novartis-2021-ociperlimab",
        lambda d: d["options"][0]["status"] == "declined",
    ),
    "headline that leaves out equity and option fees": (
        "pfizer-3sbio-2025-ssgj707",
        lambda d: d["total_includes"] == ["upfront", "milestone"],
    ),
    "headline as a floor (over)": (
        "hengrui-kailera-2024-glp1-newco",
        lambda d: d["total_qualifier"] == "over",
    ),
    "headline as an approximation (about)": (
        "hengrui-gsk-2025-hrs9821",
        lambda d: d["total_qualifier"] == "about",
    ),
    "headline covering undisclosed parts": (
        "hengrui-merckkgaa-2023-parp1-adc",
        lambda d: d["total_covers_undisclosed"] is True,
    ),
    "royalty rate undisclosed": (
        "beigene-novartis-2021-tislelizumab",
        lambda d: d["tranches"][3]["rate"] == "undisclosed",
    ),
    "royalty tiered with a band": (
        "dualitybio-biontech-2023-adcs",
        lambda d: d["tranches"][2]["rate"] == "tiered, single-digit to double-digit",
    ),
    "royalty band above high-double-digit": (
        "beigene-novartis-2021-ociperlimab",
        lambda d: "high-teens" in d["tranches"][4]["rate"],
    ),
    "equity with shares, price and premium": (
        "ascentage-takeda-2024-olverembatinib",
        lambda d: {"shares", "price", "premium"} <= set(d["tranches"][3]["stock"]),
    ),
    "upfront paid partly in the licensee's stock": (
        "akeso-summit-2022-ivonescimab",
        lambda d: d["tranches"][0]["stock"]["issuer"] == "Summit Therapeutics Inc.",
    ),
    "equity received in a NewCo": (
        "hengrui-kailera-2024-glp1-newco",
        lambda d: d["tranches"][4]["stock"]["issuer"] == "Hercules CM NewCo, Inc.",
    ),
    "economics disclosed for a set of assets": (
        "dualitybio-biontech-2023-adcs",
        lambda d: d["tranches"][0]["asset"] == ["DB-1303", "DB-1311"],
    ),
    "date known only to the month": (
        "kelun-merck-2022-adcs",
        lambda d: d["tranches"][3]["paid_in"] == "2022-12",
    ),
    "date known only to the quarter or year": (
        "lanova-merck-2024-lm299",
        lambda d: (d["tranches"][0]["due"], d["tranches"][1]["due"]) == ("2024-Q4", "2025"),
    ),
    "one payment mixing upfront, near-term milestones and option fees": (
        "harbour-az-2025-multispecifics",
        lambda d: d["tranches"][0]["type"] == "mixed" and len(d["tranches"][0]["parts"]) == 3,
    ),
    "a party with two roles": ("kelun-merck-2022-adcs", _roles),
    "co-commercialisation and cost/profit sharing": (
        "systimmune-bms-2023-bl-b01d1",
        lambda d: {"co-commercialization", "cost-profit-share"} <= {r["type"] for r in d["rights"]},
    ),
    "co-promotion share after approval": (
        "beigene-novartis-2021-ociperlimab",
        lambda d: d["rights"][0]["share"] == "50%" and d["rights"][0]["after"] == "approved",
    ),
    "territory as a list of regions": (
        "beigene-novartis-2021-tislelizumab",
        lambda d: "eu" in d["territory"] and "JP" in d["territory"],
    ),
    "an option that widens territory": (
        "pfizer-3sbio-2025-ssgj707",
        lambda d: d["options"][0]["territory"] == ["CN"],
    ),
    "a later amendment": (
        "akeso-summit-2022-ivonescimab",
        lambda d: [e["type"] for e in d["events"]] == ["amendment", "closing", "expansion"],
    ),
    "partial termination": (
        "kelun-merck-2022-adcs",
        lambda d: d["events"][0]["type"] == "partial-termination" and d["events"][0]["asset"],
    ),
    "full termination": (
        "beigene-novartis-2021-tislelizumab",
        lambda d: d["status"] == "terminated" and d["events"][0]["type"] == "termination",
    ),
    "a non-USD deal": ("hengrui-merckkgaa-2023-parp1-adc", lambda d: d["currency"] == "EUR"),
}


@pytest.mark.parametrize("gap", list(GAPS))
def test_each_gap_row_is_shown_by_a_corpus_file(gap: str) -> None:
    name, shows = GAPS[gap]
    assert shows(_deals()[name]), (gap, name)


def test_no_corpus_file_leaves_a_term_to_notes() -> None:
    for name, data in _deals().items():
        assert "notes" not in data, name


# --- the bundled ledger (deals/ and dealledger.toml, which `init` copies) ------------------


def test_the_bundled_ledger_passes_a_strict_check() -> None:
    result = run("check", "--ledger", str(REPO), "--strict", "--no-cache")
    assert result.exit_code == 0, result.output


def test_no_bundled_file_mentions_internal_notes_or_cites_an_index_page() -> None:
    files = [REPO / "dealledger.toml", *sorted((REPO / "deals").rglob("*.toml"))]
    for path in files:
        text = path.read_text(encoding="utf-8").lower()
        for phrase in ("domain notes", "seed article", "seed document", "deal-format.md", "spec "):
            assert phrase not in text, (path.name, phrase)
    for path in files[1:]:
        for source in tomllib.loads(path.read_text(encoding="utf-8")).get("sources", []):
            parts = urlsplit(source["url"])
            assert parts.path.strip("/") and "press-releases.html" not in parts.path, path.name


def test_the_bundled_2026_deal_records_its_split_and_opt_in_as_terms() -> None:
    path = REPO / "deals" / "2026" / "azn-cspc-2026-obesity-peptides.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    split = data["tranches"][0]["split"]
    assert [entry["share"] for entry in split] == ["35%", "65%"]
    opt_in = data["options"][0]
    assert opt_in["territory"] == ["CN", "HK", "MO", "TW"]
    assert opt_in["after"] == "approved"
