"""Valuation that reads version-2 terms: options, sales thresholds, combined milestone figures,
the declared headline and the nominal that could not be valued, all through `value`."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from builders import make_ledger, minimal_deal
from check_runs import run

AS_OF = "2025-06-13"  # the builders' announcement day: a tranche due then is not discounted
P2, P3, PF = Decimal("0.289"), Decimal("0.578"), Decimal("0.906")
ASSET = """
[[assets]]
name = "AX-1"
phase = "phase2"
"""


def _option_deal(option_status: str = "", option_probability: str = "") -> str:
    options = f"""
[[options]]
id = "china-rights"
holder = "Licensee Inc"
right = "territory"
territory = ["CN"]
{option_status}
{option_probability}
"""
    return minimal_deal(
        tranches=f"""
[[tranches]]
type = "option"
label = "China option fee"
amount = "100M"
option = "china-rights"
due = {AS_OF}
""",
        tail=options,
    )


def _value(root: Path, *extra: str) -> dict[str, Any]:
    result = run("value", "-L", str(root), "--as-of", AS_OF, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout, parse_float=Decimal)
    assert isinstance(document, dict)
    return document


def _deal(root: Path, *extra: str) -> dict[str, Any]:
    deals = _value(root, *extra)["deals"]
    assert len(deals) == 1
    deal: dict[str, Any] = deals[0]
    return deal


def test_open_option_fee_is_valued_below_nominal_at_the_default(tmp_path: Path) -> None:
    deal = _deal(make_ledger(tmp_path, [_option_deal()]))
    (fee,) = deal["tranches"]
    assert fee["probability"] == Decimal("0.5")
    assert "dealledger default" in fee["basis"]
    assert fee["rnpv"] == Decimal("50000000") < fee["amount"]
    assert deal["nominal"] == Decimal("100000000")


def test_an_option_tranche_without_an_option_id_is_weighted_too(tmp_path: Path) -> None:
    text = minimal_deal(tranches=f'[[tranches]]\ntype = "option"\namount = "10M"\ndue = {AS_OF}\n')
    (fee,) = _deal(make_ledger(tmp_path, [text]))["tranches"]
    assert fee["probability"] == Decimal("0.5") and fee["rnpv"] == Decimal("5000000")


def test_the_option_probability_wins_over_the_settings(tmp_path: Path) -> None:
    settings = '[valuation]\noption_exercise = "20%"\n'
    root = make_ledger(tmp_path / "a", [_option_deal()], settings=settings)
    (fee,) = _deal(root)["tranches"]
    assert fee["probability"] == Decimal("0.2") and "dealledger.toml" in fee["basis"]
    root = make_ledger(
        tmp_path / "b", [_option_deal(option_probability='probability = "30%"')], settings=settings
    )
    (fee,) = _deal(root)["tranches"]
    assert fee["probability"] == Decimal("0.3")
    assert "set on option 'china-rights'" in fee["basis"]


def test_an_exercised_option_fee_counts_in_full(tmp_path: Path) -> None:
    exercised = 'status = "exercised"\nexercised = 2025-06-13'
    (fee,) = _deal(make_ledger(tmp_path, [_option_deal(exercised)]))["tranches"]
    assert fee["probability"] == 1 and fee["rnpv"] == fee["amount"] == Decimal("100000000")


def test_a_declined_option_fee_counts_nowhere(tmp_path: Path) -> None:
    declined = 'status = "declined"\nended = 2025-06-13'
    root = make_ledger(tmp_path, [_option_deal(declined)])
    deal = _deal(root)
    assert deal["tranches"] == [] and deal["unvalued"] == []
    assert deal["rnpv"] == 0 and deal["nominal"] == 0
    result = run("value", "-L", str(root), "--as-of", AS_OF, "--explain", "example")
    assert "option 'china-rights' declined 2025-06-13: its fee will not come" in result.stdout


def _commercial(amount: str, extra: str = "") -> str:
    return minimal_deal(
        tranches=f"""
[[tranches]]
type = "commercial"
label = "Sales ladder"
amount = "{amount}"
due = {AS_OF}
{extra}
""",
        tail=ASSET,
    )


def test_a_sales_milestone_is_weighted_by_its_threshold_as_well_as_approval(
    tmp_path: Path,
) -> None:
    approval = P2 * P3 * PF
    (ladder,) = _deal(make_ledger(tmp_path / "big", [_commercial("13.8B")]))["tranches"]
    assert ladder["probability"] == approval * Decimal("0.15") < approval
    basis = ladder["basis"]
    assert "sales threshold reached 15% (amount band from 1B, dealledger default" in basis
    (small,) = _deal(make_ledger(tmp_path / "small", [_commercial("20M")]))["tranches"]
    assert small["probability"] == approval * Decimal("0.60")
    # a probability on the tranche replaces the whole product
    pinned = make_ledger(tmp_path / "pinned", [_commercial("13.8B", 'probability = "10%"')])
    assert _deal(pinned)["tranches"][0]["probability"] == Decimal("0.1")


def test_sales_thresholds_are_settable(tmp_path: Path) -> None:
    settings = """
        [valuation.sales_thresholds]
        "0" = "50%"
        "5B" = "5%"
    """
    root = make_ledger(tmp_path, [_commercial("13.8B")], settings=settings)
    (ladder,) = _deal(root)["tranches"]
    assert ladder["probability"] == P2 * P3 * PF * Decimal("0.05")
    assert "dealledger.toml" in ladder["basis"]
    bands = _value(root)["assumptions"]["sales_thresholds"]["bands"]
    assert [band["from"] for band in bands] == [0, 5_000_000_000]


def _combined(extra: str = "") -> str:
    return minimal_deal(
        tranches=f"""
