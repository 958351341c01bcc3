"""Score many cities at once from the scalar engine's per-leaf results (their score cards).

A card holds what the array path needs: each leaf's raw value (its raw score), its adjusted
value (the combined value the adjusted pass used) and the modifiers that took effect (criteria
left out, weight factors). :func:`score_arrays` recomputes every node from those, raw and
adjusted, for all cities at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np

from integration_index._model.scorecard import ScoreCard
from integration_index._vector.compiled import (
    COVERAGE_EPSILON,
    CompiledFramework,
    Floats,
    NodeArrays,
    applicability,
    node_pass,
    weight_factors,
)
from integration_index._vector.results import PassArrays, ScoreArrays

__all__ = ["LeafTable", "leaf_table", "score_arrays"]


@attrs.frozen(kw_only=True, eq=False)
class LeafTable:
    """The per-leaf inputs of many cities, read from their cards.

    Attributes:
        raw: ``[leaf, city]`` raw values on [0, 1] (NaN: unassessed).
        adjusted: ``[leaf, city]`` the values the adjusted pass uses (a modifier's target may
            change a measured leaf's).
        left_out: Per city, the criteria a modifier or exclusion leaves out.
        factors: Per city, the modifiers' weight factors by criterion id.
    """

    raw: Floats
    adjusted: Floats
    left_out: tuple[tuple[str, ...], ...]
    factors: tuple[Mapping[str, float], ...]


def leaf_table(compiled: CompiledFramework, cards: Sequence[ScoreCard]) -> LeafTable:
    """Read each card's leaf values and modifiers (the cards must be of this framework)."""
    leaf_rows = {leaf_id: row for row, leaf_id in enumerate(compiled.leaf_ids)}
    raw = np.full((len(leaf_rows), len(cards)), np.nan)
    adjusted = np.full((len(leaf_rows), len(cards)), np.nan)
    left_out: list[tuple[str, ...]] = []
    factors: list[Mapping[str, float]] = []
    for city, card in enumerate(cards):
        if card.framework_id != compiled.framework.id:
            raise ValueError(
                f"the card of {card.city_id!r} is of framework {card.framework_id!r}, "
                f"not {compiled.framework.id!r}"
            )
        for node in card.nodes:
            row = leaf_rows.get(node.id)
            if row is None or node.value is None:
                continue
            adjusted[row, city] = node.value
            # The raw pass's leaf value: its raw score (a leaf's coverage is 1: never hidden).
            raw[row, city] = node.raw.score / 100.0 if node.raw.score is not None else node.value
        dropped: list[str] = []
        by_id: dict[str, float] = {}
        for modifier in card.modifiers:
            if modifier.effect == "not_applicable":
                dropped += modifier.criteria
            elif modifier.effect == "scale_weight" and modifier.weight_factor is not None:
                for criterion in modifier.criteria:
                    by_id[criterion] = by_id.get(criterion, 1.0) * modifier.weight_factor
        left_out.append(tuple(dropped))
        factors.append(by_id)
    return LeafTable(raw=raw, adjusted=adjusted, left_out=tuple(left_out), factors=tuple(factors))


def _pass_arrays(compiled: CompiledFramework, arrays: NodeArrays) -> PassArrays:
    estimate = arrays.estimate
    applicable = np.broadcast_to(arrays.applicable, estimate.shape)
    threshold = compiled.min_coverage - COVERAGE_EPSILON
    shown = (
        applicable & ~np.isnan(estimate) & (arrays.coverage > 0.0) & ~(arrays.coverage < threshold)
    )
    return PassArrays(
        score=np.where(shown, estimate * 100.0, np.nan).T,
        estimate=np.where(applicable, estimate * 100.0, np.nan).T,
        lower=np.where(applicable, arrays.lower * 100.0, np.nan).T,
        upper=np.where(applicable, arrays.upper * 100.0, np.nan).T,
        coverage=np.where(applicable, arrays.coverage, 0.0).T,
        weight=np.where(applicable, arrays.share, 0.0).T,
        applicable=applicable.T,
    )


def score_arrays(compiled: CompiledFramework, cards: Sequence[ScoreCard]) -> ScoreArrays:
    """Every node of every card's city, raw and adjusted, computed from the cards' leaves."""
    table = leaf_table(compiled, cards)
    batch = (len(cards),)
    raw = node_pass(compiled, table.raw, batch=batch)
    adjusted = node_pass(
        compiled,
        table.adjusted,
        batch=batch,
        applicable=applicability(compiled, table.left_out),
        factors=weight_factors(compiled, table.factors),
    )
    return ScoreArrays(
        framework_id=compiled.framework.id,
        city_ids=tuple(card.city_id for card in cards),
        node_ids=compiled.ids,
        raw=_pass_arrays(compiled, raw),
        adjusted=_pass_arrays(compiled, adjusted),
        scalar_nodes=compiled.scalar_nodes,
    )
