"""`Text` refuses blank text: exactly the characters `str.strip` removes count as blank."""

from __future__ import annotations

import sys

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from dealledger.domain.fields import Text


class Texts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: Text
    optional: Text | None = None
    many: tuple[Text, ...] = ()


def test_blank_means_str_isspace_for_every_character() -> None:
    """Every character `str.isspace` accepts is blank, and no other."""
    characters = [chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF]
    with pytest.raises(ValidationError) as caught:
        Texts(value="x", many=characters)
    rejected = {characters[error["loc"][1]] for error in caught.value.errors()}
    assert rejected == {character for character in characters if character.isspace()}
