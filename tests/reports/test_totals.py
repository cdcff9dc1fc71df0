"""`totals`: figures in the reporting currency, checked against an independent computation.

The expected figures are computed here from the fixture's TOML text with tomllib and a few
lines of FX logic written for the test, not with dealledger's figures or FX code, and also
against the hand-worked numbers in the fixture's docstring.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import REPO, make_ledger, minimal_deal, write_deal
from dealledger.cli import app
from dealledger.ledger.ledger import load_ledger
from dealledger.reports.totals import ByKeyError, parse_by, totals_record
from reports_fixture import write_ledger

runner = CliRunner()
MONEY_TYPES = {
    "upfront": "upfront",
    "milestone": "milestone",
    "commercial": "commercial",
    "equity": "other",
    "option": "other",
    "funding": "other",
    "other": "other",
}


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [args[0], "--ledger", str(root), *args[1:]])
    return result.exit_code, result.stdout, result.stderr


def _independent(root: Path, target: str = "USD") -> dict[str, object]:
    """Overall figures from the raw files: the spec's FX rule and per-tranche rounding."""
    settings = tomllib.loads((root / "dealledger.toml").read_text())
    rates = [(r["date"], r["from"], r["to"], Decimal(str(r["rate"]))) for r in settings["fx"]]

    def latest(source: str, to: str, on: date) -> Decimal | None:
        found = [(d, rate) for d, a, b, rate in rates if a == source and b == to and d <= on]
        return max(found)[1] if found else None

    def to_target(amount: Decimal, source: str, on: date) -> Decimal:
        if source == target:
            return amount
        direct = latest(source, target, on)
        exact = amount * direct if direct is not None else amount / latest(target, source, on)
        return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)

    names = ["upfront", "milestone", "commercial", "other", "total", "paid", "forfeited"]
    # Per deal: for each figure, the disclosed amounts and whether any amount was undisclosed.
    per_deal: list[dict[str, Decimal | None]] = []
    deals = incomplete = 0
    for path in sorted((root / "deals").rglob("*.toml")):
        deal = tomllib.loads(path.read_text())
        deals += 1
        if deal.get("financials", "disclosed") != "disclosed":
            incomplete += deal["financials"] == "undisclosed"
            per_deal.append(dict.fromkeys(names))
            continue
        deal_date = deal.get("signed", deal["announced"])
        seen: dict[str, list[Decimal | None]] = {name: [] for name in names}
        for tranche in deal.get("tranches", []):
            category = MONEY_TYPES.get(tranche["type"])
            if category is None:
                continue
            amount = None
            if tranche["amount"] != "undisclosed":
                amount = to_target(
                    Decimal(str(tranche["amount"])),
                    tranche.get("currency", deal["currency"]),
                    tranche.get("paid", deal_date),
                )
            buckets = [category, "total"]
            if tranche.get("status") in ("paid", "forfeited"):
                buckets.append(tranche["status"])
            for bucket in buckets:
                seen[bucket].append(amount)
        incomplete += any(None in values for values in seen.values())
        per_deal.append(
            {
                # a deal's figure is unknown only where every amount it covers is
                name: None
                if values and all(value is None for value in values)
                else sum((value for value in values if value is not None), Decimal(0))
                for name, values in seen.items()
            }
        )
    sums: dict[str, Decimal | None] = {}
    for name in names:
        known = [deal[name] for deal in per_deal if deal[name] is not None]
        sums[name] = sum(known, Decimal(0)) if known or not per_deal else None
    total = sums["total"]
    outstanding = None if total is None else total - (sums["paid"] or 0) - (sums["forfeited"] or 0)
    return {
        "deals": deals,
        **{key: sums[key] for key in ("upfront", "milestone", "commercial", "other")},
        "total": total,
        "paid": sums["paid"],
        "forfeited": sums["forfeited"],
        "outstanding": outstanding,
        "incomplete_deals": incomplete,
    }


def test_overall_matches_an_independent_computation(reports_ledger: Path) -> None:
    code, out, _ = run(reports_ledger, "totals", "--format", "json")
    assert code == 0
    document = json.loads(out, parse_float=Decimal)
    assert document["currency"] == "USD"
    assert document["by"] == []
    assert document["groups"] == []
    overall = dict(document["overall"])
    expected = _independent(reports_ledger)
    assert overall == expected


