"""The rtoml fast path must give exactly tomllib's answer: same values, same errors."""

from __future__ import annotations

import math
import tomllib
from typing import Any

import pytest

import toml_corpus
from dealledger.load import toml_parse as toml_reader
from dealledger.load.toml_parse import loads


def comparable(value: Any) -> Any:
    """Values with their types; NaN made equal to itself; offsets compared, not tz classes."""
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    offset = value.utcoffset() if hasattr(value, "utcoffset") else None
    return (type(value).__name__, value, offset)


def outcome(parse: Any, text: str) -> tuple[str, Any]:
    try:
        return "ok", comparable(parse(text))
    except tomllib.TOMLDecodeError as exc:
        return "error", str(exc)


TOML_11_ONLY = {
    "newline in inline table": "a = { b = 1,\n c = 2 }\n",
    "trailing comma in inline table": "a = { b = 1, }\n",
    "hex escape": 'a = "\\x41"\n',
    "escape character": 'a = "\\e"\n',
    "time without seconds": "a = 07:32\n",
    "datetime without seconds": "a = 1979-05-27T07:32Z\n",
    "second byte-order mark": "\ufeffa = 1\n",
}


@pytest.mark.parametrize("name", sorted(TOML_11_ONLY))
def test_toml_11_syntax_is_rejected_with_tomllibs_message(name: str) -> None:
    text = TOML_11_ONLY[name]
    assert outcome(loads, text) == outcome(tomllib.loads, text)
    assert outcome(loads, text)[0] == "error"


def test_a_syntax_error_carries_tomllibs_position() -> None:
    text = 'id = "x"\nkind = license\n'
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        loads(text)
    assert "line 2, column 8" in str(caught.value)


def test_dates_times_and_numbers_match() -> None:
    text = (
        "d = 2025-06-13\nt = 07:32:00\ndt = 1979-05-27T07:32:00-08:00\nl = 1979-05-27T00:32:00.5\n"
        "i = 110_000_000\nf = 1.62e9\nn = nan\nb = true\n[[x]]\ns = 'lit'\nm = '''\nmulti'''\n"
    )
    assert outcome(loads, text) == outcome(tomllib.loads, text)


@pytest.mark.parametrize("quotes", ['"""', "'''"])
def test_crlf_inside_a_multiline_string_reads_as_tomllib_reads_it(quotes: str) -> None:
    text = f"notes = {quotes}first\r\nsecond{quotes}\r\nid = 'x'\r\n"
    assert outcome(loads, text) == outcome(tomllib.loads, text)
    assert loads(text)["notes"] == "first\nsecond"


def test_full_times_use_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not toml_reader._maybe_toml_11("a = 07:32:00\nb = 1979-05-27T07:32:00Z\n")
    assert toml_reader._maybe_toml_11("a = 07:32\n")


def test_the_toml_10_conformance_suite_gives_tomllibs_results() -> None:
    corpus = toml_corpus.require()
    names = toml_corpus.listed("")
    assert len(names) > 600
    mismatches = []
    for name in names:
        try:
            text = (corpus / name).read_bytes().decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue  # the loader reports these before parsing
        if outcome(loads, text) != outcome(tomllib.loads, text):
            mismatches.append(name)
    assert mismatches == []
