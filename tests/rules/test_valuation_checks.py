"""Bad valuation input is a check error at its line (or exit 2), never a silent default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import make_ledger, minimal_deal
from dealledger.cli import app

ASSETS = """\
[[assets]]
name = "X"
phase = "phase2"

[[assets]]
name = "Y"
code = "Y-1"
phase = "phase1"
"""
DEAL = minimal_deal("one", announced="2024-01-01", tail=ASSETS)
LAST = DEAL.count("\n")  # a problem in `deal_extra` is at LAST + its line there


def check(root: Path) -> list[dict]:
    result = CliRunner().invoke(app, ["check", "-L", str(root), "--format", "json"])
    return json.loads(result.stdout)["problems"]


def make(tmp_path: Path, settings: str = "", deal_extra: str = "") -> Path:
    return make_ledger(tmp_path, {"one.toml": DEAL + deal_extra}, settings or None)


@pytest.mark.parametrize(
    ("settings", "code", "line"),
    [
        ('[valuation]\nrate = "150%"\n', "DL501", 2),
        ("[valuation]\nrate = -0.1\n", "DL501", 2),
        ('[valuation]\nrate = "NaN"\n', "DL114", 2),
        ('[valuation.transitions]\nphase1 = "120%"\n', "DL114", 2),
        ("[valuation.transitions]\nphase2 = -0.2\n", "DL114", 2),
        ('[valuation.transitions]\nphase4 = "50%"\n', "DL104", 2),
        ('[valuation.transitions]\n\napproved = "50%"\n', "DL502", 3),
        ("[valuation.delays]\nphase1 = -1\n", "DL503", 2),
        ('[valuation.delays]\nphase1 = "soon"\n', "DL503", 2),
        ("[valuation.delays]\nphase1 = 500\n", "DL503", 2),
        ("[valuation.delays]\nmilestones = 2\n", "DL102", 2),
        ("[valuation]\ndiscount = 2\n", "DL102", 2),
    ],
)
def test_bad_valuation_settings_are_errors_at_their_line(
    tmp_path: Path, settings: str, code: str, line: int
) -> None:
    problems = check(make(tmp_path, settings))
    assert [(p["code"], p["path"].endswith("dealledger.toml"), p["line"]) for p in problems] == [
        (code, True, line)
    ]


def test_unknown_transition_key_names_the_stages(tmp_path: Path) -> None:
    problems = check(make(tmp_path, '[valuation.transitions]\nphase_2 = "50%"\n'))
    assert "not a stage" in problems[0]["message"]
    assert '"phase2"' in problems[0]["message"]


def test_valid_valuation_settings_pass(tmp_path: Path) -> None:
    settings = (
        '[valuation]\nrate = "8.5%"\n[valuation.transitions]\npreclinical = "60%"\n'
        'discovery = 0.5\n[valuation.delays]\nupfront = 0\ncommercial = "2.5"\nphase1 = 1.5\n'
    )
    assert check(make(tmp_path, settings)) == []


@pytest.mark.parametrize(
    ("extra", "code", "line"),
    [
        ('\n[[forecast]]\nasset = "Z"\nyear = 2030\nnet_sales = "1B"\n', "DL504", LAST + 3),
        ('\n[[forecast]]\nyear = 2030\nnet_sales = "1B"\n', "DL504", LAST + 2),
        (
            '\n[[forecast]]\nasset = "X"\nyear = 2030\nnet_sales = "1B"\n'
            '\n[[forecast]]\nasset = "X"\nyear = 2030\nnet_sales = "2B"\n',
            "DL505",
            LAST + 9,
        ),
        ('\n[[forecast]]\nasset = "X"\nyear = 2030.0\nnet_sales = "1B"\n', "DL506", LAST + 4),
        ('\n[[forecast]]\nasset = "X"\nyear = 30\nnet_sales = "1B"\n', "DL506", LAST + 4),
        ('\n[[forecast]]\nasset = "X"\nyear = 2030\nnet_sales = 1.5e9\n', "DL108", LAST + 5),
        ('\n[[forecast]]\nasset = "X"\nnet_sales = "1B"\n', "DL101", LAST + 2),
    ],
)
def test_bad_forecasts_are_errors_at_their_line(
    tmp_path: Path, extra: str, code: str, line: int
) -> None:
    problems = check(make(tmp_path, deal_extra=extra))
    assert [(p["code"], p["line"]) for p in problems] == [(code, line)]


def test_unknown_forecast_key_suggests_the_known_one(tmp_path: Path) -> None:
    extra = '\n[[forecast]]\nasset = "X"\nyear = 2030\nsales = "1B"\n'
    problems = check(make(tmp_path, deal_extra=extra))
    assert [(p["code"], p["line"]) for p in problems] == [("DL101", LAST + 2), ("DL102", LAST + 5)]
    assert "net_sales" in problems[1]["message"]


def test_forecast_by_asset_code_is_valid(tmp_path: Path) -> None:
    extra = '\n[[forecast]]\nasset = "Y-1"\nyear = 2030\nnet_sales = "1B"\n'
    assert check(make(tmp_path, deal_extra=extra)) == []


def test_probability_outside_unit_interval_is_an_error(tmp_path: Path) -> None:
    extra = '\n[[tranches]]\ntype = "milestone"\namount = "2M"\nasset = "X"\nprobability = 1.5\n'
    problems = check(make(tmp_path, deal_extra=extra))
    assert [(p["code"], p["line"]) for p in problems] == [("DL114", LAST + 6)]


def test_settings_rate_used_and_flag_overrides(tmp_path: Path) -> None:
    root = make(tmp_path, '[valuation]\nrate = "12%"\n')
    runner = CliRunner()
    result = runner.invoke(app, ["value", "-L", str(root), "--as-of", "2025-01-01", "-f", "json"])
    document = json.loads(result.stdout)
    assert document["rate"] == 0.12
    assert document["assumptions"]["rate_origin"] == "dealledger.toml"
    result = runner.invoke(
        app, ["value", "-L", str(root), "--as-of", "2025-01-01", "--rate", "9%", "-f", "json"]
    )
    assert json.loads(result.stdout)["rate"] == 0.09


def test_default_rate_is_ten_percent(tmp_path: Path) -> None:
    root = make(tmp_path)
    result = CliRunner().invoke(app, ["value", "-L", str(root), "-f", "json"])
    document = json.loads(result.stdout)
    assert document["rate"] == 0.1 and document["assumptions"]["rate_origin"] == "default"


def test_value_exits_1_when_ledger_has_errors(tmp_path: Path) -> None:
    root = make(tmp_path, '[valuation]\nrate = "150%"\n')
    result = CliRunner().invoke(app, ["value", "-L", str(root), "--as-of", "2025-01-01"])
    assert result.exit_code == 1
    assert "DL501" in result.stderr
