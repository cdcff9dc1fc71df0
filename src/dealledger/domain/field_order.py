"""The order of a deal file's keys, read from the models, so that no other module retypes it.

`fmt` lays a file out in this order and `record` inserts a key where it belongs in it; a field
added to a model takes its place in both without another edit.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable

from pydantic import BaseModel


def file_keys(model: type[BaseModel]) -> tuple[str, ...]:
    """The keys of `model` in declaration order, spelled as in a file (`from`, not `start`)."""
    return tuple(info.alias or name for name, info in model.model_fields.items())


def table_arrays(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """The keys of `model` that hold arrays of tables (`[[tranches]]`), each with the model of
    one element, in declaration order."""
    found: dict[str, type[BaseModel]] = {}
    for name, info in model.model_fields.items():
        element = _table_element(info.annotation)
        if element is not None:
            found[info.alias or name] = element
    return found


def plain_keys(model: type[BaseModel]) -> tuple[str, ...]:
    """The keys of `model` that are not arrays of tables: those written before the first
    `[[...]]` header of a file."""
    arrays = table_arrays(model)
    return tuple(key for key in file_keys(model) if key not in arrays)


def in_file_order(model: type[BaseModel], names: Iterable[str]) -> tuple[str, ...]:
    """`names` in the order `model` declares them; names it does not declare come last, in
    the order given."""
    rank = {key: index for index, key in enumerate(file_keys(model))}
    ordered = sorted(enumerate(names), key=lambda pair: (rank.get(pair[1], len(rank)), pair[0]))
    return tuple(name for _, name in ordered)


def _table_element(annotation: object) -> type[BaseModel] | None:
    """`Party` for `tuple[Party, ...]` (or `tuple[Party, ...] | None`), else None."""
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        elements = [_table_element(arg) for arg in typing.get_args(annotation)]
        return next((element for element in elements if element is not None), None)
    if origin is not tuple:
        return None
    args = typing.get_args(annotation)
    if len(args) == 2 and args[1] is Ellipsis:
        element = args[0]
        if isinstance(element, type) and issubclass(element, BaseModel):
            return element
    return None