[[tranches]]
type = "milestone"
label = "Milestones"
amount = "1B"
covers = ["development", "regulatory", "sales"]
due = {AS_OF}
{extra}
""",
        tail=ASSET,
    )


def test_a_combined_figure_is_split_into_development_and_sales(tmp_path: Path) -> None:
    development, sales = _deal(make_ledger(tmp_path / "a", [_combined()]))["tranches"]
    assert development["label"] == "Milestones — development part"
    assert development["amount"] == sales["amount"] == Decimal("500000000")
    # the development part is a next-stage milestone; the sales part a sales milestone
    assert development["probability"] == P2
    assert sales["probability"] == P2 * P3 * PF * Decimal("0.25")
    assert "sales share 50% (dealledger default" in development["basis"]
    development, sales = _deal(make_ledger(tmp_path / "b", [_combined('sales_share = "70%"')]))[
        "tranches"
    ]
    assert (development["amount"], sales["amount"]) == (Decimal("300000000"), Decimal("700000000"))
    assert "sales share 70% (sales_share on the tranche)" in sales["basis"]
    settings = '[valuation]\ncombined_sales_share = "80%"\n'
    root = make_ledger(tmp_path / "c", [_combined()], settings=settings)
    development, sales = _deal(root)["tranches"]
    assert sales["amount"] == Decimal("800000000")
    assert "dealledger.toml" in sales["basis"]


def _upfront_and_milestone(milestone: str, top: str = "") -> str:
    """An upfront due on the valuation date and a milestone the deal cannot value (no asset)."""
    return minimal_deal(
        top=top,
        tranches=f"""
[[tranches]]
type = "upfront"
amount = "100M"
due = {AS_OF}

[[tranches]]
type = "milestone"
amount = "{milestone}"
""",
    )


def test_the_headline_is_the_declared_total(tmp_path: Path) -> None:
    text = _upfront_and_milestone(
        "undisclosed", 'total = "1.5B"\ntotal_covers_undisclosed = true\n'
    )
    deal = _deal(make_ledger(tmp_path, [text]))
    assert deal["headline"] == Decimal("1500000000")
    assert deal["headline_basis"] == "declared"


def test_nominal_outstanding_includes_what_could_not_be_valued(tmp_path: Path) -> None:
    deal = _deal(make_ledger(tmp_path, [_upfront_and_milestone("9.2B")]))
    assert deal["nominal"] == Decimal("9300000000")
    assert deal["unvalued_nominal"] == Decimal("9200000000")
    assert deal["rnpv"] == Decimal("100000000")
    assert deal["headline_basis"] == "disclosed tranches"
    assert deal["unvalued"][0]["amount"] == Decimal("9200000000")


def _mixed(parts: str) -> str:
    return minimal_deal(
        tranches=f"""
[[tranches]]
type = "mixed"
label = "Upfront and near-term"
amount = "175M"
due = {AS_OF}
parts = [{parts}]
""",
        tail=ASSET,
    )


def test_a_mixed_payment_is_valued_part_by_part(tmp_path: Path) -> None:
    parts = (
        '{ type = "upfront", amount = "100M" }, { type = "milestone", amount = "50M" }, '
        '{ type = "option", label = "Option fees", amount = "25M" }'
    )
    rows = _deal(make_ledger(tmp_path / "a", [_mixed(parts)]))["tranches"]
    assert [(row["label"], row["amount"], row["probability"]) for row in rows] == [
        ("Upfront and near-term — upfront", 100_000_000, 1),
        ("Upfront and near-term — milestone", 50_000_000, P2),
        ("Upfront and near-term — Option fees", 25_000_000, Decimal("0.5")),
    ]
    undisclosed = '{ type = "upfront", amount = "undisclosed" }, { type = "option" }'
    deal = _deal(make_ledger(tmp_path / "b", [_mixed(undisclosed)]))
    assert deal["tranches"] == [] and "not certain to be paid" in deal["unvalued"][0]["reason"]
    certain = '{ type = "upfront", amount = "undisclosed" }, { type = "equity" }'
    (row,) = _deal(make_ledger(tmp_path / "c", [_mixed(certain)]))["tranches"]
    assert row["probability"] == 1 and "every part contractual" in row["basis"]
