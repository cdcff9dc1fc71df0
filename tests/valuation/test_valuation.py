"""rNPV figures for fixture deals, checked against values computed by hand to the cent."""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import REPO, make_ledger
from check_runs import run_cli
from dealledger.cli import app
from dealledger.domain.assumptions import build_assumptions
from dealledger.ledger.ledger import load_ledger
from dealledger.valuation.model import DealValue, value_deal

AS_OF = date(2025, 1, 1)
P1, P2, P3, PF = Decimal("0.520"), Decimal("0.289"), Decimal("0.578"), Decimal("0.906")
S = Decimal("0.40")  # the default sales-threshold chance of a 50M–250M sales milestone

SETTINGS = """
currency = "USD"

[[fx]]
date = 2020-01-01
from = "EUR"
to = "USD"
rate = "1.1"
"""

ALPHA = """
id = "alpha"
title = "Alpha licence"
kind = "license"
announced = 2024-01-05
signed = 2024-01-01
currency = "USD"

[[parties]]
name = "Licensor Co"
role = "licensor"

[[parties]]
name = "Licensee Co"
role = "licensee"

[[assets]]
name = "AX-1"
phase = "phase1"

[[tranches]]
type = "upfront"
label = "Upfront"
amount = "50M"
status = "paid"
paid = 2024-02-01

[[tranches]]
type = "milestone"
label = "Phase 1 success"
amount = "20M"
phase = "phase1"
due = 2025-06-30

[[tranches]]
type = "milestone"
label = "Phase 2 success"
amount = "30M"
phase = "phase2"
due = "2026-H2"

[[tranches]]
type = "milestone"
label = "Phase 3 success"
amount = "40M"
phase = "phase3"

[[tranches]]
type = "milestone"
label = "First patient dosed"
amount = "10M"
status = "achieved"
achieved = 2024-12-01
due = "2026"

[[tranches]]
type = "milestone"
label = "Dropped indication"
amount = "15M"
status = "forfeited"

[[tranches]]
type = "commercial"
label = "First commercial sale"
amount = "100M"
due = "2030"

[[tranches]]
type = "milestone"
label = "Partnered milestone"
amount = "25M"
probability = "35%"
due = 2027-01-01

[[tranches]]
type = "milestone"
label = "Next stage"
amount = "5M"
due = "2026"

[[tranches]]
type = "royalty"
label = "Royalty"
tiers = [{ from = 0, rate = "5%" }, { from = "100M", rate = "10%" }]

[[forecast]]
asset = "AX-1"
year = 2027
net_sales = "150M"

[[forecast]]
year = 2028
net_sales = "300M"

[[forecast]]
year = 2024
net_sales = "50M"
"""

BETA = """
id = "beta"
title = "Beta option deal"
kind = "option"
announced = 2024-06-01
currency = "EUR"

[[parties]]
name = "Seller"
role = "licensor"

[[parties]]
name = "Buyer"
role = "licensee"

[[assets]]
name = "B-7"
phase = "preclinical"

[[tranches]]
type = "upfront"
amount = "10M"
due = 2025-07-01

[[tranches]]
type = "milestone"
label = "IND cleared"
amount = "8M"
phase = "preclinical"
due = 2026-01-01

[[tranches]]
type = "milestone"
label = "Secret milestone"
amount = "undisclosed"
phase = "phase1"

[[tranches]]
type = "royalty"
label = "Royalty band"
rate = "mid-single-digit"

[[forecast]]
year = 2026
net_sales = "100M"
"""

GAMMA = """
id = "gamma"
title = "Gamma platform deal"
kind = "collaboration"
announced = 2023-03-01
currency = "USD"

[[parties]]
name = "Platform Co"
role = "licensor"

[[parties]]
name = "Pharma Co"
role = "licensee"

[[assets]]
name = "G-1"
phase = "phase2"

[[assets]]
name = "G-2"

[[tranches]]
type = "upfront"
amount = "5M"

[[tranches]]
type = "milestone"
label = "Either programme"
amount = "12M"

[[tranches]]
type = "milestone"
label = "G-2 milestone"
amount = "7M"
asset = "G-2"

[[tranches]]
type = "royalty"
label = "G-1 royalty"
asset = "G-1"
rate = "8%"
"""

