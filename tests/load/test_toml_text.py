"""The TOML text scanner under positions, `fmt` and `record`, checked against tomllib.

The oracle: every key/value statement the scanner finds is, on its own, a TOML document whose
(dotted) key holds the value `tomllib` reads from `value_text`; every header is a TOML
document defining its key; and the statements tile the text exactly. A scanner that ended a
value one character early or late, mis-decoded a quoted key or missed a multi-line string
fails one of these.
"""

from __future__ import annotations

import random
import re
import time
import tomllib
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toml_corpus
from dealledger.load.toml_text import Statement, TomlTextError, layout, parse_key, statements
from toml_documents import DOCUMENTS, corpus, same


def _at(data: Any, key: tuple[str, ...]) -> Any:
    for part in key:
        data = data[part]
    return data


def check_against_tomllib(text: str) -> list[Statement]:
    found = layout(text)
    assert "".join(statement.text for statement in found) == text
    for statement in found:
        if statement.kind == "keyvalue":
            alone = tomllib.loads(statement.text)
            value = tomllib.loads(f"v = {statement.value_text}")["v"]
            assert same(_at(alone, statement.key), value), statement
            assert re.fullmatch(r"[ \t]*(?:#.*)?", statement.tail), statement
            assert _at(tomllib.loads(".".join(statement.written) + " = 0"), statement.key) == 0
        elif statement.kind == "header":
            assert isinstance(_at(tomllib.loads(statement.text), statement.key), dict | list)
        else:
            assert statement.text.strip(" \t\r\n") == "" or statement.text.lstrip(" \t")[0] == "#"
    return found


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("name", corpus("valid"))
def test_every_valid_corpus_document(name: str, newline: str) -> None:
    text = (toml_corpus.require() / name).read_bytes().decode("utf-8").removeprefix("\ufeff")
    check_against_tomllib(text.replace("\r\n", "\n").replace("\n", newline))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=DOCUMENTS,
    multiline=st.booleans(),
    indent=st.sampled_from([0, 4]),
)
def test_anything_tomli_w_writes(document: dict[str, Any], multiline: bool, indent: int) -> None:
    check_against_tomllib(tomli_w.dumps(document, multiline_strings=multiline, indent=indent))


def test_statements_of_a_deal_file() -> None:
    text = (
        "# top\n"
        "\n"
        'id = "x"  # end\n'
        "royalty . 'base' . \"fx.source\" = [\n  1, # one\n  2,\n]\n"
        "  [[ tranches ]]  # first\n"
        'memo = """\n[[not]]\nkey = 1"""\n'
        "due = 1979-05-27 07:32:00Z\n"
    )
    found = check_against_tomllib(text)
    assert [statement.kind for statement in found] == [
        "comment", "blank", "keyvalue", "keyvalue", "header", "keyvalue", "keyvalue",
    ]  # fmt: skip
    royalty = found[3]
    assert royalty.key == ("royalty", "base", "fx.source")
    assert royalty.written == ("royalty", "'base'", '"fx.source"')
    assert royalty.value_text == "[\n  1, # one\n  2,\n]"
    header = found[4]
    assert (header.key, header.is_array, header.tail) == (("tranches",), True, "  # first")
    assert text[header.key_start :].startswith("[[")
    assert found[6].value_text == "1979-05-27 07:32:00Z"


def test_quoted_keys_are_decoded() -> None:
    key = parse_key("\"\\u00e9t\\u00e9\" . 'a.b' = 1", 0)
    assert key is not None
    assert key.parts == ("été", "a.b")
    assert key.written == ('"\\u00e9t\\u00e9"', "'a.b'")


@pytest.mark.parametrize(
    "text", ["a = [1,\n", "[a\n", "= 1\n", 'a = "open\n', "a = 1 b = 2\n", "a = 1\n\r# x\n"]
)
def test_layout_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(TomlTextError):
        layout(text)


def test_garbage_never_raises_and_always_advances() -> None:
    pieces = ['"', "'", '"""', "'''", "[", "]", "[[", "{", "}", "=", ",", ".", "#", "\n", "\r"]
    pieces += ["a", "1", " ", "\\", "ü", "\t", "1979-05-27 07:32:00", "a = ", "x.y = {"]
    rng = random.Random(99)
    for _ in range(500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(200)))
        found = list(statements(text))
        assert "".join(statement.text for statement in found) == text


@pytest.mark.parametrize(
    "unit",
    [
        '[[tranches]]\ntype = "milestone"\namount = "5M"\n',
        "x = [" * 50 + "\n",
        "a" + ".a" * 50 + " = 1\n",
        's = """' + '\\"""' * 20,
    ],
    ids=["tables", "unclosed-arrays", "dotted-keys", "escaped-quotes"],
)
def test_the_scan_is_linear(unit: str) -> None:
    def seconds(count: int) -> float:
        text = unit * count
        start = time.process_time()
        for _ in statements(text):
            pass
        return time.process_time() - start

    small, large = seconds(10_000), seconds(80_000)
    # Linear: about 8 times the work; quadratic would be 64 times.
    assert large < 20 * max(small, 0.01), (small, large)
