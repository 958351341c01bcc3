"""Progress between assessments of one city: deltas per node, what moved, what is missing, and
the change like for like when the set of counted top-level criteria differs."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from typing import Literal, TypedDict

import attrs

from integration_index._model.framework import Framework
from integration_index._model.scorecard import ScoreCard

__all__ = ["NodeProgress", "ProgressReport", "UncountedFactor", "compare_assessments"]

Direction = Literal["up", "down", "same", "new", "lost", "unscored", "not-applicable"]
Why = Literal["excluded", "not assessed"]


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
class UncountedFactor:
    """A top-level criterion counted at one end of the comparison but not at the other.

    Attributes:
        criterion: Its id.
        title: Its title, in English.
        date: The assessment (the baseline or the latest) at which it is not counted.
        why: "excluded" when a contextual modifier or the profile's exclusion left it out as not
            applicable, "not assessed" when it has no score (nothing rated beneath it, or less
            than the framework's minimum coverage).
        reason: For "excluded", the reasons of the modifiers that left it out, as that
            assessment's card gives them; for "not assessed", how much of it was rated.
    """

    criterion: str
    title: str
    date: datetime.date
    why: Why
    reason: str


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
        counted: Ids of the top-level criteria counted both at the baseline and at the latest
            assessment (applicable and scored at both), in framework order: the common set.
        like_for_like: The score of the common set at the baseline and at the latest assessment:
            the weighted mean of those criteria's adjusted scores, with their declared weights
            renormalised over the common set (None when the set is empty).
        like_for_like_delta: Latest minus baseline like for like.
        entered: Top-level criteria counted at the latest assessment but not at the baseline,
            with why they were not counted at the baseline.
        left: Top-level criteria counted at the baseline but not at the latest assessment, with
            why they are not counted at the latest.
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
    counted: tuple[str, ...] = ()
    like_for_like: tuple[float | None, float | None] = (None, None)
    like_for_like_delta: float | None = None
    entered: tuple[UncountedFactor, ...] = ()
    left: tuple[UncountedFactor, ...] = ()

    @property
    def counted_set_changed(self) -> bool:
        """True when the baseline and the latest assessment do not count the same top-level
        criteria, so that the overall change is not like for like."""
        return bool(self.entered or self.left)


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

    Besides the reported overall change, the report gives the change like for like: on the
    top-level criteria counted (applicable and scored) both at the baseline and at the latest
    assessment, with their declared weights renormalised over that common set. It is always a
    weighted arithmetic mean of the criteria's adjusted scores, whatever the framework's own
    aggregation, and it leaves contextual weight factors aside so that both ends weigh each
    criterion alike; when the counted set does not change and the framework aggregates by
    weighted mean without weight modifiers, it equals the reported overall scores. Within a
    counted criterion, its score is its own (questions rated at one end only are in
    :attr:`NodeProgress.direction` as "new" or "lost"). Assessments between the two ends do
    not enter it.

    Raises:
        ValueError: fewer than two cards, cards of different cities or frameworks, or two cards
            with the same date.
    """
    ordered = _in_order(cards, framework)
    dates = tuple(card.assessment_date for card in ordered)
    nodes = _nodes(ordered, framework)
    overall = tuple(card.overall.adjusted.score for card in ordered)
    overall_delta, _ = _direction(overall[0], overall[-1])
    top = [n for n in nodes if n.depth == 1]
    latest = ordered[-1]
    return ProgressReport(
        framework_id=framework.id,
        city_id=latest.city_id,
        city_name=latest.city_name,
        dates=dates,
        overall=overall,
        overall_delta=overall_delta,
        nodes=nodes,
        moved_up=tuple(n.criterion for n in top if n.direction == "up"),
        moved_down=tuple(n.criterion for n in top if n.direction == "down"),
        still_missing=_still_missing(latest, framework),
        **_like_for_like(ordered[0], latest, framework),
    )


def _in_order(cards: Sequence[ScoreCard], framework: Framework) -> list[ScoreCard]:
    """The cards sorted by date, once checked to make one city's series on *framework*."""
    if len(cards) < 2:
        raise ValueError("progress needs at least two assessments")
    cities = {card.city_id for card in cards}
    if len(cities) != 1:
        raise ValueError(f"progress compares one city; got {', '.join(sorted(cities))}")
    if {card.framework_id for card in cards} != {framework.id}:
        raise ValueError(f"every card must be scored against {framework.id!r}")
    ordered = sorted(cards, key=lambda card: card.assessment_date)
    dates = [card.assessment_date for card in ordered]
    if len(set(dates)) != len(dates):
        raise ValueError("two assessments have the same date; progress needs distinct dates")
    return ordered


def _nodes(ordered: Sequence[ScoreCard], framework: Framework) -> tuple[NodeProgress, ...]:
    """Every node's progress across the cards (oldest first), in framework order."""
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
    return tuple(nodes)


def _still_missing(latest: ScoreCard, framework: Framework) -> tuple[str, ...]:
    """Ids of the applicable rated criteria unassessed or below their target at *latest*."""
    missing = []
    for leaf in framework.leaves:
        result = latest.node(leaf.id)
        if not result.adjusted.applicable:
            continue
        target = result.target if result.target is not None else 75.0
        if result.value is None or result.value * 100.0 < target - _TOLERANCE:
            missing.append(leaf.id)
    return tuple(missing)


def _counted(card: ScoreCard, framework: Framework) -> dict[str, float]:
    """The top-level criteria *card* counts (applicable and scored), with their scores."""
    counted = {}
    for criterion in framework.criteria:
        result = card.node(criterion.id).adjusted
        if result.applicable and result.score is not None:
            counted[criterion.id] = result.score
    return counted


def _uncounted(card: ScoreCard, framework: Framework, criterion_id: str) -> UncountedFactor:
    """Why the top-level criterion *criterion_id* is not counted on *card*."""
    node = framework.node(criterion_id)
    result = card.node(criterion_id).adjusted
    why: Why
    if not result.applicable:
        beneath = {n.id for n in node.walk()}
        reasons = [
            m.reason
            for m in card.modifiers
            if m.effect == "not_applicable" and beneath.intersection(m.criteria)
        ]
        why, reason = "excluded", " ".join(dict.fromkeys(reasons)) or "not applicable"
    elif result.coverage <= 0.0:
        why, reason = "not assessed", "nothing rated beneath it"
    else:
        minimum = framework.settings.min_coverage
        why = "not assessed"
        reason = f"{result.coverage:.0%} of it rated, below the minimum coverage of {minimum:.0%}"
    return UncountedFactor(
        criterion=criterion_id,
        title=node.title.en,
        date=card.assessment_date,
        why=why,
        reason=reason,
    )


def _mean(scores: Mapping[str, float], ids: Sequence[str], framework: Framework) -> float | None:
    """The mean of *scores* over *ids*, weighted by their declared weights."""
    if not ids:
        return None
    weights = [framework.node(i).weight for i in ids]
    total = math.fsum(w * scores[i] for w, i in zip(weights, ids, strict=True))
    return total / math.fsum(weights)


class _LikeForLike(TypedDict):
    counted: tuple[str, ...]
    like_for_like: tuple[float | None, float | None]
    like_for_like_delta: float | None
    entered: tuple[UncountedFactor, ...]
    left: tuple[UncountedFactor, ...]


def _like_for_like(first: ScoreCard, last: ScoreCard, framework: Framework) -> _LikeForLike:
    """The report's like-for-like fields, between the baseline *first* and the latest *last*."""
    before, after = _counted(first, framework), _counted(last, framework)
    common = tuple(c.id for c in framework.criteria if c.id in before and c.id in after)
    scores = (_mean(before, common, framework), _mean(after, common, framework))
    delta, _ = _direction(*scores)
    return _LikeForLike(
        counted=common,
        like_for_like=scores,
        like_for_like_delta=delta,
        entered=tuple(_uncounted(first, framework, c) for c in after if c not in before),
        left=tuple(_uncounted(last, framework, c) for c in before if c not in after),
    )
