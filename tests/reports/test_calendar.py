"""`dealledger calendar`: checked by parsing its output with a real iCalendar library."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import icalendar
import pytest
from typer.testing import CliRunner

from builders import make_ledger
from dealledger.cli import app
from dealledger.render.ical import fold
from reports_fixture import write_ledger

# A deal signing after the as-of date, with a due date, a quarter, an achieved-but-unpaid
# tranche, two tranches sharing (type, label), and text that needs escaping and folding.
PENDING = """\
id = "pending-deal"
title = "Gamma; Beta, and the \\\\ long-awaited — licence for GX-1 in Japan and Korea"
kind = "license"
announced = 2025-05-02
signed = 2025-09-30
currency = "USD"

[[parties]]
name = "Gamma SA"
role = "licensor"

[[parties]]
name = "Beta Pharma"
role = "licensee"

[[tranches]]
type = "upfront"
label = "Upfront, on closing; payable in two parts\\nsee notes — 前払い金"
amount = "25M"
due = 2025-10-15

[[tranches]]
type = "milestone"
label = "Sales step"
amount = "5M"
due = "2026-Q2"

[[tranches]]
type = "milestone"
label = "Sales step"
amount = "7M"
due = "2027"

[[tranches]]
type = "milestone"
label = "IND"
amount = "2M"
status = "achieved"
achieved = 2025-05-05
due = "2025-05"

[[tranches]]
type = "milestone"
label = "Paid already"
amount = "1M"
status = "paid"
paid = 2025-05-10
due = 2025-05-01
"""

AS_OF = "2025-06-01"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = write_ledger(tmp_path / "ledger")
    (root / "deals" / "pending-deal.toml").write_text(PENDING, encoding="utf-8")
    return root


def calendar(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["calendar", "--ledger", str(root), *args])
    # stdout_bytes: the Result's `stdout` turns CRLF into LF.
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


def events(text: str) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


def by_summary(parsed: list[icalendar.Event]) -> dict[str, icalendar.Event]:
    return {str(event["SUMMARY"]): event for event in parsed}


def test_one_event_per_dated_item_still_to_come(root: Path) -> None:
    code, text, _ = calendar(root, "--as-of", AS_OF)
    assert code == 0
    parsed = events(text)
    found = {(str(e["UID"]).split("@")[0], e.decoded("DTSTART")) for e in parsed}
    assert found == {
        # eu-licence: "Phase 2 start" due 2025-H2, on the half-year's last day.
        (_uid("eu-licence", "milestone", "Phase 2 start"), date(2025, 12, 31)),
        # cn-collab: "IND acceptance" due 2026-Q1.
        (_uid("cn-collab", "milestone", "IND acceptance"), date(2026, 3, 31)),
        ("pending-deal.signed", date(2025, 9, 30)),
        (_uid("pending-deal", "upfront", PENDING_UPFRONT_LABEL), date(2025, 10, 15)),
        ("pending-deal.due.milestone-at-1", date(2026, 6, 30)),
        ("pending-deal.due.milestone-at-2", date(2027, 12, 31)),
        # Achieved in April, still unpaid, due in May 2025: overdue on 2025-06-01.
        (_uid("pending-deal", "milestone", "IND"), date(2025, 5, 31)),
    }
    for event in parsed:
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert (end - start).days == 1  # all-day
        assert event.decoded("DTSTAMP").date() == date(2025, 6, 1)


PENDING_UPFRONT_LABEL = "Upfront, on closing; payable in two parts\nsee notes — 前払い金"


def _uid(deal: str, kind: str, label: str) -> str:
    import hashlib

    return f"{deal}.due.{kind}-{hashlib.sha256(label.encode()).hexdigest()[:12]}"


def test_overdue_items_are_flagged(root: Path) -> None:
    _, text, _ = calendar(root, "--as-of", AS_OF)
    overdue = [e for e in events(text) if "overdue" in e.categories]
    assert [str(e["SUMMARY"]) for e in overdue] == [
        'OVERDUE: Due: milestone "IND" USD 2M · pending-deal'
    ]
    _, later, _ = calendar(root, "--as-of", "2026-01-15")
    summaries = sorted(str(e["SUMMARY"]) for e in events(later) if "overdue" in e.categories)
    assert summaries == [
        'OVERDUE: Due: milestone "IND" USD 2M · pending-deal',
        'OVERDUE: Due: milestone "Phase 2 start" EUR 50M · eu-licence',
        'OVERDUE: Due: upfront "Upfront, on closing; payable in two parts\nsee notes — 前払い金" '
        "USD 25M · pending-deal",
    ]
    # The signing on 2025-09-30 is past by then: no longer an entry.
    assert not any("signing" in e.categories for e in events(later))


def test_text_round_trips_through_escaping_and_folding(root: Path) -> None:
    _, text, _ = calendar(root, "--as-of", AS_OF)
    raw = text.encode("utf-8")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert raw.endswith(b"END:VCALENDAR\r\n")
    signing = by_summary(events(text))["Expected signing · pending-deal"]
    assert str(signing["DESCRIPTION"]).splitlines()[0] == (
        "Gamma; Beta, and the \\ long-awaited — licence for GX-1 in Japan and Korea"
    )
    assert signing.categories == ["dealledger", "signing"]


def test_stdout_of_the_real_command_keeps_crlf(root: Path) -> None:
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("DEALLEDGER_")}
    done = subprocess.run(
        [sys.executable, "-m", "dealledger", "calendar", "--ledger", str(root), "--as-of", AS_OF],
        capture_output=True,
        env=env,
        check=True,
    )
    assert done.stdout == calendar(root, "--as-of", AS_OF)[1].encode("utf-8")
    assert done.stdout.count(b"\r\n") == done.stdout.count(b"\n")


def test_fold_never_splits_a_character() -> None:
    line = "SUMMARY:" + "前" * 40
    folded = fold(line).encode("utf-8")
    pieces = folded.split(b"\r\n")[:-1]
    assert all(len(piece) <= 75 for piece in pieces)
    assert all(piece.decode("utf-8") for piece in pieces)  # each piece is whole UTF-8
    assert b"".join(p[1:] if i else p for i, p in enumerate(pieces)).decode() == line


def test_uids_and_bytes_are_stable(root: Path) -> None:
    first = calendar(root, "--as-of", AS_OF)[1]
    assert calendar(root, "--as-of", AS_OF)[1] == first  # byte-identical
    uids = {str(e["UID"]) for e in events(first)}
    # Editing an amount and inserting a tranche before a labelled one keeps the UIDs.
    path = root / "deals" / "2024" / "eu-licence.toml"
    text = path.read_text(encoding="utf-8").replace("amount = 50000000", 'amount = "55M"')
    anchor = '[[tranches]]\ntype = "milestone"\nlabel = "Phase 2 start"'
    inserted = '[[tranches]]\ntype = "other"\nlabel = "Tech transfer"\namount = "1M"\n\n'
    path.write_text(text.replace(anchor, inserted + anchor, 1), encoding="utf-8")
    again = {str(e["UID"]) for e in events(calendar(root, "--as-of", AS_OF)[1])}
    assert again == uids
    assert len(uids) == len(events(first))  # unique


def test_filters_and_the_event_window(root: Path) -> None:
    _, text, _ = calendar(root, "--as-of", AS_OF, "--party", "Gamma SA")
    assert {str(e["UID"]).split(".")[0] for e in events(text)} == {"pending-deal"}
    _, text, _ = calendar(root, "--as-of", AS_OF, "--since", "2026", "--until", "2026-Q2")
    assert sorted(e.decoded("DTSTART") for e in events(text)) == [
        date(2026, 3, 31),
        date(2026, 6, 30),
    ]
    _, text, _ = calendar(root, "--as-of", AS_OF, "--kind", "collaboration")
    assert len(events(text)) == 1


def test_output_file_and_refused_targets(root: Path, tmp_path: Path) -> None:
    target = tmp_path / "deals.ics"
    code, stdout, stderr = calendar(root, "--as-of", AS_OF, "--output", str(target))
    assert (code, stdout) == (0, "")
    assert "Wrote" in stderr and "(7 entries)" in stderr
    assert target.read_bytes() == calendar(root, "--as-of", AS_OF)[1].encode("utf-8")
    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    code, _, stderr = calendar(root, "--output", str(fifo))
    assert code == 2
    assert "is not a regular file" in stderr
    code, _, stderr = calendar(root, "--output", str(tmp_path / "missing" / "x.ics"))
    assert code == 2
    assert "does not exist" in stderr


def test_bad_dates_are_usage_errors(root: Path) -> None:
    assert calendar(root, "--as-of", "tomorrow")[0] == 2
    code, _, stderr = calendar(root, "--since", "2026-13")
    assert code == 2
    assert stderr.startswith("dealledger: error:")


OPTION_DEAL = """\
format = 2
id = "optioned"
title = "An option to license"
kind = "option"
announced = 2025-01-10
currency = "USD"

