"""attrs validators the framework model shares (ids, scores, weights), and ``value_class``, the
decorator of every model class: ``attrs.frozen`` whose tuple fields hold tuples whatever sequence
they are given."""

from __future__ import annotations

import math
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, SupportsFloat, SupportsIndex

import attrs

__all__ = [
    "ID",
    "check_id",
    "check_non_negative",
    "check_positive",
    "check_score_range",
    "check_unit_interval",
    "to_float",
    "tuple_fields",
    "value_class",
]

#: What an id of a criterion, scale, level or factor looks like.
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def to_float(value: str | bytes | SupportsFloat | SupportsIndex) -> float:
    """The attrs converter of a float field: ``float(value)``.

    A Python function rather than the builtin ``float``: attrs reads a converter's signature,
    and the builtin's (from its text signature) costs a tokenizer and its large regular expression
    at import time, several milliseconds of every run's start-up.
    """
    return float(value)


# As with the builtin: no parameter annotation at run time (attrs would give it to ``__init__``).
to_float.__annotations__ = {"return": "float"}


def check_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    """An id: a letter or digit, then letters, digits, '.', '_' or '-'."""
    if not ID.match(value):
        raise ValueError(f"{attribute.name} {value!r} must match {ID.pattern}")


def check_unit_interval(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    """A value within [0, 1]."""
    if not 0.0 <= value <= 1.0 or math.isnan(value):
        raise ValueError(f"{attribute.name} must be within [0, 1], got {value!r}")


def check_score_range(
    instance: object, attribute: attrs.Attribute[float | None], value: float | None
) -> None:
    """A score within [0, 100], or None."""
    if value is not None and not 0.0 <= value <= 100.0:
        raise ValueError(f"{attribute.name} must be within [0, 100], got {value!r}")


def check_non_negative(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    """A finite number, zero or more."""
    if not value >= 0.0 or math.isinf(value):
        raise ValueError(f"{attribute.name} must be a finite number, 0 or more, got {value!r}")


def check_positive(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    """A positive finite number."""
    if not value > 0.0 or math.isinf(value):
        raise ValueError(f"{attribute.name} must be a positive finite number, got {value!r}")


def _union_members(annotation: str) -> list[str]:
    """The members of a union written as text (``"tuple[str, ...] | None"``), outer level only."""
    members: list[str] = []
    depth = start = 0
    for index, char in enumerate(annotation):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "|" and depth == 0:
            members.append(annotation[start:index].strip())
            start = index + 1
    members.append(annotation[start:].strip())
    return members


def _tuple_kind(annotation: object) -> bool | None:
    """For a field annotated ``tuple[...]``, whether it also allows None (``tuple[...] | None``);
    None for any other annotation (a union with anything but None included)."""
    # The model's modules use ``from __future__ import annotations``: their annotations are text.
    if isinstance(annotation, str):
        members = _union_members(annotation)
        tuples = sum(member.startswith("tuple[") for member in members)
        nones = members.count("None")
        return nones > 0 if tuples == 1 and tuples + nones == len(members) else None
    if annotation is tuple or typing.get_origin(annotation) is tuple:
        return False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        tuples = sum(arg is tuple or typing.get_origin(arg) is tuple for arg in args)
        nones = sum(arg is type(None) for arg in args)
        return nones > 0 if tuples == 1 and tuples + nones == len(args) else None
    return None


def _tuple_converter(name: str, allow_none: bool) -> Callable[[Any], Any]:
    """A converter that makes a list (or any iterable but a string, bytes or a mapping) a tuple."""

    def to_tuple(value: Any) -> Any:
        if type(value) is tuple:  # loaders and typed callers pass tuples: keep this path cheap
            return value
        if value is None and allow_none:
            return None
        if not isinstance(value, str | bytes | bytearray | Mapping):
            try:
                items = iter(value)
            except TypeError:
                pass
            else:
                return tuple(items)
        raise TypeError(
            f"{name} must be a sequence (a tuple or a list), got {type(value).__name__} {value!r:.80}"
        )

    return to_tuple


def tuple_fields(cls: type, fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """An attrs field transformer: each field annotated ``tuple[...]`` converts its value to a
    tuple (after the field's own converter, if it has one), so that a list given for it can neither
    be mutated through the object nor make it unhashable."""
    transformed: list[attrs.Attribute[Any]] = []
    for field in fields:
        allow_none = _tuple_kind(field.type)
        if allow_none is None:
            transformed.append(field)
            continue
        to_tuple = _tuple_converter(field.name, allow_none)
        # attrs annotates __init__ with a converter's parameter type: keep the declared type there.
        to_tuple.__annotations__ = {"value": field.type, "return": field.type}
        if field.converter is None:
            transformed.append(field.evolve(converter=to_tuple))
        else:
            piped = attrs.converters.pipe(field.converter, to_tuple)
            transformed.append(field.evolve(converter=piped))
    return transformed


if TYPE_CHECKING:
    # The attrs mypy plugin recognises attrs.frozen by name: to type checkers, value_class is it
    # (the conversion only widens what __init__ accepts at run time). So that the plugin sees
    # them, classes pass their options (kw_only=True...) explicitly, as to attrs.frozen.
    from attrs import frozen as value_class
else:

    def value_class(maybe_cls: type | None = None, /, **options: Any) -> Any:
        """``attrs.frozen`` whose tuple fields convert their values to tuples (see
        :func:`tuple_fields`); a ``field_transformer`` given runs first."""
        given = options.pop("field_transformer", None)
        if given is None:
            transformer = tuple_fields
        else:

            def transformer(
                cls: type, fields: list[attrs.Attribute[Any]]
            ) -> list[attrs.Attribute[Any]]:
                return tuple_fields(cls, given(cls, fields))

        return attrs.frozen(maybe_cls, field_transformer=transformer, **options)
