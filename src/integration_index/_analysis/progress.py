"""Progress between assessments of one city: deltas per node, what moved, what is missing."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Literal

import attrs

from integration_index._model.framework import Framework
from integration_index._model.scorecard import ScoreCard

__all__ = ["NodeProgress", "ProgressReport", "compare_assessments"]

Direction = Literal["up", "down", "same", "new", "lost", "unscored", "not-applicable"]


@attrs.frozen(kw_only=True)
class NodeProgress:
    """One node's adjusted scores across the assessments.

    Attributes:
        criterion: The node's id.
        title: Its title, in English.
        depth: Its depth (1 for top-level criteria).
        scores: Its adjusted score at each assessment, oldest first (None when not scored).
        delta: Latest minus baseline, when both have a score.
        direction: "up", "down" or "same" (both scored), "new" (scored only at the latest),
            "lost" (scored only at the baseline), "unscored" (neither) or "not-applicable" (left
            out by a modifier at the latest assessment).
    """

    criterion: str
    title: str
    depth: int
    scores: tuple[float | None, ...]
    delta: float | None
    direction: Direction


@attrs.frozen(kw_only=True)
class ProgressReport:
    """Progress of one city on one framework across several assessments.

    Attributes:
        framework_id: The framework.
        city_id: The city.
        city_name: Its name.
        dates: The assessment dates, oldest (the baseline) first.
        overall: The overall adjusted score at each date.
        overall_delta: Latest minus baseline overall, when both are scored.
        nodes: Every node, in framework order.
        moved_up: Ids of top-level criteria whose score rose.
        moved_down: Ids of top-level criteria whose score fell.
        still_missing: Ids of rated criteria that, at the latest assessment, are unassessed or
            below their target.
    """

    framework_id: str
    city_id: str
    city_name: str
    dates: tuple[datetime.date, ...]
    overall: tuple[float | None, ...]
    overall_delta: float | None
    nodes: tuple[NodeProgress, ...]
    moved_up: tuple[str, ...]
    moved_down: tuple[str, ...]
    still_missing: tuple[str, ...]


# Score differences smaller than this are rounding, not progress.
_TOLERANCE = 1e-9


def _direction(first: float | None, last: float | None) -> tuple[float | None, Direction]:
    if first is None and last is None:
        return None, "unscored"
    if first is None:
        return None, "new"
    if last is None:
        return None, "lost"
    delta = last - first
    if delta > _TOLERANCE:
        return delta, "up"
    if delta < -_TOLERANCE:
        return delta, "down"
    return 0.0, "same"


def compare_assessments(cards: Sequence[ScoreCard], framework: Framework) -> ProgressReport:
    """Compare several score cards of one city on one framework (any order; sorted by date).

    Raises:
        ValueError: fewer than two cards, cards of different cities or frameworks, or two cards
            with the same date.
    """
    if len(cards) < 2:
        raise ValueError("progress needs at least two assessments")
    cities = {card.city_id for card in cards}
    if len(cities) != 1:
        raise ValueError(f"progress compares one city; got {', '.join(sorted(cities))}")
    if {card.framework_id for card in cards} != {framework.id}:
        raise ValueError(f"every card must be scored against {framework.id!r}")
    ordered = sorted(cards, key=lambda card: card.assessment_date)
    dates = tuple(card.assessment_date for card in ordered)
    if len(set(dates)) != len(dates):
        raise ValueError("two assessments have the same date; progress needs distinct dates")
    nodes = []
    for node_id, node in framework.nodes.items():
        scores = tuple(card.node(node_id).adjusted.score for card in ordered)
        delta, direction = _direction(scores[0], scores[-1])
        if not ordered[-1].node(node_id).adjusted.applicable:
            direction = "not-applicable"  # left out at the latest assessment (outside competence)
        nodes.append(
            NodeProgress(
                criterion=node_id,
                title=node.title.en,
                depth=len(framework.ancestors(node_id)) + 1,
                scores=scores,
                delta=delta,
                direction=direction,
            )
        )
    overall = tuple(card.overall.adjusted.score for card in ordered)
    overall_delta, _ = _direction(overall[0], overall[-1])
    top = [n for n in nodes if n.depth == 1]
    latest = ordered[-1]
    missing = []
    for leaf in framework.leaves:
        result = latest.node(leaf.id)
        if not result.adjusted.applicable:
            continue
        target = result.target if result.target is not None else 75.0
        if result.value is None or result.value * 100.0 < target - _TOLERANCE:
            missing.append(leaf.id)
    return ProgressReport(
        framework_id=framework.id,
        city_id=latest.city_id,
        city_name=latest.city_name,
        dates=dates,
        overall=overall,
        overall_delta=overall_delta,
        nodes=tuple(nodes),
        moved_up=tuple(n.criterion for n in top if n.direction == "up"),
        moved_down=tuple(n.criterion for n in top if n.direction == "down"),
        still_missing=tuple(missing),
    )
