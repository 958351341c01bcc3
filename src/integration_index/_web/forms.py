"""What the app's forms send, applied to a profile document.

The functions take the submitted fields as a mapping of names to lists of strings and return a
new document; they never check the values beyond their shape (a date, a number): the document
is then written and read back like any profile file, and its problems are shown beside the
fields with the words ``validate`` uses. Field names are key paths (``city.name``,
``evidence[3].rating``), so a problem's key path names its field.
"""

from __future__ import annotations

import copy
import datetime
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from integration_index._model.framework import Criterion, Framework
from integration_index._web.document import Document, evidence_framework

__all__ = [
    "EVIDENCE_FIELDS",
    "Fields",
    "apply_factor",
    "apply_settings",
    "new_document",
]

Fields = Mapping[str, Sequence[str]]

#: The fields of an evidence row besides its criterion and rating, in the order they are written.
EVIDENCE_FIELDS = ("source", "reference", "date", "assessor", "note", "effort")
_ROW = re.compile(r"^(evidence|new)\[(\d{1,6})\]\.criterion$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")


def _one(fields: Fields, key: str) -> str:
    values = fields.get(key) or ()
    return values[0].strip() if values else ""


def _set(table: dict[str, Any], key: str, value: Any) -> None:
    """Set *key*, or remove it when the value is empty."""
    if value is None or value == "" or value == []:
        table.pop(key, None)
    else:
        table[key] = value


def _date(text: str) -> datetime.date | str | None:
    """A date from ``YYYY-MM-DD``; other text is kept, for the reader to reject with its words."""
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return text


def _number(text: str, whole: bool = False) -> int | float | str | None:
    if not text:
        return None
    cleaned = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    try:
        value = int(cleaned) if whole else float(cleaned.replace(",", "."))
    except ValueError:
        return text
    return value if whole or math.isfinite(value) else text


def file_name(fields: Fields) -> str:
    """The new profile's file name, from its ``file`` field (a bare name, ``.toml`` added)."""
    name = _one(fields, "file").removesuffix(".toml")
    return f"{name}.toml" if _NAME.match(name) else ""


def new_document(fields: Fields, frameworks: Sequence[str]) -> Document:
    """A new profile's document from the creation form."""
    document: Document = {"schema": 1, "city": {}, "assessment": {}}
    document["assessment"]["frameworks"] = list(frameworks)
    _apply_city_and_assessment(fields, document)
    return document


def _apply_city_and_assessment(fields: Fields, document: Document) -> None:
    city = document.setdefault("city", {})
    for key in ("id", "name", "country", "region"):
        _set(city, key, _one(fields, f"city.{key}"))
    _set(city, "population", _number(_one(fields, "city.population"), whole=True))
    assessment = document.setdefault("assessment", {})
    _set(assessment, "date", _date(_one(fields, "assessment.date")))
    _set(assessment, "mode", _one(fields, "assessment.mode"))
    assessors = [line.strip() for line in re.split(r"\r?\n", _one(fields, "assessment.assessors"))]
    _set(assessment, "assessors", [name for name in assessors if name])
    for key in ("title", "notes"):
        _set(assessment, key, _one(fields, f"assessment.{key}"))


def apply_settings(
    fields: Fields, document: Document, frameworks: Mapping[str, Framework]
) -> Document:
    """The document with the settings form applied: city, assessment, contextual factors and
    the exclusions the frameworks allow."""
    result = copy.deepcopy(document)
    _apply_city_and_assessment(fields, result)
    named = [f for f in result["assessment"].get("frameworks", []) if isinstance(f, str)]
    for framework_id in named:
        framework = frameworks.get(framework_id)
        if framework is not None:
            _apply_context(fields, result, framework)
            _apply_exclusions(fields, result, framework)
    return result


def _apply_context(fields: Fields, document: Document, framework: Framework) -> None:
    context = document.get("context")
    if not isinstance(context, dict):
        context = {}
    values = context.get(framework.id)
    values = dict(values) if isinstance(values, Mapping) else {}
    for factor in framework.contextual_factors:
        text = _one(fields, f"context.{framework.id}.{factor.id}")
        value: Any = text
        if factor.kind == "number":
            value = _number(text)
        elif factor.kind == "boolean":
            value = {"true": True, "false": False}.get(text, text or None)
        _set(values, factor.id, value)
    _set(context, framework.id, values or None)
    if context:
        document["context"] = context
    else:
        document.pop("context", None)


