"""`new`: a valid, commented, canonical file; never an overwrite, a reused id or an escape."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import COMMENTED
from dealledger.authoring.canonical import format_text
from dealledger.cli import app
from dealledger.cli.new import gather

FLAGS = [
    "--id",
    "acme-gizmo-2025",
    "--title",
    'Acme licence of "Gizmo" [brackets]',
    "--kind",
    "license",
    "--announced",
    "2025-06-13",
    "--signed",
    "2025-06-12",
    "--currency",
    "usd",
    "--party",
    "Gizmo Bio:licensor",
    "--party",
    "Acme Pharma:licensee",
    "--upfront",
    "110M",
    "--milestone",
    "1_620_000_000",
    "--commercial",
    "3.6B",
]


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    (tmp_path / "deals").mkdir()
    shutil.copy(COMMENTED / "messy.toml", tmp_path / "deals" / "messy.toml")
    return tmp_path


def new(ledger: Path, *args: str):
    return CliRunner().invoke(app, ["new", "--ledger", str(ledger), *args])


def test_new_file_checks_clean_and_is_canonical(ledger: Path) -> None:
    result = new(ledger, *FLAGS)
    assert result.exit_code == 0, result.output
    path = ledger / "deals" / "acme-gizmo-2025.toml"
    text = path.read_text()
    assert 'title = "Acme licence of \\"Gizmo\\" [brackets]"' in text
    assert 'currency = "USD"' in text
    assert 'amount = "110M"' in text
    assert "amount = 1_620_000_000" in text
    assert 'amount = "3.6B"' in text
    assert "signed = 2025-06-12" in text
    assert text.count("\n#") >= 10  # commented for a first-time reader
    assert format_text(text) == text
    check = CliRunner().invoke(app, ["check", "--strict", "--ledger", str(ledger)])
    assert check.exit_code == 0, check.output


def test_no_amounts_means_undisclosed_financials(ledger: Path) -> None:
    result = new(
        ledger,
        *["--id", "x-2025", "--title", "X", "--kind", "framework", "--announced", "2025-01-01"],
        *["--party", "A:partner", "--party", "B:partner"],
    )
    assert result.exit_code == 0, result.output
    text = (ledger / "deals" / "x-2025.toml").read_text()
    assert 'financials = "undisclosed"' in text
    check = CliRunner().invoke(app, ["check", "--ledger", str(ledger)])
    assert check.exit_code == 0, check.output


def test_path_option_inside_deals(ledger: Path) -> None:
    result = new(ledger, *FLAGS, "--path", str(ledger / "deals" / "2025" / "gizmo.toml"))
    assert result.exit_code == 0, result.output
    assert (ledger / "deals" / "2025" / "gizmo.toml").is_file()


@pytest.mark.parametrize("where", ["../escape.toml", "/tmp/escape.toml", "deals/../x.toml"])
def test_paths_escaping_deals_are_refused(ledger: Path, where: str, monkeypatch) -> None:
    monkeypatch.chdir(ledger)
    result = new(ledger, *FLAGS, "--path", where)
    assert result.exit_code == 2
    assert "outside the ledger's deals/ folder" in result.output
    assert not (ledger / "x.toml").exists()
    assert not (ledger.parent / "escape.toml").exists()


def test_existing_file_is_not_overwritten(ledger: Path) -> None:
    target = ledger / "deals" / "acme-gizmo-2025.toml"
    target.write_text("# mine\n")
    result = new(ledger, *FLAGS)
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert target.read_text() == "# mine\n"


def test_existing_id_is_refused(ledger: Path) -> None:
    flags = list(FLAGS)
    flags[1] = "acme-widget-2024"  # the fixture's id
    result = new(ledger, *flags)
    assert result.exit_code == 2
    assert "already used by" in result.output
    assert not (ledger / "deals" / "acme-widget-2024.toml").exists()


@pytest.mark.parametrize(
    ("flag", "value", "fragment"),
    [
        ("--party", "Acme Pharma", 'write --party "NAME:ROLE"'),
        ("--party", "Acme:buyer", "not one of licensor"),
        ("--upfront", "1.5e9", "--upfront '1.5e9'"),
        ("--upfront", "-5M", "negative"),
        ("--announced", "13/06/2025", "write YYYY-MM-DD"),
        ("--kind", "licence", 'did you mean "license"'),
        ("--id", "Bad ID", "lowercase letters"),
        ("--currency", "XYZ", "ISO 4217"),
    ],
)
def test_malformed_values_exit_2_with_the_accepted_form(
    ledger: Path, flag: str, value: str, fragment: str
) -> None:
    flags = list(FLAGS)
    flags[flags.index(flag) + 1] = value
    result = new(ledger, *flags)
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output
    assert not (ledger / "deals" / "acme-gizmo-2025.toml").exists()


def test_missing_flags_without_a_terminal_exit_2(ledger: Path) -> None:
    result = new(ledger, "--id", "x-1")
    assert result.exit_code == 2
    assert "missing --title, --kind, --announced" in result.output


def test_a_file_check_would_reject_is_not_written(ledger: Path) -> None:
    """Two partners and an amount: nobody can be the default payer, so check would fail."""
    result = new(
        ledger,
        *["--id", "p-2025", "--title", "P", "--kind", "collaboration", "--announced", "2025-01-01"],
        *["--party", "A:partner", "--party", "B:partner", "--upfront", "1M", "--currency", "EUR"],
    )
    assert result.exit_code == 1
    assert "DL211" in result.output
    assert not (ledger / "deals" / "p-2025.toml").exists()


def test_no_ledger_starts_one_in_the_current_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEALLEDGER_LEDGER", raising=False)
    result = CliRunner().invoke(app, ["new", *FLAGS])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "deals" / "acme-gizmo-2025.toml").is_file()


def test_prompts_reask_until_each_answer_is_valid() -> None:
    answers = iter(
        [
            "Gizmo licence",  # title
            "Not A Slug",  # id: rejected
            "gizmo-licence",
            "licence",  # kind: rejected
            "license",
            "2025-02-30",  # announced: rejected
            "2025-02-28",
            "",  # signed: optional
            "Gizmo Bio",  # party 1: rejected (no role)
            "Gizmo Bio:licensor",
            "Acme:licensee",
            "100 million",  # upfront: rejected
            "100M",
            "",  # milestone: none
            "",  # commercial: none
            "usd",
        ]
    )
    questions: list[tuple[str, str | None]] = []
    complaints: list[str] = []

    def ask(question: str, default: str | None) -> str:
        questions.append((question, default))
        return next(answers)

    deal = gather({"parties": []}, ask, complaints.append)
    assert deal.id == "gizmo-licence"
    assert deal.kind == "license"
    assert str(deal.announced) == "2025-02-28"
    assert deal.signed is None
    assert deal.parties == [("Gizmo Bio", "licensor"), ("Acme", "licensee")]
    assert deal.amounts == {"upfront": '"100M"'}
    assert deal.currency == "USD"
    assert len(complaints) == 5
    assert any("did you mean" in message for message in complaints)
    assert ("Id (lowercase, digits, hyphens)", "gizmo-licence") in questions


def test_a_draft_over_a_limit_is_refused_with_checks_dl004(ledger: Path) -> None:
    """The draft is read exactly as `check` reads a file, limits included."""
    flags = list(FLAGS)
    flags[flags.index("--title") + 1] = "x" * 100_001
    result = new(ledger, *flags)
    assert result.exit_code == 1, result.output
    assert "error DL004 string of 100,001 characters, over the 100,000-character" in result.output
    assert not (ledger / "deals" / "acme-gizmo-2025.toml").exists()