def test_overall_matches_the_hand_worked_figures(reports_ledger: Path) -> None:
    overall = json.loads(run(reports_ledger, "totals", "-f", "json")[1], parse_float=Decimal)[
        "overall"
    ]
    assert overall["total"] == Decimal("227061285.13")
    assert overall["paid"] == Decimal("24909876.43")
    assert overall["forfeited"] == Decimal("131000000.25")
    assert overall["outstanding"] == Decimal("71151408.45")
    assert overall["deals"] == 4
    assert overall["incomplete_deals"] == 2


def test_json_numbers_are_exact_decimals_not_floats(reports_ledger: Path) -> None:
    out = run(reports_ledger, "totals", "-f", "json")[1]
    assert '"total": 227061285.13' in out
    assert '"forfeited": 131000000.25' in out
    assert "e+" not in out.lower()


def test_each_tranche_is_rounded_before_summing(tmp_path: Path) -> None:
    """Three tranches of 0.005 EUR-cents' worth: rounding each gives 3 cents, the sum 2."""
    write_ledger(tmp_path)
    deal = (tmp_path / "deals" / "2024" / "eu-licence.toml").read_text()
    (tmp_path / "dealledger.toml").write_text(
        'currency = "USD"\n[[fx]]\ndate = 2024-01-01\nfrom = "EUR"\nto = "USD"\nrate = "1.5"\n'
    )
    for path in (tmp_path / "deals").rglob("*.toml"):
        path.unlink()
    tranche = '\n[[tranches]]\ntype = "other"\namount = "0.01"\n'
    head = deal.split("[[tranches]]")[0]
    (tmp_path / "deals" / "one.toml").write_text(head + tranche * 3)
    record = totals_record(load_ledger(tmp_path), [], "USD")
    # 0.01 EUR x 1.5 = 0.015 -> 0.02 (half-even); three of them 0.06, not round(0.045) = 0.04
    assert record["overall"]["other"] == Decimal("0.06")


def test_group_rollup_by_payee_group_resolves_joint_payees(reports_ledger: Path) -> None:
    document = json.loads(
        run(reports_ledger, "totals", "--by", "payee-group", "-f", "json")[1], parse_float=Decimal
    )
    groups = {group["key"]["payee-group"]: group for group in document["groups"]}
    # Alpha Bio GmbH and Alpha Pharma KK (the joint CNY upfront) both roll up to Alpha Group.
    assert set(groups) == {"Alpha Group", "Delta Inc", None}
    alpha = groups["Alpha Group"]
    assert alpha["deals"] == 2
    assert alpha["total"] == Decimal("13209876.43") + Decimal("54250000.00") + Decimal(
        "108500000.00"
    ) + Decimal("14084507.04") + Decimal("6700000.00") + Decimal("2816901.41")
    assert alpha["incomplete_deals"] == 1
    assert groups["Delta Inc"]["total"] == Decimal("27500000.25")
    # The framework has undisclosed financials and no payee: every figure unknown, not 0.
    assert groups[None]["total"] is None
    assert groups[None]["incomplete_deals"] == 1


def test_joint_payee_key_and_payer_alias(reports_ledger: Path) -> None:
    by_payee = json.loads(run(reports_ledger, "totals", "--by", "payee", "-f", "json")[1])
    keys = [group["key"]["payee"] for group in by_payee["groups"]]
    assert "Alpha Bio GmbH + Alpha Pharma KK" in keys
    by_payer = json.loads(run(reports_ledger, "totals", "--by", "payer-group", "-f", "json")[1])
    payers = {group["key"]["payer-group"] for group in by_payer["groups"]}
    # "Alpha" is an alias: it resolves to the registered group name.
    assert "Alpha Group" in payers
    assert "Alpha" not in payers


