"""`dealledger comps`: benchmark statistics checked against quartiles worked by hand.

The ledger (USD; one EUR upfront at 1.2):

  deal  upfront         milestone      total   share   phase/modality/area
  a     10M             90M            100M    0.1     phase1 antibody oncology
  b     20M             180M           200M    0.1     phase1 antibody oncology
  c     40M             60M            100M    0.4     phase1 antibody oncology
  d     100M            300M           400M    0.25    phase1 antibody immunology
  g     25M EUR = 30M   70M            100M    0.3     phase2 antibody oncology
  h     (none) = 0      50M            50M     0       —
  e     undisclosed     50M            —       —       (left out of all three)
  f     financials undisclosed                          (left out of all three)

Inclusive linear quantiles, h = (n − 1)·p:
  upfront 0, 10, 20, 30, 40, 100 (M): p25 h=1.25 → 10 + .25·10 = 12.5; median h=2.5 → 25;
    p75 h=3.75 → 30 + .75·10 = 37.5.
  total 50, 100, 100, 100, 200, 400 (M): p25 h=1.25 → 100; median h=2.5 → 100 + .5·0 = 100;
    p75 h=3.75 → 100 + .75·100 = 175.
  share 0, .1, .1, .25, .3, .4: p25 → .1; median → .1 + .5·.15 = .175;
    p75 h=3.75 → .25 + .75·.05 = .2875.
"""

from __future__ import annotations

import json
import statistics as stdlib_statistics
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from dealledger.cli import app
from dealledger.reports.comps import percent_rank, quantile

SETTINGS = """\
currency = "USD"

[[fx]]
date = 2020-01-01
from = "EUR"
to = "USD"
rate = "1.2"
"""

DEAL = """\
id = "{id}"
title = "Deal {id}"
kind = "{kind}"
announced = {year}-03-01
currency = "USD"
{top}
[[parties]]
name = "Licensor {id}"
role = "licensor"

[[parties]]
name = "Licensee {id}"
role = "licensee"
{assets}{tranches}"""


def asset(phase: str, modality: str) -> str:
    return f'\n[[assets]]\nname = "X"\nphase = "{phase}"\nmodality = "{modality}"\n'


def tranche(kind: str, amount: str, currency: str | None = None) -> str:
    extra = f'currency = "{currency}"\n' if currency else ""
    return f'\n[[tranches]]\ntype = "{kind}"\namount = {amount}\n{extra}'


def deal(deal_id: str, *, year: int = 2024, kind: str = "license", area: str | None = None,
         assets: str = "", tranches: str = "", top: str = "") -> str:  # fmt: skip
    if area:
        top += f'therapeutic_areas = ["{area}"]\n'
    return DEAL.format(id=deal_id, kind=kind, year=year, top=top, assets=assets, tranches=tranches)


ANTIBODY1 = asset("phase1", "antibody")
DEALS = {
    "a": deal("a", area="oncology", assets=ANTIBODY1,
              tranches=tranche("upfront", '"10M"') + tranche("milestone", '"90M"')),
    "b": deal("b", area="oncology", assets=ANTIBODY1, year=2025,
              tranches=tranche("upfront", '"20M"') + tranche("milestone", '"180M"')),
    "c": deal("c", area="oncology", assets=ANTIBODY1, year=2025,
              tranches=tranche("upfront", '"40M"') + tranche("milestone", '"60M"')),
    "d": deal("d", area="immunology", assets=ANTIBODY1, kind="collaboration",
              tranches=tranche("upfront", '"100M"') + tranche("milestone", '"300M"')),
    "g": deal("g", area="oncology", assets=asset("phase2", "antibody"),
              tranches=tranche("upfront", '"25M"', "EUR") + tranche("milestone", '"70M"')),
    "h": deal("h", tranches=tranche("milestone", '"50M"')),
    "e": deal("e", tranches=tranche("upfront", '"undisclosed"') + tranche("milestone", '"50M"')),
    "f": deal("f", top='financials = "undisclosed"\n'),
}  # fmt: skip


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("comps")
    (root / "dealledger.toml").write_text(SETTINGS, encoding="utf-8")
    (root / "deals").mkdir()
    for name, text in DEALS.items():
        (root / "deals" / f"{name}.toml").write_text(text, encoding="utf-8")
    return root


