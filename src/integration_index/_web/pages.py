"""What the pages show, computed from a profile document, its check and its score cards."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from integration_index._model.framework import Criterion, Framework, Level, Practice
from integration_index._model.profile import ASSESSMENT_MODES, EFFORTS, SOURCE_KINDS
from integration_index._model.scorecard import ScoreCard
from integration_index._scoring.context import ScoringContext
from integration_index._web.document import Document, evidence_framework
from integration_index._web.forms import leaves_under
from integration_index._web.profiles import Checked, Opened, score_all

__all__ = [
    "ASSESSMENT_MODES",
    "Card",
    "EFFORTS",
    "Question",
    "SOURCE_KINDS",
    "cards_of",
    "examples_of",
    "questions",
    "review_groups",
]


@attrs.frozen(kw_only=True)
class Row:
    """One top-level criterion (or the whole) on a score card."""

    id: str
    title: Any
    score: float | None
    lower: float | None
    upper: float | None
    coverage: float
    applicable: bool


@attrs.frozen(kw_only=True)
class Card:
    """A framework's score card as the page shows it (or the reason there is none)."""

    framework: Framework
    overall: Row | None
    rows: tuple[Row, ...]
    error: str | None = None


def _row(card: ScoreCard, node_id: str, title: Any) -> Row:
    result = card.node(node_id)
    shown = result.adjusted
    return Row(
        id=node_id,
        title=title,
        score=shown.score,
        lower=shown.lower,
        upper=shown.upper,
        coverage=shown.coverage,
        applicable=shown.applicable,
    )


def cards_of(checked: Checked | None, context: ScoringContext) -> list[Card]:
    """The score cards of a checked document, one per framework it names."""
    if checked is None or checked.profile is None:
        return []
    cards = []
    for framework, card, error in score_all(checked.profile, context):
        if card is None:
            cards.append(Card(framework=framework, overall=None, rows=(), error=error))
            continue
        rows = tuple(_row(card, top.id, top.title) for top in framework.criteria)
        cards.append(
            Card(framework=framework, overall=_row(card, "overall", framework.title), rows=rows)
        )
    return cards


@attrs.frozen(kw_only=True)
class Question:
    """A rated leaf with its levels and the answers the document gives it."""

    leaf: Criterion
    levels: tuple[Level, ...]
    rows: tuple[tuple[int, Mapping[str, Any]], ...]
    new_key: str


def questions(document: Document, framework: Framework, top: Criterion) -> list[Question]:
    """Each question under *top*, its levels, and its answers by index in the document."""
    evidence = document.get("evidence") or []
    found = []
    for position, leaf in enumerate(leaves_under(top)):
        scale = framework.scale_of(leaf) if leaf.goalposts is None else None
        rows = tuple(
            (index, item)
            for index, item in enumerate(evidence)
            if isinstance(item, Mapping)
            and item.get("criterion") == leaf.id
            and evidence_framework(document, item) == framework.id
        )
        found.append(
            Question(
                leaf=leaf,
                levels=scale.levels if scale is not None else (),
                rows=rows,
                new_key=f"new[{position}]",
            )
        )
    return found


def examples_of(framework: Framework, top: Criterion) -> list[Practice]:
    """The city examples of a top-level criterion: its own, then the library's that cite it."""
    ids = {node.id for node in top.walk()}
    examples = [example for node in top.walk() for example in node.examples]
    examples += [p for p in framework.practices if ids.intersection(p.criteria)]
    return examples


def excluded(document: Document, framework: Framework, criterion: str) -> str | None:
    """The reason the document gives for excluding *criterion*, if it does."""
    for item in document.get("exclusions") or []:
        if (
            isinstance(item, Mapping)
            and item.get("criterion") == criterion
            and evidence_framework(document, item) == framework.id
        ):
            return str(item.get("reason", ""))
    return None


def answered(document: Document, framework: Framework, top: Criterion) -> tuple[int, int]:
    """How many of the questions under *top* have an answer, and how many there are."""
    leaves = {leaf.id for leaf in leaves_under(top)}
    rated = {
        item.get("criterion")
        for item in document.get("evidence") or []
        if isinstance(item, Mapping) and evidence_framework(document, item) == framework.id
    }
    return len(leaves & rated), len(leaves)


def review_groups(opened: Sequence[Opened]) -> list[list[str]]:
    """The peer reviews a folder holds as files, one per reviewer: profiles in the same
    folder, in mode "peer-review", of the same city, frameworks and date (two or more); the
    city's self-assessment in the same folder, not newer, comes first when there is one."""
    groups: dict[tuple[Any, ...], list[str]] = {}
    selves: dict[tuple[str, str], list[tuple[Any, str]]] = {}
    for item in opened:
        profile = item.checked.profile if item.checked else None
        if profile is None:
            continue
        folder = posixpath.dirname(item.name)
        if profile.assessment.mode == "peer-review":
            key = (folder, profile.city.id, profile.assessment.frameworks, profile.assessment.date)
            groups.setdefault(key, []).append(item.name)
        elif profile.assessment.mode == "self-assessment":
            selves.setdefault((folder, profile.city.id), []).append(
                (profile.assessment.date, item.name)
            )
    found = []
    for key, names in sorted(groups.items(), key=lambda pair: pair[1]):
        if len(names) < 2:
            continue
        older = sorted(d for d in selves.get((key[0], key[1]), []) if d[0] <= key[3])
        found.append(([older[-1][1]] if older else []) + names)
    return found