def _apply_exclusions(fields: Fields, document: Document, framework: Framework) -> None:
    """Exclusions of the criteria the framework lets a city exclude: ticked ones are kept or
    added with their reason, unticked ones removed; other exclusions are left as they are."""
    exclusions = [e for e in document.get("exclusions") or [] if isinstance(e, dict)]
    allowed = {c: rule for rule in framework.competence_exclusions for c in rule.criteria}

    def ours(item: Mapping[str, Any]) -> bool:
        framework_id = evidence_framework(document, item)
        return framework_id == framework.id and item.get("criterion") in allowed

    kept = [item for item in exclusions if not ours(item)]
    for criterion, rule in allowed.items():
        key = f"exclusion.{framework.id}.{criterion}"
        if not _one(fields, key):
            continue
        item: dict[str, Any] = {"criterion": criterion}
        if len(document["assessment"].get("frameworks", [])) > 1:
            item = {"framework": framework.id, **item}
        _set(item, "factor", rule.factor)
        item["reason"] = _one(fields, f"{key}.reason")
        kept.append(item)
    _set(document, "exclusions", kept)


# -- the answers of one top-level criterion ----------------------------------------------------


def leaves_under(node: Criterion) -> list[Criterion]:
    """The rated leaves under a node (the node itself when it is a leaf)."""
    return [child for child in node.walk() if child.is_leaf]


def _row(fields: Fields, prefix: str, old: Mapping[str, Any] | None) -> dict[str, Any]:
    item: dict[str, Any] = dict(old) if old else {}
    rating = _one(fields, f"{prefix}.rating")
    item["rating"] = rating
    for key in EVIDENCE_FIELDS:
        text = _one(fields, f"{prefix}.{key}")
        _set(item, key, _date(text) if key == "date" else text)
    return item


def apply_factor(
    fields: Fields, document: Document, framework: Framework, top: Criterion
) -> Document:
    """The document with the answers to one top-level criterion's questions from the form.

    Each row is ``evidence[i].*`` (an existing item, by its index in the document) or
    ``new[k].*`` (a row to add, its criterion in ``new[k].criterion``); a row whose rating is
    empty is removed, or not added. Other evidence is left as it is, in its order.

    Raises:
        ValueError: a row names an item that is not one of this criterion's, or another leaf.
    """
    result = copy.deepcopy(document)
    evidence = list(result.get("evidence") or [])
    leaves = {leaf.id: leaf for leaf in leaves_under(top)}
    measured = {leaf.id for leaf in leaves.values() if leaf.goalposts is not None}
    ours = {
        index
        for index, item in enumerate(evidence)
        if isinstance(item, dict)
        and evidence_framework(result, item) == framework.id
        and item.get("criterion") in leaves
    }
    replaced: dict[int, dict[str, Any] | None] = {}
    added: list[dict[str, Any]] = []
    for key in sorted(fields, key=_row_order):
        match = _ROW.match(key)
        if not match:
            continue
        kind, index = match.group(1), int(match.group(2))
        prefix = f"{kind}[{index}]"
        criterion = _one(fields, key)
        if criterion not in leaves or (kind == "evidence" and index not in ours):
            raise ValueError(f"{prefix} is not an answer to {top.id}")
        if kind == "evidence" and evidence[index].get("criterion") != criterion:
            raise ValueError(f"{prefix} is not an answer to {criterion}")
        row = _row(fields, prefix, evidence[index] if kind == "evidence" else None)
        if criterion in measured and row["rating"]:
            row["rating"] = _number(row["rating"])
        if kind == "new":
            row = {"criterion": criterion, **row}
            if len(result["assessment"].get("frameworks", [])) > 1:
                row = {"framework": framework.id, **row}
        if kind == "evidence":
            replaced[index] = row if row["rating"] != "" else None
        elif row["rating"] != "":
            added.append(row)
    kept = [replaced.get(i, item) for i, item in enumerate(evidence)]
    result["evidence"] = [item for item in kept if item is not None]
    result["evidence"] = _insert(result, added, framework)
    if not result["evidence"]:
        del result["evidence"]
    return result


def _row_order(key: str) -> tuple[int, int, str]:
    match = _ROW.match(key)
    if match is None:
        return (2, 0, key)
    return (0 if match.group(1) == "evidence" else 1, int(match.group(2)), key)


def _insert(document: Document, added: list[dict[str, Any]], framework: Framework) -> list[Any]:
    """*added* placed after the last item of the same framework whose question comes no later
    in the framework (so a profile filled in by the app stays in the framework's order)."""
    order = {leaf.id: position for position, leaf in enumerate(framework.leaves)}
    result = list(document.get("evidence") or [])
    for row in added:
        rank = order.get(row["criterion"], len(order))
        position = len(result)
        for index in range(len(result) - 1, -1, -1):
            item = result[index]
            if not isinstance(item, dict) or evidence_framework(document, item) != framework.id:
                continue
            if order.get(str(item.get("criterion")), len(order)) <= rank:
                position = index + 1
                break
            position = index
        result.insert(position, row)
    return result
