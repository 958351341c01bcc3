"""The project's own cattrs converters (never the global one) and readable validation errors."""

from __future__ import annotations

import datetime
import functools
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from integration_index._io.toml import shorten
from integration_index._model.crosswalk import Link
from integration_index._model.framework import Condition
from integration_index._model.frozen import FrozenDict
from integration_index._model.profile import (
    EFFORTS,
    SOURCE_KINDS,
    ContextValue,
    Evidence,
    MetadataValue,
)
from integration_index._model.text import Text
from integration_index.exceptions import IntegrationIndexError, Problem

__all__ = ["card_converter", "model_converter", "problems_from", "structure"]

T = TypeVar("T")


def _structure_text(value: Any, _: type) -> Text:
    if isinstance(value, str):
        return Text(en=value)
    if isinstance(value, Mapping):
        extra = set(value) - {"en", "fr"}
        if extra:
            raise ValueError(
                f"unknown language key(s) {sorted(extra)}; expected 'en' and optional 'fr'"
            )
        if not isinstance(value.get("en"), str):
            raise ValueError("expected an 'en' string")
        french = value.get("fr")
        if french is not None and not isinstance(french, str):
            raise ValueError("expected 'fr' to be a string")
        return Text(en=value["en"], fr=french)
    raise ValueError(
        f"expected a string or a table {{ en = ..., fr = ... }}, got {type(value).__name__}"
    )


def _unstructure_text(text: Text) -> str | dict[str, str]:
    return text.en if text.fr is None else {"en": text.en, "fr": text.fr}


def _structure_rating(value: Any, _: type) -> str | float:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _finite(value)
    raise ValueError(
        f"expected a level id (a string) or a measured value (a number), got {shorten(value)}"
    )


def _finite(value: float, *, inf: bool = False) -> float:
    """*value* as a float, refusing NaN and (unless *inf*: context values) inf."""
    try:
        number = float(value)
    except OverflowError:  # an integer beyond the largest float
        number = math.inf
    if math.isnan(number) or (math.isinf(number) and not inf):
        raise ValueError(f"expected a {'' if inf else 'finite '}number, got {shorten(value)}")
    return number


def _structure_context_value(value: Any, _: type) -> ContextValue:
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return _finite(value, inf=True)
    raise ValueError(f"expected a string, a number or a boolean, got {type(value).__name__}")


def _structure_metadata_value(value: Any, _: type) -> MetadataValue:
    if isinstance(value, float):
        return _finite(value, inf=True)
    if isinstance(value, bool | str | int | datetime.date):
        return value
    raise ValueError(f"expected a string, number, boolean or date, got {type(value).__name__}")


def _structure_date(value: Any, _: type) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"{shorten(value)} is not a valid date; expected a date such as 2024-03-01"
            ) from None
    raise ValueError(f"expected a date such as 2024-03-01, got {shorten(value)}")


def _structure_str(value: Any, _: type) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(f"expected a string, got {type(value).__name__} {shorten(value)}")


def _structure_float(value: Any, _: type) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _finite(value)
    raise ValueError(f"expected a number, got {type(value).__name__} {shorten(value)}")


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(f"expected a whole number, got {type(value).__name__} {shorten(value)}")


def _structure_bool(value: Any, _: type) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"expected true or false, got {shorten(value)}")


