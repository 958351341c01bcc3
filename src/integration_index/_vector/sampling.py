"""The sources of uncertainty as draws: what each run changes, and the model run on them.

Each source is one group factor of the Saltelli design. A chunk of m base rows draws each active
source twice (its A and its B realisations); the runs of the chunk are the blocks A, B and, for
each source i, A_B^i (source i from B, the others from A), m runs each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from integration_index._model.cohort import CohortStats
from integration_index._model.profile import CityProfile
from integration_index._scoring.evidence import combine_ratings
from integration_index._scoring.modifiers import resolve_effects
from integration_index._vector.compiled import Bools, CompiledFramework, Floats, node_pass
from integration_index._vector.results import UncertaintySources

__all__ = ["Model", "Realisation", "draw", "evidence_values", "ranks", "runs_of"]

#: The smallest Dirichlet weight kept (a draw that underflows to 0 would leave a node out).
_TINY = float(np.finfo(np.float64).tiny)


@attrs.define(kw_only=True)
class Model:
    """What every run shares: the compiled framework and the cities' fixed inputs."""

    compiled: CompiledFramework
    nominal: Floats  # [leaf, city] adjusted leaf values (NaN: unassessed, not imputed)
    imputed: Bools  # [leaf, city] values imputed by a missing-value rule (never redrawn)
    alternatives: Floats | None  # [leaf, rule, city] leaf values under each evidence rule
    applicable: Bools  # [node, city]
    factors: Floats | None  # [node, city]
    sources: UncertaintySources
    switched: frozenset[int]

    @property
    def cities(self) -> int:
        return int(self.nominal.shape[1])


@attrs.define(kw_only=True)
class Realisation:
    """One realisation (A or B) of every active source for m runs; None where a source is off."""

    unassessed: Floats | None = None  # [leaf, run, city] drawn values
    weights: Floats | None = None  # [node, run]
    geometric: Bools | None = None  # [run]
    rule: npt.NDArray[np.intp] | None = None  # [run] index into the evidence rules


def draw(model: Model, rows: int, rng: np.random.Generator) -> Realisation:
    """Draw every active source for *rows* runs (in the order of SOURCES, so a seed replays)."""
    sources, compiled = model.sources, model.compiled
    out = Realisation()
    if sources.unassessed:
        u = rng.random((len(compiled.leaf_ids), rows, model.cities))
        counts = compiled.level_counts[:, None, None]
        index = np.minimum((u * counts).astype(np.intp), np.maximum(counts - 1, 0))
        levels = compiled.level_values[np.arange(len(compiled.leaf_ids))[:, None, None], index]
        out.unassessed = np.where(counts > 0, levels, u)
    if sources.weights is not None:
        out.weights = _weights(compiled, sources, rows, rng)
    if sources.aggregation is not None:
        out.geometric = rng.random(rows) < 0.5
    if sources.evidence is not None:
        out.rule = rng.integers(0, len(sources.evidence.rules), rows)
    return out


def _weights(
    compiled: CompiledFramework, sources: UncertaintySources, rows: int, rng: np.random.Generator
) -> Floats:
    noise = sources.weights
    assert noise is not None
    base = np.repeat(compiled.weights[:, None], rows, axis=1)
    if noise.kind == "uniform":
        return base * (1.0 + noise.spread * (2.0 * rng.random(base.shape) - 1.0))
    for i in reversed(compiled.internal):
        kids = compiled.children[i]
        alpha = noise.concentration * compiled.weights[kids] / compiled.weights[kids].sum()
        base[kids] = np.maximum(rng.dirichlet(alpha, size=rows).T, _TINY)
    return base


def runs_of(a: Realisation, b: Realisation) -> Realisation:
    """The runs of a chunk: block A, block B, then A_B^i for each active source i."""
    names = ("unassessed", "weights", "geometric", "rule")
    active = [name for name in names if getattr(a, name) is not None]
    fields_a = attrs.asdict(a, recurse=False)
    blocks: list[dict[str, Any]] = [fields_a, attrs.asdict(b, recurse=False)]
    for name in active:  # A_B^i: source i from B, every other from A
        blocks.append({**fields_a, name: getattr(b, name)})
    axis = {"unassessed": 1, "weights": 1, "geometric": 0, "rule": 0}
    joined = Realisation()
    for name in active:
        setattr(joined, name, np.concatenate([block[name] for block in blocks], axis=axis[name]))
    return joined


