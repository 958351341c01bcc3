"""What-if results: a profile's card before and after a scenario, the change at every node, and
the change of its rank within a cohort (the other cities' cards unchanged)."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from integration_index._analysis.compare import PRECISION, competition_ranks, latest_assessments
from integration_index._model.profile import CityProfile
from integration_index._model.scenario import Scenario
from integration_index._model.scorecard import OVERALL, ScoreCard

__all__ = ["NodeChange", "WhatIf", "what_if_result"]


@attrs.frozen(kw_only=True)
class NodeChange:
    """One node's adjusted score before and after a scenario.

    Attributes:
        id: The node's id (``"overall"`` for the whole).
        before: Its score before (None when it has none).
        after: Its score after.
        change: after - before, unrounded (None unless both are scores).
    """

    id: str
    before: float | None
    after: float | None
    change: float | None

    @property
    def shown_change(self) -> float | None:
        """The change as reports show it: the difference of *before* and *after* rounded to
        the 2 decimals shown, so that "49.36 -> 64.72" reads "+15.36" (``change`` may round
        otherwise: 15.354... -> "+15.35"). None unless both are scores."""
        if self.before is None or self.after is None:
            return None
        return round(round(self.after, PRECISION) - round(self.before, PRECISION), PRECISION)


@attrs.frozen(kw_only=True)
class WhatIf:
    """A scenario's effect on one profile.

    Attributes:
        scenario: The scenario applied.
        before: The card without it.
        after: The card with it.
        changes: Every node whose score changed (the whole first, then depth first).
        rank_before: The city's rank within the cohort before (None without a cohort).
        rank_after: Its rank after, the other cities' cards unchanged.
        cohort_size: How many cities the ranking holds (the city included).
    """

    scenario: Scenario
    before: ScoreCard
    after: ScoreCard
    changes: tuple[NodeChange, ...]
    rank_before: int | None = None
    rank_after: int | None = None
    cohort_size: int = 0

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost (negative) in the cohort; None without a cohort."""
        if self.rank_before is None or self.rank_after is None:
            return None
        return self.rank_before - self.rank_after


def _changes(before: ScoreCard, after: ScoreCard) -> tuple[NodeChange, ...]:
    changes = []
    for node in (before.overall, *before.nodes):
        old = node.adjusted.score
        new = after.node(node.id).adjusted.score if node.id != OVERALL else after.score
        if old == new:
            continue
        delta = new - old if old is not None and new is not None else None
        changes.append(NodeChange(id=node.id, before=old, after=new, change=delta))
    return tuple(changes)


def what_if_result(
    scenario: Scenario,
    before: ScoreCard,
    after: ScoreCard,
    cohort: Sequence[tuple[CityProfile, ScoreCard]] = (),
    *,
    sources: Sequence[str | None] | None = None,
) -> WhatIf:
    """Compare the cards; rank the city within *cohort* ((profile, card) pairs), as ``rank``
    does: the latest assessment of each city counts, this city's (if any) replaced by its card
    before or after; competition ranks on scores to 2 decimals. *sources* names each entry.

    Raises:
        ProfileError: two different assessments of one city in *cohort* share a date.
    """
    rank_before = rank_after = None
    size = 0
    if cohort:
        latest = latest_assessments(cohort, sources, refuse_ambiguous=True)
        others = [card.score for _, card in latest if card.city_id != before.city_id]
        rank_before = competition_ranks([before.score, *others])[0]
        rank_after = competition_ranks([after.score, *others])[0]
        size = len(others) + 1
    return WhatIf(
        scenario=scenario,
        before=before,
        after=after,
        changes=_changes(before, after),
        rank_before=rank_before,
        rank_after=rank_after,
        cohort_size=size,
    )
