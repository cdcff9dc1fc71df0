"""Tests for the TOML position scanner.

The scanner is checked against ``tomllib`` itself: every path that ``tomllib`` produces for a
document must be found, and the text at the reported position must really start that value.
Where the private ``tomllib._parser`` helpers exist (CPython 3.11-3.13), the value found at
the position is re-parsed and compared exactly; otherwise the lighter checks still run.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toml_corpus
from dealledger.load.positions import (
    PositionIndex,
    Span,
    decode_error_span,
    scan_positions,
    utf8_error_span,
)
from toml_documents import DOCUMENTS, same

try:  # private, but the strongest oracle there is: tomllib's own value parser
    from tomllib import _parser as _toml_parser

    _PARSE_VALUE = _toml_parser.parse_value
    _PARSE_KEY = _toml_parser.parse_key
except (ImportError, AttributeError):  # pragma: no cover - other Python versions
    _PARSE_VALUE = _PARSE_KEY = None

BOM = "\ufeff"
_SCALAR_TOKEN = re.compile(r"[A-Za-z0-9_+\-.:]+")


# --------------------------------------------------------------------------------------------
# helpers


def _line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def _walk(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple, Any]]:
    if path:
        yield path, node
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _walk(child, (*path, key))
    elif isinstance(node, list):
        for position, child in enumerate(node):
            yield from _walk(child, (*path, position))


class _Checker:
    """Checks one document's index against what ``tomllib`` made of the same text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.normal = text.replace("\r\n", "\n")  # what tomllib really parses
        self.starts = _line_starts(text)
        self.normal_starts = _line_starts(self.normal)
        self.data = tomllib.loads(text)
        self.index = scan_positions(text)

    def offsets(self, span: Span) -> tuple[int, int]:
        """Offsets of ``span`` in the raw text and in the CRLF-normalised text."""
        assert 1 <= span.line <= len(self.starts), span
        assert span.column >= 1, span
        raw = self.starts[span.line - 1] + span.column - 1
        normal = self.normal_starts[span.line - 1] + span.column - 1
        assert raw < len(self.text), span
        return raw, normal

    def check_all(self) -> int:
        count = 0
        for path, node in _walk(self.data):
            self.check(path, node)
            count += 1
        return count

    def check(self, path: tuple, node: Any) -> None:
        index = self.index
        index.nearest(path)  # must never raise
        index.table(path)
        value, key = index.value(path), index.key(path)
        if isinstance(node, dict | list):
            assert value is not None or key is not None, f"{path} not found"
        else:
            assert value is not None, f"no value position for {path}"
        if value is not None:
            self.check_value(path, node, value)
        if key is not None:
            self.check_key(path, node, key, value)

    def check_value(self, path: tuple, node: Any, span: Span) -> None:
        raw, normal = self.offsets(span)
        char = self.text[raw]
        where = f"{path} at {span}: {self.text[raw : raw + 30]!r}"
        if isinstance(node, str):
            assert char in "\"'", where
        elif isinstance(node, bool | int | float):
            token = _SCALAR_TOKEN.match(self.text, raw)
            assert token is not None, where
            assert same(tomllib.loads(f"v = {token.group()}")["v"], node), where
        elif isinstance(node, dt.datetime | dt.date):
            assert self.text.startswith(node.isoformat()[:10], raw), where
        elif isinstance(node, dt.time):
            assert self.text.startswith(node.isoformat()[:5], raw), where
        elif isinstance(node, list):
            assert char == "[", where
        else:
            assert char == "{", where
        if _PARSE_VALUE is not None:
            _, parsed = _PARSE_VALUE(self.normal, normal, float)
            assert same(parsed, node), where

    def check_key(self, path: tuple, node: Any, span: Span, value: Span | None) -> None:
        raw, normal = self.offsets(span)
        where = f"{path} key at {span}: {self.text[raw : raw + 30]!r}"
        if isinstance(path[-1], int) and value is not None:
            assert span == value, where  # inline array element: its key is its value
            return
        if self.text[raw] == "[":
            # A header: the path, without array indices, is that header or a table on its way.
            named = tuple(part for part in path if isinstance(part, str))
            if _PARSE_KEY is not None:
                start = normal + (2 if self.text.startswith("[[", raw) else 1)
                while self.normal[start] in " \t":
                    start += 1
                _, header = _PARSE_KEY(self.normal, start)
                assert header[: len(named)] == named, where
            assert value is None, where  # tables opened by headers have no value
            return
        if _PARSE_KEY is not None:
            # A key/value line: the path ends with the start of its (dotted) key, and is a
            # complete key - so it must have a value position - if it ends with all of it.
            _, dotted = _PARSE_KEY(self.normal, normal)
            matches = [m for m in range(1, len(dotted) + 1) if path[-m:] == dotted[:m]]
            assert matches, where
            if len(dotted) in matches:
                assert value is not None, where