def _array_hook_factory(type_: Any, converter: cattrs.Converter) -> Any:
    """Arrays (TOML arrays) to tuples; a string or a table is an error, not a sequence."""
    element = type_.__args__[0]
    handler = converter.get_structure_hook(element)
    detailed = converter.detailed_validation

    def structure(value: Any, _: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            kind = "a table" if isinstance(value, Mapping) else type(value).__name__
            raise ValueError(f"expected an array, got {kind}")
        if not detailed:
            return tuple([handler(item, element) for item in value])
        items: list[Any] = []
        errors: list[Exception] = []
        for index, item in enumerate(value):
            try:
                items.append(handler(item, element))
            except Exception as exc:
                exc.__notes__ = [
                    *getattr(exc, "__notes__", []),
                    IterableValidationNote(f"Structuring {type_} @ index {index}", index, element),
                ]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {type_!r}", errors, type_)
        return tuple(items)

    return structure


def _is_frozen_dict(type_: Any) -> bool:
    return type_ is FrozenDict or getattr(type_, "__origin__", None) is FrozenDict


def _frozen_dict_hook_factory(type_: Any, converter: cattrs.Converter) -> Any:
    """Tables to FrozenDicts, keys and values structured as for the matching dict type."""
    key_type, value_type = getattr(type_, "__args__", (Any, Any))
    as_dict = dict[key_type, value_type]  # type: ignore[valid-type]
    handler = converter.get_structure_hook(as_dict)

    def structure(value: Any, _: Any) -> FrozenDict[Any, Any]:
        if type(value) is not dict and not isinstance(value, Mapping):
            raise ValueError(f"expected a table, got {type(value).__name__}")
        return FrozenDict.adopt(handler(value, as_dict))

    return structure


def _unstructure_frozen_dict_hook(converter: cattrs.Converter) -> Any:
    def unstructure(value: FrozenDict[Any, Any]) -> dict[Any, Any]:
        return {key: converter.unstructure(item) for key, item in value.items()}

    return unstructure


def _is_array(type_: Any) -> bool:
    args: tuple[Any, ...] = getattr(type_, "__args__", ())
    return getattr(type_, "__origin__", None) is tuple and len(args) == 2 and args[1] is Ellipsis


def _make(*, omit_defaults: bool, dates_as_text: bool, detailed: bool = True) -> cattrs.Converter:
    converter = cattrs.Converter(
        forbid_extra_keys=True, omit_if_default=omit_defaults, detailed_validation=detailed
    )
    converter.register_structure_hook_factory(_is_array, _array_hook_factory)
    converter.register_structure_hook_factory(_is_frozen_dict, _frozen_dict_hook_factory)
    converter.register_unstructure_hook_func(
        _is_frozen_dict, _unstructure_frozen_dict_hook(converter)
    )
    converter.register_structure_hook(Text, _structure_text)
    converter.register_unstructure_hook(Text, _unstructure_text)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(str | float, _structure_rating)
    converter.register_structure_hook(ContextValue, _structure_context_value)
    converter.register_structure_hook(
        ContextValue | None, lambda v, t: None if v is None else _structure_context_value(v, t)
    )
    converter.register_structure_hook(MetadataValue, _structure_metadata_value)
    converter.register_structure_hook(datetime.date, _structure_date)
    if dates_as_text:
        converter.register_unstructure_hook(datetime.date, datetime.date.isoformat)
    else:
        converter.register_unstructure_hook(datetime.date, lambda value: value)
    converter.register_structure_hook(
        Condition,
        make_dict_structure_fn(
            Condition, converter, in_=override(rename="in"), _cattrs_forbid_extra_keys=True
        ),
    )
    converter.register_unstructure_hook(
        Condition,
        make_dict_unstructure_fn(
            Condition, converter, in_=override(rename="in"), _cattrs_omit_if_default=omit_defaults
        ),
    )
    converter.register_structure_hook(
        Link,
        make_dict_structure_fn(
            Link, converter, from_=override(rename="from"), _cattrs_forbid_extra_keys=True
        ),
    )
    converter.register_unstructure_hook(
        Link,
        make_dict_unstructure_fn(
            Link, converter, from_=override(rename="from"), _cattrs_omit_if_default=omit_defaults
        ),
    )
    return converter


@functools.cache
def model_converter() -> cattrs.Converter:
    """Frameworks and profiles <-> plain data as TOML holds it (dates stay dates; defaults omitted)."""
    return _make(omit_defaults=True, dates_as_text=False)


_EVIDENCE_KEYS = frozenset(field.name for field in attrs.fields(Evidence))
_SOURCE_KINDS = frozenset(SOURCE_KINDS)
_EFFORTS = frozenset(EFFORTS)
_OPTIONAL_TEXT = ("framework", "reference", "assessor", "note")


class _NotFast(Exception):
    """The fast path declines: the detailed converter structures it (and explains what is wrong)."""


def _fast_evidence(data: Any, _: type) -> Evidence:
    # Profiles hold dozens of evidence items: this hook checks exactly what the generated one
    # checks, without its per-field machinery, and declines anything unusual.
    if type(data) is not dict or not data.keys() <= _EVIDENCE_KEYS:
        raise _NotFast
    rating = data.get("rating")
    if type(data.get("criterion")) is not str or data.get("source") not in _SOURCE_KINDS:
        raise _NotFast
    if type(rating) is not str and type(rating) is not float and type(rating) is not int:
        raise _NotFast  # Evidence's converter makes an int rating a float
    for key in _OPTIONAL_TEXT:
        value = data.get(key)
        if value is not None and type(value) is not str:
            raise _NotFast
    date = data.get("date")
    if date is not None and type(date) is not datetime.date:
        raise _NotFast
    effort = data.get("effort")
    if effort is not None and effort not in _EFFORTS:
        raise _NotFast
    # The keys are checked to be Evidence's own: passing them on is the cheapest keyword call.
    return Evidence(**data)


@functools.cache
def _fast_model_converter() -> cattrs.Converter:
    # Without detailed validation, and with a hand-written hook for evidence items: several times
    # faster on valid input. Invalid input is structured again by the detailed converter, whose
    # errors carry every key path.
    converter = _make(omit_defaults=True, dates_as_text=False, detailed=False)
    converter.register_structure_hook(Evidence, _fast_evidence)
    return converter


@functools.cache
def card_converter() -> cattrs.Converter:
    """Score cards <-> JSON-ready data (dates as ISO text; every key kept for a stable schema)."""
    return _make(omit_defaults=False, dates_as_text=True)


def structure(data: Any, cls: type[T], converter: cattrs.Converter | None = None) -> T:
    """Structure *data* into *cls*; raise StructureError listing every problem on failure."""
    if converter is None:
        try:
            return _fast_model_converter().structure(data, cls)
        except Exception:  # any failure: redo it with the detailed converter, for the messages
            converter = model_converter()
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError, IntegrationIndexError) as exc:
        # cattrs wraps what a class's __init__ raises (validators, __attrs_post_init__) in a
        # ClassValidationError at that class's path; a model check's own problems are kept.
        raise StructureError(problems_from(exc)) from None


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
