"""The fast JSON encoder writes exactly what the reference encoder writes."""

from __future__ import annotations

import json
from datetime import date
from decimal import Context, Decimal, InvalidOperation
from enum import StrEnum

from hypothesis import given, settings
from hypothesis import strategies as st

from dealledger.domain.money import normalize, to_json_number
from dealledger.domain.periods import parse_period
from dealledger.render.jsonout import _slow_dumps, dumps

leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.decimals(allow_nan=False, allow_infinity=False, places=4)
    | st.text()
    | st.dates()
)
documents = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(documents, st.sampled_from([2, None]))
def test_fast_encoder_matches_the_reference(document: object, indent: int | None) -> None:
    assert dumps(document, indent) == _slow_dumps(document, indent)


def test_a_value_cannot_forge_a_number_token() -> None:
    forged = "\x00abcdef0123456789:0"
    text = dumps({"amount": Decimal("1.5"), "title": forged})
    assert json.loads(text) == {"amount": 1.5, "title": forged}


def test_decimals_stay_exact_and_dates_are_iso() -> None:
    text = dumps([Decimal("43243243.24"), date(2025, 6, 13)], None)
    assert text == '[43243243.24, "2025-06-13"]'


class Stage(StrEnum):
    """A str subclass standing in for the enum values reports carry."""

    SIGNED = "signed"
    ODD = 'quote " and \\ back\n'


# Every C0 and C1 control, DEL, the bidi and invisible characters the post-pass escapes,
# astral characters (emoji, tag characters), quotes and backslashes.
tricky_characters = st.sampled_from(
    [chr(code) for code in range(0x20)]
    + [chr(code) for code in range(0x7F, 0xA0)]
    + list('"\\/\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202e')
    + list("\u2060\u2066\u2069\ufeff\ufff9\ufffb\U000e0001\U000e007f\U0001f600\U00010000")
    + list("aé€ ")
)
tricky_text = st.text(tricky_characters, max_size=12) | st.text(max_size=8)
tricky_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.builds(
        lambda digits, exponent: Decimal(digits).scaleb(exponent),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.integers(min_value=-30, max_value=30),
    )
    | tricky_text
    | st.dates()
    | st.sampled_from(list(Stage))
    | st.just([])
    | st.just({})
    | st.just(())
)
tricky_documents = st.recursive(
    tricky_leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(tricky_text | st.sampled_from(list(Stage)), inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300)
@given(tricky_documents, st.sampled_from([2, None]))
def test_tricky_documents_match_the_reference(document: object, indent: int | None) -> None:
    assert dumps(document, indent) == _slow_dumps(document, indent)


def test_other_indents_still_follow_the_reference() -> None:
    document = {"a": [1, {"b": Decimal("1E+3")}], "c": ()}
    for indent in (0, 1, 4):
        assert dumps(document, indent) == _slow_dumps(document, indent)
    assert dumps(document, 4) == json.dumps(json.loads(dumps(document)), indent=4)


def test_what_orjson_refuses_goes_through_the_reference() -> None:
    document = {"big": 2**64, "small": -(2**63) - 1, "ints": {1: "x"}, "lone": "\ud800"}
    assert dumps(document) == _slow_dumps(document)
    assert dumps(document, None) == _slow_dumps(document, None)


def test_periods_are_their_text() -> None:
    assert dumps([parse_period("2026-Q3")], None) == '["2026-Q3"]'


@settings(max_examples=300)
@given(
    st.integers(min_value=-(10**100), max_value=10**100),
    st.integers(min_value=-120, max_value=120),
)
def test_number_shortcut_is_the_normalized_number(digits: int, exponent: int) -> None:
    """to_json_number takes `str` where it already is the normalized text: never different."""
    value = Decimal(digits).scaleb(exponent, context=Context(prec=200, Emin=-999, Emax=999))
    try:
        expected = format(normalize(value), "f")
    except InvalidOperation:
        return
    assert to_json_number(value) == expected


def test_number_shortcut_on_edge_values() -> None:
    for text in ("0", "-0", "0.0", "-0.00", "5.00", "1.50", "100", "1E+2", "1E-7", "0.000001"):
        assert to_json_number(Decimal(text)) == format(normalize(Decimal(text)), "f"), text
    assert to_json_number(Decimal("NaN")) == format(normalize(Decimal("NaN")), "f")


@settings(max_examples=50)
@given(st.lists(st.tuples(st.integers(0, 8999), tricky_characters), max_size=12))
def test_escapes_in_long_strings_across_blocks(placed: list[tuple[int, str]]) -> None:
    """The post-pass works in blocks of a few thousand characters; no boundary may matter."""
    characters = list("x" * 9000)
    for position, character in placed:
        characters[position] = character
    text = "".join(characters)
    document = {"long": text, "list": [text[:4100], "€" + text]}
    assert dumps(document) == _slow_dumps(document)
    assert dumps(document, None) == _slow_dumps(document, None)


@given(st.lists(tricky_documents, max_size=9), st.integers(min_value=1, max_value=4))
def test_an_array_streamed_in_pieces_is_the_whole_document(items: list, batch: int) -> None:
    from dealledger.render.jsonout import dumps_array

    assert "".join(dumps_array(items, batch=batch)) == dumps(items)