DELTA = """
id = "delta"
title = "Delta framework"
kind = "framework"
announced = 2024-05-05
financials = "undisclosed"

[[parties]]
name = "Delta A"
role = "partner"

[[parties]]
name = "Delta B"
role = "partner"
"""


def by_hand(
    amount: str, probability: Decimal, when: date, rate: str = "0.10", as_of: date = AS_OF
) -> Decimal:
    """amount · p / (1 + rate)^t with t = days / 365.25, rounded to the cent."""
    with localcontext() as context:
        context.prec = 50
        days = max(0, (when - as_of).days)
        years = Decimal(days) / Decimal("365.25")
        exact = Decimal(amount) * probability / (1 + Decimal(rate)) ** years
        return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def write_ledger(root: Path, settings: str = SETTINGS, **deals: str) -> Path:
    deals = deals or {"alpha": ALPHA, "beta": BETA, "gamma": GAMMA, "delta": DELTA}
    return make_ledger(root, {f"{name}.toml": text for name, text in deals.items()}, settings)


def values(root: Path, **options: Decimal) -> dict[str, DealValue]:
    ledger = load_ledger(root, today=date(2025, 1, 1))
    assert not ledger.problems, ledger.problems
    assumptions = build_assumptions(ledger.settings, **options)
    return {
        entry.deal.id: value_deal(entry.deal, assumptions, AS_OF, "USD", ledger.fx)
        for entry in ledger.entries
    }


@pytest.fixture
def ledger_root(tmp_path: Path) -> Path:
    return write_ledger(tmp_path / "ledger")


def test_alpha_every_tranche_matches_hand_computation(ledger_root: Path) -> None:
    alpha = values(ledger_root)["alpha"]
    got = {item.label: item for item in alpha.tranches}
    expected = {
        "Phase 1 success": by_hand("20000000", P1, date(2025, 6, 30)),
        "Phase 2 success": by_hand("30000000", P1 * P2, date(2026, 7, 1)),
        # no due: deal date 2024-01-01 + phase1 2 + phase2 2 + phase3 3 years = 2557 days
        "Phase 3 success": by_hand("40000000", P1 * P2 * P3, date(2031, 1, 1)),
        # achieved: p = 1 and valued at the valuation date, whatever its due
        "First patient dosed": Decimal("10000000.00"),
        # a sales milestone: approval × the default threshold chance of its band (50M–250M)
        "First commercial sale": by_hand("100000000", P1 * P2 * P3 * PF * S, date(2030, 1, 1)),
        "Partnered milestone": by_hand("25000000", Decimal("0.35"), date(2027, 1, 1)),
        "Next stage": by_hand("5000000", P1, date(2026, 1, 1)),
        # tiers: 100M × 5% + 50M × 10% = 10M; 100M × 5% + 200M × 10% = 25M
        "Royalty — 2027": by_hand("10000000", P1 * P2 * P3 * PF, date(2027, 1, 1)),
        "Royalty — 2028": by_hand("25000000", P1 * P2 * P3 * PF, date(2028, 1, 1)),
    }
    assert {label: item.rnpv for label, item in got.items()} == expected
    # The same figures written out, as a reader would check them with a calculator.
    assert expected["Phase 1 success"] == Decimal("9922805.53")
    assert expected["Phase 2 success"] == Decimal("3909722.21")
    assert expected["Phase 3 success"] == Decimal("1961505.67")
    assert expected["First commercial sale"] == Decimal("1954709.03")
    assert expected["Partnered milestone"] == Decimal("7232348.52")
    assert expected["Next stage"] == Decimal("2363790.56")
    assert expected["Royalty — 2027"] == Decimal("650471.86")
    assert expected["Royalty — 2028"] == Decimal("1478441.59")
    assert alpha.rnpv == Decimal("39473794.97")
    # paid and forfeited tranches are not to come; the 2024 forecast year is past
    # 20M + 30M + 40M + 10M + 100M + 25M + 5M to come, plus royalties 10M + 25M
    assert alpha.nominal == Decimal(265_000_000)
    assert alpha.unvalued == ()
    assert alpha.headline == Decimal(
        50_000_000
        + 20_000_000
        + 30_000_000
        + 40_000_000
        + 10_000_000
        + 15_000_000
        + 100_000_000
        + 25_000_000
        + 5_000_000
    )


