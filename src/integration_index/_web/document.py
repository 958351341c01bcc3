"""A profile as the app holds it (the TOML document as a plain dict) and as it writes it.

The app edits the document, not the model: what a form gives is written as TOML and read back
through :func:`loads_profile`, so that every problem is reported with the same words and key
paths as ``validate``. The layout is the one ``init`` writes: the city, the assessment, the
contextual factors and exclusions, then the evidence under a comment heading per top-level
criterion. Comments the app did not write are found, so that the app can say it will drop them.
"""

from __future__ import annotations

import datetime
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from integration_index._io.toml_writer import dumps, format_key, format_value
from integration_index._model.framework import Framework

__all__ = [
    "APP_HEADER",
    "Document",
    "comments_in",
    "evidence_framework",
    "render",
    "top_of",
]

Document = dict[str, Any]

#: The first lines of a file the app writes.
APP_HEADER = (
    "# City profile written by `integration-index serve`; it stays readable by hand.",
    "# Format: docs/profile-format.md. Check it with `integration-index validate FILE`.",
)
_RULE = "# " + "=" * 94
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ORDER = ("schema", "illustrative", "city", "assessment", "context", "exclusions", "evidence")


def _comment(text: str) -> list[str]:
    """*text* as comment lines: control characters become spaces, long lines are wrapped."""
    flat = " ".join(_CONTROL.sub(" ", text).split())
    return [f"# {line}".rstrip() for line in textwrap.wrap(flat, 96)] or ["#"]


def evidence_framework(document: Mapping[str, Any], item: Mapping[str, Any]) -> str | None:
    """The framework an evidence item (or exclusion) of *document* belongs to, if clear."""
    named = item.get("framework")
    if isinstance(named, str):
        return named
    frameworks = _frameworks(document)
    return frameworks[0] if len(frameworks) == 1 else None


def _frameworks(document: Mapping[str, Any]) -> list[str]:
    assessment = document.get("assessment")
    named = assessment.get("frameworks") if isinstance(assessment, Mapping) else None
    return [f for f in named if isinstance(f, str)] if isinstance(named, list) else []


def top_of(framework: Framework, criterion: str) -> str | None:
    """The id of the top-level criterion above *criterion* (itself if top-level), if known."""
    parents = framework.parents
    if criterion not in parents:
        return None
    while (parent := parents[criterion]) is not None:
        criterion = parent
    return criterion


def render(
    document: Mapping[str, Any],
    frameworks: Mapping[str, Framework],
    header: Sequence[str] = APP_HEADER,
) -> str:
    """The document as TOML text in the ``init`` layout; it parses back to *document*.

    *frameworks* give the headings above the evidence (titles in English, as ``init`` writes);
    *header* is the comment block on top (the file's own, when it had one worth keeping).
    """
    lines = [*header] if header else []
    keys = sorted(document, key=lambda k: _ORDER.index(k) if k in _ORDER else len(_ORDER) - 2)
    tables = [k for k in keys if isinstance(document[k], Mapping)]
    arrays = [k for k in keys if k not in tables and _is_table_array(document[k])]
    lines += [
        f"{format_key(k)} = {format_value(document[k])}"
        for k in keys
        if k not in tables and k not in arrays
    ]
    for key in tables:
        if key == "context":
            lines += _context_lines(document[key])
        else:
            lines += ["", *dumps({key: document[key]}).rstrip("\n").split("\n")]
    for key in arrays:
        if key == "evidence":
            lines += _evidence_lines(document, frameworks)
        else:
            lines += ["", *dumps({key: document[key]}).rstrip("\n").split("\n")]
    return "\n".join(lines).lstrip("\n") + "\n"


def _is_table_array(value: Any) -> bool:
    return (
        isinstance(value, list) and bool(value) and all(isinstance(item, Mapping) for item in value)
    )


def _context_lines(context: Any) -> list[str]:
    """``[context.ID]`` tables, without an empty ``[context]`` above them."""
    if not context or not all(
        isinstance(values, Mapping)
        and not any(isinstance(v, Mapping | list) for v in values.values())
        for values in context.values()
    ):
        return ["", *dumps({"context": context}).rstrip("\n").split("\n")]
    lines: list[str] = []
    for framework_id, values in context.items():
        lines += ["", f"[context.{format_key(framework_id)}]"]
        body = dumps({"x": values}).rstrip("\n").split("\n")[1:]  # drop the "[x]" line
        lines += body
    return lines


def _evidence_lines(document: Mapping[str, Any], frameworks: Mapping[str, Framework]) -> list[str]:
    evidence = document["evidence"]
    lines: list[str] = []
    section: tuple[str | None, str | None] | None = None
    for item in evidence:
        heading = _heading(document, item, frameworks)
        if heading[0] != section:
            section = heading[0]
            lines += ["", _RULE, *heading[1], _RULE]
        lines += ["", "[[evidence]]"]
        lines += [f"{format_key(k)} = {format_value(v)}" for k, v in item.items()]
    return lines


def _heading(
    document: Mapping[str, Any], item: Any, frameworks: Mapping[str, Framework]
) -> tuple[tuple[str | None, str | None], list[str]]:
    """The section an evidence item falls in (framework, top-level criterion) and its heading."""
    if not isinstance(item, Mapping) or not isinstance(item.get("criterion"), str):
        return (None, None), _comment("Other evidence")
    framework_id = evidence_framework(document, item)
    framework = frameworks.get(framework_id) if framework_id else None
    top = top_of(framework, item["criterion"]) if framework else None
    if framework is None or top is None:
        return (framework_id, None), _comment(f"Other evidence ({framework_id or '?'})")
    node = framework.nodes[top]
    prefix = f"{framework.id} " if len(_frameworks(document)) > 1 else ""
    lines = _comment(f"{prefix}{node.id} {node.title.en}")
    return (framework_id, top), lines


# -- comments ----------------------------------------------------------------------------------


def comments_in(text: str) -> list[str]:
    """Every comment of a TOML text, stripped, in order (a ``#`` inside a string is not one)."""
    found: list[str] = []
    quote: str | None = None  # the delimiter of the string we are in
    for line in text.replace("\r\n", "\n").split("\n"):
        index = 0
        while index < len(line):
            if quote is None:
                char = line[index]
                if char == "#":
                    found.append(line[index:].strip())
                    break
                for delimiter in ('"""', "'''", '"', "'"):
                    if line.startswith(delimiter, index):
                        quote = delimiter
                        index += len(delimiter) - 1
                        break
            elif quote in ('"', '"""') and line[index] == "\\":
                index += 1  # skip the escaped character
            elif line.startswith(quote, index):
                index += len(quote) - 1
                quote = None
            index += 1
        if quote in ('"', "'"):  # a one-line string cannot span lines: the parser will say so
            quote = None
    return found


def header_of(text: str) -> list[str]:
    """The comment block at the top of a TOML text (before its first key or table)."""
    header: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith("#"):
            header.append(stripped)
        elif stripped:
            break
        elif header:
            header.append("")
    while header and not header[-1]:
        header.pop()
    return header


def foreign_comments(text: str, known: Iterable[str]) -> list[str]:
    """The comments of *text* that are not among the *known* ones (those the app or ``init``
    write), in order, each once."""
    known_set = {line.strip() for line in known}
    seen: set[str] = set()
    foreign = []
    for comment in comments_in(text):
        if comment not in known_set and comment not in seen and comment.strip("# =-"):
            seen.add(comment)
            foreign.append(comment)
    return foreign


def today() -> datetime.date:
    """Today's date (the default date of a new assessment)."""
    return datetime.date.today()
