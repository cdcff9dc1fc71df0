"""Builders for ledgers on disk, shared by the lead's tests."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from dealledger.cli import app

REPO = Path(__file__).resolve().parents[1]

DEAL = """\
id = "{id}"
title = "Example licence"
kind = "license"
announced = 2025-06-13
currency = "USD"
{extra}
[[parties]]
name = "Licensor Co"
role = "licensor"

[[parties]]
name = "Licensee Inc"
role = "licensee"

[[tranches]]
type = "upfront"
amount = "110M"
"""


def deal_text(deal_id: str = "example", extra: str = "") -> str:
    return DEAL.format(id=deal_id, extra=extra)


def make_ledger(root: Path, files: dict[str, str], settings: str | None = None) -> Path:
    (root / "deals").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / "deals" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    if settings is not None:
        (root / "dealledger.toml").write_text(textwrap.dedent(settings), encoding="utf-8")
    return root


def run(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=input)


def check_json(root: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = run("check", "--ledger", str(root), "--format", "json", *extra)
    return result.exit_code, json.loads(result.stdout)