def test_joint_payee_across_groups_stays_joint(tmp_path: Path) -> None:
    write_ledger(tmp_path)
    path = tmp_path / "deals" / "2025" / "cn-collab.toml"
    path.write_text(
        path.read_text()
        .replace(
            'role = "licensee"',
            'role = "licensee"\n\n[[parties]]\nname = "Delta Inc"\nrole = "partner"',
            1,
        )
        .replace(
            'payee = ["Alpha Bio GmbH", "Alpha Pharma KK"]\n\n[[tranches]]\ntype = "equity"',
            'payee = ["Alpha Bio GmbH", "Delta Inc"]\n\n[[tranches]]\ntype = "equity"',
        )
    )
    document = totals_record(load_ledger(tmp_path), ["payee-group"], "USD")
    keys = [group["key"]["payee-group"] for group in document["groups"]]
    assert "Alpha Group + Delta Inc" in keys


def test_multiple_keys_repeated_or_comma_separated_agree(reports_ledger: Path) -> None:
    repeated = run(reports_ledger, "totals", "--by", "year", "--by", "currency", "-f", "json")[1]
    commas = run(reports_ledger, "totals", "--by", "year,currency", "-f", "json")[1]
    assert repeated == commas
    document = json.loads(repeated, parse_float=Decimal)
    assert document["by"] == ["year", "currency"]
    keys = [(group["key"]["year"], group["key"]["currency"]) for group in document["groups"]]
    assert (2025, "JPY") in keys and (2025, "CNY") in keys and (2024, "EUR") in keys
    jpy = next(g for g in document["groups"] if g["key"] == {"year": 2025, "currency": "JPY"})
    assert jpy["total"] == Decimal("6700000.00")


def test_area_counts_a_deal_in_each_of_its_areas(reports_ledger: Path) -> None:
    document = json.loads(
        run(reports_ledger, "totals", "--by", "area", "-f", "json")[1], parse_float=Decimal
    )
    groups = {group["key"]["area"]: group for group in document["groups"]}
    assert groups["oncology"]["deals"] == 2
    assert groups["immunology"]["deals"] == 1
    summed = sum(group["total"] for group in groups.values() if group["total"] is not None)
    assert summed > document["overall"]["total"]


def test_kind_and_status_groups_sum_to_overall(reports_ledger: Path) -> None:
    document = json.loads(
        run(reports_ledger, "totals", "--by", "kind", "-f", "json")[1], parse_float=Decimal
    )
    total = sum(g["total"] for g in document["groups"] if g["total"] is not None)
    assert total == document["overall"]["total"]
    assert sum(g["deals"] for g in document["groups"]) == document["overall"]["deals"]


def test_currency_override_and_missing_rate_is_exit_1(reports_ledger: Path) -> None:
    code, out, err = run(reports_ledger, "totals", "--currency", "GBP")
    assert code == 1
    assert out == ""
    assert "USD→GBP" in err and "2023-05-01" in err


def test_unknown_currency_code_is_a_usage_error(reports_ledger: Path) -> None:
    code, _, err = run(reports_ledger, "totals", "--currency", "XXQ")
    assert code == 2
    assert "ISO 4217" in err


def test_several_currencies_without_reporting_currency_is_exit_2(reports_ledger: Path) -> None:
    settings = reports_ledger / "dealledger.toml"
    settings.write_text(settings.read_text().replace('currency = "USD"\n', "", 1))
    code, _, err = run(reports_ledger, "totals")
    assert code == 2
    assert "--currency" in err and "CNY, EUR, JPY, USD" in err
    code, out, _ = run(reports_ledger, "totals", "--currency", "USD", "-f", "json")
    assert code == 0
    assert json.loads(out)["currency"] == "USD"


def test_single_currency_selection_needs_no_reporting_currency(reports_ledger: Path) -> None:
    settings = reports_ledger / "dealledger.toml"
    settings.write_text(settings.read_text().replace('currency = "USD"\n', "", 1))
    code, out, _ = run(reports_ledger, "totals", "--kind", "option", "-f", "json")
    assert code == 0
    assert json.loads(out)["currency"] == "USD"


def test_unknown_by_key_lists_accepted_keys(reports_ledger: Path) -> None:
    code, out, err = run(reports_ledger, "totals", "--by", "country")
    assert code == 2
    assert out == ""
    assert "payee-group" in err and "area" in err
    with pytest.raises(ByKeyError):
        parse_by(["year,nope"])
    assert parse_by(["payee_group", "YEAR", "year"]) == ["payee-group", "year"]