def test_alpha_probabilities_dates_and_bases(ledger_root: Path) -> None:
    got = {item.label: item for item in values(ledger_root)["alpha"].tranches}
    assert got["Phase 2 success"].probability == Decimal("0.150280")
    assert "phase1→phase2 52%" in got["Phase 2 success"].basis
    assert got["Phase 3 success"].date == date(2031, 1, 1)
    assert "phase1 2 + phase2 2 + phase3 3" in got["Phase 3 success"].timing
    assert got["First patient dosed"].date == AS_OF
    assert got["First patient dosed"].probability == 1
    assert got["Partnered milestone"].basis == "probability set on the tranche"
    assert got["Phase 1 success"].days == 180
    assert got["Phase 1 success"].risk_adjusted == Decimal("10400000.000")
    assert got["First commercial sale"].probability == P1 * P2 * P3 * PF * S


def test_risk_adjusted_and_nominal_are_sums_of_tranches(ledger_root: Path) -> None:
    alpha = values(ledger_root)["alpha"]
    assert alpha.risk_adjusted == sum(item.risk_adjusted for item in alpha.tranches)
    assert alpha.valued_nominal == sum(item.amount for item in alpha.tranches)
    assert alpha.rnpv <= alpha.risk_adjusted <= alpha.nominal


def test_preclinical_without_transition_is_unvalued_not_certain(ledger_root: Path) -> None:
    beta = values(ledger_root)["beta"]
    reasons = {item.label: item.reason for item in beta.unvalued}
    assert 'preclinical = "NN%"' in reasons["IND cleared"]
    assert reasons["Secret milestone"] == "amount undisclosed"
    assert "no transition probability for preclinical" in reasons["Royalty band"]
    # only the upfront counts: EUR 10M at 1.1 = USD 11M, due 2025-07-01
    assert [item.label for item in beta.tranches] == ["upfront #1"]
    assert beta.rnpv == by_hand("11000000", Decimal(1), date(2025, 7, 1))
    # nominal outstanding still counts the EUR 8M milestone it could not value (USD 8.8M)
    assert beta.valued_nominal == Decimal("11000000")
    assert beta.unvalued_nominal == Decimal("8800000")
    assert beta.nominal == Decimal("19800000")


def test_user_transition_values_preclinical_and_bands(tmp_path: Path) -> None:
    settings = (
        SETTINGS + '\n[valuation]\nrate = "12%"\n\n[valuation.transitions]\npreclinical = "60%"\n'
    )
    root = write_ledger(tmp_path / "l", settings, beta=BETA)
    beta = values(root)["beta"]
    got = {item.label: item for item in beta.tranches}
    assert got["IND cleared"].rnpv == by_hand(
        "8800000", Decimal("0.60"), date(2026, 1, 1), rate="0.12"
    )
    # mid-single-digit = 4%-6% of EUR 100M = EUR 4M-6M = USD 4.4M-6.6M, needs approval
    royalty = got["Royalty band — 2026"]
    p = Decimal("0.60") * P1 * P2 * P3 * PF
    assert royalty.probability == p
    assert royalty.amount == Decimal("4400000.0") and royalty.amount_high == Decimal("6600000.0")
    assert royalty.rnpv == by_hand("4400000", p, date(2026, 1, 1), rate="0.12")
    assert royalty.rnpv_high == by_hand("6600000", p, date(2026, 1, 1), rate="0.12")
    assert beta.rnpv_high - beta.rnpv == royalty.rnpv_high - royalty.rnpv
    assert [item.label for item in beta.unvalued] == ["Secret milestone"]


def test_several_assets_and_royalty_without_forecast(ledger_root: Path) -> None:
    gamma = values(ledger_root)["gamma"]
    reasons = {item.label: item.reason for item in gamma.unvalued}
    assert "2 assets and the tranche names none" in reasons["Either programme"]
    assert "'G-2' has no phase" in reasons["G-2 milestone"]
    assert "no sales forecast for 'G-1'" in reasons["G-1 royalty"]
    assert gamma.rnpv == Decimal(5_000_000)