def evaluate(model: Model, runs: Realisation, count: int) -> Floats:
    """The overall adjusted estimate ``[run, city]`` of *count* runs (NaN: nothing assessed)."""
    compiled = model.compiled
    if runs.rule is not None:  # alternatives [leaf, rule, city]: pick each run's rule
        assert model.alternatives is not None
        values = model.alternatives[:, runs.rule, :]
    else:
        shape = (len(compiled.leaf_ids), count, model.cities)
        values = np.broadcast_to(model.nominal[:, None, :], shape)
    if runs.unassessed is not None:  # an imputed leaf keeps its value: the framework's rule
        drawn = np.isnan(model.nominal) & ~model.imputed
        values = np.where(drawn[:, None, :], runs.unassessed, values)
    weights = runs.weights[:, :, None] if runs.weights is not None else None
    factors = model.factors[:, None, :] if model.factors is not None else None
    geometric = runs.geometric[:, None] if runs.geometric is not None else None
    arrays = node_pass(
        compiled,
        values,
        batch=(count, model.cities),
        applicable=None if model.applicable.all() else model.applicable[:, None, :],
        weights=weights,
        factors=factors,
        geometric=geometric,
        switched=model.switched,
        full=False,
    )
    overall: Floats = arrays.estimate[0]
    return overall


def ranks(scores: Floats) -> npt.NDArray[np.int64]:
    """Ranks ``[run, city]``: 1 is best, ties share the best rank, NaN ranks after every score."""
    filled = np.where(np.isnan(scores), -np.inf, scores)
    order = np.argsort(-filled, axis=1, kind="stable")
    ordered = np.take_along_axis(filled, order, axis=1)
    positions = np.arange(scores.shape[1])
    new = np.ones(ordered.shape, dtype=np.bool_)
    new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.maximum.accumulate(np.where(new, positions, 0), axis=1)
    result = np.empty(scores.shape, dtype=np.int64)
    np.put_along_axis(result, order, first + 1, axis=1)
    return result


def evidence_values(
    compiled: CompiledFramework,
    profiles: Sequence[CityProfile],
    rules: Sequence[str],
    cohort: CohortStats | None = None,
) -> Floats:
    """``[rule, leaf, city]``: each leaf's adjusted value under each evidence rule (NaN:
    unassessed), combined as the engine combines them (modifiers' targets applied; each item of
    a leaf with a cohort rule normalised against *cohort*, held fixed)."""
    framework, plan = compiled.framework, compiled.plan
    rows = {plan.index[leaf_id]: row for row, leaf_id in enumerate(compiled.leaf_ids)}
    out = np.full((len(rules), len(rows), len(profiles)), np.nan)
    for city, profile in enumerate(profiles):
        targets = resolve_effects(profile, framework).targets
        single = profile.assessment.frameworks == (framework.id,)
        items: dict[int, tuple[list[float], list[Any]]] = {}
        for item in profile.evidence:
            if (item.framework is not None or not single) and profile.framework_of(
                item
            ) != framework.id:
                continue
            i = plan.index[item.criterion]
            levels, posts = plan.level_values[i], plan.goalposts[i]
            against = plan.normalisation[i]
            if posts is not None:
                value = posts.normalise(float(item.rating), targets.get(item.criterion))
            elif against is not None:
                assert cohort is not None  # the profiles were scored against it
                value = against.normalise(float(item.rating), cohort.indicators[item.criterion])
            else:
                assert levels is not None
                value = levels[str(item.rating)]
            values, dates = items.setdefault(i, ([], []))
            values.append(value)
            dates.append(item.date)
        for i, (values, dates) in items.items():
            for r, rule in enumerate(rules):
                out[r, rows[i], city] = combine_ratings(values, rule, dates)
    return out