# --------------------------------------------------------------------------------------------
# the toml-test corpus


@pytest.mark.parametrize("name", toml_corpus.params(toml_corpus.listed("valid/")))
def test_valid_corpus_document(name: str) -> None:
    text = (toml_corpus.require() / name).read_bytes().decode("utf-8").removeprefix(BOM)
    checker = _Checker(text)
    checker.check_all()
    assert checker.index.nearest(("no", "such", "path")) == Span(1, 1)


@pytest.mark.parametrize("name", toml_corpus.params(toml_corpus.listed("invalid/")))
def test_invalid_corpus_document(name: str) -> None:
    data = (toml_corpus.require() / name).read_bytes()
    try:
        raw_text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        span = utf8_error_span(data, exc.start)
        assert 1 <= span.line <= data.count(b"\n") + 1
        assert span.column >= 1
        text = data.decode("utf-8", errors="replace")
    else:
        text = raw_text.removeprefix(BOM)
        with pytest.raises(tomllib.TOMLDecodeError) as caught:
            tomllib.loads(text)
        span, message = decode_error_span(str(caught.value), text)
        lines = text.replace("\r\n", "\n").split("\n")
        assert 1 <= span.line <= len(lines)
        assert 1 <= span.column <= len(lines[span.line - 1]) + 1
        assert message
        assert "(at " not in message
    for candidate in (text, BOM + text):
        index = scan_positions(candidate)
        for path in (("a",), ("a", 0), ("a", "b", "c"), ("tbl", 0, "x"), ()):
            index.key(path)
            index.value(path)
            index.table(path)
            assert isinstance(index.nearest(path), Span)


# --------------------------------------------------------------------------------------------
# hand-written documents with exact positions

DEAL = """\
# Acme x Bolt licence
id = "2024-acme-bolt"
"terms.note" = 'one quoted key with a dot'
royalty . base."fx.source" = "ECB" # dotted, spaced, quoted
'literal key' = 1_000

[[parties]]
name = "Acme Pharma"
role = "licensor"

[[parties]]
name = "Bolt Bio"
territory = ["CN", "HK",
  "MO", # Macau
]

[[tranches]]
kind = "upfront"
amount = 25_000_000
note = \"\"\"
[[tranches]]
amount = 999 # not a key either
\"\"\"
tiers = [
  { from = 0, rate = "5%" },  # first tier
  # a comment line inside the array
  { from = 100_000_000, rate = "7.5%" },
]

[[tranches]]
kind = "milestone"
memo = '''
key = "not a key"
[not.a.table]'''
quote = \"\"\"ends with quotes\"\"\"\"\"
amount = 1.5e7
due = 2025-06-30 09:00:00Z

  [ tranches . "side.letter" ]
  signed = true

[[tranches]]
kind = "royalty"
tiers = [{ from = 0, rate = "3%", cap.amount = 10 }]
sites = { "北京" = 1, "Zürich" = 2 }
"""