def test_undisclosed_financials_listed_unvalued(ledger_root: Path) -> None:
    delta = values(ledger_root)["delta"]
    assert delta.tranches == () and delta.rnpv == 0 and delta.headline is None
    assert "undisclosed" in delta.unvalued[0].reason


def test_terminated_deal_expected_tranches_unvalued(tmp_path: Path) -> None:
    ended = GAMMA.replace(
        "announced = 2023-03-01",
        'announced = 2023-03-01\nstatus = "terminated"\nterminated = 2024-01-01',
    )
    root = write_ledger(tmp_path / "l", gamma=ended)
    gamma = values(root)["gamma"]
    assert gamma.tranches == ()
    assert all("terminated" in item.reason for item in gamma.unvalued)
    assert len(gamma.unvalued) == 4


def test_huge_amounts_and_far_dates_do_not_crash(tmp_path: Path) -> None:
    huge = ALPHA.replace('amount = "20M"', "amount = 999_999_999_999_999")
    far = huge.replace("signed = 2024-01-01", "signed = 9998-01-01")
    root = write_ledger(tmp_path / "l", alpha=far)
    ledger = load_ledger(root, today=date(9999, 1, 1))
    assumptions = build_assumptions(ledger.settings)
    alpha = value_deal(ledger.entries[0].deal, assumptions, AS_OF, "USD", ledger.fx)
    got = {item.label: item for item in alpha.tranches}
    assert got["Phase 1 success"].amount == Decimal("999999999999999")
    reasons = {item.label: item.reason for item in alpha.unvalued}
    assert "past 9999-12-31" in reasons["Phase 3 success"]


EXAMPLE = """
id = "example-licence"
title = "Example licence of a phase 2 antibody"
kind = "license"
announced = 2025-03-03
currency = "USD"

[[parties]]
name = "Biotech"
role = "licensor"

[[parties]]
name = "Pharma"
role = "licensee"

[[assets]]
name = "EX-101"
phase = "phase2"

[[tranches]]
type = "upfront"
amount = "50M"
status = "paid"
paid = 2025-03-20

[[tranches]]
type = "milestone"
label = "Phase 3 start"
amount = "40M"
phase = "phase2"
due = "2026-H2"

[[tranches]]
type = "milestone"
label = "US approval"
amount = "100M"
phase = "approved"

[[tranches]]
type = "commercial"
label = "Annual sales above 1B"
amount = "150M"
probability = "5%"
due = "2032"

[[tranches]]
type = "royalty"
label = "Royalties"
rate = "high-single-digit"

[[forecast]]
year = 2030
net_sales = "400M"

[[forecast]]
year = 2031
net_sales = "800M"
"""


def test_documented_example_figures(tmp_path: Path) -> None:
    """docs/valuation.md shows this deal and works one tranche through by hand."""
    root = write_ledger(tmp_path / "l", 'currency = "USD"\n', example=EXAMPLE)
    ledger = load_ledger(root, today=date(2026, 1, 1))
    assert not ledger.problems
    value = value_deal(
        ledger.entries[0].deal,
        build_assumptions(ledger.settings),
        date(2026, 1, 1),
        "USD",
        ledger.fx,
    )
    got = {item.label: item for item in value.tranches}
    approval = got["US approval"]
    assert approval.date == date(2031, 3, 4) and approval.days == 1888
    assert approval.discount_factor == Decimal("0.6109963730549364")
    assert (
        approval.rnpv
        == Decimal("9246822.29")
        == by_hand("100000000", P2 * P3 * PF, date(2031, 3, 4), as_of=date(2026, 1, 1))
    )
    assert (value.rnpv, value.rnpv_high) == (Decimal("32664593.75"), Decimal("34995154.43"))
    assert value.risk_adjusted == Decimal("46906569.57")


