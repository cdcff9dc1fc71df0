"""`timeline`: events in order, the schedule per period, and the drawn chart."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from builders import REPO
from dealledger.cli import app
from dealledger.ledger.ledger import load_ledger
from dealledger.render.chart import PeriodBars, TimelineChart
from dealledger.reports.timeline import period_name, schedule, timeline_events
from reports_fixture import write_ledger

runner = CliRunner()


def run(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["timeline", "--ledger", str(root), *args])


def test_events_json_shape_and_order(reports_ledger: Path) -> None:
    result = run(reports_ledger, "-f", "json")
    assert result.exit_code == 0
    events = json.loads(result.stdout, parse_float=Decimal)
    assert all(
        list(event) == ["date", "deal", "event", "type", "label", "amount", "currency", "overdue"]
        for event in events
    )
    assert [(e["date"], e["deal"], e["event"]) for e in events] == [
        ("2023-04-01", "us-option", "signed"),
        ("2023-04-03", "us-option", "announced"),
        ("2023-05-01", "us-option", "paid"),
        ("2024-01-31", "us-option", "terminated"),
        ("2024-03-15", "eu-licence", "signed"),
        ("2024-03-18", "eu-licence", "announced"),
        ("2024-05-15", "us-option", "due"),
        ("2024-07-01", "eu-licence", "paid"),
        ("2024-09-01", "us-framework", "announced"),
        ("2025-02-10", "cn-collab", "announced"),
        ("2025-03-01", "cn-collab", "paid"),
        ("2025-H2", "eu-licence", "due"),
        ("2026-Q1", "cn-collab", "due"),
    ]
    paid_jpy = events[10]
    assert paid_jpy["amount"] == Decimal("1000000000") and paid_jpy["currency"] == "JPY"
    assert paid_jpy["type"] == "equity" and paid_jpy["label"] == "Equity investment"
    assert events[0]["amount"] is None and events[0]["type"] is None


def test_period_is_ordered_by_its_first_day(tmp_path: Path) -> None:
    write_ledger(tmp_path)
    path = tmp_path / "deals" / "2025" / "cn-collab.toml"
    # 2025-H2 starts 2025-07-01: a date of 2025-06-30 comes before it, 2025-07-02 after.
    path.write_text(path.read_text().replace('due = "2026-Q1"', "due = 2025-06-30"))
    events = json.loads(run(tmp_path, "-f", "json").stdout)
    order = [event["date"] for event in events if event["event"] == "due"]
    assert order == ["2024-05-15", "2025-06-30", "2025-H2"]


def test_period_names() -> None:
    day = date(2024, 8, 9)
    assert period_name(day, "year") == "2024"
    assert period_name(day, "quarter") == "2024-Q3"
    assert period_name(day, "month") == "2024-08"


def test_schedule_by_year_in_reporting_currency(reports_ledger: Path) -> None:
    result = run(reports_ledger, "--by", "year", "-f", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout, parse_float=Decimal)
    assert list(document) == ["currency", "periods", "unscheduled"]
    assert document["currency"] == "USD"
    assert document["periods"] == [
        {"period": "2023", "paid": Decimal("5000000"), "due": 0},
        {"period": "2024", "paid": Decimal("13209876.43"), "due": 0},
        {"period": "2025", "paid": Decimal("6700000"), "due": Decimal("54250000")},
        {"period": "2026", "paid": 0, "due": Decimal("2816901.41")},
    ]
    # the CNY upfront has no due date
    assert document["unscheduled"] == Decimal("14084507.04")


def test_schedule_adds_up_to_totals(reports_ledger: Path) -> None:
    schedule_doc = json.loads(
        run(reports_ledger, "--by", "month", "-f", "json").stdout, parse_float=Decimal
    )
    totals = json.loads(
        runner.invoke(app, ["totals", "--ledger", str(reports_ledger), "-f", "json"]).stdout,
        parse_float=Decimal,
    )["overall"]
    paid = sum(period["paid"] for period in schedule_doc["periods"])
    due = sum(period["due"] for period in schedule_doc["periods"]) + schedule_doc["unscheduled"]
    assert paid == totals["paid"]
    assert due == totals["outstanding"]


def test_quarter_bucket_holds_period_first_day(reports_ledger: Path) -> None:
    document = json.loads(
        run(reports_ledger, "--by", "quarter", "-f", "json").stdout, parse_float=Decimal
    )
    periods = {period["period"]: period for period in document["periods"]}
    assert periods["2025-Q3"]["due"] == Decimal("54250000")  # "2025-H2" starts 2025-07-01
    assert periods["2026-Q1"]["due"] == Decimal("2816901.41")


def test_bad_bucket_lists_accepted_values(reports_ledger: Path) -> None:
    result = run(reports_ledger, "--by", "week")
    assert result.exit_code == 2
    assert "year, quarter, month" in result.stderr


def test_chart_draws_every_deal_with_glyphs() -> None:
    console = Console(width=100, record=True, color_system=None)
    console.print(
        TimelineChart(
            [
                ("first-deal", [(date(2023, 1, 5), "deal"), (date(2024, 6, 1), "paid")]),
                ("second-deal", [(date(2025, 2, 1), "deal"), (date(2026, 4, 1), "due")]),
            ]
        )
    )
    text = console.export_text()
    lines = text.splitlines()
    assert lines[0].startswith("first-deal") and "●" in lines[0]
    assert lines[1].startswith("second-deal") and "○" in lines[1]
    assert "2023" in text and "2026" in text
    assert max(len(line) for line in lines) <= 100
    # first-deal's paid mark comes before second-deal's due mark
    assert lines[0].index("●") < lines[1].index("○")


def test_bars_scale_to_the_biggest_period() -> None:
    console = Console(width=90, record=True, color_system=None)
    periods = [
        {"period": "2024", "paid": Decimal(100), "due": Decimal(0)},
        {"period": "2025", "paid": Decimal(0), "due": Decimal(50)},
    ]
    console.print(PeriodBars(periods, "USD"))
    lines = console.export_text().splitlines()
    assert abs(lines[1].count("█") - 2 * lines[2].count("░")) <= 1


def test_terminal_chart_on_request_and_plain_in_pipe(reports_ledger: Path) -> None:
    plain = run(reports_ledger).stdout
    assert "●" not in plain and "us-option" in plain
    drawn = run(reports_ledger, "--chart").stdout
    assert "●" in drawn and "✕" in drawn
    bars = run(reports_ledger, "--by", "year", "--chart").stdout
    assert "█" in bars and "░" in bars


def test_schedule_library_counts_undisclosed(reports_ledger: Path) -> None:
    found = schedule(load_ledger(reports_ledger), "year", "USD")
    assert found.undisclosed == 1


def test_bundled_timeline_places_2026_q2_upfront() -> None:
    root = REPO
    document = json.loads(run(root, "--by", "quarter", "-f", "json").stdout, parse_float=Decimal)
    assert document["periods"] == [{"period": "2026-Q2", "paid": 0, "due": Decimal("1200000000")}]


def test_achieved_without_due_counts_at_its_achieved_date(tmp_path: Path) -> None:
    write_ledger(tmp_path)
    path = tmp_path / "deals" / "2025" / "cn-collab.toml"
    path.write_text(
        path.read_text().replace('due = "2026-Q1"', 'status = "achieved"\nachieved = 2025-05-20')
    )
    document = json.loads(run(tmp_path, "--by", "month", "-f", "json").stdout, parse_float=Decimal)
    periods = {period["period"]: period for period in document["periods"]}
    assert periods["2025-05"] == {"period": "2025-05", "paid": 0, "due": Decimal("2816901.41")}
    events = json.loads(run(tmp_path, "-f", "json").stdout)
    assert {"date": "2025-05-20", "event": "achieved"}.items() <= next(
        event for event in events if event["event"] == "achieved"
    ).items()


def test_filters_apply_to_timeline(reports_ledger: Path) -> None:
    events = json.loads(run(reports_ledger, "--party", "Delta Inc", "-f", "json").stdout)
    assert {event["deal"] for event in events} == {"us-option", "us-framework"}
    schedule_doc = json.loads(
        run(reports_ledger, "--party", "Delta Inc", "--by", "year", "-f", "json").stdout
    )
    assert [period["period"] for period in schedule_doc["periods"]] == ["2023"]


def test_events_spilled_in_runs_keep_the_order_of_one_sort() -> None:
    """A large ledger's events are sorted in runs on disk: same events, same order."""
    ledger = load_ledger(REPO)
    whole = list(timeline_events(ledger))
    spilled = timeline_events(ledger, run_size=2)
    assert spilled.spilled
    assert list(spilled) == whole
    assert len(whole) > 2 * 3
    assert [event.start for event in whole] == sorted(event.start for event in whole)
