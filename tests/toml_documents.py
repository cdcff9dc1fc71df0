"""TOML documents for the tests of the text scanner and the position index: the toml-test
corpus and a hypothesis strategy for anything tomli-w writes, with tomllib as the oracle."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from hypothesis import strategies as st

import toml_corpus


def corpus(kind: str) -> list[Any]:
    """The corpus documents of `kind` ("valid" or "invalid") on the TOML 1.0 list; a test
    given the placeholder parameter skips, or fails in CI (see toml_corpus.require)."""
    return toml_corpus.params(toml_corpus.listed(f"{kind}/"))


def same(left: Any, right: Any) -> bool:
    """Equality that treats nan as equal to nan, recursively."""
    if isinstance(left, float) and isinstance(right, float):
        return (math.isnan(left) and math.isnan(right)) or left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(same, left, right))
    return type(left) is type(right) and left == right


KEYS = st.text(alphabet=st.sampled_from("abz_-09 .\"'\\#[]=\nÅ北😀"), min_size=0, max_size=6)
_STRINGS = st.lists(
    st.one_of(
        st.sampled_from(['"', "'", "\n", "\r\n", "#", "[", "]", "[[", "=", "\\", '"""', "'''"]),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=12,
).map("".join)
_LEAVES = st.one_of(
    _STRINGS,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.UTC)),
    st.times(),
)
TREES = st.recursive(
    _LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(KEYS, children, max_size=3),
    ),
    max_leaves=12,
)
DOCUMENTS = st.dictionaries(KEYS, TREES, max_size=5)