def test_approved_asset(tmp_path: Path) -> None:
    approved = (
        GAMMA.replace('phase = "phase2"', 'phase = "approved"').replace(
            'label = "G-2 milestone"\namount = "7M"\nasset = "G-2"',
            'label = "Approval"\namount = "7M"\nasset = "G-1"\nphase = "approved"\n'
            "due = 2026-01-01",
        )
        + '\n[[forecast]]\nasset = "G-1"\nyear = 2025\nnet_sales = "10M"\n'
    )
    root = write_ledger(tmp_path / "l", gamma=approved)
    gamma = values(root)["gamma"]
    got = {item.label: item for item in gamma.tranches}
    assert got["Approval"].probability == 1
    assert got["Approval"].rnpv == by_hand("7000000", Decimal(1), date(2026, 1, 1))
    # 8% of 10M in 2025, certain once approved, dated 2025-01-01 = the valuation date
    assert got["G-1 royalty — 2025"].rnpv == Decimal("800000.00")
    assert got["G-1 royalty — 2025"].basis.endswith("already approved")


def test_pos_scale_multiplies_transitions_capped_at_one(ledger_root: Path) -> None:
    half = {i.label: i for i in values(ledger_root, pos_scale=Decimal("0.5"))["alpha"].tranches}
    assert half["Phase 2 success"].probability == P1 * P2 / 4
    assert half["Partnered milestone"].probability == Decimal("0.35")  # explicit: unscaled
    double = {i.label: i for i in values(ledger_root, pos_scale=Decimal(2))["alpha"].tranches}
    assert double["Phase 1 success"].probability == 1  # 104% capped
    assert double["Phase 2 success"].probability == 2 * P2


def test_rate_flag_overrides_and_zero_rate_gives_risk_adjusted(ledger_root: Path) -> None:
    alpha = values(ledger_root, rate=Decimal(0))["alpha"]
    assert alpha.rnpv == alpha.risk_adjusted.quantize(Decimal("0.01"))


def test_delays_configurable(tmp_path: Path) -> None:
    settings = SETTINGS + '\n[valuation.delays]\nphase3 = 1\nphase2 = "0.5"\n'
    root = write_ledger(tmp_path / "l", settings, alpha=ALPHA)
    got = {item.label: item for item in values(root)["alpha"].tranches}
    # 2 + 0.5 + 1 = 3.5 years = 1278.375 days → 1278 days from 2024-01-01
    assert got["Phase 3 success"].date == date(2027, 7, 2)


# --- CLI ---------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_json_shape_and_figures(ledger_root: Path) -> None:
    code, out, _ = run("value", "-L", str(ledger_root), "--as-of", "2025-01-01", "-f", "json")
    assert code == 0
    document = json.loads(out, parse_float=Decimal)
    assert list(document)[:5] == ["as_of", "rate", "currency", "deals", "overall"]
    assert document["as_of"] == "2025-01-01" and document["currency"] == "USD"
    assert document["rate"] == Decimal("0.1")
    deal = next(d for d in document["deals"] if d["id"] == "alpha")
    assert {"id", "nominal", "risk_adjusted", "rnpv", "tranches", "unvalued"} <= set(deal)
    assert deal["rnpv"] == Decimal("39473794.97")
    tranche = deal["tranches"][0]
    assert {
        "label",
        "type",
        "amount",
        "probability",
        "basis",
        "years",
        "discount_factor",
        "rnpv",
    } <= set(tranche)
    assert tranche["label"] == "Phase 1 success" and tranche["probability"] == Decimal("0.52")
    overall = document["overall"]
    assert overall["rnpv"] == sum(d["rnpv"] for d in document["deals"])
    assert overall["deals"] == 4


def test_cli_explain_lists_each_tranche(ledger_root: Path) -> None:
    code, out, _ = run(
        "value", "-L", str(ledger_root), "--as-of", "2025-01-01", "--explain", "alpha"
    )
    assert code == 0
    assert "Phase 3 success" in out and "USD 1,961,505.67" in out
    assert "USD 39,473,794.97" in out
    # paid and forfeited tranches are shown as not to come, and count nowhere
    assert "not to come: forfeited" in out
    assert "not to come: paid 2024-02-01" in out
    code, out, _ = run(
        "value", "-L", str(ledger_root), "--as-of", "2025-01-01", "--explain", "beta", "-f", "csv"
    )
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("label,type,amount,probability,basis")
    assert lines[0].endswith(",reason")
    assert lines[1].startswith("upfront #1,upfront,11000000,1,")
    assert len(lines) == 1 + 1 + 3  # the upfront, then three unvalued tranches
    assert lines[-1].startswith("Royalty band,royalty,,,")


