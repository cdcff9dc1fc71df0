"""`fmt`, `new`, `record` and `schema` know every key format version 2 adds."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from jsonschema import Draft202012Validator

from builders import make_ledger
from check_runs import check_json, run
from dealledger.authoring.canonical import ROOT_ORDER, TABLE_ORDER, format_text
from dealledger.domain.models import Deal, Event, Option, Right, Tranche
from v2_deals import BASE, OTHER

VERSION_2_MODELS = {"tranches": Tranche, "options": Option, "rights": Right, "events": Event}


def _keys(model: type) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def test_fmt_orders_every_version_2_key() -> None:
    for table, model in VERSION_2_MODELS.items():
        assert sorted(TABLE_ORDER[table]) == sorted(_keys(model)), table
    tables = {"parties", "assets", "tranches", "options", "rights", "events", "sources", "forecast"}
    assert set(_keys(Deal)) - tables <= set(ROOT_ORDER)


def test_fmt_lays_out_a_version_2_file_canonically() -> None:
    scrambled = """\
id = "x"
amends = "base-deal"
total_qualifier = "over"
format = 2

[[events]]
type = "amendment"
date = 2025-01-01

[[options]]
status = "open"
right = "territory"
holder = "B"
id = "china"

[[tranches]]
stock = { issuer = "A", shares = 10 }
covers = ["development", "sales"]
type = "milestone"
split = [{ payee = "A", share = "100%" }]
"""
    text = format_text(scrambled)
    assert tomllib.loads(text) == tomllib.loads(scrambled)
    lines = [line for line in text.splitlines() if line and not line.startswith("[")]
    expected = ["format = 2", 'id = "x"', 'total_qualifier = "over"', 'amends = "base-deal"']
    assert lines[:4] == expected
    assert text.index("[[tranches]]") < text.index("[[options]]") < text.index("[[events]]")
    assert text.index("split =") < text.index("covers =") < text.index("stock =")
    assert text.index('id = "china"') < text.index("holder =") < text.index("status =")
    assert text.index("date = 2025") < text.index('type = "amendment"')


def test_new_writes_a_version_2_file_with_role_lists_and_a_combined_figure(
    tmp_path: Path,
) -> None:
    root = make_ledger(tmp_path, {})
    result = run(
        "new", "--ledger", str(root), "--no-input", "--id", "pfizer-3sbio", "--title", "SSGJ-707",
        "--kind", "license", "--announced", "2025-05-20", "--currency", "USD",
        "--party", "3SBio Inc.:licensor+investee", "--party", "Pfizer Inc.:licensee+investor",
        "--upfront", "1.25B", "--combined", "4.8B",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (root / "deals" / "pfizer-3sbio.toml").read_text()
    data = tomllib.loads(text)
    assert data["format"] == 2
    assert data["parties"][1]["role"] == ["licensee", "investor"]
    assert data["tranches"][1]["covers"] == ["development", "regulatory", "sales"]
    # Every version-2 key is introduced in the file's comments, for a first-time reader.
    for key in (
        "total_qualifier", "total_includes", "total_covers_undisclosed", "amends",
        "qualifier", "covers", "sales_share", "split", "option", "stock", "parts",
        "paid_in", "achieved_in", "[[options]]", "[[rights]]", "[[events]]",
    ):  # fmt: skip
        assert key in text, key
    code, report = check_json(root, "--strict")
    assert code == 0, report


def test_new_refuses_an_unknown_role_in_a_role_list(tmp_path: Path) -> None:
    root = make_ledger(tmp_path, {})
    result = run(
        "new", "--ledger", str(root), "--no-input", "--id", "x", "--title", "X", "--kind",
        "license", "--announced", "2025-05-20", "--party", "A:licensor+shareholder",
        "--party", "B:licensee",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "shareholder" in result.stderr


def _v2_ledger(tmp_path: Path, text: str = BASE) -> Path:
    return make_ledger(tmp_path, {"v2.toml": text, "base.toml": OTHER})


def test_record_sets_an_options_status_and_date(tmp_path: Path) -> None:
    text = BASE.replace('status = "exercised"\nexercised = 2025-01-10\n', "").replace(
        'type = "option-exercised"\noption = "china"', 'type = "closing"'
    )
    root = _v2_ledger(tmp_path, text)
    result = run("record", "v2-example", "--ledger", str(root), "--option", "china",
                 "--date", "2025-03-01")  # fmt: skip
    assert result.exit_code == 0, result.output
    option = tomllib.loads((root / "deals" / "v2.toml").read_text())["options"][0]
    assert option["status"] == "exercised"
    assert str(option["exercised"]) == "2025-03-01"
    declined = run("record", "v2-example", "--ledger", str(root), "--option", "2",
                   "--status", "declined", "--date", "2025-04-01")  # fmt: skip
    assert declined.exit_code == 0, declined.output
    second = tomllib.loads((root / "deals" / "v2.toml").read_text())["options"][1]
    assert (second["status"], str(second["ended"])) == ("declined", "2025-04-01")


def test_record_refuses_an_exercise_after_the_deadline(tmp_path: Path) -> None:
    text = BASE.replace('status = "exercised"\nexercised = 2025-01-10\n', "").replace(
        'type = "option-exercised"\noption = "china"', 'type = "closing"'
    )
    root = _v2_ledger(tmp_path, text)
    before = (root / "deals" / "v2.toml").read_bytes()
    result = run("record", "v2-example", "--ledger", str(root), "--option", "china",
                 "--date", "2026-07-01")  # fmt: skip
    assert result.exit_code == 1
    assert "DL205" in result.stderr
    assert (root / "deals" / "v2.toml").read_bytes() == before


def test_record_takes_a_month_for_a_payment_known_only_to_the_month(tmp_path: Path) -> None:
    root = _v2_ledger(tmp_path)
    result = run("record", "v2-example", "--ledger", str(root), "--tranche", "2",
                 "--paid", "2025-02")  # fmt: skip
    assert result.exit_code == 0, result.output
    tranche = tomllib.loads((root / "deals" / "v2.toml").read_text())["tranches"][1]
    assert (tranche["status"], tranche["paid_in"]) == ("paid", "2025-02")


def test_record_option_needs_an_option_for_its_date(tmp_path: Path) -> None:
    root = _v2_ledger(tmp_path)
    result = run("record", "v2-example", "--ledger", str(root), "--date", "2025-02-01")
    assert result.exit_code == 2
    missing = run("record", "v2-example", "--ledger", str(root), "--option", "nope",
                  "--status", "lapsed")  # fmt: skip
    assert missing.exit_code == 2
    assert "china" in missing.stderr


def test_the_schema_knows_every_version_2_key_and_accepts_a_version_2_file() -> None:
    schema = json.loads(run("schema").stdout)
    assert "version 2" in schema["title"]
    for name, model in (("Option", Option), ("Right", Right), ("Event", Event)):
        assert sorted(schema["$defs"][name]["properties"]) == sorted(_keys(model))
    assert sorted(schema["$defs"]["Tranche"]["properties"]) == sorted(_keys(Tranche))
    for key in ("format", "total_qualifier", "total_includes", "amends", "options", "events"):
        assert key in schema["properties"], key
        assert schema["properties"][key].get("description"), key
    data = json.loads(json.dumps(tomllib.loads(BASE), default=str))
    assert list(Draft202012Validator(schema).iter_errors(data)) == []
    data["tranches"][1]["covers"] = ["marketing"]
    assert list(Draft202012Validator(schema).iter_errors(data))
