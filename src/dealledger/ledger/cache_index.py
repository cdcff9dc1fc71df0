"""The cache's index records as JSON, both ways, without the models.

Every run reads the index (a warm `check` reads nothing else), so this module needs only
pydantic-core: decoding checks every field's type in Rust, and importing it does not build
the deal models.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic_core import (
    PydanticSerializationError,
    SchemaSerializer,
    SchemaValidator,
    ValidationError,
    core_schema,
)


class CacheFormatError(ValueError):
    """A value that cannot be cached, or a record that does not decode: use the file."""


def _nullable(schema: core_schema.CoreSchema) -> core_schema.CoreSchema:
    return core_schema.nullable_schema(schema)


def problem_schema() -> core_schema.CoreSchema:
    """A problem without its path: code, severity, line, column, message, deal id, end."""
    return core_schema.tuple_schema(
        [
            core_schema.str_schema(),
            core_schema.literal_schema(["error", "warning"]),
            _nullable(core_schema.int_schema()),
            _nullable(core_schema.int_schema()),
            core_schema.str_schema(),
            _nullable(core_schema.str_schema()),
            _nullable(core_schema.int_schema()),
            _nullable(core_schema.int_schema()),
        ]
    )


def index_schema() -> core_schema.CoreSchema:
    """One file's index record: size, mtime_ns, content hash, deal id, problems, facts."""
    problem = problem_schema()
    event = core_schema.tuple_schema(
        [core_schema.int_schema(), core_schema.str_schema(), core_schema.str_schema()]
    )
    # A link: the key path (keys and indexes) and the deal id it names.
    link = core_schema.tuple_schema(
        [
            core_schema.tuple_schema(
                [core_schema.union_schema([core_schema.str_schema(), core_schema.int_schema()])],
                variadic_item_index=0,
            ),
            core_schema.str_schema(),
        ]
    )
    facts = core_schema.tuple_schema(
        [
            core_schema.str_schema(),  # the deal's id
            core_schema.str_schema(),  # the deal's date
            core_schema.tuple_schema([core_schema.str_schema()], variadic_item_index=0),
            core_schema.tuple_schema([event], variadic_item_index=0),
            core_schema.tuple_schema([link], variadic_item_index=0),  # amends, events' deals
        ]
    )
    return core_schema.tuple_schema(
        [
            core_schema.int_schema(),
            _nullable(core_schema.int_schema()),
            core_schema.str_schema(),
            _nullable(core_schema.str_schema()),
            core_schema.tuple_schema([problem], variadic_item_index=0),
            _nullable(facts),
        ]
    )


class IndexCodec:
    """One record alone (from pool workers) and whole index shards (a table by path)."""

    def __init__(self) -> None:
        record = index_schema()
        self._record_in = SchemaValidator(record)
        self._record_out = SchemaSerializer(record)
        self._index_in = SchemaValidator(core_schema.dict_schema(core_schema.str_schema(), record))
        problems = core_schema.tuple_schema([problem_schema()], variadic_item_index=0)
        settings = core_schema.tuple_schema(
            [problems, core_schema.nullable_schema(core_schema.str_schema())]
        )
        self._settings_in = SchemaValidator(settings)
        self._settings_out = SchemaSerializer(settings)

    @staticmethod
    @cache
    def build() -> IndexCodec:
        return IndexCodec()

    def dump(self, record: tuple[Any, ...]) -> bytes:
        try:
            return self._record_out.to_json(record, warnings="error")
        except PydanticSerializationError as exc:
            raise CacheFormatError(str(exc)) from exc

    def load(self, data: bytes) -> tuple[Any, ...]:
        try:
            return self._record_in.validate_json(data)
        except ValidationError as exc:
            raise CacheFormatError(str(exc)) from exc

    def load_shard(self, body: bytes) -> dict[str, tuple[Any, ...]]:
        try:
            return self._index_in.validate_json(body)
        except ValidationError as exc:
            raise CacheFormatError(str(exc)) from exc

    def dump_settings(self, record: tuple[Any, ...]) -> bytes:
        """The settings' record: their problems (without the path) and reporting currency."""
        try:
            return self._settings_out.to_json(record, warnings="error")
        except PydanticSerializationError as exc:
            raise CacheFormatError(str(exc)) from exc

    def load_settings(self, body: bytes) -> tuple[Any, ...]:
        try:
            return self._settings_in.validate_json(body)
        except ValidationError as exc:
            raise CacheFormatError(str(exc)) from exc
