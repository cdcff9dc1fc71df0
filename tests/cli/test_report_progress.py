"""`value` and `export` show a bar while they work through the deals (after loading), with
the number of deals as its total; like the load's bar, only on a terminal."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import make_ledger, minimal_deal
from dealledger.cli import app, progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_counts_the_items_against_the_total() -> None:
    stream = FakeTerminal()
    items = list(progress.with_progress(range(300), "valuing deals", 300, stream, delay=0))
    assert items == list(range(300))
    assert "valuing deals" in stream.getvalue()
    assert "300/300" in stream.getvalue() or "256/300" in stream.getvalue()


def test_no_bar_off_a_terminal() -> None:
    stream = io.StringIO()
    assert list(progress.with_progress(range(300), "x", 300, stream, delay=0)) == list(range(300))
    assert stream.getvalue() == ""


@pytest.mark.parametrize(
    ("args", "label"),
    [
        (["value"], "valuing deals"),
        (["export", "--output", "{out}/ledger.sqlite"], "exporting deals"),
    ],
)
def test_value_and_export_go_through_the_bar(
    args: list[str], label: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, int, int]] = []

    def recording(items: Iterable[Any], name: str, total: int, *rest: Any) -> Iterator[Any]:
        count = 0
        for count, item in enumerate(items, start=1):  # noqa: B007
            yield item
        seen.append((name, total, count))

    monkeypatch.setattr(progress, "with_progress", recording)
    root = make_ledger(tmp_path / "ledger", [minimal_deal(f"deal-{n}") for n in range(3)])
    args = [part.format(out=tmp_path) for part in args]
    result = CliRunner().invoke(app, [*args, "--ledger", str(root)])
    assert result.exit_code == 0, result.output
    ((name, total, taken),) = seen
    assert name == label
    assert taken == total  # every item went through the bar, and the total said so