def test_table_and_csv_forms(reports_ledger: Path) -> None:
    code, out, _ = run(reports_ledger, "totals", "--by", "payee-group")
    assert code == 0
    assert "Alpha Group" in out and "Overall" in out and "\x1b[" not in out
    assert "2 of 4 deals have undisclosed amounts" in out
    code, out, _ = run(reports_ledger, "totals", "--by", "payee-group", "-f", "csv")
    lines = out.splitlines()
    assert lines[0] == (
        "scope,payee-group,deals,upfront,milestone,commercial,other,total,paid,forfeited,"
        "outstanding,incomplete_deals,reporting_currency"
    )
    assert lines[-1].startswith("overall,,4,") and "227061285.13" in lines[-1]


def test_bundled_ledger_totals() -> None:
    root = REPO
    code, out, _ = run(root, "totals", "-f", "json")
    assert code == 0
    overall = json.loads(out, parse_float=Decimal)["overall"]
    # 100M + 1.92B; 110M + 1.62B + 3.6B; 420M + 780M + 3.5B + 13.8B; two without terms.
    assert overall["total"] == Decimal("25850000000")
    assert overall["deals"] == 5
    assert overall["incomplete_deals"] == 2


AMOUNTS = st.decimals(min_value=0, max_value=10**10, places=2, allow_nan=False)
TRANCHE = st.tuples(
    st.sampled_from(["upfront", "milestone", "commercial", "equity", "option", "other"]),
    st.one_of(AMOUNTS, st.just("undisclosed")),
    st.sampled_from(["USD", "EUR", "JPY", None]),
    st.sampled_from(["expected", "paid", "forfeited"]),
)


def _random_ledger(root: Path, deals: list[list[tuple]]) -> None:
    text_settings = 'currency = "USD"\n'
    for pair, rate in (("EUR USD", "1.0850"), ("USD JPY", "151.3"), ("EUR JPY", "163.7")):
        source, target = pair.split()
        text_settings += (
            f'[[fx]]\ndate = 2020-01-01\nfrom = "{source}"\nto = "{target}"\nrate = "{rate}"\n'
        )
    make_ledger(root, settings=text_settings)
    for number, tranches in enumerate(deals):
        text = ""
        for kind, amount, currency, status in tranches:
            text += f'[[tranches]]\ntype = "{kind}"\n'
            text += f'amount = "{amount}"\n'
            if currency:
                text += f'currency = "{currency}"\n'
            text += f'status = "{status}"\n'
            if status == "paid":
                text += "paid = 2025-01-02\n"
        announced = f"2024-0{number % 9 + 1}-01"
        write_deal(
            root, minimal_deal(f"deal-{number}", announced=announced, currency="EUR", tranches=text)
        )


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(TRANCHE, min_size=1, max_size=4), min_size=1, max_size=4))
def test_totals_and_sqlite_agree_with_independent_sums(deals: list[list[tuple]]) -> None:
    import sqlite3
    import tempfile

    from dealledger.render.export_formats import write_sqlite
    from dealledger.reports.export import export_rows

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "ledger"
        _random_ledger(root, deals)
        ledger = load_ledger(root)
        assert not ledger.problems, ledger.problems
        record = totals_record(ledger, ["kind", "currency"], "USD")
        expected = _independent(root)
        overall = dict(record["overall"])
        assert overall == expected
        grouped = sum(g["total"] for g in record["groups"] if g["total"] is not None)
        assert grouped == (overall["total"] or 0)
        database = Path(folder) / "out.sqlite"
        write_sqlite([export_rows(ledger, "USD")], database)
        with sqlite3.connect(database) as db:
            cents = db.execute("SELECT SUM(reporting_minor) FROM tranches").fetchone()[0]
        assert Decimal(cents or 0) / 100 == (overall["total"] or 0)


def test_joint_key_ignores_the_order_written() -> None:
    from dealledger.reports.totals import joint_key

    assert joint_key(["Beta", "Alpha", "Beta"]) == "Alpha + Beta"
    assert joint_key([]) is None
