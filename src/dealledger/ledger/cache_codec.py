"""Validated deals to JSON and back, without running dealledger's validators again.

The cache stores what validation produced. Reading it back through `Deal.model_validate`
would run every Python field validator again (money parsing, codes, dates), which costs as
much as the parse the cache is there to avoid. Instead, this module derives from the models'
annotations a *plain* pydantic-core schema of the same classes: each field with the type its
validator produces (`str`, `date`, `Decimal`, `Period`, `Precision`, tuples, nested models)
and the model's defaults. pydantic-core reads JSON with it entirely in Rust and still checks
every type, so a damaged record is rejected rather than half-trusted; it writes JSON in Rust
too. Only fields that were set are written, so `model_fields_set` round-trips
and defaults come from the models themselves.

Any annotation this module does not know makes `RecordCodec.build()` fail, and the cache is
then simply not used: a new field type in models.py can never be cached wrongly.
"""

from __future__ import annotations

import types
import typing
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic_core import (
    PydanticSerializationError,
    PydanticUndefined,
    SchemaSerializer,
    SchemaValidator,
    ValidationError,
    core_schema,
)

from ..domain.models import (
    Asset,
    Deal,
    Event,
    Forecast,
    Option,
    Part,
    Party,
    Right,
    Source,
    SplitShare,
    Stock,
    Tier,
    Tranche,
)
from ..domain.money import Precision
from ..domain.periods import Period
from .cache_index import CacheFormatError
from .interrupts import raise_owed

MODELS: tuple[type[BaseModel], ...] = (
    Deal,
    Party,
    Asset,
    Tranche,
    Tier,
    SplitShare,
    Part,
    Stock,
    Option,
    Right,
    Event,
    Source,
    Forecast,
)
_DATACLASSES: dict[type, tuple[tuple[str, type], ...]] = {
    Period: (("start", date), ("text", str)),
    Precision: (("value", Decimal), ("tolerance", Decimal)),
}


