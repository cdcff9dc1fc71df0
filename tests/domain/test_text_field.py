"""`Text` is checked in pydantic-core, and must answer exactly as the Python `_text` does.

`fields._text` stays as the reference: a model using it and a model using `Text` get the
same values, findings, codes, messages and key paths for every input.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationError

from dealledger.domain.fields import Text, _text
from dealledger.load.validate import validate_model

ReferenceText = Annotated[str, PlainValidator(_text)]


class Native(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: Text
    optional: Text | None = None
    many: tuple[Text, ...] = ()


class Reference(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: ReferenceText
    optional: ReferenceText | None = None
    many: tuple[ReferenceText, ...] = ()


def _answer(model: type[BaseModel], data: dict[str, Any]) -> tuple[object, object]:
    result, findings = validate_model(model, data)
    values = None if result is None else result.model_dump()
    return values, [(f.code, f.loc, f.message, f.anchor) for f in findings]


def _same(value: object) -> None:
    data = {"value": value, "optional": value, "many": [value, "x", value]}
    assert _answer(Native, data) == _answer(Reference, data)


@pytest.mark.parametrize(
    "value",
    [
        "AstraZeneca",
        " leading",
        "trailing ",
        "",
        " ",
        "\t\n",
        "\x1c",
        "\x1f\x1e",
        "\u00a0",
        "\u3000x",
        "\x00",
        "\u200b",
        "2025-06-13",
        " 2025-06-13 ",
        "2025-6-13",
        "{value}",
        1,
        0,
        True,
        1.5,
        date(2025, 1, 1),
        datetime(2025, 1, 1, 12, 0),
        time(12, 0),
        [],
        ["a"],
        {},
        {"a": 1},
        None,
    ],
)
def test_text_answers_as_the_python_check(value: object) -> None:
    _same(value)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=6))
def test_any_text_answers_as_the_python_check(value: str) -> None:
    _same(value)


def test_blank_means_str_isspace_for_every_character() -> None:
    """The Rust pattern must reject exactly the characters `str.strip` removes."""
    characters = [chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF]
    with pytest.raises(ValidationError) as caught:
        Native(value="x", many=characters)
    rejected = {characters[error["loc"][1]] for error in caught.value.errors()}
    assert rejected == {character for character in characters if character.isspace()}
