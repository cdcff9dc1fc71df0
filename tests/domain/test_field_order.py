"""The key order of a deal file comes from the models, for `fmt` and `record` alike."""

from __future__ import annotations

from pydantic import Field

from dealledger.authoring.canonical import ROOT_ORDER, TABLE_ORDER
from dealledger.domain.field_order import file_keys, in_file_order, plain_keys, table_arrays
from dealledger.domain.models import Deal, Model, Tier, Tranche


def test_keys_are_spelled_as_in_a_file() -> None:
    assert file_keys(Tier) == ("from", "rate")


def test_arrays_of_tables_and_plain_keys_split_the_deal() -> None:
    arrays = table_arrays(Deal)
    assert list(arrays) == [
        *("parties", "assets", "tranches", "options", "rights", "events", "sources", "forecast")
    ]
    assert arrays["tranches"] is Tranche
    assert set(plain_keys(Deal)) | set(arrays) == set(file_keys(Deal))
    assert plain_keys(Deal)[:4] == ("format", "id", "title", "kind")
    # `tuple[Tier, ...] | None` counts too
    assert list(table_arrays(Tranche)) == ["split", "tiers", "parts"]
    assert table_arrays(Tranche)["tiers"] is Tier


def test_fmt_orders_by_the_models() -> None:
    assert plain_keys(Deal) == ROOT_ORDER
    assert TABLE_ORDER["tranches"] == file_keys(Tranche)


def test_a_field_added_to_a_model_takes_its_place() -> None:
    class Later(Model):
        b: int
        a: int = Field(alias="z")
        c: tuple[Tier, ...] = ()

    assert file_keys(Later) == ("b", "z", "c")
    assert plain_keys(Later) == ("b", "z")
    assert in_file_order(Later, ["c", "unknown", "z", "b", "other"]) == (
        "b",
        "z",
        "c",
        "unknown",
        "other",
    )
