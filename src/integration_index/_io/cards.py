"""Score cards to JSON-ready data and back, with a schema version.

A card written by this release carries ``"schema_version": "1.1"`` (1.1 added the cohort
normalisation, the weight overrides, measured values, imputations and switched-off flags). A
reader accepts a card of the same major version: one written by a newer minor version may carry keys this release does
not know, which are left aside with a :class:`ScoreCardSchemaWarning`; a newer major version is
refused with a :class:`ScoreCardError`.
"""

from __future__ import annotations

import json
import typing
import warnings
from collections.abc import Iterator
from typing import Any

import attrs

from integration_index._io.convert import StructureError, card_converter, structure
from integration_index._model.scorecard import ScoreCard
from integration_index.exceptions import Problem, ScoreCardError, ScoreCardSchemaWarning

__all__ = [
    "CARD_SCHEMA_VERSION",
    "scorecard_from_dict",
    "scorecard_from_json",
    "scorecard_to_dict",
    "scorecard_to_json",
]

#: The score-card JSON schema this release writes: (major, minor).
CARD_SCHEMA_VERSION = (1, 1)
_VERSION_KEY = "schema_version"


def scorecard_to_dict(card: ScoreCard) -> dict[str, Any]:
    """A score card as plain JSON-ready data.

    [`scorecard_from_dict`][integration_index.scorecard_from_dict] reads it back exactly.
    """
    major, minor = CARD_SCHEMA_VERSION
    data: dict[str, Any] = card_converter().unstructure(card)
    return {_VERSION_KEY: f"{major}.{minor}", **data}


def scorecard_to_json(card: ScoreCard, *, indent: int | None = None) -> str:
    """A score card as strict JSON text (no NaN or infinity)."""
    return json.dumps(scorecard_to_dict(card), ensure_ascii=False, indent=indent, allow_nan=False)


def _version(data: dict[str, Any]) -> tuple[int, int]:
    text = data.get(_VERSION_KEY, "1.0")  # cards from 0.1 carry no version: they are 1.0
    major, dot, minor = str(text).partition(".")
    if not (isinstance(text, str) and dot and major.isdigit() and minor.isdigit()):
        raise ScoreCardError(
            f"expected a version such as '1.0', got {text!r}", key_path=_VERSION_KEY
        )
    return int(major), int(minor)


def scorecard_from_dict(data: Any) -> ScoreCard:
    """A score card from [`scorecard_to_dict`][integration_index.scorecard_to_dict] data.

    Raises:
        ScoreCardError: the data is not a score card, or was written by a newer major version
            of the schema (the message lists every problem with its key path).
    """
    return _read(data)


def _read(data: Any) -> ScoreCard:
    if not isinstance(data, dict):
        raise ScoreCardError(f"expected a JSON object, got {type(data).__name__}")
    major, minor = _version(data)
    ours = CARD_SCHEMA_VERSION
    if major != ours[0]:
        raise ScoreCardError(
            f"the card was written with score-card schema {major}.{minor}; this release reads "
            f"{ours[0]}.x: upgrade integration-index to read it",
            key_path=_VERSION_KEY,
        )
    body = {key: value for key, value in data.items() if key != _VERSION_KEY}
    if minor > ours[1]:
        unknown = sorted(_unknown_keys(body, ScoreCard, ""))
        if unknown:
            warnings.warn(
                ScoreCardSchemaWarning(
                    f"score-card schema {major}.{minor} is newer than {ours[0]}.{ours[1]}: "
                    f"left aside the keys this release does not know: {', '.join(unknown)}"
                ),
                stacklevel=3,  # the caller of scorecard_from_dict or scorecard_from_json
            )
            body = _known_only(body, ScoreCard)
    try:
        return structure(body, ScoreCard, card_converter())
    except StructureError as exc:
        problems = [Problem("not a score card"), *exc.problems]
        raise ScoreCardError(problems[0].message, problems=problems) from None


def scorecard_from_json(text: str) -> ScoreCard:
    """A score card from [`scorecard_to_json`][integration_index.scorecard_to_json] text."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ScoreCardError(f"invalid JSON: {exc}") from None
    return _read(data)


def _nested(cls: type) -> dict[str, tuple[type, bool]]:
    """The attrs classes a class's fields hold: field name -> (class, is a tuple of them)."""
    found = {}
    for name, hint in typing.get_type_hints(cls).items():
        args = typing.get_args(hint)
        if attrs.has(hint):
            found[name] = (hint, False)
        elif typing.get_origin(hint) is tuple and args and attrs.has(args[0]):
            found[name] = (args[0], True)
    return found


def _unknown_keys(data: Any, cls: type, prefix: str) -> Iterator[str]:
    if not isinstance(data, dict):
        return
    fields = {field.name for field in attrs.fields(cls)}
    nested = _nested(cls)
    for key, value in data.items():
        where = f"{prefix}.{key}" if prefix else key
        if key not in fields:
            yield where
        elif key in nested:
            inner, many = nested[key]
            items = enumerate(value) if many and isinstance(value, list) else [(None, value)]
            for index, item in items:
                yield from _unknown_keys(
                    item, inner, where if index is None else f"{where}[{index}]"
                )


def _known_only(data: Any, cls: type) -> Any:
    if not isinstance(data, dict):
        return data
    fields = {field.name for field in attrs.fields(cls)}
    nested = _nested(cls)
    kept = {}
    for key, value in data.items():
        if key not in fields:
            continue
        if key in nested:
            inner, many = nested[key]
            if many and isinstance(value, list):
                value = [_known_only(item, inner) for item in value]
            elif not many:
                value = _known_only(value, inner)
        kept[key] = value
    return kept