EXPECTED_DEAL = {
    # path: (key span, value span, table span)
    ("id",): ((2, 1), (2, 6), None),
    ("terms.note",): ((3, 1), (3, 16), None),
    ("royalty",): ((4, 1), None, None),
    ("royalty", "base"): ((4, 1), None, None),
    ("royalty", "base", "fx.source"): ((4, 1), (4, 30), None),
    ("literal key",): ((5, 1), (5, 17), None),
    ("parties",): ((7, 1), None, (7, 1)),
    ("parties", 0): ((7, 1), None, (7, 1)),
    ("parties", 0, "role"): ((9, 1), (9, 8), (7, 1)),
    ("parties", 1): ((11, 1), None, (11, 1)),
    ("parties", 1, "name"): ((12, 1), (12, 8), (11, 1)),
    ("parties", 1, "territory"): ((13, 1), (13, 13), (11, 1)),
    ("parties", 1, "territory", 1): ((13, 20), (13, 20), (11, 1)),
    ("parties", 1, "territory", 2): ((14, 3), (14, 3), (11, 1)),
    ("tranches",): ((17, 1), None, (17, 1)),
    ("tranches", 0): ((17, 1), None, (17, 1)),
    ("tranches", 0, "amount"): ((19, 1), (19, 10), (17, 1)),
    ("tranches", 0, "note"): ((20, 1), (20, 8), (17, 1)),
    ("tranches", 0, "tiers"): ((24, 1), (24, 9), (17, 1)),
    ("tranches", 0, "tiers", 0): ((25, 3), (25, 3), (17, 1)),
    ("tranches", 0, "tiers", 0, "rate"): ((25, 15), (25, 22), (17, 1)),
    ("tranches", 0, "tiers", 1): ((27, 3), (27, 3), (17, 1)),
    ("tranches", 0, "tiers", 1, "from"): ((27, 5), (27, 12), (17, 1)),
    ("tranches", 0, "tiers", 1, "rate"): ((27, 25), (27, 32), (17, 1)),
    ("tranches", 1): ((30, 1), None, (30, 1)),
    ("tranches", 1, "memo"): ((32, 1), (32, 8), (30, 1)),
    ("tranches", 1, "quote"): ((35, 1), (35, 9), (30, 1)),
    ("tranches", 1, "amount"): ((36, 1), (36, 10), (30, 1)),
    ("tranches", 1, "due"): ((37, 1), (37, 7), (30, 1)),
    ("tranches", 1, "side.letter"): ((39, 3), None, (39, 3)),
    ("tranches", 1, "side.letter", "signed"): ((40, 3), (40, 12), (39, 3)),
    ("tranches", 2): ((42, 1), None, (42, 1)),
    ("tranches", 2, "tiers", 0, "cap"): ((44, 35), None, (42, 1)),
    ("tranches", 2, "tiers", 0, "cap", "amount"): ((44, 35), (44, 48), (42, 1)),
    ("tranches", 2, "sites", "北京"): ((45, 11), (45, 18), (42, 1)),
    ("tranches", 2, "sites", "Zürich"): ((45, 21), (45, 32), (42, 1)),
}


def _pair(span: Span | None) -> tuple[int, int] | None:
    return None if span is None else (span.line, span.column)


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_deal_document_exact_spans(newline: str) -> None:
    text = DEAL.replace("\n", newline)
    checker = _Checker(text)
    assert checker.check_all() > 40
    index = checker.index
    for path, (key, value, table) in EXPECTED_DEAL.items():
        got = (_pair(index.key(path)), _pair(index.value(path)), _pair(index.table(path)))
        assert got == (key, value, table), path


def test_deal_document_fake_lines_in_strings_are_ignored() -> None:
    index = scan_positions(DEAL)
    data = tomllib.loads(DEAL)
    assert len(data["tranches"]) == 3
    assert index.key(("tranches", 3)) is None
    assert index.key(("key",)) is None
    assert index.key(("tranches", 0, "amount")) == Span(19, 1)  # not line 22 in the string
    assert index.key(("not",)) is None
    assert index.key(("tranches", 1, "key")) is None


def test_nearest_falls_back_to_ancestors_and_start() -> None:
    index = scan_positions(DEAL)
    assert index.nearest(("tranches", 0, "tiers", 1, "rate")) == Span(27, 32)
    # A field the document lacks: the element that should hold it.
    assert index.nearest(("tranches", 1, "currency")) == Span(30, 1)
    assert index.nearest(("tranches", 0, "tiers", 5, "rate")) == Span(24, 9)
    assert index.nearest(("missing",)) == Span(1, 1)
    assert index.nearest(()) == Span(1, 1)
    assert index.nearest(["id"]) == Span(2, 6)  # type: ignore[arg-type]
    assert index.table(("id",)) is None
    assert index.table(()) is None


