"""The fast JSON encoder writes exactly what the reference encoder writes."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

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