def test_cli_table_markdown_csv(ledger_root: Path) -> None:
    for fmt in ("table", "markdown", "csv", "tsv"):
        code, out, _ = run("value", "-L", str(ledger_root), "--as-of", "2025-01-01", "-f", fmt)
        assert code == 0, fmt
        assert "alpha" in out
    code, out, _ = run("value", "-L", str(ledger_root), "--as-of", "2025-01-01", "-f", "csv")
    assert out.splitlines()[0] == (
        "id,title,nominal,unvalued_nominal,risk_adjusted,rnpv,rnpv_high,headline,"
        "headline_basis,share,tranches,unvalued"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2025-13-01"], "--as-of"),
        (["--as-of", "tomorrow"], "--as-of"),
        (["--rate", "150%"], "between 0% and 100%"),
        (["--rate", "-5%"], "--rate"),
        (["--rate", "-0.05"], "between 0% and 100%"),
        (["--rate", "ten"], "--rate"),
        (["--pos-scale", "-1"], "--pos-scale"),
        (["--pos-scale", "x"], "--pos-scale"),
        (["--explain", "nope"], "no valid deal"),
    ],
)
def test_cli_bad_options_exit_2(ledger_root: Path, args: list[str], message: str) -> None:
    code, _, err = run("value", "-L", str(ledger_root), *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


# --- the bundled ledger ------------------------------------------------------------------


def test_bundled_ledger_values_only_what_has_a_sourced_probability() -> None:
    code, out, _ = run("value", "-L", str(REPO), "--as-of", "2026-01-01", "-f", "json")
    assert code == 0
    document = json.loads(out, parse_float=Decimal)
    deals = {deal["id"]: deal for deal in document["deals"]}
    # upfronts only: 100M and 110M dated before the valuation date, 1.2B (split 35/65 among
    # the licensors) due 2026-Q2
    assert deals["azn-cspc-2024-ys2302018"]["rnpv"] == 100_000_000
    assert deals["azn-cspc-2025-ai-research"]["rnpv"] == 110_000_000
    obesity = deals["azn-cspc-2026-obesity-peptides"]
    q2 = date(2026, 4, 1)
    assert obesity["rnpv"] == by_hand("1200000000", Decimal(1), q2, as_of=date(2026, 1, 1))
    assert obesity["rnpv"] == Decimal("1172146287.70")
    # every milestone of these preclinical assets is unvalued, with the reason
    for deal_id in ("azn-cspc-2024-ys2302018", "azn-cspc-2025-ai-research"):
        reasons = [item["reason"] for item in deals[deal_id]["unvalued"]]
        assert any("preclinical → phase1" in reason for reason in reasons)
    assert document["overall"]["unvalued"] == 10
    assert document["overall"]["rnpv"] == sum(deal["rnpv"] for deal in document["deals"])
    for deal in document["deals"]:
        code, out, _ = run(
            "value", "-L", str(REPO), "--as-of", "2026-01-01", "--explain", deal["id"]
        )
        assert code == 0


def test_value_applies_the_report_filters() -> None:
    result = run_cli(
        "value", "--ledger", str(REPO), "--as-of", "2026-01-01", "-f", "json", "--since", "2025"
    )
    assert result.exit_code == 0
    ids = [deal["id"] for deal in json.loads(result.stdout)["deals"]]
    assert ids == ["azn-cspc-2025-ai-research", "azn-cspc-2026-obesity-peptides"]
    nothing = run_cli("value", "--ledger", str(REPO), "--kind", "option")
    assert nothing.exit_code == 0
    assert "no deal matches the filters" in nothing.stderr


def test_value_reporting_currency_option_and_missing_rate() -> None:
    in_usd = run_cli("value", "--ledger", str(REPO), "-c", "usd", "-f", "json")
    assert (in_usd.exit_code, json.loads(in_usd.stdout)["currency"]) == (0, "USD")
    in_eur = run_cli("value", "--ledger", str(REPO), "--currency", "EUR")
    assert in_eur.exit_code == 1
    assert "no FX rate USD→EUR" in in_eur.stderr
    assert run_cli("value", "--ledger", str(REPO), "--currency", "EURO").exit_code == 2