def plain_schema(annotation: Any) -> core_schema.CoreSchema:
    """The schema of the *validated* value an annotation stands for."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return plain_schema(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        options = [arg for arg in args if arg is not type(None)]
        inner = (
            plain_schema(options[0])
            if len(options) == 1
            # Left to right: "110000000" is the Decimal, "undisclosed" falls through to str.
            else core_schema.union_schema(
                [plain_schema(option) for option in options], mode="left_to_right"
            )
        )
        return core_schema.nullable_schema(inner) if len(options) < len(args) else inner
    if origin is typing.Literal:
        return core_schema.literal_schema(list(typing.get_args(annotation)))
    if origin is tuple:
        args = typing.get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis:
            return core_schema.tuple_schema([plain_schema(args[0])], variadic_item_index=0)
        raise CacheFormatError(f"no cache schema for {annotation!r}")
    if annotation is str:
        return core_schema.str_schema()
    if annotation is bool:
        return core_schema.bool_schema(strict=True)
    if annotation is int:
        return core_schema.int_schema(strict=True)
    if annotation is date:
        return core_schema.date_schema()
    if annotation is Decimal:
        return core_schema.decimal_schema()
    if annotation in _DATACLASSES:
        fields = [
            core_schema.dataclass_field(name, plain_schema(kind))
            for name, kind in _DATACLASSES[annotation]
        ]
        return core_schema.dataclass_schema(
            annotation,
            core_schema.dataclass_args_schema(annotation.__name__, fields),
            [name for name, _ in _DATACLASSES[annotation]],
            slots=True,
            frozen=True,
        )
    if annotation in MODELS:
        return _model_schema(annotation)
    raise CacheFormatError(f"no cache schema for {annotation!r}")


@cache
def _shadow(model: type[BaseModel]) -> type[BaseModel]:
    """A subclass that is never validated, so its own validator is never built.

    pydantic-core validates a model class with the class's *own* validator once that exists,
    whatever schema it is handed; decoding into this never-built twin keeps the plain schema
    in charge. `restore_classes` then gives each instance its real class back.
    """
    return type(f"_Cached{model.__name__}", (model,), {"__module__": __name__})


_REAL: dict[type, type[BaseModel]] = {}
_SHADOWS: dict[type, type[BaseModel]] = {}
# Fields holding nested models, which `restore_classes` must visit.
_NESTED: dict[type[BaseModel], tuple[str, ...]] = {}


_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def restore_classes(instance: Any) -> Any:
    """Give a decoded instance, and every model nested in it, its real class.

    The walk also shares `model_fields_set` between instances that set the same fields (see
    `share_fields_sets`).
    """
    real = _REAL.get(type(instance), type(instance))
    object.__setattr__(instance, "__class__", real)
    _share_fields_set(instance)
    values = instance.__dict__
    for name in _NESTED[real]:
        items = _children(values[name])
        if items:
            for item in items:
                restore_classes(item)
    return instance


def _children(value: Any) -> Any:
    """The models a nested field holds: a tuple of them, or one model (a tranche's `stock`)."""
    return (value,) if isinstance(value, BaseModel) else value


def _nested_fields(model: type[BaseModel]) -> tuple[str, ...]:
    found = _NESTED.get(model)
    if found is None:
        found = _NESTED[model] = tuple(
            name
            for name, info in model.model_fields.items()
            if any(nested in _annotation_types(info.annotation) for nested in MODELS)
        )
    return found


def _share_fields_set(instance: Any) -> None:
    fields_set = instance.__pydantic_fields_set__
    key = frozenset(fields_set)
    shared = _FIELDS_SETS.get(key)
    if shared is None:
        shared = _FIELDS_SETS[key] = set(fields_set)
    object.__setattr__(instance, "__pydantic_fields_set__", shared)


def share_fields_sets(instance: Any) -> Any:
    """One `model_fields_set` object for all models that set the same fields.

    Pydantic gives every instance its own set: over a third of a deal's memory. Frozen models
    never change it, and pydantic copies it before any `model_copy(update=...)`, so sharing
    is safe; it is what keeps 100,000 deals in memory affordable.
    """
    _share_fields_set(instance)
    values = instance.__dict__
    for name in _nested_fields(type(instance)):
        items = _children(values[name])
        if items:
            for item in items:
                share_fields_sets(item)
    return instance


def _restore_only(instance: Any) -> None:
    """Real classes back after serializing; unlike `restore_classes`, shares nothing."""
    kind = type(instance)
    real = _REAL.get(kind)
    if real is None:
        return
    object.__setattr__(instance, "__class__", real)
    values = instance.__dict__
    for name in _NESTED[real]:
        items = _children(values[name])
        if items:
            for item in items:
                _restore_only(item)


def _as_shadows(instance: Any) -> None:
    """The reverse of `restore_classes`, for the moment of serializing (see `dump_deal`)."""
    real = type(instance)
    object.__setattr__(instance, "__class__", _SHADOWS[real])
    values = instance.__dict__
    for name in _NESTED[real]:
        items = _children(values[name])
        if items:
            for item in items:
                _as_shadows(item)


def _model_schema(model: type[BaseModel]) -> core_schema.CoreSchema:
    fields: dict[str, core_schema.ModelField] = {}
    for name, info in model.model_fields.items():
        schema = plain_schema(info.annotation)
        if info.default_factory is not None:
            schema = core_schema.with_default_schema(schema, default_factory=info.default_factory)
        elif info.default is not PydanticUndefined:
            schema = core_schema.with_default_schema(schema, default=info.default)
        fields[name] = core_schema.model_field(schema)
    shadow = _shadow(model)
    _REAL[shadow] = model
    _SHADOWS[model] = shadow
    _nested_fields(model)
    return core_schema.model_schema(
        shadow, core_schema.model_fields_schema(fields, extra_behavior="forbid")
    )


def _annotation_types(annotation: Any) -> set[Any]:
    found = {annotation}
    for arg in typing.get_args(annotation):
        found |= _annotation_types(arg)
    return found


class RecordCodec:
    """JSON for validated deals, both ways, in Rust."""

    def __init__(self) -> None:
        deal = _model_schema(Deal)
        self._deal_in = SchemaValidator(deal)
        self._deal_out = SchemaSerializer(deal)

    @staticmethod
    @cache
    def build() -> RecordCodec:
        return RecordCodec()

    def dump_deal(self, deal: Deal) -> bytes:
        """The deal as JSON, serialized in Rust.

        pydantic-core would serialize a built model class with that class's own serializer,
        so the deal wears its never-built shadow classes for the moment of serializing.
        warnings="error": a value of an unexpected type is refused, never written as
        something that would read back differently.
        """
        if type(deal) is not Deal:
            raise CacheFormatError("not a Deal")
        # Usually only Deal itself has been validated (and so built); nested classes are
        # swapped too only when that is not enough.
        object.__setattr__(deal, "__class__", _SHADOWS[Deal])
        try:
            return self._deal_to_json(deal)
        except CacheFormatError:
            _as_shadows(deal)
            return self._deal_to_json(deal)
        finally:
            _restore_only(deal)

    def _deal_to_json(self, deal: Deal) -> bytes:
        try:
            encoded = self._deal_out.to_json(deal, exclude_unset=True, warnings="error")
        except (PydanticSerializationError, KeyError) as exc:
            raise CacheFormatError(str(exc)) from exc
        raise_owed()  # a Ctrl-C inside the callbacks for Decimals: the encoding is damaged
        return encoded

    def load_deal(self, data: bytes) -> Deal:
        try:
            deal = self._deal_in.validate_json(data)
        except ValidationError as exc:
            raise CacheFormatError(str(exc)) from exc
        restore_classes(deal)
        return deal