def test_arrays_of_tables_nested_under_elements_restart_counting() -> None:
    text = """\
[[a]]
[[a.b]]
x = 1
[[a.b]]
x = 2
[a.c]
y = 3
[[a]]
[[a.b]]
x = 4
[a.b.d]
z = 5
"""
    index = scan_positions(text)
    assert tomllib.loads(text)["a"][1]["b"][0]["d"]["z"] == 5
    assert index.key(("a", 0, "b", 1)) == Span(4, 1)
    assert index.value(("a", 0, "b", 1, "x")) == Span(5, 5)
    assert index.key(("a", 0, "c")) == Span(6, 1)
    assert index.key(("a", 1)) == Span(8, 1)
    assert index.key(("a", 1, "b", 0)) == Span(9, 1)
    assert index.value(("a", 1, "b", 0, "x")) == Span(10, 5)
    assert index.key(("a", 1, "b", 0, "d")) == Span(11, 1)
    assert index.table(("a", 1, "b", 0, "d", "z")) == Span(11, 1)
    assert index.key(("a", 1, "b", 1)) is None
    _Checker(text).check_all()


def test_implicit_tables_are_claimed_by_their_own_header() -> None:
    text = "[x.y.z]\nw = 1\n[x]\nv = 2\n"
    index = scan_positions(text)
    assert index.key(("x", "y")) == Span(1, 1)
    assert index.key(("x",)) == Span(3, 1)
    assert index.table(("x", "v")) == Span(3, 1)
    assert index.table(("x", "y", "z", "w")) == Span(1, 1)


def test_odd_but_valid_syntax() -> None:
    text = (
        '1234 = "a"\n'
        "true = false\n"
        '"" = 1\n'
        '"\\u00e9t\\u00e9" = 2\n'
        "3.14 = { inf = +inf, nan = -nan }\n"
        'x = """a""""\n'
        "y = '''b'''''\n"
        "z = [[1, [2]], [], {}]\n"
        "t = 07:32:00.999\n"
        "d = 1979-05-27T07:32:00-08:00\n"
        'e = "\\"quoted\\" # not a comment"\n'
        "q = ['''b''''', \"\"\"c\"\"\"\"\", 3]\n"
        'r = ["""He said \\"""hi\\""".""", """a\\\\""", 4]\n'
    )
    index = scan_positions(text)
    assert index.value(("1234",)) == Span(1, 8)
    assert index.value(("true",)) == Span(2, 8)
    assert index.value(("",)) == Span(3, 6)
    assert index.value(("été",)) == Span(4, 19)
    assert index.value(("3", "14", "nan")) == Span(5, 28)
    assert index.value(("y",)) == Span(7, 5)
    assert index.value(("z", 0, 1, 0)) == Span(8, 11)
    assert index.value(("z", 2)) == Span(8, 20)
    assert index.value(("q", 2)) == Span(12, 28)
    assert index.value(("r", 1)) == Span(13, 33)
    assert index.value(("r", 2)) == Span(13, 44)
    _Checker(text).check_all()


def test_bom_counts_as_a_column() -> None:
    # Offsets refer to the text as given; the loader strips the BOM before both steps.
    assert scan_positions(BOM + "a = 1\n").value(("a",)) == Span(1, 6)


# --------------------------------------------------------------------------------------------
# error positions


def test_decode_error_span_with_line_and_column() -> None:
    text = "a = 1\nb = \n"
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads(text)
    span, message = decode_error_span(str(caught.value), text)
    assert span == Span(2, 5)
    assert message == "Invalid value"


def test_decode_error_span_at_end_of_document() -> None:
    text = 'a = 1\nb = "ü'
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads(text)
    assert str(caught.value).endswith("(at end of document)")
    span, message = decode_error_span(str(caught.value), text)
    assert span == Span(2, 7)
    assert not message.endswith(")")
    assert decode_error_span("Unclosed array (at end of document)", "x = [\n") == (
        Span(2, 1),
        "Unclosed array",
    )


def test_decode_error_span_without_position() -> None:
    assert decode_error_span("something else", "a = 1") == (Span(1, 1), "something else")


def test_utf8_error_span() -> None:
    data = "a = 1\r\nb = 'ü€".encode() + b"\xff'\n"
    with pytest.raises(UnicodeDecodeError) as caught:
        data.decode("utf-8")
    assert utf8_error_span(data, caught.value.start) == Span(2, 8)
    assert utf8_error_span(b"\xff", 0) == Span(1, 1)
    assert utf8_error_span(b"ab\n\xc3(\n", 4) == Span(2, 2)
    assert utf8_error_span(b"x", 99) == Span(1, 2)


