"""`show`: one deal in full, the same data in table and json, unknown ids suggested."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from builders import REPO
from dealledger.cli import app

runner = CliRunner()


def show(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["show", *args, "--ledger", str(root)])


def test_json_is_the_summary_object_plus_detail(reports_ledger: Path) -> None:
    result = show(reports_ledger, "cn-collab", "-f", "json")
    assert result.exit_code == 0
    record = json.loads(result.stdout, parse_float=Decimal)
    summary = json.loads(
        runner.invoke(app, ["summarize", "--ledger", str(reports_ledger), "-f", "json"]).stdout,
        parse_float=Decimal,
    )
    base = next(item for item in summary if item["id"] == "cn-collab")
    for key, value in base.items():
        assert record[key] == value, key
    for key in ("assets", "sources", "related", "problems", "tranches"):
        assert key in record
    # figures in the deal's currency (CNY): the JPY equity converted with JPY→CNY 0.048
    assert record["other"] == Decimal("48000000")
    assert record["total"] == Decimal("168000000")


def test_tranches_in_file_order_with_parties_resolved_and_converted(reports_ledger: Path) -> None:
    record = json.loads(show(reports_ledger, "cn-collab", "-f", "json").stdout, parse_float=Decimal)
    tranches = record["tranches"]
    assert [t["type"] for t in tranches] == ["upfront", "equity", "milestone", "royalty"]
    assert tranches[0]["payee"] == ["Alpha Bio GmbH", "Alpha Pharma KK"]
    assert tranches[1]["currency"] == "JPY"
    assert tranches[1]["amount"] == Decimal("1000000000")
    assert tranches[1]["amount_in_deal_currency"] == Decimal("48000000")
    assert tranches[3]["rate"] == "low-single-digit"
    assert tranches[3]["amount"] is None


def test_default_parties_and_undisclosed(reports_ledger: Path) -> None:
    record = json.loads(
        show(reports_ledger, "eu-licence", "-f", "json").stdout, parse_float=Decimal
    )
    first = record["tranches"][0]
    assert first["payer"] == ["Beta Pharma"] and first["payee"] == ["Alpha Bio GmbH"]
    assert record["tranches"][2]["amount"] == "undisclosed"
    assert record["complete"] is False
    assert record["parties"][0]["group"] == "Alpha Group"


def test_related_both_directions(reports_ledger: Path) -> None:
    listed = json.loads(show(reports_ledger, "cn-collab", "-f", "json").stdout)["related"]
    assert listed == [
        {
            "id": "eu-licence",
            "title": "Alpha Bio licenses AB-101 to Beta",
            "direction": "listed here",
        }
    ]
    back = json.loads(show(reports_ledger, "eu-licence", "-f", "json").stdout)["related"]
    assert back[0]["id"] == "cn-collab" and back[0]["direction"] == "lists this deal"


def test_problems_of_the_deal_are_included(reports_ledger: Path) -> None:
    path = reports_ledger / "deals" / "2024" / "eu-licence.toml"
    path.write_text(
        path.read_text()
        .replace('name = "Beta Pharma"', 'name = "Beta Pharmaa"')
        .replace('title = "Alpha Bio licenses', 'total = "1B"\ntitle = "Alpha Bio licenses')
    )
    result = show(reports_ledger, "eu-licence", "-f", "json")
    problems = json.loads(result.stdout)["problems"]
    assert problems, result.stdout
    assert all(problem["deal"] == "eu-licence" for problem in problems)
    assert result.exit_code == 0  # warnings only


def test_table_shows_every_section(reports_ledger: Path) -> None:
    result = show(reports_ledger, "eu-licence")
    assert result.exit_code == 0
    out = result.stdout
    for text in (
        "Parties",
        "Assets",
        "Tranches",
        "Figures",
        "Sources",
        "Related",
        "Alpha Group",
        "undisclosed",
        "mid-single-digit",
        "2025-H2",
        "Beta Pharma → Alpha Bio GmbH",
        "Some amounts are undisclosed",
    ):
        assert text in out, text
    assert "\x1b[" not in out


def test_unknown_id_suggests_nearest(reports_ledger: Path) -> None:
    result = show(reports_ledger, "eu-license")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "eu-licence" in result.stderr


def test_deal_with_errors_says_so(reports_ledger: Path) -> None:
    path = reports_ledger / "deals" / "2024" / "eu-licence.toml"
    path.write_text(path.read_text().replace('kind = "license"', 'kind = "licence"'))
    result = show(reports_ledger, "eu-licence")
    assert result.exit_code == 1
    assert "has errors" in result.stderr


def test_markdown_and_csv(reports_ledger: Path) -> None:
    markdown = show(reports_ledger, "us-option", "-f", "markdown").stdout
    assert markdown.startswith("## us-option")
    assert "| upfront |" in markdown.replace("  ", " ")
    csv_lines = show(reports_ledger, "us-option", "-f", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("id,title,kind,status")
    assert csv_lines[1].startswith("us-option,")


def test_bundled_deal_shows_shared_payee() -> None:
    root = REPO
    record = json.loads(
        show(root, "azn-cspc-2026-obesity-peptides", "-f", "json").stdout, parse_float=Decimal
    )
    upfront = record["tranches"][0]
    assert upfront["payee"] == [
        "CSPC Jushi Biopharmaceutical Co., Ltd.",
        "CSPC Pharmaceutical Group Limited",
        "CSPC Zhongqi Pharmaceutical Technology (Shijiazhuang) Co., Ltd.",
    ]
    assert upfront["split"][1] == {
        "payee": [
            "CSPC Pharmaceutical Group Limited",
            "CSPC Zhongqi Pharmaceutical Technology (Shijiazhuang) Co., Ltd.",
        ],
        "share": Decimal("0.65"),
    }
    assert record["total"] == Decimal("18500000000")
