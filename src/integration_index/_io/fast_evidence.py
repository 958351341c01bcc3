"""Evidence items structured fast: the hot path of reading a profile (dozens of items each).

Each item is checked exactly as the generated cattrs hook and ``Evidence``'s converter check it
(the same keys, types, literals and rating rules); anything else raises :class:`NotFast`, and
``_io.convert.structure`` then structures the whole document again with the detailed converter,
whose errors name every key path. An item that passes is built without ``Evidence.__init__``
(see ``_model/builders.py``), the rating converted as its converter would.

Items of one profile, and of one batch, nearly always have the same keys in the same order: an
:class:`EvidenceReader` writes, for each such shape, a function that reads exactly those keys and
checks only them (as attrs writes ``__init__``), and uses :func:`fast_evidence` for the rest.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from typing import Any

import attrs

from integration_index._model.builders import builder, slot_setters
from integration_index._model.profile import EFFORTS, SOURCE_KINDS, Evidence

__all__ = ["EvidenceReader", "NotFast", "fast_evidence"]

_FIELDS = tuple(field.name for field in attrs.fields(Evidence))
_KEYS = frozenset(_FIELDS)
_REQUIRED = frozenset({"criterion", "rating", "source"})
_SOURCE_KINDS = frozenset(SOURCE_KINDS)
_EFFORTS = frozenset(EFFORTS)
_TEXT_OR_NONE = frozenset({str, type(None)})
_new_evidence = builder(Evidence, handled=("rating",))  # the rating is converted here
_SETTERS = slot_setters(Evidence, handled=("rating",))
# Shapes (key orders) an EvidenceReader writes a function for, at most.
_SHAPES_LIMIT = 64


class NotFast(Exception):
    """The fast path declines: the detailed converter structures it (and explains what is wrong)."""


def _rating(rating: Any) -> str | float:
    """The rating as Evidence's converter leaves it, or NotFast for anything it would refuse."""
    kind = type(rating)
    if kind is str:
        if rating:
            return rating  # type: ignore[no-any-return]
    elif kind is float:
        if math.isfinite(rating):
            return rating  # type: ignore[no-any-return]
    elif kind is int:
        return float(rating)  # an OverflowError: the slow path says what is wrong
    raise NotFast


def fast_evidence(data: Any) -> Evidence:
    """One evidence table, whatever its keys (see the module docstring)."""
    if type(data) is not dict or not data.keys() <= _KEYS:
        raise NotFast
    get = data.get
    criterion, rating, source = get("criterion"), _rating(get("rating")), get("source")
    framework, reference, date = get("framework"), get("reference"), get("date")
    assessor, note, effort = get("assessor"), get("note"), get("effort")
    if (
        type(criterion) is not str
        or source not in _SOURCE_KINDS
        or type(framework) not in _TEXT_OR_NONE
        or type(reference) not in _TEXT_OR_NONE
        or type(assessor) not in _TEXT_OR_NONE
        or type(note) not in _TEXT_OR_NONE
        or (date is not None and type(date) is not datetime.date)
        or (effort is not None and effort not in _EFFORTS)
    ):
        raise NotFast
    return _new_evidence(
        criterion, rating, source, framework, reference, date, assessor, note, effort
    )


# What a present key's value must pass; a key left out is None, which the model allows.
_CHECKS: dict[str, str | None] = {
    "criterion": "type(criterion) is not str",
    "rating": None,  # converted (and checked) by _rating
    "source": "source not in SOURCE_KINDS",
    "framework": "type(framework) is not str",
    "reference": "type(reference) is not str",
    "date": "type(date) is not Date",
    "assessor": "type(assessor) is not str",
    "note": "type(note) is not str",
    "effort": "effort not in EFFORTS",
}


def _reader(shape: tuple[str, ...]) -> Callable[[dict[str, Any]], Evidence]:
    """A function structuring an evidence table whose keys are *shape*, in that order."""
    if not _valid(shape):
        return fast_evidence
    lines = ["def read(data):"]
    lines += [f"    {name} = data[{name!r}]" for name in shape]
    lines.append("    rating = checked_rating(rating)")
    checks = [check for name in shape if (check := _CHECKS[name]) is not None]
    lines.append(f"    if {' or '.join(checks)}:")
    lines.append("        raise NotFast")
    values = ", ".join(name if name in shape else "None" for name in _FIELDS)
    lines.append(f"    return new({values})")
    scope: dict[str, Any] = {
        "checked_rating": _rating,
        "SOURCE_KINDS": _SOURCE_KINDS,
        "EFFORTS": _EFFORTS,
        "Date": datetime.date,  # not "date": that is a local, the field's value
        "NotFast": NotFast,
        "new": _new_evidence,
    }
    exec("\n".join(lines), scope)  # names are Evidence's own fields: nothing from the input
    read: Callable[[dict[str, Any]], Evidence] = scope["read"]
    return read


