"""Readable validation errors: a cattrs error tree turned into Problems with key paths."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import attrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

from integration_index.exceptions import IntegrationIndexError, Problem

__all__ = ["StructureError", "problems_from"]


class StructureError(ValueError):
    """Validation failed; ``problems`` lists every failure with its key path."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.format() for p in problems))


_FIELD_MESSAGE = re.compile(
    r"^(?:([a-z_]+)(?: '[^']*'| [-0-9.e]+)? must |'([a-z_]+)' must |Length of '([a-z_]+)' must )"
)
_EXTRA_KEY = re.compile(r"^unknown key '([^']+)';")


def _format_exception(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = (
            sorted(a.name if a.alias == a.name else a.alias for a in attrs.fields(exc.cl))
            if attrs.has(exc.cl)
            else []
        )
        allowed = [{"in_": "in", "from_": "from"}.get(name, name) for name in allowed]
        extra = ", ".join(repr(key) for key in sorted(exc.extra_fields))
        return f"unknown key {extra}; expected one of: {', '.join(allowed)}"
    if isinstance(exc, KeyError):
        return f"required key is missing; expected {_describe(type_)}"
    if "not in literal" in str(exc):
        return "expected one of: " + ", ".join(repr(choice) for choice in _choices(type_))
    if isinstance(exc, TypeError) and type_ is not None:
        name = getattr(type_, "__name__", str(type_))
        if "not iterable" in str(exc) or "object is not" in str(exc):
            return f"expected {'a list' if name in ('tuple', 'list') else 'a table' if 'Mapping' in str(type_) else name}, got something else"
        return f"invalid value, expected {name}"
    if isinstance(exc, AttributeError | TypeError):
        return "expected a table"
    return str(exc)


def _choices(type_: Any) -> list[Any]:
    """The values a Literal allows, also inside a union (``Literal["low", "high"] | None``)."""
    args = [a for a in getattr(type_, "__args__", ()) if a is not type(None)]
    return [c for a in args for c in (_choices(a) if hasattr(a, "__origin__") else [a])]


# attrs' min_len(1) validator, and what to say instead, by field name.
_EMPTY = re.compile(r"^Length of '([a-z_]+)' must be >= 1: 0$")
_EMPTY_MESSAGES = {"frameworks": "at least one framework id is needed"}


def _describe(type_: Any) -> str:
    names = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}
    if type_ in names:
        return names[type_]
    if type_ is datetime.date:
        return "a date such as 2024-03-01"
    if attrs.has(type_):
        return f"a table ({type_.__name__})"
    origin = getattr(type_, "__origin__", None)
    if origin is tuple or origin is list:
        return "a list"
    if origin is not None and "Literal" in str(origin):
        return "one of: " + ", ".join(repr(choice) for choice in type_.__args__)
    return "a value"


def problems_from(exc: BaseException) -> list[Problem]:
    """Turn a cattrs validation error into Problems with key paths such as ``evidence[3].rating``.

    A model check that raises an IntegrationIndexError (a scale's levels, a framework's
    cross-references) gives its own problems, their key paths prefixed with where it stands.
    """
    problems: list[Problem] = []
    for error, type_, path in _failures(exc, None, ""):
        if isinstance(error, IntegrationIndexError):
            problems.extend(
                Problem(problem.message, _join(path, problem.key_path), problem.line)
                for problem in error.problems
            )
            continue
        message = _format_exception(error, type_)
        # attrs validators run on the whole object; their messages start with the field's name.
        field = _FIELD_MESSAGE.match(message)
        if field:
            name = next(group for group in field.groups() if group)
            path = _join(path, name)
        extra = _EXTRA_KEY.match(message)
        if extra:  # one unknown key: point at it, not at its table
            path = _join(path, extra.group(1))
        empty = _EMPTY.match(message)
        if empty:
            name = empty.group(1)
            message = _EMPTY_MESSAGES.get(name, f"at least one item is needed in {name}")
        problems.append(Problem(message or type(error).__name__, path))
    return problems


def _failures(
    exc: BaseException, type_: Any, path: str
) -> Iterator[tuple[BaseException, Any, str]]:
    """Each failure inside a cattrs error tree, with the type expected and its key path."""
    if isinstance(exc, IterableValidationError):
        items, unplaced = exc.group_exceptions()
        for error, item in items:
            index = item.index
            where = f"{path}[{index}]" if isinstance(index, int) else _join(path, str(index))
            yield from _failures(error, item.type, where)
        for error in unplaced:
            yield from _failures(error, None, path)
    elif isinstance(exc, ClassValidationError):
        attributes, whole = exc.group_exceptions()
        for error, attribute in attributes:
            yield from _failures(error, attribute.type, _join(path, attribute.name))
        for error in whole:  # raised by the class's __init__: validators, __attrs_post_init__
            yield from _failures(error, None, path)
    else:
        yield exc, type_, path


def _join(path: str, key: str) -> str:
    """A key path one step further: ``a`` + ``b`` = ``a.b``; ``a`` + ``[0].b`` = ``a[0].b``."""
    if not key:
        return path
    if not path or key.startswith("["):
        return path + key
    return f"{path}.{key}"
