"""One error style: every error dealledger raises for a person derives from DealledgerError and
leaves the CLI as `dealledger: error: …` with its exit code; Click's usage errors look the
same; a bad value of an enumerated option names the nearest accepted one."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import dealledger
import dealledger.reports.summary as summary_report
from dealledger.cli import app
from dealledger.cli.errors import run
from dealledger.domain.errors import (
    DealledgerError,
    LedgerError,
    UsageError,
    did_you_mean,
)
from hostile_helpers import assert_safe_for_terminal
from reports_fixture import write_ledger

# Internal signals: always caught by the module's own caller and never shown to a user, so
# they are not DealledgerErrors. One reaching the CLI is a bug and must be reported as one
# (exit 3), not dressed up as a ledger or usage error.
INTERNAL = {
    "dealledger.valuation.model._Skip": "a tranche that cannot be valued; becomes a row's reason",
    "dealledger.load.reading.NotRegularFile": "read_bounded's refusal; becomes a problem",
    "dealledger.load.reading.TooLarge": "read_bounded's refusal; becomes a problem",
    "dealledger.ledger.cache_codec.CodecError": "a cached deal that does not decode; "
    "the file is read instead",
    "dealledger.load.toml_text.TomlTextError": "the scanner met text tomllib accepted; "
    "a bug guard (callers parse first)",
}


def _exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined at module level anywhere under src/dealledger."""
    found: dict[str, type[BaseException]] = {}
    for module_info in pkgutil.walk_packages(dealledger.__path__, "dealledger."):
        if module_info.name == "dealledger.__main__":  # runs the CLI on import
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


CLASSES = _exception_classes()


def test_the_walk_finds_the_exception_classes() -> None:
    # A walk that found nothing would pass every check below.
    assert len(CLASSES) >= 20
    assert "dealledger.reports.filters.FilterError" in CLASSES
    assert set(INTERNAL) <= set(CLASSES), "an exemption names a class that no longer exists"


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_every_exception_derives_from_dealledger_error(name: str) -> None:
    cls = CLASSES[name]
    if name in INTERNAL:
        assert not issubclass(cls, DealledgerError), f"{name} is no longer internal: unlist it"
        return
    assert issubclass(cls, DealledgerError), f"{name} does not derive from DealledgerError"
    assert cls.exit_code in (1, 2)


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("dealledger.authoring.record.RecordUsageError", UsageError),
        ("dealledger.authoring.new_deal.ScaffoldUsageError", UsageError),
        ("dealledger.authoring.export_target.ExportPathError", UsageError),
        ("dealledger.reports.filters.FilterError", UsageError),
        ("dealledger.reports.currency.CurrencyChoiceError", UsageError),
        ("dealledger.reports.totals.ByKeyError", UsageError),
        ("dealledger.reports.timeline.BucketError", UsageError),
        ("dealledger.authoring.record.RecordRefused", LedgerError),
        ("dealledger.authoring.new_deal.ScaffoldRefused", LedgerError),
        ("dealledger.reports.currency.ConversionError", LedgerError),
        ("dealledger.domain.fx.MissingRate", LedgerError),
        ("dealledger.ledger.ledger.LedgerChanged", LedgerError),
    ],
)
def test_each_error_is_in_its_category(name: str, category: type[DealledgerError]) -> None:
    assert issubclass(CLASSES[name], category)


def test_the_categories_carry_the_spec_exit_codes() -> None:
    assert (UsageError.exit_code, LedgerError.exit_code, DealledgerError.exit_code) == (2, 1, 1)
    assert UsageError("x", exit_code=1).exit_code == 1
    assert UsageError("bad value").message == "bad value"


def test_an_unknown_deal_is_a_usage_error_unless_its_file_is_broken() -> None:
    from dealledger.reports.show import UnknownDeal

    assert UnknownDeal("x", [], broken=False).exit_code == 2
    assert UnknownDeal("x", [], broken=True).exit_code == 1


def test_did_you_mean() -> None:
    assert did_you_mean("licence", ["license", "option"]) == '; did you mean "license"?'
    assert did_you_mean("zzz", ["license", "option"]) == ""
    assert did_you_mean("", ["license"]) == ""


# --- the CLI maps them in one place -------------------------------------------------------


