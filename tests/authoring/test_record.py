"""`record`: one tranche (or the deal) changes, every other byte stays."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import COMMENTED
from dealledger.authoring.record import RecordRefused, RecordUsageError, record
from dealledger.cli import app

DEAL = "acme-widget-2024"


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    (tmp_path / "deals").mkdir()
    shutil.copy(COMMENTED / "messy.toml", tmp_path / "deals" / "messy.toml")
    return tmp_path


def run(ledger: Path, *args: str):
    return CliRunner().invoke(app, ["record", DEAL, "--ledger", str(ledger), *args])


def test_paid_inserts_two_lines_and_nothing_else(ledger: Path) -> None:
    path = ledger / "deals" / "messy.toml"
    before = path.read_bytes()
    result = run(ledger, "--tranche", "1", "--paid", "2024-04-01")
    assert result.exit_code == 0, result.output
    expected = before.replace(
        b'label = "Upfront"\n', b'label = "Upfront"\nstatus = "paid"\npaid = 2024-04-01\n', 1
    )
    assert path.read_bytes() == expected


def test_new_key_goes_before_the_comment_that_ends_the_table(ledger: Path) -> None:
    path = ledger / "deals" / "messy.toml"
    before = path.read_text()
    result = run(ledger, "--tranche", "Development milestones", "--achieved", "2025-01-10")
    assert result.exit_code == 0, result.output
    expected = before.replace(
        'amount = "1.1B"\n# a comment at the end',
        'amount = "1.1B"\nstatus = "achieved"\nachieved = 2025-01-10\n# a comment at the end',
    )
    assert path.read_text() == expected


def test_label_matches_without_case(ledger: Path) -> None:
    result = run(ledger, "-t", "royalties", "--status", "forfeited")
    assert result.exit_code == 0, result.output
    text = (ledger / "deals" / "messy.toml").read_text()
    assert 'label = "Royalties"\nstatus = "forfeited"\n' in text


def test_existing_value_is_replaced_in_place_keeping_its_comment(tmp_path: Path) -> None:
    (tmp_path / "deals").mkdir()
    source = (COMMENTED / "messy.toml").read_text()
    source = source.replace(
        'label = "Upfront"\n', 'label = "Upfront"\nstatus   =   "expected"   # not yet\n'
    )
    path = tmp_path / "deals" / "deal.toml"
    path.write_text(source)
    result = run(tmp_path, "-t", "1", "--status", "paid", "--paid", "2024-05-02")
    assert result.exit_code == 0, result.output
    assert path.read_text() == source.replace(
        'status   =   "expected"   # not yet\n',
        'status   =   "paid"   # not yet\npaid = 2024-05-02\n',
    )


def test_amount_is_written_as_typed(ledger: Path) -> None:
    path = ledger / "deals" / "messy.toml"
    result = run(ledger, "-t", "1", "--amount", "120M")
    assert result.exit_code == 0, result.output
    assert 'amount = "120M"\n' in path.read_text()
    result = run(ledger, "-t", "1", "--amount", "110_000_000")
    assert result.exit_code == 0, result.output
    assert "amount = 110_000_000\n" in path.read_text()


def test_deal_terminated(ledger: Path) -> None:
    path = ledger / "deals" / "messy.toml"
    before = path.read_text()
    result = run(ledger, "--status", "terminated", "--terminated", "2025-02-01")
    assert result.exit_code == 0, result.output
    expected = before.replace('kind="license"\n', 'kind="license"\nstatus = "terminated"\n')
    expected = expected.replace(
        "announced = 2024-03-01     # aligned comment\n",
        "announced = 2024-03-01     # aligned comment\nterminated = 2025-02-01\n",
    )
    assert path.read_text() == expected
    check = CliRunner().invoke(app, ["check", "--ledger", str(ledger)])
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["-t", "1", "--paid", "2999-01-01"], "DL203"),  # in the future
        (["-t", "2", "--achieved", "2025-02-01", "--paid", "2025-01-01"], "DL201"),
        (["-t", "1", "--status", "paid"], "DL202"),  # paid without a date
        (["--status", "terminated"], "DL202"),  # terminated without a date
        (["--terminated", "2020-01-01"], "DL201"),  # before announced
    ],
)
def test_invalid_change_is_refused_and_file_untouched(
    ledger: Path, args: list[str], code: str
) -> None:
    path = ledger / "deals" / "messy.toml"
    before = path.read_bytes()
    result = run(ledger, *args)
    assert result.exit_code == 1, result.output
    assert code in result.output
    assert "not recorded" in result.output
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["-t", "9", "--status", "paid"], "there is no tranche 9"),
        (["-t", "Nope", "--status", "paid"], "no tranche is labelled 'Nope'"),
        (["-t", "1", "--status", "done"], "not a tranche status"),
        (["-t", "1", "--paid", "2024-13-01"], "not a date"),
        (["-t", "1", "--due", "2027-Q5"], "--due"),
        (["-t", "1", "--amount", "1.5e9"], "--amount"),
        (["-t", "1", "--terminated", "2025-01-01"], "leave out --tranche"),
        (["--paid", "2025-01-01"], "add --tranche"),
        ([], "nothing to record"),
    ],
)
def test_usage_errors_exit_2(ledger: Path, args: list[str], fragment: str) -> None:
    path = ledger / "deals" / "messy.toml"
    before = path.read_bytes()
    result = run(ledger, *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output
    assert path.read_bytes() == before


def test_unknown_tranche_lists_the_tranches(ledger: Path) -> None:
    result = run(ledger, "-t", "7", "--status", "paid")
    assert result.exit_code == 2
    assert "1: upfront  'Upfront'" in result.output
    assert "2: milestone  'Development milestones'" in result.output
    assert "3: royalty  'Royalties'" in result.output


def test_unknown_deal(ledger: Path) -> None:
    result = CliRunner().invoke(
        app, ["record", "acme-widget-2025", "--ledger", str(ledger), "-t", "1", "--status", "paid"]
    )
    assert result.exit_code == 2
    assert 'did you mean "acme-widget-2024"' in result.output


def test_same_value_writes_nothing(ledger: Path) -> None:
    path = ledger / "deals" / "messy.toml"
    run(ledger, "-t", "1", "--due", "2030")
    stat = path.stat()
    result = run(ledger, "-t", "1", "--due", "2030")
    assert result.exit_code == 0
    assert "unchanged" in result.output
    assert path.stat().st_mtime_ns == stat.st_mtime_ns


def test_crlf_and_bom_are_kept(tmp_path: Path) -> None:
    (tmp_path / "deals").mkdir()
    text = (COMMENTED / "messy.toml").read_text()
    path = tmp_path / "deals" / "deal.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    result = run(tmp_path, "-t", "1", "--due", "2031-H2")
    assert result.exit_code == 0, result.output
    expected = text.replace('label = "Upfront"\n', 'label = "Upfront"\ndue = "2031-H2"\n')
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.replace("\n", "\r\n").encode()


def test_library_refusal_carries_problems(ledger: Path) -> None:
    with pytest.raises(RecordRefused) as refused:
        record(ledger, DEAL, "1", paid="2024-06-01", today=date(2024, 5, 1))
    assert [problem.code for problem in refused.value.problems] == ["DL203"]
    with pytest.raises(RecordUsageError):
        record(ledger, DEAL, "0", status="paid")


def test_existing_error_elsewhere_does_not_block_a_record(tmp_path: Path) -> None:
    """A file that already has an error can still be updated, as long as the change adds none."""
    (tmp_path / "deals").mkdir()
    text = (
        (COMMENTED / "messy.toml")
        .read_text()
        .replace('tags = [ "a",\'b\' ,  "c" ]', 'related = ["no-such-deal"]')
    )
    path = tmp_path / "deals" / "deal.toml"
    path.write_text(text)
    result = run(tmp_path, "-t", "1", "--due", "2030")
    assert result.exit_code == 0, result.output


def test_inline_tranches_are_refused_cleanly(tmp_path: Path) -> None:
    (tmp_path / "deals").mkdir()
    path = tmp_path / "deals" / "inline.toml"
    path.write_text(
        'id = "inline-1"\ntitle = "t"\nkind = "license"\nannounced = 2024-01-01\n'
        'currency = "USD"\ntranches = [{ type = "upfront", amount = 5 }]\n'
        'parties = [{ name = "A", role = "licensor" }, { name = "B", role = "licensee" }]\n'
    )
    before = path.read_bytes()
    result = CliRunner().invoke(
        app, ["record", "inline-1", "--ledger", str(tmp_path), "-t", "1", "--due", "2030"]
    )
    assert result.exit_code == 1, result.output
    assert "[[tranches]] tables" in result.output
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "extra",
    [
        "big = " + "1" * 4302 + "\n",
        "[" + ".".join(["a"] * 1000) + "]\nb = 1\n",
        ".".join(["k"] * 10_000) + " = 1\n",
    ],
    ids=["4302-digit-integer", "1000-part-header", "10000-part-dotted-key"],
)
def test_a_deal_file_over_a_limit_gives_checks_dl004_not_a_crash(ledger: Path, extra: str) -> None:
    path = ledger / "deals" / "messy.toml"
    path.write_text(path.read_text() + extra)
    before = path.read_bytes()
    checked = CliRunner().invoke(app, ["check", "--ledger", str(ledger)])
    [dl004] = [line for line in checked.output.splitlines() if " DL004 " in line]
    result = run(ledger, "--tranche", "1", "--paid", "2024-04-01")
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    assert "no deal file that can be read has id 'acme-widget-2024'" in result.output
    assert dl004 in result.output.splitlines()
    assert path.read_bytes() == before


@pytest.fixture
def loose(ledger: Path) -> Path:
    """messy.toml without its declared total, so that any amount keeps the deal valid."""
    path = ledger / "deals" / "messy.toml"
    path.write_text(path.read_text().replace('total = "1.2B"  # headline\n', ""))
    return ledger


def test_amount_takes_only_the_formats_money_forms(loose: Path) -> None:
    path = loose / "deals" / "messy.toml"
    before = path.read_bytes()
    for typed in ("$1.1B", "1.1 billion", "1.1e9", "-5M", "1.1B USD", "eleven"):
        result = run(loose, "-t", "2", "--amount", typed)
        assert result.exit_code == 2, (typed, result.output)
        assert "--amount" in result.output
        assert path.read_bytes() == before
    result = run(loose, "-t", "2", "--amount", "Undisclosed")
    assert result.exit_code == 0, result.output
    assert 'amount = "undisclosed"\n# a comment at the end' in path.read_text()


@pytest.mark.parametrize("typed", ["1.1", "11", "1.1k", "10M", "111B", "1100B"])
def test_amount_jump_over_100_times_needs_yes(loose: Path, typed: str) -> None:
    path = loose / "deals" / "messy.toml"  # tranche 2 holds "1.1B"
    before = path.read_bytes()
    result = run(loose, "-t", "2", "--amount", typed)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"dealledger: error: --amount {typed} would change tranche 2")
    assert "from 1.1B to" in result.output
    assert "add --yes to record it" in result.output
    assert path.read_bytes() == before
    confirmed = run(loose, "-t", "2", "--amount", typed, "--yes")
    assert confirmed.exit_code == 0, confirmed.output
    assert "updated" in confirmed.output
    assert f"amount = {typed}\n" in path.read_text() or f'amount = "{typed}"\n' in path.read_text()


def test_amount_jump_message_says_which_way(loose: Path) -> None:
    result = run(loose, "-t", "2", "--amount", "1.1")
    assert "from 1.1B to 1.1, down by a factor of 1,000,000,000" in result.output
    result = run(loose, "-t", "2", "--amount", "111B")
    assert "from 1.1B to 111B, up by a factor of 101" in result.output


@pytest.mark.parametrize("typed", ["11M", "110B", "1.2B", "0.5B"])
def test_amount_within_100_times_is_recorded(loose: Path, typed: str) -> None:
    result = run(loose, "-t", "2", "--amount", typed)
    assert result.exit_code == 0, result.output
    assert f'amount = "{typed}"\n' in (loose / "deals" / "messy.toml").read_text()


@pytest.mark.parametrize("typed", ["1.1B", "1_100_000_000", "1100000000", "1,100,000,000", "1.10b"])
def test_same_amount_in_another_form_is_unchanged(loose: Path, typed: str) -> None:
    path = loose / "deals" / "messy.toml"
    before = path.read_bytes()
    result = run(loose, "-t", "2", "--amount", typed)
    assert result.exit_code == 0, result.output
    assert ": unchanged (already recorded): " in result.output
    assert "updated" not in result.output
    assert path.read_bytes() == before


def test_same_amount_with_another_change_leaves_the_amount_as_written(loose: Path) -> None:
    path = loose / "deals" / "messy.toml"
    before = path.read_text()
    result = run(loose, "-t", "2", "--amount", "1_100_000_000", "--due", "2030")
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith(
        ": updated: 2: milestone  'Development milestones'  "
        'amount 1.1B  status expected: due = "2030"'
    )
    assert path.read_text() == before.replace(
        'amount = "1.1B"\n# a comment at the end',
        'amount = "1.1B"\ndue = "2030"\n# a comment at the end',
    )