# --------------------------------------------------------------------------------------------
# property test: anything tomli-w writes


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=DOCUMENTS,
    multiline=st.booleans(),
    indent=st.sampled_from([0, 4]),
)
def test_every_path_of_tomli_w_output_is_found(
    document: dict[str, Any], multiline: bool, indent: int
) -> None:
    text = tomli_w.dumps(document, multiline_strings=multiline, indent=indent)
    checker = _Checker(text)
    # Same shape (string values may differ: TOML reads a written "\r\n" back as "\n").
    assert {path for path, _ in _walk(checker.data)} == {path for path, _ in _walk(document)}
    checker.check_all()


# --------------------------------------------------------------------------------------------
# size and depth


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a = " + "[" * 100_000 + "]" * 100_000 + "\n", id="deep-array"),
        pytest.param("a = " + "[" * 100_000, id="deep-unclosed-array"),
        pytest.param("[" * 100_000, id="deep-brackets"),
        pytest.param("a = " + "{b = " * 100_000 + "1" + "}" * 100_000, id="deep-inline-table"),
        pytest.param(".".join(["a"] * 100_000) + " = 1", id="long-dotted-key"),
        pytest.param("[" + ".".join(["a"] * 100_000) + "]\nb = 1", id="long-header"),
        pytest.param('s = """' + '\\"""' * 100_000, id="escaped-quotes"),
        pytest.param("s = '" + "x" * 100_000, id="unclosed-literal"),
        # Many deep headers and dotted keys: recording must stay linear in the text size.
        pytest.param(("[" + ".".join(["a"] * 300) + "]\n") * 500, id="many-deep-headers"),
        pytest.param((".".join(["b"] * 300) + " = 1\n") * 500, id="many-deep-dotted-keys"),
        pytest.param(("a = " + "[" * 1000 + "\n") * 300, id="many-unclosed-arrays"),
    ],
)
def test_deep_and_pathological_text_does_not_raise(text: str) -> None:
    index = scan_positions(text)
    deep = ("a", *[0] * 100_000)
    assert isinstance(index.nearest(deep), Span)
    index.table(deep)
    index.key(deep)
    index.value(deep)


def test_deep_array_still_records_its_start() -> None:
    index = scan_positions("a = " + "[" * 100_000 + "]" * 100_000 + "\nb = 2\n")
    assert index.value(("a",)) == Span(1, 5)
    assert index.value(("a", 0, 0)) == Span(1, 7)
    assert index.value(("b",)) == Span(2, 5)
    # Deep levels are walked but only recorded down to a generous cap.
    assert index.value(("a", *[0] * 100)) == Span(1, 105)
    assert index.value(("a", *[0] * 99_999)) is None
    assert index.nearest(("a", *[0] * 99_999)).line == 1


@pytest.mark.slow
def test_five_megabytes() -> None:
    block = """\
[[tranches]]
kind = "milestone"   # a comment
amount = 12_500_000
note = \"\"\"Multi-line text with [[tranches]] and
key = "value" lines that are not TOML structure.\"\"\"
tiers = [
  { from = 0, rate = "5%" },
  { from = 100_000_000, rate = "7.5%" },
]
due = 2025-06-30
"""
    copies = 5_000_000 // len(block) + 1
    text = 'id = "big"\n' + block * copies
    index = scan_positions(text)
    last = copies - 1
    lines = block.count("\n")
    assert index.key(("tranches", last)) == Span(2 + last * lines, 1)
    assert index.value(("tranches", last, "tiers", 1, "rate")) == Span(9 + last * lines, 32)
    assert index.key(("tranches", copies)) is None


def test_random_garbage_does_not_raise() -> None:
    pieces = ['"', "'", '"""', "'''", "[", "]", "[[", "{", "}", "=", ",", ".", "#", "\n", "\r"]
    pieces += ["a", "1", " ", "\\", "ü", "\t", "1979-05-27 07:32:00"]
    rng = random.Random(1234)
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(200)))
        index = scan_positions(text)
        assert isinstance(index.nearest(("a",)), Span)


def test_non_string_input_gives_an_empty_index() -> None:
    index = scan_positions(None)  # type: ignore[arg-type]
    assert isinstance(index, PositionIndex)
    assert index.nearest(("a",)) == Span(1, 1)