def _raising(exc: BaseException):  # type: ignore[no-untyped-def]
    def raise_it(*args: object, **kwargs: object) -> None:
        raise exc

    return raise_it


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ledger(tmp_path_factory.mktemp("ledger"))


def invoke(root: Path, *args: str) -> typer.testing.Result:
    return CliRunner().invoke(app, [*args, "--ledger", str(root)])


@pytest.mark.parametrize(
    ("exc", "code", "line"),
    [
        (LedgerError("rates \x1b[31mmissing"), 1, "dealledger: error: rates \\x1b[31mmissing\n"),
        (UsageError("two\nlines"), 2, "dealledger: error: two lines\n"),
    ],
)
def test_a_dealledger_error_from_a_command_is_one_safe_line_and_its_code(
    monkeypatch: pytest.MonkeyPatch, root: Path, exc: DealledgerError, code: int, line: str
) -> None:
    monkeypatch.setattr(summary_report, "iter_summary_records", _raising(exc))
    result = invoke(root, "summarize")
    assert (result.exit_code, result.stderr) == (code, line)
    assert_safe_for_terminal(result.stderr)
    # The console script's run() sees the same outcome.
    assert run(app, ["summarize", "--ledger", str(root)]) == code


def test_a_multiline_error_keeps_its_lines(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    from dealledger.authoring.record import RecordUsageError

    monkeypatch.setattr(
        summary_report, "iter_summary_records", _raising(RecordUsageError("a\n  b"))
    )
    result = invoke(root, "summarize")
    assert (result.exit_code, result.stderr) == (2, "dealledger: error: a\n  b\n")


def test_without_standalone_mode_the_caller_gets_the_error(root: Path) -> None:
    from dealledger.reports.filters import FilterError

    command = typer.main.get_command(app)
    with pytest.raises(FilterError):
        command.main(["summarize", "--kind", "nope", "--ledger", str(root)], standalone_mode=False)


# --- Click's usage errors in the same style -----------------------------------------------


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (
            ["summarize", "--format", "jsn"],
            "dealledger: error: invalid value for '--format' / '-f': 'jsn' is not one of "
            'table, json, csv, tsv, markdown; did you mean "json"?',
            "Try 'dealledger summarize --help' for help.",
        ),
        (
            ["export", "-o", "x", "--format", "sqlit"],
            "dealledger: error: invalid value for '--format' / '-f': 'sqlit' is not one of "
            'sqlite, json, csv; did you mean "sqlite"?',
            "Try 'dealledger export --help' for help.",
        ),
        (
            ["summarize", "--format", "xml"],
            "dealledger: error: invalid value for '--format' / '-f': 'xml' is not one of "
            "table, json, csv, tsv, markdown",
            "Try 'dealledger summarize --help' for help.",
        ),
        (
            ["summarize", "--no-such-option"],
            "dealledger: error: no such option: --no-such-option",
            "Try 'dealledger summarize --help' for help.",
        ),
        (
            ["show"],
            "dealledger: error: missing argument 'DEAL_ID'",
            "Try 'dealledger show --help' for help.",
        ),
        (
            ["summarise"],
            "dealledger: error: no such command 'summarise'. Did you mean 'summarize'?",
            "Try 'dealledger --help' for help.",
        ),
    ],
)
def test_click_usage_errors_speak_in_the_house_style(
    args: list[str], message: str, hint: str
) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr == f"{message}\n{hint}\n"
    assert result.stdout == ""


def test_no_command_shows_the_help_not_an_error_line() -> None:
    result = CliRunner().invoke(app, [])
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: dealledger [OPTIONS] COMMAND [ARGS]...")
    assert "Commands:" in result.stderr and "error:" not in result.stderr


def test_a_bad_choice_from_the_environment_names_the_variable() -> None:
    result = CliRunner().invoke(app, ["check"], env={"DEALLEDGER_FORMAT": "gitlb"})
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "dealledger: error: invalid value for '--format' / '-f' (env var: 'DEALLEDGER_FORMAT')"
    )
    assert 'did you mean "gitlab"?' in result.stderr


