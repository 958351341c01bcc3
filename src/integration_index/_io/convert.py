"""The project's own cattrs converters (never the global one), and ``structure``, which tries a
fast path first and explains any failure through ``_io/problems.py``."""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import cattrs
from cattrs.errors import ClassValidationError, IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from integration_index._io.fast_classes import ClassReader
from integration_index._io.fast_evidence import EvidenceReader, NotFast, fast_evidence
from integration_index._io.problems import StructureError, problems_from
from integration_index._io.toml import shorten
from integration_index._model.crosswalk import Crosswalk, Link
from integration_index._model.framework import Condition, Framework
from integration_index._model.frozen import FrozenDict
from integration_index._model.profile import (
    ContextValue,
    Evidence,
    MetadataValue,
)
from integration_index._model.scale import Scale
from integration_index._model.text import Text
from integration_index.exceptions import IntegrationIndexError

__all__ = [
    "StructureError",
    "card_converter",
    "model_converter",
    "plain_data",
    "problems_from",
    "structure",
]

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
    # Generated when first needed (a converter is made at every start, and the fast path reads
    # these classes with a ClassReader): the same functions as when registered at once, since
    # nothing registered later touches their fields' types.
    renamed = (Condition, Link)

    def structure_renamed(cls: type[Any]) -> Any:
        if cls is Condition:
            return make_dict_structure_fn(
                Condition, converter, in_=override(rename="in"), _cattrs_forbid_extra_keys=True
            )
        return make_dict_structure_fn(
            Link, converter, from_=override(rename="from"), _cattrs_forbid_extra_keys=True
        )

    def unstructure_renamed(cls: type[Any]) -> Any:
        if cls is Condition:
            return make_dict_unstructure_fn(
                Condition,
                converter,
                in_=override(rename="in"),
                _cattrs_omit_if_default=omit_defaults,
            )
        return make_dict_unstructure_fn(
            Link, converter, from_=override(rename="from"), _cattrs_omit_if_default=omit_defaults
        )

    converter.register_structure_hook_factory(lambda t: t in renamed, structure_renamed)
    converter.register_unstructure_hook_factory(lambda t: t in renamed, unstructure_renamed)
    return converter


@functools.cache
def model_converter() -> cattrs.Converter:
    """Frameworks and profiles <-> plain data as TOML holds it (dates stay dates; defaults omitted)."""
    return _make(omit_defaults=True, dates_as_text=False)


# The values the fast converter's generic hooks give back unchanged, by exact type (besides a
# float that is not NaN: ``float(item) is item``, what ``_finite`` gives back).
_METADATA_KEPT = frozenset({str, int, bool, datetime.date})
_CONTEXT_KEPT = frozenset({str, bool})


def _read_map(
    value: Any, kept: frozenset[type], slow: Callable[[Any], Any]
) -> FrozenDict[str, Any]:
    """A table of scalars as the fast converter's generic hooks structure it, in one loop: keys
    and values of the *kept* exact types as they are, any other value through *slow* (the
    generic hook itself); a non-dict declines (NotFast)."""
    if type(value) is not dict:
        raise NotFast
    out: dict[str, Any] = {}
    for key, item in value.items():
        if type(key) is not str:
            key = _structure_str(key, str)
        kind = type(item)
        if kind in kept or (kind is float and not math.isnan(item)):
            out[key] = item
        else:
            out[key] = slow(item)
    return FrozenDict.adopt(out)


def _metadata_hook(value: Any, _: Any) -> FrozenDict[str, MetadataValue]:
    """A city's metadata, as the generic hooks structure it (see ``_read_map``)."""
    return _read_map(value, _METADATA_KEPT, _metadata_value)


def _context_hook(value: Any, _: Any) -> FrozenDict[str, FrozenDict[str, ContextValue]]:
    """A profile's context: per framework, a table as ``_structure_context_value`` reads it."""
    if type(value) is not dict:
        raise NotFast
    out: dict[str, FrozenDict[str, ContextValue]] = {}
    for framework_id, values in value.items():
        if type(framework_id) is not str:
            framework_id = _structure_str(framework_id, str)
        out[framework_id] = _read_map(values, _CONTEXT_KEPT, _context_value)
    return FrozenDict.adopt(out)


