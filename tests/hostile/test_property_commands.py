"""Any ledger `check` accepts, every command runs on: for generated valid ledgers (every key of
the format, undisclosed and partially disclosed deals, and sometimes the version-2 example
beside them), every command in every format ends with 0 or 1 (2 only where its argument list
is a usage error on purpose), without an exception, and writes the report it is asked for."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import command_fuzz
import v2_deals
from command_matrix import command_formats
from deal_strategies import ledger_data
from dealledger.cli import app

# `diff` compares with a git revision, and the generated ledger is no repository.
COMMANDS = {name for name, _ in command_formats()} - {"diff"}


@settings(
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a shrink reruns every command
)
@given(ledger_data(), st.booleans())
def test_every_command_runs_on_a_valid_ledger(deals: dict[str, dict], with_v2: bool) -> None:
    if with_v2:  # in the example's currency, so that reports need no --currency
        for data in deals.values():
            data["currency"] = "USD"
    files = {name: tomli_w.dumps(data).encode() for name, data in deals.items()}
    if with_v2:
        files["deals/v2-example.toml"] = v2_deals.BASE.encode()
        files["deals/v2-base.toml"] = v2_deals.OTHER.encode()
    with tempfile.TemporaryDirectory() as work:
        root = Path(work) / "ledger"
        command_fuzz.write_ledger(root, files)
        checked = CliRunner().invoke(app, ["check", "--ledger", str(root), "--format", "json"])
        assert checked.exit_code == 0, checked.output  # the premise: a valid ledger
        assert json.loads(checked.stdout)["errors"] == 0
        outcome = command_fuzz.run_every_command(Path(work), files, require_outputs=True)
    assert not outcome.crashes, outcome.crashes
    ran = {command for (command, code), _ in outcome.exits.items() if code in ("0", "1")}
    assert ran == COMMANDS, COMMANDS - ran