def test_a_click_error_through_the_console_script(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(app, ["totals", "--format", "\x1b[2Jcsv"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dealledger: error: invalid value for '--format'")
    assert "Usage:" not in err and "\nError:" not in err
    assert_safe_for_terminal(err)


# --- did you mean, for each enumerated value ----------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["summarize", "--kind", "licence"],
            "--kind 'licence' is not one of the accepted values: license, collaboration, "
            "co-development, option, acquisition, equity, framework, other; did you mean "
            '"license"?',
        ),
        (["totals", "--status", "activ"], 'did you mean "active"?'),
        (["totals", "--by", "payer-grp"], 'did you mean "payer-group"?'),
        (["timeline", "--by", "quartr"], 'did you mean "quarter"?'),
        (
            ["totals", "--currency", "EURO"],
            "--currency 'EURO' is not an ISO 4217 currency code (e.g. USD, EUR, CNY); "
            'did you mean "EUR"?',
        ),
        (["value", "--currency", "usd1"], 'did you mean "USD"?'),
        (["record", "eu-licence", "--tranche", "1", "--status", "payed"], 'did you mean "paid"?'),
        (["record", "eu-licence", "--status", "terminatd"], 'did you mean "terminated"?'),
    ],
)
def test_a_near_miss_names_the_accepted_value(root: Path, args: list[str], message: str) -> None:
    result = invoke(root, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("dealledger: error: ")
    assert message in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["summarize", "--kind", "zzzz"],
        ["totals", "--by", "qqqq"],
        ["totals", "--currency", "QQQQ"],
        ["record", "eu-licence", "--tranche", "1", "--status", "zzzz"],
    ],
)
def test_a_far_miss_gets_no_guess(root: Path, args: list[str]) -> None:
    result = invoke(root, *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("dealledger: error: ")
    assert "did you mean" not in result.stderr


def test_new_names_the_nearest_currency(tmp_path: Path) -> None:
    (tmp_path / "deals").mkdir()
    result = CliRunner().invoke(
        app,
        ["new", "--ledger", str(tmp_path), "--no-input", "--id", "a-b-2025", "--title", "T",
         "--kind", "license", "--announced", "2025-01-02", "--currency", "EURO",
         "--party", "A:licensor", "--party", "B:licensee"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert 'did you mean "EUR"?' in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["totals"],
        ["timeline", "--by", "year"],
        ["export", "--format", "json", "--output", "-"],
        ["value", "--as-of", "2024-01-01"],
    ],
)
def test_a_missing_rate_is_a_ledger_error(root: Path, args: list[str]) -> None:
    # The fixture has rates to USD only: nothing converts EUR or CNY to JPY.
    result = invoke(root, *args, "--currency", "JPY")
    assert result.exit_code == 1, result.output
    last = result.stderr.splitlines()[-1]
    assert last.startswith("dealledger: error: ")
    assert "no FX rate" in last
    assert result.stdout == ""


def test_a_ctrl_c_swallowed_by_a_finalizer_still_ends_the_run_as_interrupted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Python drops a KeyboardInterrupt raised in a finalizer (only the unraisable hook sees
    it); a run that then finishes must not exit 0 or 1 as if nothing happened."""
    import signal
    import sys

    from dealledger.ledger import interrupts

    class Finalized:
        def __del__(self) -> None:
            raise KeyboardInterrupt

    def command() -> None:
        Finalized()  # freed at once: its KeyboardInterrupt goes to the unraisable hook

    small = typer.Typer()
    small.command()(command)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    hook = sys.unraisablehook
    try:
        assert run(small, []) == interrupts.INTERRUPTED
    finally:
        sys.unraisablehook = hook
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert "interrupted" in capsys.readouterr().err


def test_an_error_raised_by_a_ctrl_c_ends_the_run_as_interrupted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Python 3.11 reports a Ctrl-C that lands in a `__set_name__` (pydantic's models, built as
    the CLI imports them) as a RuntimeError caused by it: the user stopped the run, so 130,
    not a bug report (fuzz of Ctrl-C at start-up: exit 3, "internal error")."""
    import signal

    from dealledger.ledger import interrupts

    def command() -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise RuntimeError("Error calling __set_name__ on 'Field' instance") from exc

    small = typer.Typer()
    small.command()(command)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        assert run(small, []) == interrupts.INTERRUPTED
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert capsys.readouterr().err == "dealledger: interrupted\n"