def _metadata_value(item: Any) -> MetadataValue:
    return _structure_metadata_value(item, MetadataValue)  # type: ignore[arg-type]


def _context_value(item: Any) -> ContextValue:
    return _structure_context_value(item, ContextValue)  # type: ignore[arg-type]


def _optional_str(value: Any, _: Any) -> str | None:
    """``str | None`` as cattrs' optional hook structures it (None, else the str hook), without
    its per-call dispatch."""
    return value if value is None or type(value) is str else _structure_str(value, str)


def _optional_int(value: Any, _: Any) -> int | None:
    """``int | None``, as ``_optional_str``."""
    return value if value is None or type(value) is int else _structure_int(value, int)


def _str_array_hook(generic: Any) -> Any:
    """The hook of ``tuple[str, ...]``: a list of exact strings at once, anything else through
    *generic* (the converter's array hook for the type)."""

    def structure(value: Any, type_: Any) -> tuple[str, ...]:
        if type(value) is list:
            for item in value:
                if type(item) is not str:
                    break
            else:
                return tuple(value)
        return generic(value, type_)  # type: ignore[no-any-return]

    return structure


#: The types of ``City.metadata`` and ``CityProfile.context``, which the two hooks above read.
_METADATA = FrozenDict[str, MetadataValue]
_CONTEXT = FrozenDict[str, FrozenDict[str, ContextValue]]


@functools.cache
def _fast_model_converter() -> cattrs.Converter:
    # Without detailed validation, and with a hand-written hook for evidence items: several times
    # faster on valid input. Invalid input is structured again by the detailed converter, whose
    # errors carry every key path.
    converter = _make(omit_defaults=True, dates_as_text=False, detailed=False)
    converter.register_structure_hook(Evidence, lambda data, _: fast_evidence(data))
    items = tuple[Evidence, ...]
    converter.register_structure_hook_func(lambda type_: type_ == items, EvidenceReader())
    converter.register_structure_hook_func(lambda type_: type_ == _METADATA, _metadata_hook)
    converter.register_structure_hook_func(lambda type_: type_ == _CONTEXT, _context_hook)
    converter.register_structure_hook_func(lambda type_: type_ == str | None, _optional_str)
    converter.register_structure_hook_func(lambda type_: type_ == int | None, _optional_int)
    strings = tuple[str, ...]
    generic = _array_hook_factory(strings, converter)
    converter.register_structure_hook_func(lambda t: t == strings, _str_array_hook(generic))
    return converter


#: The documents read by a ClassReader: those every run loads (the registered frameworks, their
#: shared scales and crosswalks), whose cattrs code generation was a start-up cost.
_READ_BY_CLASS_READER = frozenset({Framework, Scale, Crosswalk})


@functools.cache
def _class_reader() -> ClassReader:
    # The converter's own hooks structure Text and Evidence; Condition and Link are renamed as
    # in the converter's functions for them (in, from: keywords of Python).
    return ClassReader(
        _fast_model_converter(),
        delegated=frozenset({Text, Evidence}),
        renamed={Condition: {"in_": "in"}, Link: {"from_": "from"}},
    )


def plain_data(value: Any) -> Any:
    """A model object as plain data, as ``model_converter().unstructure`` gives it.

    The fast converter unstructures with the same hooks (only its structuring differs), and every
    run makes it: a run that only reads need not make the detailed converter too.
    """
    return _fast_model_converter().unstructure(value)


@functools.cache
def card_converter() -> cattrs.Converter:
    """Score cards <-> JSON-ready data (dates as ISO text; every key kept for a stable schema)."""
    return _make(omit_defaults=False, dates_as_text=True)


def structure(data: Any, cls: type[T], converter: cattrs.Converter | None = None) -> T:
    """Structure *data* into *cls*; raise StructureError listing every problem on failure."""
    if converter is None:
        try:
            if cls in _READ_BY_CLASS_READER:
                read: T = _class_reader().structure(data, cls)
                return read
            return _fast_model_converter().structure(data, cls)
        except Exception:  # any failure: redo it with the detailed converter, for the messages
            converter = model_converter()
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError, IntegrationIndexError) as exc:
        # cattrs wraps what a class's __init__ raises (validators, __attrs_post_init__) in a
        # ClassValidationError at that class's path; a model check's own problems are kept.
        raise StructureError(problems_from(exc)) from None
