"""The one-loop hooks for a city's metadata and a profile's context (``_io/convert.py``) accept
only what the generic hooks accept, and build the same mapping, value types included (property);
whatever they decline, ``structure`` reads as the detailed converter reads it, errors included.
And ``slot_setters`` refuses what ``builder`` refuses."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from integration_index._io.convert import (
    _CONTEXT,
    _METADATA,
    StructureError,
    _context_hook,
    _fast_model_converter,
    _make,
    _metadata_hook,
    _optional_int,
    _optional_str,
    model_converter,
    structure,
)
from integration_index._model.builders import builder, slot_setters
from integration_index.model import CityProfile

# The generic hooks, as the fast converter had them before the one-loop hooks were registered.
GENERIC = _make(omit_defaults=True, dates_as_text=False, detailed=False)

VALUES = st.one_of(
    st.text(max_size=4),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)
# Values both hooks take (most tables hold only these), and any value.
TAKEN = st.one_of(
    st.text(max_size=4),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.booleans(),
    st.dates(),
)
CONTEXT_TAKEN = st.one_of(
    st.text(max_size=4),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.booleans(),
)  # NaN refused by both
NAMES = st.text(max_size=6)
KEYS = st.one_of(NAMES, st.integers(0, 3))  # a key of another type, now and then
TABLES = st.one_of(
    st.dictionaries(NAMES, TAKEN, max_size=5),
    st.dictionaries(NAMES, VALUES, max_size=5),
    st.dictionaries(KEYS, VALUES, max_size=3),
)
CONTEXTS = st.one_of(
    st.dictionaries(NAMES, st.dictionaries(NAMES, CONTEXT_TAKEN, max_size=4), max_size=3),
    st.dictionaries(NAMES, st.dictionaries(NAMES, VALUES, max_size=4), max_size=3),
    st.dictionaries(KEYS, st.one_of(TABLES, VALUES), max_size=3),
    VALUES,
)


def typed(value: Any) -> Any:
    """A mapping's items with each value's type: 1 and 1.0 and True compare equal. NaN is kept
    as a marker (it equals nothing, itself included)."""
    if isinstance(value, Mapping):
        return [(typed(k), typed(v)) for k, v in value.items()]
    if isinstance(value, float) and math.isnan(value):
        return ("nan", float)
    return (value, type(value))


def outcome(hook: Any, value: Any, type_: Any) -> Any:
    try:
        return ("ok", typed(hook(value, type_)))
    except Exception:
        return ("refused",)


@given(st.one_of(TABLES, VALUES))
def test_metadata_hook_builds_what_the_generic_hook_builds(value: Any) -> None:
    fast = outcome(_metadata_hook, value, _METADATA)
    generic = outcome(GENERIC.get_structure_hook(_METADATA), value, _METADATA)
    if fast == ("refused",):  # declined: structure() then asks the detailed converter
        return
    assert fast == generic


@given(CONTEXTS)
def test_context_hook_builds_what_the_generic_hook_builds(value: Any) -> None:
    fast = outcome(_context_hook, value, _CONTEXT)
    generic = outcome(GENERIC.get_structure_hook(_CONTEXT), value, _CONTEXT)
    if fast == ("refused",):
        return
    assert fast == generic


def test_the_hooks_keep_exact_values_and_convert_as_the_model_does() -> None:
    day = datetime.date(2024, 3, 1)
    metadata = _metadata_hook({"a": 1, "b": 2.5, "c": True, "d": day, "e": "x", "f": -math.inf}, 0)
    assert typed(metadata) == typed(
        {"a": 1, "b": 2.5, "c": True, "d": day, "e": "x", "f": -math.inf}
    )
    context = _context_hook({"f": {"a": 1, "b": 2.5, "c": False, "d": "x"}}, 0)
    assert typed(context) == typed({"f": {"a": 1.0, "b": 2.5, "c": False, "d": "x"}})
    with pytest.raises(ValueError, match="expected a number"):
        _context_hook({"f": {"a": math.nan}}, 0)
    with pytest.raises(ValueError, match="expected a string, number, boolean or date"):
        _metadata_hook({"a": [1]}, 0)


@given(st.one_of(VALUES, st.lists(VALUES, max_size=3), st.lists(st.text(max_size=3), max_size=3)))
def test_optional_and_string_array_hooks_build_what_the_generic_hooks_build(value: Any) -> None:
    fast_converter = _fast_model_converter()
    for type_, hook in (
        (str | None, _optional_str),
        (int | None, _optional_int),
        (tuple[str, ...], fast_converter.get_structure_hook(tuple[str, ...])),
    ):
        assert fast_converter.get_structure_hook(type_) is hook or type_ == tuple[str, ...]
        assert outcome(hook, value, type_) == outcome(
            GENERIC.get_structure_hook(type_), value, type_
        )


PROFILE: dict[str, Any] = {
    "city": {"id": "c", "name": "C"},
    "assessment": {"frameworks": ["f"], "date": datetime.date(2024, 3, 1)},
}


@given(TABLES, CONTEXTS)
def test_structure_reads_a_profile_as_the_detailed_converter_reads_it(
    metadata: dict[Any, Any], context: dict[Any, Any]
) -> None:
    """Whatever the fast hooks decline or accept, the profile (or its error) is the detailed
    converter's: the model's own checks (``_freeze_metadata``, ``_freeze_context``) still run."""
    data = {**PROFILE, "city": {**PROFILE["city"], "metadata": metadata}, "context": context}
    try:
        expected: Any = model_converter().structure(data, CityProfile)
    except Exception:
        with pytest.raises(StructureError):
            structure(data, CityProfile)
        return
    profile = structure(data, CityProfile)
    assert profile == expected
    assert typed(profile.city.metadata) == typed(expected.city.metadata)
    assert typed(profile.context) == typed(expected.context)


def test_slot_setters_refuse_what_builder_refuses() -> None:
    @attrs.frozen(kw_only=True)
    class Checked:
        value: int = attrs.field(validator=attrs.validators.ge(0))

    @attrs.frozen(kw_only=True)
    class Plain:
        a: int
        b: str = "x"

    for make in (builder, slot_setters):
        with pytest.raises(TypeError, match="value has a validator"):
            make(Checked)
    first, second = slot_setters(Plain)
    made = object.__new__(Plain)
    first(made, 1)
    second(made, "y")
    assert made == Plain(a=1, b="y") == builder(Plain)(1, "y")
