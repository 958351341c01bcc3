"""Score many cities at once from the scalar engine's per-leaf results (their score cards).

A card holds what the array path needs: each leaf's raw value (its raw score: normalised against
the cohort, clipped at its goalposts, or imputed, as the engine produced it; never the measured
value), its adjusted value, whether it was imputed, the modifiers that took effect (criteria
left out, weight factors) and the weights overridden for its run. :func:`score_arrays`
recomputes every node from those, raw and adjusted, for all cities at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np

from integration_index._model.scorecard import ScoreCard
from integration_index._model.weights import with_weights
from integration_index._vector.compiled import (
    COVERAGE_EPSILON,
    Bools,
    CompiledFramework,
    Floats,
    NodeArrays,
    applicability,
    node_pass,
    weight_factors,
)
from integration_index._vector.results import PassArrays, ScoreArrays

__all__ = ["LeafTable", "card_weights", "leaf_table", "score_arrays"]


@attrs.frozen(kw_only=True, eq=False)
class LeafTable:
    """The per-leaf inputs of many cities, read from their cards.

    Attributes:
        raw: ``[leaf, city]`` raw values on [0, 1] (NaN: unassessed and not imputed).
        adjusted: ``[leaf, city]`` the values the adjusted pass uses (a modifier's target may
            change a measured leaf's; NaN also where the leaf is left out and imputed).
        imputed: ``[leaf, city]`` True where a missing-value rule ("zero", "mean") gave the
            value: it counts in the parent, with coverage 0 and bounds [0, 1].
        left_out: Per city, the criteria a modifier or exclusion leaves out.
        factors: Per city, the modifiers' weight factors by criterion id.
    """

    raw: Floats
    adjusted: Floats
    imputed: Bools
    left_out: tuple[tuple[str, ...], ...]
    factors: tuple[Mapping[str, float], ...]


def _check_framework(compiled: CompiledFramework, card: ScoreCard) -> None:
    if card.framework_id != compiled.framework.id:
        raise ValueError(
            f"the card of {card.city_id!r} is of framework {card.framework_id!r}, "
            f"not {compiled.framework.id!r}"
        )


def card_weights(compiled: CompiledFramework, cards: Sequence[ScoreCard]) -> CompiledFramework:
    """*compiled*, or the framework recompiled with the weights the cards were scored with.

    A card's weights are the framework's with the card's run-time overrides (``used``) applied.
    Every card must have been scored with the same weights: the arrays hold one framework.

    Raises:
        ValueError: a card is of another framework, records an override of a node the
            framework lacks or whose weight is neither the declared nor the used one, or two
            cards were scored with different weights.
    """
    framework = compiled.framework
    chosen: dict[str, float] | None = None
    chosen_city = ""
    for card in cards:
        _check_framework(compiled, card)
        weights: dict[str, float] = {}
        for override in card.weight_overrides:
            node = framework.nodes.get(override.criterion)
            if node is None or node.weight not in (override.declared, override.used):
                given = "no such criterion" if node is None else f"weight {node.weight:g}"
                raise ValueError(
                    f"the card of {card.city_id!r} was scored with criterion "
                    f"{override.criterion!r} weighing {override.used:g} instead of "
                    f"{override.declared:g}, and the framework given has {given}: "
                    "give the framework the card was scored against"
                )
            if override.used != node.weight:
                weights[override.criterion] = override.used
        if chosen is None:
            chosen, chosen_city = weights, card.city_id
        elif weights != chosen:
            raise ValueError(
                f"the cards of {chosen_city!r} and {card.city_id!r} were scored with different "
                f"weights ({_described(chosen)} and {_described(weights)}); the arrays need "
                "one set of weights: score every city with the same weights"
            )
    if not chosen:
        return compiled
    weighted, _ = with_weights(framework, chosen)
    return CompiledFramework(weighted, compiled.registered)


def _described(weights: Mapping[str, float]) -> str:
    if not weights:
        return "the framework's"
    return ", ".join(f"{node_id} = {weight:g}" for node_id, weight in sorted(weights.items()))


def leaf_table(compiled: CompiledFramework, cards: Sequence[ScoreCard]) -> LeafTable:
    """Read each card's leaf values and modifiers (the cards must be of this framework)."""
    leaf_rows = {leaf_id: row for row, leaf_id in enumerate(compiled.leaf_ids)}
    raw = np.full((len(leaf_rows), len(cards)), np.nan)
    adjusted = np.full((len(leaf_rows), len(cards)), np.nan)
    imputed = np.zeros((len(leaf_rows), len(cards)), dtype=np.bool_)
    left_out: list[tuple[str, ...]] = []
    factors: list[Mapping[str, float]] = []
    for city, card in enumerate(cards):
        _check_framework(compiled, card)
        for node in card.nodes:
            row = leaf_rows.get(node.id)
            if row is None:
                continue
            if node.imputed is not None:  # a value, not evidence: the card shows it as the score
                imputed[row, city] = True
                raw[row, city] = _fraction(node.raw.score)
                adjusted[row, city] = _fraction(node.adjusted.score)
                continue
            if node.value is None:
                continue
            # The combined value: normalised (cohort rule or goalposts, clipped), never measured.
            adjusted[row, city] = node.value
            # The raw pass's leaf value: its raw score (a leaf's coverage is 1: never hidden).
            raw[row, city] = _fraction(node.raw.score) if node.raw.score is not None else node.value
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
    return LeafTable(
        raw=raw, adjusted=adjusted, imputed=imputed, left_out=tuple(left_out),
        factors=tuple(factors),
    )  # fmt: skip


def _fraction(score: float | None) -> float:
    """A card's score (0-100) as a value on [0, 1]; NaN for None."""
    return np.nan if score is None else score / 100.0


def _pass_arrays(compiled: CompiledFramework, arrays: NodeArrays, imputed: Bools) -> PassArrays:
    estimate = arrays.estimate
    applicable = np.broadcast_to(arrays.applicable, estimate.shape)
    threshold = compiled.min_coverage - COVERAGE_EPSILON
    enough = (arrays.coverage > 0.0) & ~(arrays.coverage < threshold)
    enough[compiled.leaves] |= imputed  # an imputed value is shown, at coverage 0
    shown = applicable & ~np.isnan(estimate) & enough
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
    """Every node of every card's city, raw and adjusted, computed from the cards' leaves (with
    the weights the cards were scored with: see :func:`card_weights`)."""
    compiled = card_weights(compiled, cards)
    table = leaf_table(compiled, cards)
    batch = (len(cards),)
    raw = node_pass(compiled, table.raw, batch=batch, imputed=table.imputed)
    adjusted = node_pass(
        compiled,
        table.adjusted,
        batch=batch,
        applicable=applicability(compiled, table.left_out),
        factors=weight_factors(compiled, table.factors),
        imputed=table.imputed,
    )
    return ScoreArrays(
        framework_id=compiled.framework.id,
        city_ids=tuple(card.city_id for card in cards),
        node_ids=compiled.ids,
        raw=_pass_arrays(compiled, raw, table.imputed),
        adjusted=_pass_arrays(compiled, adjusted, table.imputed),
        scalar_nodes=compiled.scalar_nodes,
    )
