"""Helpers for testing integration-index and its plugins.

* Hypothesis strategies: :func:`scales`, :func:`criteria`, :func:`frameworks`, :func:`profiles`
  (profiles for any framework, yours included).
* :func:`check_framework`: a conformance check a plugin author runs on a framework.

Hypothesis is imported lazily (it is a test dependency, not a runtime one); importing this
module requires it.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from integration_index._io.convert import model_converter
from integration_index._io.profiles import dumps_profile, profile_from_text
from integration_index._model.framework import Criterion, Framework, Level, Scale, Settings
from integration_index._model.profile import (
    SOURCE_KINDS,
    Assessment,
    City,
    CityProfile,
    Evidence,
    SourceKind,
)
from integration_index._model.text import Text
from integration_index._scoring.aggregations import builtin_aggregations
from integration_index._scoring.engine import score_profile

__all__ = ["check_framework", "criteria", "frameworks", "profiles", "scales"]

_IDS = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)
_TEXTS = st.builds(
    Text, st.text(min_size=1, max_size=20), st.none() | st.text(min_size=1, max_size=20)
)
_SOURCES: tuple[SourceKind, ...] = SOURCE_KINDS


@st.composite
def scales(draw: st.DrawFn, scale_id: str | None = None) -> Scale:
    """A scale of 2 to 7 levels, values strictly increasing from 0 to 1."""
    count = draw(st.integers(2, 7))
    inner = sorted(
        draw(
            st.sets(
                st.floats(0.001, 0.999, allow_nan=False), min_size=count - 2, max_size=count - 2
            )
        )
    )
    values = [0.0, *inner, 1.0]
    return Scale(
        id=scale_id or draw(_IDS),
        title=draw(_TEXTS),
        levels=tuple(
            Level(f"l{index}", value, Text(f"Level {index}")) for index, value in enumerate(values)
        ),
    )


@st.composite
def criteria(
    draw: st.DrawFn,
    prefix: str = "c",
    *,
    depth: int = 3,
    aggregations: Sequence[str] = ("weighted_mean", "geometric_mean", "minimum", "gate"),
    scale_ids: Sequence[str] = ("s",),
) -> Criterion:
    """A criteria subtree rooted at id *prefix*, at most *depth* levels deep."""
    weight = draw(st.floats(0.1, 10.0, allow_nan=False))
    if depth <= 1 or draw(st.booleans()):
        return Criterion(
            id=prefix,
            title=Text(f"Criterion {prefix}"),
            weight=weight,
            scale=draw(st.sampled_from(list(scale_ids))),
            evidence_rule=draw(
                st.none() | st.sampled_from(["median", "mean", "min", "max", "latest"])
            ),
        )
    count = draw(st.integers(1, 4))
    children = tuple(
        draw(
            criteria(
                f"{prefix}.{index}", depth=depth - 1, aggregations=aggregations, scale_ids=scale_ids
            )
        )
        for index in range(count)
    )
    aggregation = draw(st.sampled_from(list(aggregations)))
    return Criterion(
        id=prefix,
        title=Text(f"Criterion {prefix}"),
        weight=weight,
        aggregation=aggregation,
        gate_threshold=draw(st.floats(0.05, 1.0)) if aggregation == "gate" else None,
        children=children,
    )


@st.composite
def frameworks(
    draw: st.DrawFn,
    *,
    aggregations: Sequence[str] = ("weighted_mean", "geometric_mean", "minimum", "gate"),
    max_depth: int = 3,
    min_coverage: float | None = None,
) -> Framework:
    """A valid framework: one or two scales, 1-4 top-level subtrees, any of *aggregations*."""
    scale_list = [draw(scales("s")), *([draw(scales("t"))] if draw(st.booleans()) else [])]
    scale_ids = [scale.id for scale in scale_list]
    tops = tuple(
        draw(criteria(f"c{index}", depth=max_depth, aggregations=aggregations, scale_ids=scale_ids))
        for index in range(draw(st.integers(1, 4)))
    )
    coverage = draw(st.sampled_from([0.0, 0.0, 0.5])) if min_coverage is None else min_coverage
    return Framework(
        id=draw(st.from_regex(r"fw-[a-z]{1,6}", fullmatch=True)),
        version="1",
        title=Text("Generated framework"),
        criteria=tops,
        scales=tuple(scale_list),
        settings=Settings(
            scale="s",
            aggregation=draw(st.sampled_from(list(aggregations))),
            min_coverage=coverage,
            target=75.0,
        ),
    )


@st.composite
def profiles(
    draw: st.DrawFn, framework: Framework, *, coverage: float | None = None
) -> CityProfile:
    """A valid profile for *framework*: evidence on a random share of its leaves.

    *coverage* = 1.0 rates every leaf; None lets Hypothesis choose which leaves are rated.
    """
    evidence: list[Evidence] = []
    for leaf in framework.leaves:
        if coverage is None and not draw(st.booleans()):
            continue
        if coverage is not None and coverage < 1.0 and draw(st.floats(0, 1)) > coverage:
            continue
        for _ in range(draw(st.integers(1, 3))):
            evidence.append(draw(_evidence_for(framework, leaf)))
    return CityProfile(
        city=City(
            id=draw(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True)),
            name=draw(st.text(min_size=1, max_size=20)),
            country=draw(st.none() | st.text(max_size=10)),
            population=draw(st.none() | st.integers(0, 10**7)),
        ),
        assessment=Assessment(
            frameworks=(framework.id,),
            date=draw(st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31))),
            mode=draw(st.sampled_from(["self-assessment", "peer-review", "external"])),
            assessors=tuple(draw(st.lists(st.text(min_size=1, max_size=12), max_size=3))),
        ),
        evidence=tuple(evidence),
    )


@st.composite
def _evidence_for(draw: st.DrawFn, framework: Framework, leaf: Criterion) -> Evidence:
    if leaf.goalposts is not None:
        rating: str | float = draw(
            st.floats(leaf.goalposts.min, leaf.goalposts.max, allow_nan=False)
        )
    else:
        scale = framework.scale_of(leaf)
        assert scale is not None
        rating = draw(st.sampled_from([level.id for level in scale.levels]))
    return Evidence(
        criterion=leaf.id,
        rating=rating,
        source=draw(st.sampled_from(_SOURCES)),
        date=draw(st.none() | st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31))),
        assessor=draw(st.none() | st.sampled_from(["A", "B", "C"])),
        reference=draw(st.none() | st.text(max_size=30)),
    )


def _uniform_profile(framework: Framework, pick: str) -> CityProfile:
    evidence = []
    for leaf in framework.leaves:
        if leaf.goalposts is not None:
            posts = leaf.goalposts
            best, worst = (
                (posts.max, posts.min) if posts.direction == "higher" else (posts.min, posts.max)
            )
            rating: str | float = best if pick == "max" else worst
        else:
            scale = framework.scale_of(leaf)
            assert scale is not None
            rating = scale.levels[-1].id if pick == "max" else scale.levels[0].id
        evidence.append(Evidence(leaf.id, rating, "self-assessment"))
    return CityProfile(
        city=City("conformance", "Conformance"),
        assessment=Assessment((framework.id,), datetime.date(2024, 1, 1)),
        evidence=tuple(evidence),
    )


def check_framework(framework: Framework, *, samples: int = 50, seed: int = 0) -> list[str]:
    """Check that a framework behaves as the scoring contract says; return the failures.

    It checks that the framework survives a round trip to plain data; that a profile rating every
    leaf at its maximum scores 100 and at its minimum scores 0; that an empty profile scores
    None with bounds 0 and 100; and, on *samples* random profiles, that every score and bound
    lies in [0, 100] with lower <= score <= upper and that a profile survives a TOML round trip.
    An empty list means the framework conforms.
    """
    from integration_index._plugins.host import get_host

    aggregations = {a.name: a for a in builtin_aggregations()} | get_host().registry().aggregations
    failures: list[str] = []
    converter = model_converter()
    if converter.structure(converter.unstructure(framework), Framework) != framework:
        failures.append("the framework does not survive unstructure/structure unchanged")
    for pick, expected in (("max", 100.0), ("min", 0.0)):
        card = score_profile(_uniform_profile(framework, pick), framework, aggregations)
        if card.overall.raw.score is None or abs(card.overall.raw.score - expected) > 1e-9:
            failures.append(
                f"every leaf at its {pick}imum scores {card.overall.raw.score}, expected {expected}"
            )
    empty = CityProfile(
        City("empty", "Empty"), Assessment((framework.id,), datetime.date(2024, 1, 1))
    )
    card = score_profile(empty, framework, aggregations)
    raw = card.overall.raw
    if raw.score is not None or raw.lower != 0.0 or raw.upper != 100.0:
        failures.append(
            f"an empty profile gives {raw.score}, [{raw.lower}, {raw.upper}]; expected None, [0, 100]"
        )
    rng = random.Random(seed)
    for sample in range(samples):
        profile = _random_profile(framework, rng)
        card = score_profile(profile, framework, aggregations)
        for result in (card.overall, *card.nodes):
            for node_score in (result.raw, result.adjusted):
                if not node_score.applicable:
                    continue
                low, high, value = node_score.lower, node_score.upper, node_score.score
                assert low is not None and high is not None
                if not 0.0 <= low <= high <= 100.0 or (
                    value is not None and not low - 1e-9 <= value <= high + 1e-9
                ):
                    failures.append(
                        f"sample {sample}: node {result.id!r} has score {value} outside [{low}, {high}]"
                    )
        if profile_from_text(dumps_profile(profile)) != profile:
            failures.append(f"sample {sample}: the profile does not survive a TOML round trip")
    return failures


def _random_profile(framework: Framework, rng: random.Random) -> CityProfile:
    evidence: list[Evidence] = []
    for leaf in framework.leaves:
        if rng.random() < 0.3:
            continue
        for _ in range(rng.randint(1, 3)):
            if leaf.goalposts is not None:
                rating: Any = rng.uniform(leaf.goalposts.min, leaf.goalposts.max)
            else:
                scale = framework.scale_of(leaf)
                assert scale is not None
                rating = rng.choice(scale.levels).id
            evidence.append(
                Evidence(
                    leaf.id, rating, rng.choice(_SOURCES), assessor=rng.choice(["A", "B", None])
                )
            )
    return CityProfile(
        City("sample", "Sample"),
        Assessment((framework.id,), datetime.date(2024, 1, 1)),
        tuple(evidence),
    )