def comps(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["comps", "--ledger", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def comps_json(root: Path, *args: str) -> dict:
    code, stdout, stderr = comps(root, *args, "--format", "json")
    assert (code, stderr) == (0, ""), stderr
    return json.loads(stdout, parse_float=Decimal)


def M(millions: str) -> Decimal:
    return Decimal(millions) * 1_000_000


def test_overall_statistics_match_the_hand_computed_quartiles(root: Path) -> None:
    record = comps_json(root)
    assert record["currency"] == "USD"
    assert record["by"] is None
    assert "QUARTILE.INC" in record["method"]
    overall = record["overall"]
    assert overall["deals"] == 8
    assert overall["upfront"] == {
        "count": 6,
        "left_out": 2,
        "min": 0,
        "p25": M("12.5"),
        "median": M("25"),
        "p75": M("37.5"),
        "max": M("100"),
    }
    assert overall["total"] == {
        "count": 6,
        "left_out": 2,
        "min": M("50"),
        "p25": M("100"),
        "median": M("100"),
        "p75": M("175"),
        "max": M("400"),
    }
    assert overall["upfront_share"] == {
        "count": 6,
        "left_out": 2,
        "min": 0,
        "p25": Decimal("0.1"),
        "median": Decimal("0.175"),
        "p75": Decimal("0.2875"),
        "max": Decimal("0.4"),
    }


def test_grouped_by_area_and_year(root: Path) -> None:
    record = comps_json(root, "--by", "area")
    groups = {group["key"]: group for group in record["groups"]}
    assert list(groups) == ["immunology", "oncology", None]
    oncology = groups["oncology"]["upfront"]  # 10, 20, 30, 40
    assert (oncology["p25"], oncology["median"], oncology["p75"]) == (M("17.5"), M(25), M("32.5"))
    assert groups[None]["deals"] == 3 and groups[None]["upfront"]["left_out"] == 2
    by_year = comps_json(root, "--by", "year")
    assert [group["key"] for group in by_year["groups"]] == [2024, 2025]
    assert by_year["overall"] == comps_json(root)["overall"]


def test_filters_select_the_deals(root: Path) -> None:
    record = comps_json(root, "--kind", "collaboration")
    assert record["overall"]["deals"] == 1
    assert record["overall"]["upfront"]["median"] == M(100)


def test_like_a_deal_shows_its_percentile_among_its_peers(root: Path) -> None:
    record = comps_json(root, "--like", "b")
    like = record["like"]
    # Peers share phase1, antibody and oncology: a, b, c (d is immunology, g phase2).
    assert (like["id"], like["deals"]) == ("b", 3)
    assert (like["phase"], like["modality"], like["area"]) == (
        ["phase1"],
        ["antibody"],
        ["oncology"],
    )
    assert record["overall"]["upfront"]["median"] == M(20)
    # b's upfront 20M: one of the other two below → 100 × 1 / 2.
    assert like["position"]["upfront"] == {"value": M(20), "percentile": 50, "among": 3}
    # b's total 200M is the largest of 100, 100, 200.
    assert like["position"]["total"]["percentile"] == 100
    # b's share 0.1 ties a's: PERCENTRANK.INC counts values strictly below, none.
    assert like["position"]["upfront_share"]["percentile"] == 0


def test_like_a_deal_without_assets_compares_with_everything_selected(root: Path) -> None:
    record = comps_json(root, "--like", "h", "--kind", "license")
    assert record["like"]["deals"] == 7
    assert record["like"]["position"]["upfront"]["percentile"] == 0


def test_every_format(root: Path) -> None:
    code, table, _ = comps(root, "--like", "b")
    assert code == 0
    assert "Deals like b" in table
    assert "b: upfront USD 20M at the 50.00th percentile of 3" in table
    csv = comps(root, "--by", "kind", "--format", "csv")[1].splitlines()
    assert csv[0] == "scope,group,measure,deals,count,left_out,min,p25,median,p75,max,currency"
    assert "overall,,upfront,8,6,2,0,12500000,25000000,37500000,100000000,USD" in csv
    assert "overall,,upfront_share,8,6,2,0,0.1,0.175,0.2875,0.4," in csv
    tsv = comps(root, "--format", "tsv")[1].splitlines()
    assert tsv[0].split("\t")[0] == "scope" and len(tsv) == 4
    markdown = comps(root, "--format", "markdown")[1]
    assert markdown.splitlines()[0].startswith("| Measure | Deals | Left out | Min |")
    assert "| Upfront share | 6 | 2 | 0.00% | 10.00% | 17.50% | 28.75% | 40.00% |" in markdown


def test_usage_errors(root: Path) -> None:
    code, _, stderr = comps(root, "--by", "sponsor")
    assert code == 2
    assert "accepted: phase, modality, area, kind, year, territory" in stderr
    code, _, stderr = comps(root, "--like", "nope")
    assert code == 2
    assert stderr.startswith("dealledger: error: --like 'nope'")


def test_quantile_by_hand() -> None:
    values = [Decimal(v) for v in ("1", "2", "4", "8")]
    # h = 3p: p25 h=.75 → 1.75; median h=1.5 → 3; p75 h=2.25 → 5.
    assert [quantile(values, Decimal(p)) for p in ("0", "0.25", "0.5", "0.75", "1")] == [
        Decimal(1),
        Decimal("1.75"),
        Decimal(3),
        Decimal(5),
        Decimal(8),
    ]
    assert quantile([Decimal("7.5")], Decimal("0.25")) == Decimal("7.5")
    assert percent_rank(values, Decimal(4)) == Decimal("66.67")
    assert percent_rank([Decimal(1)], Decimal(1)) is None


@given(st.lists(st.integers(min_value=0, max_value=10**12), min_size=2, max_size=40))
def test_quartiles_equal_the_standard_librarys_inclusive_method(numbers: list[int]) -> None:
    values = sorted(Decimal(n) for n in numbers)
    expected = stdlib_statistics.quantiles(values, n=4, method="inclusive")
    ours = [quantile(values, Decimal(p)) for p in ("0.25", "0.5", "0.75")]
    assert ours == expected


def test_by_values_and_like_ids_complete(root: Path) -> None:
    from test_cli_consistency import complete

    assert complete("dealledger comps --by p") == ["phase"]
    assert complete("dealledger comps --by t") == ["territory"]
    assert complete(f"dealledger comps --ledger {root} --like ")[:3] == ["a", "b", "c"]
