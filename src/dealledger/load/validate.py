"""Turn Pydantic validation errors into findings that say what to write instead.

Pydantic's own messages ("Input should be 'a' or 'b'") are written for programmers; users of
a plain-text format need the key, the accepted values and the nearest spelling of what they
meant, as hledger and ruff give them.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..domain.errors import did_you_mean
from ..domain.limits import MAX_PROBLEMS, too_many_problems
from ..domain.problems import Finding, KeyPath, error

ModelT = TypeVar("ModelT", bound=BaseModel)

_EXAMPLES: dict[str, str] = {
    "id": 'id = "azn-cspc-2025-ai-research"',
    "parties": 'a [[parties]] table with name = "…" and role = "licensor" (and one per party)',
    "title": 'title = "AstraZeneca–CSPC AI research collaboration"',
    "kind": 'kind = "license"',
    "announced": "announced = 2025-06-13",
    "name": 'name = "AstraZeneca"',
    "role": 'role = "licensee"',
    "type": 'type = "upfront"',
    "url": 'url = "https://…"',
    "from": "from = 0",
    "rate": 'rate = "8%"',
    "date": "date = 2025-01-01",
    "to": 'to = "USD"',
}

_TYPE_WORDS: dict[str, str] = {
    "string_type": "a string",
    "int_type": "an integer",
    "bool_type": "true or false",
    "list_type": "an array",
    "tuple_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "float_type": "a number",
    "decimal_type": "a number",
}


def validate_model(
    model: type[ModelT], data: dict[str, Any]
) -> tuple[ModelT | None, list[Finding]]:
    """Validate a parsed document; on failure return every error as a finding."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # Explaining an error (nearest key, example) costs far more than finding it: a file
        # of 450,000 unknown keys would take minutes. Explain the first ones only.
        findings = [_finding(model, item) for item in errors[:MAX_PROBLEMS]]
        if len(errors) > MAX_PROBLEMS:
            findings.append(too_many_problems(len(errors)))
        return None, findings


def _finding(model: type[BaseModel], item: Any) -> Finding:
    loc: KeyPath = tuple(part for part in item["loc"] if part != "[key]")
    kind: str = item["type"]
    if kind.startswith("DL"):
        return error(kind, loc, item["msg"])
    key = str(loc[-1]) if loc else ""
    if kind == "missing":
        example = _EXAMPLES.get(key, f"{key} = …")
        where = _table_name(loc[:-1])
        return error(
            "DL101", loc[:-1], f"missing required key `{key}` in {where}; add {example}", "table"
        )
    if kind == "extra_forbidden":
        known = known_keys(model, loc[:-1])
        nearest = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        if nearest:
            hint = f"did you mean `{nearest[0]}`?"
        else:
            hint = f"known keys: {', '.join(known)}" if known else "remove it"
        return error("DL102", loc, f"unknown key `{key}` in {_table_name(loc[:-1])}; {hint}", "key")
    if kind in ("literal_error", "enum"):
        allowed = _allowed_values(model, loc)
        value = item.get("input")
        text = value if isinstance(value, str) else None
        hint = did_you_mean(text, allowed) if text else ""
        choices = ", ".join(f'"{choice}"' for choice in allowed)
        if "[key]" in item["loc"]:
            return error(
                "DL104", loc, f"{text!r} is not a stage; use one of {choices}{hint}", "key"
            )
        found = repr(value) if text is not None else _describe(value)
        if isinstance(loc[-1], int):
            key = str(loc[-2])
        return error("DL104", loc, f"`{key}` must be one of {choices}, not {found}{hint}")
    if kind in _TYPE_WORDS:
        expected = _TYPE_WORDS[kind]
        return error(
            "DL103", loc, f"`{key}` must be {expected}, found {_describe(item.get('input'))}"
        )
    if kind in ("too_short", "too_long"):
        return error("DL116", loc, f"`{key}`: {item['msg'].lower()}")
    return error("DL103", loc, f"`{key}`: {item['msg']}")


def _table_name(loc: KeyPath) -> str:
    named = [str(part) for part in loc if isinstance(part, str)]
    if not named:
        return "the top-level table"
    if loc and isinstance(loc[-1], int):
        return f"[[{'.'.join(named)}]] #{loc[-1] + 1}"
    return f"[{'.'.join(named)}]"


def _describe(value: object) -> str:
    from ..domain.fields import _type_name

    return _type_name(value)


def _field_model(annotation: Any) -> type[BaseModel] | None:
    """The model class inside an annotation such as `tuple[Party, ...] | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, tuple, list, dict, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _field_model(arg)
            if found is not None:
                return found
    return None


def _model_at(model: type[BaseModel], loc: KeyPath) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    keyed = False  # the next part is a key of a table of tables ([parties."Name"])
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int) or keyed:
            keyed = False
            continue
        field = _field_by_key(current, part)
        if field is None:
            return None
        keyed = typing.get_origin(field.annotation) is dict
        current = _field_model(field.annotation)
    return current


def _field_by_key(model: type[BaseModel], key: str) -> Any:
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def known_keys(model: type[BaseModel], loc: KeyPath) -> list[str]:
    """Keys accepted at a location, spelled as users write them (aliases, e.g. `from`)."""
    target = _model_at(model, loc)
    if target is None:
        return []
    return [field.alias or name for name, field in target.model_fields.items()]


def _allowed_values(model: type[BaseModel], loc: KeyPath) -> list[str]:
    if loc and isinstance(loc[-1], int):
        loc = loc[:-1]  # an item of a list of choices (`covers`, `total_includes`)
    parent = _model_at(model, loc[:-1])
    key = loc[-1] if loc else None
    if parent is None or not isinstance(key, str):
        from ..domain.fields import STAGES

        return list(STAGES)
    field = _field_by_key(parent, key)
    if field is None:
        from ..domain.fields import STAGES

        return list(STAGES)
    return _literal_values(field.annotation)


def _literal_values(annotation: Any) -> list[str]:
    if typing.get_origin(annotation) is typing.Literal:
        return [str(arg) for arg in typing.get_args(annotation)]
    for arg in typing.get_args(annotation):
        values = _literal_values(arg)
        if values:
            return values
    return []