[[parties]]
name = "Gamma SA"
role = "licensor"

[[parties]]
name = "Beta Pharma"
role = "licensee"

[[tranches]]
type = "upfront"
amount = "5M"
status = "paid"
paid = 2025-01-20

[[options]]
id = "china"
holder = "Beta Pharma"
right = "territory"
deadline = "2025-Q4"

[[options]]
id = "later"
holder = "Beta Pharma"
right = "license"
deadline = 2025-03-01
status = "lapsed"
ended = 2025-03-01
"""


def test_an_open_option_deadline_is_an_event_with_a_stable_uid(tmp_path: Path) -> None:
    root = make_ledger(tmp_path / "ledger", {"optioned.toml": OPTION_DEAL})
    code, text, _ = calendar(root, "--as-of", AS_OF)
    assert code == 0, text
    parsed = events(text)
    deadlines = [e for e in parsed if "option-deadline" in str(e["UID"])]
    assert [str(e["UID"]).split("@")[0] for e in deadlines] == ["optioned.option-deadline.china"]
    assert deadlines[0].decoded("DTSTART") == date(2025, 12, 31)  # the quarter's last day
    assert "Option deadline" in str(deadlines[0]["SUMMARY"])
    again = calendar(root, "--as-of", AS_OF)[1]
    assert again == text


def test_output_never_replaces_a_link(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.ics"
    outside.write_text("keep me", encoding="utf-8")
    link = tmp_path / "link.ics"
    link.symlink_to(outside)
    code, _, stderr = calendar(root, "--output", str(link))
    assert code == 2 and "is not a regular file" in stderr
    assert link.is_symlink() and outside.read_text(encoding="utf-8") == "keep me"


def test_the_calendars_last_day_is_an_event_without_dtend(tmp_path: Path) -> None:
    """9999-12-31 has no next day to end on: the event is written without DTEND, which RFC
    5545 reads as one day (the fuzz harness found the crash: tests/data/fuzz-regressions)."""
    last = PENDING.replace("due = 2025-10-15", "due = 9999-12-31")
    root = make_ledger(tmp_path / "ledger", {"pending-deal.toml": last})
    code, text, _ = calendar(root, "--as-of", AS_OF)
    assert code == 0, text
    (event,) = [event for event in events(text) if event["DTSTART"].dt == date.max]
    assert "DTEND" not in event
    assert text.count("DTEND") == text.count("DTSTART") - 1
