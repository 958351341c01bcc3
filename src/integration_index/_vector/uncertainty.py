"""Monte Carlo uncertainty and variance-based sensitivity of the ranks of many cities.

Runs go in chunks of base rows (memory stays bounded whatever the number of draws): each chunk
draws its sources, runs the vectorised model on every run of its Saltelli blocks, ranks the
cities in each run, and adds to running sums: a histogram of each city's ranks, the sums of its
scores, and the Sobol sums of each output (docs/uncertainty.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np

from integration_index._model.cohort import CohortStats
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._vector.compiled import (
    CompiledFramework,
    Floats,
    applicability,
    node_pass,
    weight_factors,
)
from integration_index._vector.results import (
    CityUncertainty,
    ConvergencePoint,
    RankUncertainty,
    SourceSensitivity,
    UncertaintySources,
)
from integration_index._vector.sampling import (
    Model,
    draw,
    evaluate,
    evidence_values,
    ranks,
    runs_of,
)
from integration_index._vector.scoring import card_weights, leaf_table
from integration_index._vector.sobol import SobolSums

__all__ = ["latest", "run_analysis"]

#: Elements (nodes x runs x cities) of one chunk's largest array: about 32 MB of floats.
_CHUNK_ELEMENTS = 4_000_000
_FRACTIONS = (8, 4, 2, 1)  # the convergence table: N/8, N/4, N/2, N


def latest(
    cards: Sequence[ScoreCard], profiles: Sequence[CityProfile] | None
) -> tuple[list[ScoreCard], list[CityProfile] | None]:
    """The latest assessment of each city, in the order first seen (as ``compare`` ranks)."""
    chosen: dict[str, int] = {}
    for index, card in enumerate(cards):
        known = chosen.get(card.city_id)
        if known is None or card.assessment_date > cards[known].assessment_date:
            chosen[card.city_id] = index
        elif card.assessment_date == cards[known].assessment_date and card != cards[known]:
            raise ValueError(
                f"ambiguous: two different assessments of city {card.city_id!r} on "
                f"{card.assessment_date.isoformat()}; keep one"
            )
    keep = sorted(chosen.values())
    return [cards[i] for i in keep], None if profiles is None else [profiles[i] for i in keep]


def _model(
    compiled: CompiledFramework,
    cards: Sequence[ScoreCard],
    profiles: Sequence[CityProfile] | None,
    sources: UncertaintySources,
    cohort: CohortStats | None,
) -> Model:
    table = leaf_table(compiled, cards)
    alternatives = None
    if sources.evidence is not None:
        if profiles is None:
            raise ValueError(
                "the evidence-rule source needs the profiles (score cards keep no evidence "
                "items): give profiles, or switch it off (evidence=None)"
            )
        values = evidence_values(compiled, profiles, sources.evidence.rules, cohort)
        # An imputed leaf has no evidence item: whatever the rule, it keeps its imputed value.
        values = np.where(table.imputed[None], table.adjusted[None], values)
        alternatives = np.ascontiguousarray(np.transpose(values, (1, 0, 2)))
    switched: frozenset[int] = frozenset()
    if sources.aggregation is not None:
        levels = set(sources.aggregation.levels)
        switched = frozenset(
            i
            for i in compiled.internal
            if int(compiled.depth[i]) in levels
            and compiled.methods[i] in ("weighted_mean", "geometric_mean")
        )
    return Model(
        compiled=compiled,
        nominal=table.adjusted,
        imputed=table.imputed,
        alternatives=alternatives,
        applicable=applicability(compiled, table.left_out),
        factors=weight_factors(compiled, table.factors),
        sources=sources,
        switched=switched,
    )


def _nominal(model: Model) -> Floats:
    arrays = node_pass(
        model.compiled,
        model.nominal,
        batch=(model.cities,),
        applicable=model.applicable,
        factors=model.factors,
        full=False,
    )
    overall: Floats = arrays.estimate[0]
    return overall


@attrs.define
class _Tally:
    """What the runs add up to."""

    cities: int
    groups: int
    nominal_score: Floats
    nominal_rank: np.ndarray
    runs: int = 0
    shift: float = 0.0
    histogram: np.ndarray = attrs.field(init=False)
    score_sum: Floats = attrs.field(init=False)
    score_square: Floats = attrs.field(init=False)
    scored: np.ndarray = attrs.field(init=False)
    sums: SobolSums = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        c = self.cities
        self.histogram = np.zeros(c * (c + 1), dtype=np.int64)
        self.score_sum = np.zeros(c)
        self.score_square = np.zeros(c)
        self.scored = np.zeros(c, dtype=np.int64)
        self.sums = SobolSums(self.groups, 2 * c + 1)

    def add(self, scores: Floats, m: int) -> None:
        c = self.cities
        ranked = ranks(scores)
        self.runs += scores.shape[0]
        self.histogram += np.bincount(
            (np.arange(c) * (c + 1) + ranked).ravel(), minlength=c * (c + 1)
        )
        has = ~np.isnan(scores)
        delta = np.where(has, scores - np.nan_to_num(self.nominal_score), 0.0) * 100.0
        self.score_sum += delta.sum(axis=0)
        self.score_square += (delta * delta).sum(axis=0)
        self.scored += has.sum(axis=0)
        rank_shift = (ranked - self.nominal_rank).astype(np.float64)
        mean_shift = np.abs(rank_shift).mean(axis=1)
        self.shift += float(mean_shift.sum())
        if self.groups:
            outputs = np.concatenate([rank_shift, delta, mean_shift[:, None]], axis=1)
            blocks = outputs.reshape(self.groups + 2, m, -1)
            self.sums.add(blocks[0], blocks[1], blocks[2:])


def run_analysis(
    compiled: CompiledFramework,
    cards: Sequence[ScoreCard],
    profiles: Sequence[CityProfile] | None,
    *,
    draws: int,
    seed: int,
    sources: UncertaintySources,
    top_k: int,
    cohort: CohortStats | None = None,
) -> RankUncertainty:
    """The analysis of docs/uncertainty.md over the latest card of each city (with the weights
    the cards were scored with; *cohort*, the statistics the profiles were scored against,
    normalises their items under the evidence-rule source)."""
    if draws < 1 or top_k < 1:
        raise ValueError(f"draws and top_k must be 1 or more, got {draws} and {top_k}")
    cards, profiles = latest(cards, profiles)
    if not cards:
        raise ValueError("nothing to rank: give at least one profile or score card")
    compiled = card_weights(compiled, cards)
    model = _model(compiled, cards, profiles, sources, cohort)
    groups = len(sources.active)
    base = max(1, draws // (groups + 2)) if groups else draws
    nominal = _nominal(model)
    point = ranks(nominal[None])[0]
    tally = _Tally(cities=model.cities, groups=groups, nominal_score=nominal, nominal_rank=point)
    convergence = _run(model, tally, base, np.random.default_rng(seed))
    return _result(compiled, cards, model, tally, convergence, draws=draws, seed=seed, top_k=top_k)


def _run(
    model: Model, tally: _Tally, base: int, rng: np.random.Generator
) -> list[tuple[int, Floats, Floats]]:
    """Every chunk of base rows; the summary indices at each convergence checkpoint."""
    per_row = tally.groups + 2 if tally.groups else 1
    chunk = max(1, _CHUNK_ELEMENTS // (model.compiled.size * model.cities * per_row))
    checkpoints = sorted({max(1, base // f) for f in _FRACTIONS})
    convergence = []
    done = 0
    for checkpoint in checkpoints:
        while done < checkpoint:
            m = min(chunk, checkpoint - done)
            if tally.groups:
                a, b = draw(model, m, rng), draw(model, m, rng)
                scores = evaluate(model, runs_of(a, b), m * per_row)
            else:
                scores = evaluate(model, draw(model, m, rng), m)
            tally.add(scores, m)
            done += m
        if tally.groups:
            first, total = tally.sums.indices()
            convergence.append((checkpoint, first[:, -1], total[:, -1]))
    return convergence


def _quantile(cumulative: np.ndarray, total: int, q: float) -> np.ndarray:
    """The smallest rank whose cumulative count reaches q of the runs (numpy's inverted_cdf)."""
    found: np.ndarray = np.argmax(cumulative >= q * total, axis=1)
    return found


def _by_source(names: tuple[str, ...], values: Floats, city: int) -> dict[str, float]:
    return {name: float(values[g, city]) for g, name in enumerate(names)}


def _cities(
    cards: Sequence[ScoreCard], tally: _Tally, names: tuple[str, ...], top_k: int
) -> list[CityUncertainty]:
    """Each city's rank statistics and indices, in point-rank order (then by city id)."""
    c, runs = tally.cities, tally.runs
    histogram = tally.histogram.reshape(c, c + 1)
    cumulative = np.cumsum(histogram, axis=1)
    low, median, high = (_quantile(cumulative, runs, q) for q in (0.05, 0.5, 0.95))
    mean_rank = (histogram * np.arange(c + 1)).sum(axis=1) / runs
    top = cumulative[:, min(top_k, c)] / runs
    first, total = tally.sums.indices() if tally.groups else (np.zeros((0, 2 * c + 1)),) * 2
    cities = []
    for i, card in enumerate(cards):
        n = int(tally.scored[i])
        nominal = None if np.isnan(tally.nominal_score[i]) else float(tally.nominal_score[i] * 100)
        mean = float(tally.score_sum[i] / n) if n else None
        variance = max(0.0, float(tally.score_square[i] / n) - (mean or 0.0) ** 2) if n else None
        cities.append(
            CityUncertainty(
                city_id=card.city_id,
                city_name=card.city_name,
                assessment_date=card.assessment_date.isoformat(),
                score=nominal,
                rank=int(tally.nominal_rank[i]),
                mean_score=None if mean is None else (nominal or 0.0) + mean,
                sd_score=None if variance is None else variance**0.5,
                median_rank=int(median[i]),
                rank_low=int(low[i]),
                rank_high=int(high[i]),
                mean_rank=float(mean_rank[i]),
                top_k=float(top[i]),
                rank_first_order=_by_source(names, first, i),
                rank_total=_by_source(names, total, i),
                score_first_order=_by_source(names, first, c + i),
                score_total=_by_source(names, total, c + i),
            )
        )
    cities.sort(key=lambda entry: (entry.rank, entry.city_id))
    return cities


def _result(
    compiled: CompiledFramework,
    cards: Sequence[ScoreCard],
    model: Model,
    tally: _Tally,
    convergence: list[tuple[int, Floats, Floats]],
    *,
    draws: int,
    seed: int,
    top_k: int,
) -> RankUncertainty:
    names = model.sources.active
    first, total = tally.sums.indices() if tally.groups else (np.zeros((0, 1)),) * 2
    sensitivity = tuple(
        SourceSensitivity(
            source=name,
            first_order=float(first[g, -1]),
            total=float(total[g, -1]),
            convergence=tuple(
                ConvergencePoint(
                    base_sample=rows,
                    runs=rows * (len(names) + 2),
                    first_order=float(s1[g]),
                    total=float(st[g]),
                )
                for rows, s1, st in convergence
            ),
        )
        for g, name in enumerate(names)
    )
    return RankUncertainty(
        framework_id=compiled.framework.id,
        sources=names,
        settings=_settings(model.sources, cards[0]),
        draws=draws,
        runs=tally.runs,
        base_sample=tally.runs // (len(names) + 2) if names else tally.runs,
        seed=seed,
        top_k=top_k,
        mean_rank_shift=tally.shift / tally.runs,
        cities=tuple(_cities(cards, tally, names, top_k)),
        sensitivity=sensitivity,
        scalar_nodes=compiled.scalar_nodes,
    )


def _settings(sources: UncertaintySources, card: ScoreCard) -> dict[str, str]:
    settings: dict[str, str] = {}
    if card.weight_overrides:  # every card has the same weights (card_weights checked)
        settings["weight_overrides"] = ", ".join(
            f"{o.criterion} {o.declared:g} to {o.used:g}" for o in card.weight_overrides
        )
    noise = sources.weights
    if noise is not None:
        settings["weights"] = (
            f"uniform +-{noise.spread:g}"
            if noise.kind == "uniform"
            else f"dirichlet concentration {noise.concentration:g}"
        )
    if sources.aggregation is not None:
        settings["aggregation"] = "levels " + ",".join(map(str, sources.aggregation.levels))
    if sources.evidence is not None:
        settings["evidence"] = ",".join(sources.evidence.rules)
    return settings
