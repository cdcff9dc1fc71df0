"""summarize: the spec's JSON object, figures by hand, and the other formats."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from builders import REPO, make_ledger, minimal_deal
from check_runs import run_cli


def summarize(root: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli("summarize", "--ledger", str(root), *args)
    return result.exit_code, result.stdout, result.stderr


def test_bundled_2025_deal_figures() -> None:
    code, out, _ = summarize(REPO, "--format", "json")
    assert code == 0
    deals = {deal["id"]: deal for deal in json.loads(out, parse_float=Decimal)}
    deal = deals["azn-cspc-2025-ai-research"]
    assert (deal["upfront"], deal["milestone"], deal["commercial"]) == (
        110_000_000,
        1_620_000_000,
        3_600_000_000,
    )
    assert deal["total"] == 5_330_000_000
    assert deal["declared_total"] == 5_300_000_000
    assert deal["complete"] is True


def test_json_shape_and_date_order() -> None:
    _, out, _ = summarize(REPO, "--format", "json")
    deals = json.loads(out)
    assert list(deals[0]) == [
        "id", "title", "kind", "status", "announced", "signed", "currency", "parties",
        "upfront", "milestone", "commercial", "other", "total", "declared_total", "paid",
        "forfeited", "outstanding", "overdue", "complete", "path",
    ]  # fmt: skip
    keys = [(deal["signed"] or deal["announced"], deal["id"]) for deal in deals]
    assert keys == sorted(keys)


def test_undisclosed_financials_are_null_not_zero() -> None:
    _, out, _ = summarize(REPO, "--format", "json")
    framework = next(deal for deal in json.loads(out) if deal["kind"] == "framework")
    assert framework["total"] is None and framework["upfront"] is None
    assert framework["complete"] is False
    _, table, _ = summarize(REPO)
    line = next(row for row in table.splitlines() if "framework" in row)
    assert "undisclosed" in line and " 0 " not in line


def test_undisclosed_tranche_counts_as_unknown_not_zero(tmp_path: Path) -> None:
    extra_tranches = """
[[tranches]]
type = "milestone"
amount = "undisclosed"

[[tranches]]
type = "commercial"
amount = "1B"
status = "forfeited"

[[tranches]]
type = "equity"
amount = "50M"
status = "paid"
paid = 2025-07-01
"""
    make_ledger(tmp_path, {"a.toml": minimal_deal("a") + extra_tranches})
    _, out, _ = summarize(tmp_path, "--format", "json")
    (deal,) = json.loads(out)
    assert deal["milestone"] is None  # every amount it covers is undisclosed
    assert deal["upfront"] == 110_000_000
    assert deal["other"] == 50_000_000
    assert deal["total"] == 1_160_000_000  # disclosed amounts only
    assert deal["paid"] == 50_000_000
    assert deal["forfeited"] == 1_000_000_000
    assert deal["outstanding"] == 110_000_000
    assert deal["complete"] is False


def test_tranche_in_another_currency_converts_by_the_fx_rule(tmp_path: Path) -> None:
    tranche = '\n[[tranches]]\ntype = "milestone"\namount = "10M"\ncurrency = "EUR"\n'
    settings = """
    [[fx]]
    date = 2025-01-01
    from = "EUR"
    to = "USD"
    rate = "1.0833"
    """
    make_ledger(tmp_path, {"a.toml": minimal_deal("a") + tranche}, settings)
    code, out, _ = summarize(tmp_path, "--format", "json")
    (deal,) = json.loads(out, parse_float=Decimal)
    assert code == 0
    assert deal["milestone"] == Decimal("10833000")
    assert deal["total"] == Decimal("120833000")


def test_invalid_files_go_to_stderr_and_valid_deals_still_summarized(tmp_path: Path) -> None:
    make_ledger(tmp_path, {"good.toml": minimal_deal("good"), "bad.toml": 'id = "bad"\n'})
    code, out, err = summarize(tmp_path, "--format", "json")
    assert code == 1
    assert [deal["id"] for deal in json.loads(out)] == ["good"]
    assert "bad.toml:1:1: error DL101" in err


def test_csv_has_the_json_keys_and_exact_numbers() -> None:
    _, out, _ = summarize(REPO, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0].startswith("id,title,kind,status")
    row = next(row for row in rows if row["id"] == "azn-cspc-2025-ai-research")
    assert row["total"] == "5330000000"
    assert row["parties"] == (
        "CSPC Pharmaceutical Group Limited | licensor | CSPC Pharmaceutical Group; "
        "AstraZeneca | licensee | AstraZeneca"
    )
    assert row["signed"] == ""  # null is an empty cell


def test_tsv_and_markdown() -> None:
    _, tsv, _ = summarize(REPO, "--format", "tsv")
    header, *rows = tsv.splitlines()
    assert header.split("\t")[:3] == ["id", "title", "kind"]
    assert len(rows) == 5 and all(len(row.split("\t")) == 20 for row in rows)
    _, markdown, _ = summarize(REPO, "--format", "markdown")
    assert markdown.startswith("| Date | Deal |")
    assert "| USD 5.33B |" in markdown


def test_table_in_a_pipe_is_plain_and_unwrapped() -> None:
    _, out, _ = summarize(REPO)
    assert "\x1b[" not in out
    row = next(line for line in out.splitlines() if "azn-cspc-2026" in line)
    assert "USD 1.2B" in row and "USD 18.5B" in row  # one deal, one line
    assert "Total USD" in out


def test_formula_cells_are_neutralised_unless_raw(tmp_path: Path) -> None:
    text = minimal_deal("a").replace('title = "Example licence"', 'title = "=HYPERLINK(1)"')
    make_ledger(tmp_path, {"a.toml": text})
    _, out, _ = summarize(tmp_path, "--format", "csv")
    assert "'=HYPERLINK(1)" in out
    _, raw, _ = summarize(tmp_path, "--format", "csv", "--raw-cells")
    assert ",=HYPERLINK(1)," in raw


def test_terminal_table_fits_its_width_and_pipes_keep_every_column() -> None:
    from dealledger.ledger.ledger import load_ledger
    from dealledger.render.summary_view import summary_view
    from dealledger.render.table import lay_out
    from dealledger.reports.summary import summary_records

    view = summary_view(summary_records(load_ledger(REPO), date(2026, 1, 1)))
    titles = [column.title for column in view.columns]

    def shown(width: int | None, *, for_person: bool = True, wide: bool = False) -> list[str]:
        layout = lay_out(view, width, for_person=for_person, wide=wide)
        return [titles[position] for position in layout.shown]

    assert shown(None, for_person=False) == titles
    wide = shown(400)
    assert "Title" not in wide and "Declared" in wide  # titles are for `show` and pipes
    narrow = shown(110)
    assert "Declared" not in narrow and "Paid" not in narrow
    assert {"Deal", "Total", "Outstanding"} <= set(narrow)
    assert shown(80, wide=True) == titles  # --wide leaves nothing out
