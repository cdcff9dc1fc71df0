"""What the cache stores, as JSON text, and back: validated deals and values derived from them.

Deals are written by pydantic's own serializer (`model_dump_json`, in Rust) and read back by
decoders compiled from the models' annotations: each field's JSON value is turned into the
type its validator produces (`Decimal`, `date`, `Period`, tuples, nested models) and checked
on the way, then the models are built with `model_construct`, which runs no validator. A
field added to a model needs nothing here as long as its type is made of those pieces; a
type this module does not know makes the codec unavailable, and deals are then simply parsed
again (never decoded wrongly). Only fields that were set are written, so `model_fields_set`
round-trips and defaults come from the models themselves.

Derived values (a report's per-deal rows) are plain data, written so that they read back
with their exact types and digits: a Decimal as a bare JSON number (`1.62E+9`), a date as
its day number with a lower-case exponent (`739282e0`, which `str(Decimal)` never writes),
an int with the exponent 0 (`3E0`, which `str(Decimal)` never writes either), and tuples and
non-finite Decimals tagged (`{"$u": [...]}`, `{"$d": "NaN"}`). A warm `summarize` thus
decodes its rows without a Python call per value, and with no call per object unless a tag
is in the text.
Everything is JSON: a damaged or hostile cache can give wrong answers at worst, never run
code.
"""

from __future__ import annotations

import dataclasses
import json
import re
import types
import typing
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from .interrupts import raise_owed

if TYPE_CHECKING:
    from ..domain.models import Deal


class CodecError(ValueError):
    """A value that cannot be stored, or stored text that does not decode: use the file."""


Decoder = Callable[[Any], Any]


def _when(accepts: Callable[[Any], bool], convert: Decoder = lambda value: value) -> Decoder:
    """A decoder: `convert(value)` for a JSON value `accepts` takes, else CodecError."""

    def decode(value: Any) -> Any:
        if not accepts(value):
            raise CodecError(f"unexpected {type(value).__name__}")
        return convert(value)

    return decode


def _exact(kind: type) -> Decoder:
    return _when(lambda value: type(value) is kind)


def _from_text(convert: Callable[[str], Any]) -> Decoder:
    return _when(lambda value: type(value) is str, convert)


def _union(options: list[Decoder]) -> Decoder:
    """Left to right: "110000000" is the Decimal, "undisclosed" falls through to str."""

    def decode(value: Any) -> Any:
        for option in options:
            try:
                return option(value)
            except (ValueError, TypeError, ArithmeticError):
                continue
        raise CodecError("no option of the union fits")

    return decode


def _record(build: Callable[..., Any], fields: dict[str, Decoder], required: set[str]) -> Decoder:
    """A model or dataclass from a JSON object: no unknown key, no required key missing."""
    return _when(
        lambda value: type(value) is dict and required <= value.keys() <= fields.keys(),
        lambda value: build(**{name: fields[name](item) for name, item in value.items()}),
    )


def decoder(annotation: Any) -> Decoder:
    """The decoder of the *validated* value an annotation stands for (CodecError if unknown)."""
    from pydantic import BaseModel

    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return decoder(args[0])
    if origin in (typing.Union, types.UnionType):
        return _union([decoder(arg) for arg in args])
    if origin is typing.Literal:
        return _when(lambda value: any(type(value) is type(a) and value == a for a in args))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = decoder(args[0])
        return _when(lambda value: type(value) is list, lambda value: tuple(map(item, value)))
    if origin is dict:
        key, item = decoder(args[0]), decoder(args[1])
        return _when(
            lambda value: type(value) is dict,
            lambda value: {key(name): item(element) for name, element in value.items()},
        )
    if annotation in (str, int, bool, type(None)):
        return _exact(annotation)
    if annotation is Decimal:
        return _from_text(Decimal)
    if annotation is date:
        return _from_text(date.fromisoformat)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model(annotation)
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        hints = typing.get_type_hints(annotation)
        names = [field.name for field in dataclasses.fields(annotation)]
        return _record(annotation, {n: decoder(hints[n]) for n in names}, set(names))
    raise CodecError(f"no decoder for {annotation!r}")


@cache
def _model(model: type) -> Decoder:
    info = model.model_fields  # type: ignore[attr-defined]
    fields = {name: decoder(field.annotation) for name, field in info.items()}
    required = {name for name, field in info.items() if field.is_required()}
    return _record(_constructor(model), fields, required)


_IMMUTABLE = (str, int, bool, Decimal, date, tuple, frozenset, type(None))


