"""`schema`: draft 2020-12, closed objects, enums; the bundled and test ledgers validate."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from builders import COMMENTED, REPO
from dealledger.cli import app
from dealledger.domain.json_schema import deal_schema, settings_schema

LEDGER_FILES = sorted((REPO / "deals").rglob("*.toml"))
TEST_FILES = [COMMENTED / "messy.toml", COMMENTED / "messy.expected.toml"]


def as_json(value: Any) -> Any:
    """TOML data as a JSON document: dates and times become ISO strings, as editors see them."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return value


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(schema: dict[str, Any], data: dict[str, Any]) -> list[str]:
    return [error.message for error in validator(schema).iter_errors(as_json(data))]


def objects(node: Any):
    if isinstance(node, dict):
        if "properties" in node:
            yield node
        for value in node.values():
            yield from objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from objects(item)


@pytest.mark.parametrize("make", [deal_schema, settings_schema])
def test_schema_is_draft_2020_12_and_closed(make) -> None:
    schema = make()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    found = list(objects(schema))
    assert found
    assert all(node.get("additionalProperties") is False for node in found)
    assert '"null"' not in json.dumps(schema)  # TOML has no null


def test_enums_come_from_the_models() -> None:
    schema = deal_schema()
    assert "co-development" in schema["properties"]["kind"]["enum"]
    assert schema["$defs"]["Tranche"]["properties"]["status"]["enum"] == [
        "expected",
        "achieved",
        "paid",
        "forfeited",
    ]
    assert schema["properties"]["parties"]["minItems"] == 2


@pytest.mark.parametrize("path", LEDGER_FILES + TEST_FILES, ids=lambda path: path.name)
def test_every_valid_deal_file_validates(path: Path) -> None:
    assert errors(deal_schema(), tomllib.loads(path.read_text())) == []


def test_settings_file_validates() -> None:
    data = tomllib.loads((REPO / "dealledger.toml").read_text())
    assert errors(settings_schema(), data) == []


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda d: d.update(titel="typo"), "Additional properties"),
        (lambda d: d.update(kind="licence"), "is not one of"),
        (lambda d: d["tranches"][0].update(status="done"), "is not one of"),
        (lambda d: d["tranches"][0].update(amout=1), "Additional properties"),
        (lambda d: d["parties"][0].update(role="buyer"), "is not one of"),
        (lambda d: d.update(currency="usd"), "is not one of"),
        (lambda d: d["tranches"][0].update(amount=1.25), "is not valid"),
        (lambda d: d.update(id="Bad Id"), "does not match"),
    ],
)
def test_unknown_keys_and_bad_values_are_rejected(change, fragment: str) -> None:
    data = tomllib.loads((COMMENTED / "messy.toml").read_text())
    change(data)
    found = errors(deal_schema(), data)
    assert found
    assert any(fragment in message for message in found), found


def test_settings_unknown_key_rejected() -> None:
    data = tomllib.loads((REPO / "dealledger.toml").read_text())
    data["valuation"]["discount"] = "10%"
    assert errors(settings_schema(), data)


def test_cli_prints_and_writes_the_schema(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads(json.dumps(deal_schema()))
    out = tmp_path / "settings.schema.json"
    result = CliRunner().invoke(app, ["schema", "--settings", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["title"].startswith("dealledger.toml")


def _check_jsonschema() -> list[str]:
    found = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip("check-jsonschema is not installed (pip install -e '.[test]')")
    return [found]


@pytest.mark.slow
def test_check_jsonschema_validates_bundled_and_test_ledgers(tmp_path: Path) -> None:
    command = _check_jsonschema()
    schema = tmp_path / "deal.schema.json"
    assert CliRunner().invoke(app, ["schema", "-o", str(schema)]).exit_code == 0
    files = [str(path) for path in LEDGER_FILES + TEST_FILES]
    done = subprocess.run(
        [*command, "--schemafile", str(schema), *files], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    settings = tmp_path / "settings.schema.json"
    assert CliRunner().invoke(app, ["schema", "--settings", "-o", str(settings)]).exit_code == 0
    done = subprocess.run(
        [*command, "--schemafile", str(settings), str(REPO / "dealledger.toml")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_check_jsonschema_rejects_a_typo(tmp_path: Path) -> None:
    command = _check_jsonschema()
    schema = tmp_path / "deal.schema.json"
    assert CliRunner().invoke(app, ["schema", "-o", str(schema)]).exit_code == 0
    bad = tmp_path / "bad.toml"
    bad.write_text((COMMENTED / "messy.toml").read_text().replace("kind=", "kinds="))
    done = subprocess.run(
        [*command, "--schemafile", str(schema), str(bad)], capture_output=True, text=True
    )
    assert done.returncode == 1, done.stdout + done.stderr
