"""The conformance check of ``integration_index.testing`` (``check_framework``): the scoring
contract run on one framework with seeded random profiles. It needs no Hypothesis."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence

from integration_index._api.core import resolve_registry
from integration_index._io.convert import model_converter
from integration_index._io.documents import dumps_profile, profile_from_text
from integration_index._model import profile as _profile
from integration_index._model.aggregation_use import aggregation_problems
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._plugins.registry import Registry
from integration_index._scoring.engine import score_profile
from integration_index._scoring.plan import Plan

__all__ = ["check_framework"]

_DAY = datetime.date(2024, 1, 1)


def _sample(
    framework: Framework, pick: str, counts: Sequence[int], rng: random.Random
) -> CityProfile:
    """A profile rating each leaf a number of times drawn from *counts*: at values worth 1 (*pick*
    "max") or 0 ("min") whatever target a modifier sets, or at random. A measured extreme lies one
    goalpost span beyond a goalpost (it is clipped)."""
    evidence = []
    for leaf in (leaf for leaf in framework.leaves for _ in range(rng.choice(counts))):
        posts = leaf.goalposts
        if leaf.normalisation is not None:  # against a cohort: any value about 0 to 100
            rating: str | float = rng.uniform(-20.0, 120.0)
        elif posts is None:
            levels = list(framework.rating_levels[leaf.id] or ())  # level ids, lowest first
            index = {"max": -1, "min": 0}.get(pick, rng.randrange(len(levels)))
            rating = levels[index]
        elif pick == "any":
            rating = rng.uniform(1.5 * posts.min - posts.max / 2, 1.5 * posts.max - posts.min / 2)
        else:
            higher = (pick == "max") == (posts.direction == "higher")
            rating = 2 * posts.max - posts.min if higher else 2 * posts.min - posts.max
        evidence.append(_profile.Evidence(criterion=leaf.id, rating=rating, source="document"))
    return CityProfile(
        city=_profile.City(id=pick, name=pick.title()),
        assessment=_profile.Assessment(frameworks=(framework.id,), date=_DAY),
        evidence=tuple(evidence),
    )


def check_framework(
    framework: Framework, *, samples: int = 50, seed: int = 0, registry: Registry | None = None
) -> list[str]:
    """Check that a framework behaves as the scoring contract says; return the failures.

    It checks that the framework survives a round trip to plain data; that a profile rating every
    leaf at its maximum scores 100 and at its minimum scores 0; that an empty profile scores
    None with bounds 0 and 100; and, on *samples* random profiles, that every score and bound
    lies in [0, 100] with lower <= score <= upper and that a profile survives a TOML round trip.
    Aggregation methods are looked up in *registry* (default: the default registry, every
    installed plugin); an unknown one is the only failure reported. An empty list means the
    framework conforms.
    """
    aggregations = resolve_registry(registry).aggregations()
    if unknown := aggregation_problems(framework, aggregations):
        return [problem.message for problem in unknown]
    rng = random.Random(seed)
    failures: list[str] = []
    plan = Plan(framework)
    converter = model_converter()
    if converter.structure(converter.unstructure(framework), Framework) != framework:
        failures.append("the framework does not survive unstructure/structure unchanged")
    for pick, expected in (("max", 100.0), ("min", 0.0)):
        extreme = _sample(framework, pick, [1], rng)
        score = score_profile(extreme, framework, aggregations, plan=plan).overall.raw.score
        if score is None or abs(score - expected) > 1e-9:
            failures.append(f"every leaf at its {pick}imum scores {score}, expected {expected}")
    empty = _sample(framework, "empty", [0], rng)
    raw = score_profile(empty, framework, aggregations, plan=plan).overall.raw
    if raw.score is not None or raw.lower != 0.0 or raw.upper != 100.0:
        failures.append(
            f"an empty profile gives {raw.score}, [{raw.lower}, {raw.upper}]; expected None, [0, 100]"
        )
    for sample in range(samples):
        drawn = _sample(framework, "any", [0, 1, 1, 2, 3], rng)
        card = score_profile(drawn, framework, aggregations, plan=plan)
        for result in (card.overall, *card.nodes):
            for node in (result.raw, result.adjusted):
                low, high, value = node.lower, node.upper, node.score
                if node.applicable and (
                    low is None
                    or high is None
                    or not 0.0 <= low <= high <= 100.0
                    or (value is not None and not low - 1e-9 <= value <= high + 1e-9)
                ):
                    failures.append(
                        f"sample {sample}: node {result.id!r} has score {value} outside [{low}, {high}]"
                    )
        if profile_from_text(dumps_profile(drawn)) != drawn:
            failures.append(f"sample {sample}: the profile does not survive a TOML round trip")
    return failures