# What a list reader's code refers to: the checks' sets, and each slot's setter (set0, set1...).
_LIST_SCOPE: dict[str, Any] = {
    "isfinite": math.isfinite,
    "SOURCE_KINDS": _SOURCE_KINDS,
    "EFFORTS": _EFFORTS,
    "Date": datetime.date,
    "NotFast": NotFast,
    "new_object": object.__new__,
    "Evidence": Evidence,
    **{f"set{i}": setter for i, setter in enumerate(_SETTERS)},
}


def _list_reader(
    shape: tuple[str, ...],
) -> Callable[[list[Any], Callable[[Any], Evidence]], tuple[Evidence, ...]]:
    """A function structuring a list of evidence tables at once, in a loop written for *shape*.

    An item whose keys are *shape*'s, in any order, is read by subscript and checked in the
    loop, exactly as ``_reader(shape)`` reads and checks it (rating first, then the other keys);
    any other item goes to ``one``. A dict with as many keys as *shape*, all of them found, has
    exactly *shape*'s keys. *shape* must be valid (see ``_reader``).
    """
    lines = [
        "def read_all(items, one):",
        "    out = []",
        "    append = out.append",
        "    for data in items:",
        f"        if type(data) is not dict or len(data) != {len(shape)}:",
        "            append(one(data))",
        "            continue",
        "        try:",
    ]
    lines += [f"            {name} = data[{name!r}]" for name in shape]
    lines += [
        "        except KeyError:",
        "            append(one(data))",
        "            continue",
        "        kind = type(rating)",  # as _rating, inline
        "        if kind is str:",
        "            if not rating:",
        "                raise NotFast",
        "        elif kind is float:",
        "            if not isfinite(rating):",
        "                raise NotFast",
        "        elif kind is int:",
        "            rating = float(rating)",
        "        else:",
        "            raise NotFast",
    ]
    checks = [check for name in shape if (check := _CHECKS[name]) is not None]
    lines.append(f"        if {' or '.join(checks)}:")
    lines.append("            raise NotFast")
    # The item built inline, as _new_evidence builds it (a call less per item): every slot set,
    # a field the shape lacks to None (its default).
    lines.append("        o = new_object(Evidence)")
    for i, name in enumerate(_FIELDS):
        lines.append(f"        set{i}(o, {name if name in shape else 'None'})")
    lines.append("        append(o)")
    lines.append("    return tuple(out)")
    scope: dict[str, Any] = {**_LIST_SCOPE}
    exec("\n".join(lines), scope)  # names are Evidence's own fields: nothing from the input
    read_all: Callable[[list[Any], Callable[[Any], Evidence]], tuple[Evidence, ...]]
    read_all = scope["read_all"]
    return read_all


def _valid(shape: tuple[str, ...]) -> bool:
    """Whether *shape* is a key order a function can be written for."""
    return len(set(shape)) == len(shape) and _REQUIRED <= set(shape) <= _KEYS


class EvidenceReader:
    """The structure hook of ``tuple[Evidence, ...]``: a profile's evidence array, through a loop
    written for the shape of its first item (the items of a profile nearly always share it), and
    any other item through a function written for its own shape (see the module docstring)."""

    def __init__(self) -> None:
        self._readers: dict[tuple[str, ...], Callable[[dict[str, Any]], Evidence]] = {}
        self._lists: dict[
            tuple[str, ...],
            Callable[[list[Any], Callable[[Any], Evidence]], tuple[Evidence, ...]],
        ] = {}

    def __call__(self, value: Any, _: Any) -> tuple[Evidence, ...]:
        if type(value) is not list:
            raise NotFast
        if not value or type(value[0]) is not dict:
            return tuple([self.one(data) for data in value])
        shape = tuple(value[0])
        read_all = self._lists.get(shape)
        if read_all is None:
            if not _valid(shape):
                return tuple([self.one(data) for data in value])
            read_all = _list_reader(shape)
            if len(self._lists) < _SHAPES_LIMIT:
                self._lists[shape] = read_all
        return read_all(value, self.one)

    def one(self, data: Any) -> Evidence:
        """One item, through the function written for its shape."""
        if type(data) is not dict:
            raise NotFast
        readers = self._readers
        shape = tuple(data)
        read = readers.get(shape)
        if read is None:
            read = _reader(shape)
            if len(readers) < _SHAPES_LIMIT:
                readers[shape] = read
        return read(data)
