"""Options that travel together (the deal filters, the row options), declared once.

Typer has no option groups. A command decorated with `takes_options(name, Group, ...)`
declares one parameter `name: Group`; the decorator shows Typer the group's annotated
options in its place and hands the command their raw values together, as one frozen
dataclass. Decorators stack: each replaces its own parameter.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any, TypeVar

Command = TypeVar("Command", bound=Callable[..., Any])


def takes_options(
    name: str, group: type[Any], annotations: Mapping[str, Any]
) -> Callable[[Command], Command]:
    """Put `annotations` (one Typer option per field of `group`) where a command declares
    `name: group`."""
    names = [field.name for field in fields(group)]
    assert names == list(annotations), (names, list(annotations))

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command, eval_str=True)
        parameters: list[inspect.Parameter] = []
        for parameter in signature.parameters.values():
            if parameter.name != name:
                parameters.append(parameter)
                continue
            parameters += [
                inspect.Parameter(
                    option, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
                )
                for option, annotation in annotations.items()
            ]
        if len(parameters) != len(signature.parameters) + len(names) - 1:
            raise TypeError(f"{command.__name__} declares no `{name}: {group.__name__}` parameter")
        # Keyword-only parameters must follow the others; Typer passes every value by name.
        parameters = [
            parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY) for parameter in parameters
        ]

        @functools.wraps(command)
        def with_group(**values: Any) -> Any:
            chosen = group(**{option: values.pop(option) for option in names})
            return command(**values, **{name: chosen})

        visible = signature.replace(parameters=parameters)
        with_group.__signature__ = visible  # type: ignore[attr-defined]
        with_group.__annotations__ = {p.name: p.annotation for p in parameters}
        return with_group  # type: ignore[return-value]

    return decorate