def _constructor(model: Any) -> Callable[..., Any]:
    """`model.model_construct`, with the defaults looked up once instead of per instance.

    `model_construct` resolves (and deep-copies) every unset field's default on each call;
    for a warm report decoding 10,000 deals that was half of the decoding time. The defaults
    of these models are immutable values, so one shared copy is the same thing. A model with
    anything `model_construct` handles beyond that (aliases, a default factory, a mutable
    default, extra fields, a post-init hook) keeps `model_construct` itself.
    """
    info = model.model_fields
    defaults: dict[str, Any] = {}
    for name, field in info.items():
        if field.alias not in (None, name) or field.validation_alias not in (None, name):
            return model.model_construct  # type: ignore[no-any-return]
        if field.is_required():
            continue
        if field.default_factory is not None or type(field.default) not in _IMMUTABLE:
            return model.model_construct  # type: ignore[no-any-return]
        defaults[name] = field.default
    if model.model_config.get("extra") == "allow" or model.__pydantic_post_init__:
        return model.model_construct  # type: ignore[no-any-return]
    order = tuple(info)
    new = model.__new__
    set_attribute = object.__setattr__

    def construct(**values: Any) -> Any:
        instance = new(model)
        set_attribute(
            instance,
            "__dict__",
            {name: values[name] if name in values else defaults[name] for name in order},
        )
        set_attribute(instance, "__pydantic_fields_set__", set(values))
        set_attribute(instance, "__pydantic_extra__", None)
        set_attribute(instance, "__pydantic_private__", None)
        return instance

    return construct


@cache
def deal_decoder() -> Decoder | None:
    """The Deal decoder, or None where the models hold a type this module does not know."""
    from ..domain.models import Deal

    try:
        return decoder(Deal)
    except CodecError:
        return None


def dump_deal(deal: Deal) -> str | None:
    """The deal's set fields as JSON; None where the codec cannot read it back."""
    from pydantic_core import PydanticSerializationError

    if deal_decoder() is None:
        return None
    try:
        # pydantic warns about validator-typed fields (a PlainValidator date) it writes right.
        encoded = deal.model_dump_json(exclude_unset=True, warnings=False)
    except PydanticSerializationError as exc:
        raise_owed()
        if "KeyboardInterrupt" in str(exc):  # Ctrl-C in a callback, reported as its error
            raise KeyboardInterrupt from None
        return None
    except (ValueError, TypeError):
        return None
    raise_owed()  # a Ctrl-C inside the callbacks for Decimals: the encoding is damaged
    return encoded


def load_deal(text: str) -> Deal:
    """A stored deal, every field's type checked; CodecError where anything is off."""
    decode = deal_decoder()
    if decode is None:
        raise CodecError("no codec for these models")
    try:
        return decode(json.loads(text))
    except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
        raise CodecError(str(exc)) from exc


# --- derived values ------------------------------------------------------------------------


def _tagged(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        if _BARE_MARK in value:
            raise CodecError("text holding NUL")
        return value
    if value is None or kind is bool:
        return value
    if kind is Decimal:
        # Bare JSON numbers (see `dump_value`): an integral amount is read back by `parse_int`
        # in C, with no Python call; `str` never writes a lower-case "e", which marks a date.
        return _BARE_MARK + str(value) if value.is_finite() else {"$d": str(value)}
    if kind is int:
        return f"{_BARE_MARK}{value}E0"
    if kind is date:
        return f"{_BARE_MARK}{value.toordinal()}e0"
    if kind is tuple:
        return {"$u": [_tagged(item) for item in value]}
    if kind is list:
        return [_tagged(item) for item in value]
    if kind is dict and all(type(k) is str and k[:1] != "$" and _BARE_MARK not in k for k in value):
        return {key: _tagged(item) for key, item in value.items()}
    raise CodecError(f"cannot store a {kind.__name__}")


_BARE_MARK = "\x00"
_BARE = re.compile(r'"\\u0000([^"]*)"')
_UNTAG: dict[str, Callable[[Any], Any]] = {
    "$d": _from_text(Decimal),
    "$u": lambda items: tuple(items) if type(items) is list else _exact(list)(items),
}


def _untagged(table: dict[str, Any]) -> Any:
    if len(table) == 1:
        for key, value in table.items():
            untag = _UNTAG.get(key)
            if untag is not None:
                return untag(value)
    return table


def _bare_float(text: str) -> Decimal | date | int:
    """A bare number with an exponent: `739282e0` is a date, `3E0` an int (`str(Decimal)`
    never writes an exponent of 0), anything else a Decimal."""
    if text.endswith("e0"):
        return date.fromordinal(int(text[:-2]))
    if text.endswith("E0"):
        return int(text[:-2])
    return Decimal(text)


def dump_value(value: Any) -> str:
    """A derived value as JSON text (CodecError: a type that would not read back the same)."""
    return _BARE.sub(r"\1", json.dumps(_tagged(value), separators=(",", ":")))


def load_values(texts: list[str]) -> list[Any]:
    """Stored derived values, in one call; CodecError if any does not decode."""
    text = "[" + ",".join(texts) + "]"
    try:
        values = json.loads(
            text,
            # Without a tag in the text, the objects need no Python call either.
            object_hook=_untagged if '"$' in text else None,
            parse_float=_bare_float,
            parse_int=Decimal,
        )
    except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
        raise CodecError(str(exc)) from exc
    if len(values) != len(texts):
        raise CodecError("values run into each other")
    return values
