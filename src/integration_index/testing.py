"""Helpers for testing integration-index and its plugins.

* Hypothesis strategies: ``frameworks()`` (whole valid frameworks), ``profiles()`` (valid
  profiles for any framework, yours included), and their parts ``scales()``, ``criteria()``,
  ``goalposts()`` and ``contextual_factors()``.
* ``check_framework()``: a conformance check a plugin author runs on a framework.

Hypothesis is a test dependency, not a runtime one: importing this module requires it.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Mapping, Sequence
from typing import Literal

import attrs
from hypothesis import strategies as st

from integration_index._api.core import resolve_registry
from integration_index._io.convert import model_converter
from integration_index._io.documents import dumps_profile, profile_from_text
from integration_index._model import context as _context
from integration_index._model import profile as _profile
from integration_index._model.aggregation_use import aggregation_problems
from integration_index._model.context import ContextualFactor
from integration_index._model.criteria import EVIDENCE_RULES, Criterion, EvidenceRule
from integration_index._model.framework import AGGREGATIONS, Framework, Settings
from integration_index._model.profile import CityProfile
from integration_index._model.scale import Goalposts, Level, Scale
from integration_index._model.text import Text
from integration_index._plugins.registry import Registry
from integration_index._scoring.engine import Plan, score_profile

__all__ = [
    "check_framework",
    "contextual_factors",
    "criteria",
    "frameworks",
    "goalposts",
    "profiles",
    "scales",
]

_Kind = Literal["text", "choice", "number", "boolean"]
_KINDS: tuple[_Kind, ...] = ("text", "choice", "number", "boolean")
_Effect = Literal["not_applicable", "scale_weight", "adjust_target"]
_EFFECTS: tuple[_Effect, ...] = ("not_applicable", "scale_weight", "adjust_target")
#: Names: a few fixed ones (quotes, accents, a newline); texts are sometimes anything.
_NAMES = st.sampled_from(["Rivermouth", "Saint-Étienne", 'The "Quarter"', "Łódź\nNorth"])
_ANY = st.text(min_size=1, max_size=20)
_TITLES = st.builds(Text, en=_NAMES, fr=st.none() | _NAMES)
_TEXTS = _TITLES | st.builds(Text, en=_ANY, fr=st.none() | _ANY)
_DAY = datetime.date(2024, 1, 1)
_DATES = st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31))
#: Words and numbers shared by conditions and profiles, so that conditions hold about half the time.
_WORDS = ("low", "medium", "high")
_NUMBERS = st.integers(-3, 3).map(float)
#: The condition tests that suit each kind of factor.
_TESTS_FOR_KIND = {
    "text": ("equals", "in", "present"),
    "choice": ("equals", "in", "present"),
    "number": ("equals", "below", "above", "present"),
    "boolean": ("equals", "present"),
}
_WEIGHTS = st.sampled_from([1.0, 2.0]) | st.floats(0.1, 10.0)
_SCORES = st.floats(0.0, 100.0)
_TARGETS = st.sampled_from([None, None, 0.0, 60.0, 75.5, 100.0])
_RULES: st.SearchStrategy[EvidenceRule | None] = st.sampled_from([None, *EVIDENCE_RULES])
_THRESHOLDS = st.sampled_from([None, 0.05, 0.5, 1.0]) | st.floats(0.05, 1.0)
_EFFORTS: tuple[_profile.Effort | None, ...] = (None, "low", "medium", "high")
#: Evidence provenances, drawn at once; items share a date (the latest or not) now and then.
_ITEM_DATES = (None, datetime.date(2021, 3, 1), _DAY, datetime.date(2024, 6, 30))
_ASSESSORS, _REFERENCES = (None, "A", "B"), (None, "", "Annual report", 'Ü "quoted"\n')
_PROVENANCE = st.sampled_from(
    list(itertools.product(_profile.SOURCE_KINDS, _ITEM_DATES, _ASSESSORS, _REFERENCES, _EFFORTS))
)
_WEIGHT_FACTORS = st.sampled_from([1.0, 0.5, 2.0]) | st.floats(0.05, 20.0)
_COVERAGES = st.just(0.0) | st.floats(0.0, 1.0)
_ITEMS = st.sampled_from([1, 1, 2, 3])
#: At most this many nodes in a generated criteria tree, besides one path to the chosen depth.
_MAX_NODES = 10


@st.composite
def scales(draw: st.DrawFn, scale_id: str | None = None) -> Scale:
    """A scale of 2 to 7 levels, values strictly increasing from 0 to 1."""
    count = draw(st.integers(2, 7))
    inner = sorted(draw(st.sets(st.floats(0.001, 0.999), min_size=count - 2, max_size=count - 2)))
    return Scale(
        id=scale_id or draw(st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)),
        title=draw(_TITLES),
        levels=tuple(
            Level(id=f"l{index}", value=value, label=Text(en=f"Level {index}"))
            for index, value in enumerate([0.0, *inner, 1.0])
        ),
    )


@st.composite
def goalposts(draw: st.DrawFn) -> Goalposts:
    """Goalposts of a quantitative leaf: either direction, with or without target and unit."""
    low = draw(st.floats(-1000.0, 1000.0))
    high = low + draw(st.floats(0.5, 1000.0))
    return Goalposts(
        min=low,
        max=high,
        direction=draw(st.sampled_from(["higher", "lower"])),
        target=[None, low, high, draw(st.floats(low, high))][draw(st.integers(0, 3))],
        unit=draw(st.sampled_from([None, "%", "per 1000", "EUR"])),
    )


@st.composite
def contextual_factors(draw: st.DrawFn, factor_id: str = "f") -> ContextualFactor:
    """A contextual factor of any kind: text, choice, number or boolean."""
    kind = draw(st.sampled_from(_KINDS))
    choices = draw(st.sampled_from([_WORDS[:1], _WORDS[1:], _WORDS])) if kind == "choice" else ()
    return ContextualFactor(
        id=factor_id,
        title=Text(en=f"Factor {factor_id}"),
        kind=kind,
        choices=choices,
    )


def _factor_values(factor: ContextualFactor) -> st.SearchStrategy[_context.FactorValue]:
    """Values a profile may give *factor* (from the pools the conditions use)."""
    if factor.kind == "choice":
        return st.sampled_from(factor.choices)
    if factor.kind == "number":
        return _NUMBERS
    if factor.kind == "boolean":
        return st.booleans()
    return st.sampled_from(_WORDS)


@st.composite
def criteria(
    draw: st.DrawFn,
    prefix: str = "c",
    *,
    depth: int = 3,
    aggregations: Sequence[str] = AGGREGATIONS,
    scale_ids: Sequence[str] = ("s",),
    quantitative: bool = True,
    max_nodes: int = _MAX_NODES,
) -> Criterion:
    """A criteria subtree rooted at id *prefix*, exactly *depth* levels deep on its first path.

    Leaves are rated on one of *scale_ids* or on the framework's default scale (``scale`` None),
    or, with *quantitative*, measured against [`goalposts`][integration_index.testing.goalposts].
    Beside the path to *depth*, the tree has at most *max_nodes* nodes. A node's aggregation may
    be None (the framework's).
    """
    return _node(draw, prefix, depth, True, [max_nodes], (aggregations, scale_ids, quantitative))


def _node(
    draw: st.DrawFn,
    prefix: str,
    depth: int,
    deep: bool,
    budget: list[int],
    options: tuple[Sequence[str], Sequence[str], bool],
) -> Criterion:
    aggregations, scale_ids, quantitative = options
    node = Criterion(
        id=prefix, title=Text(en=f"Node {prefix}"), weight=draw(_WEIGHTS), target=draw(_TARGETS)
    )
    if depth <= 1 or (not deep and (budget[0] <= 0 or draw(st.booleans()))):
        if quantitative and draw(st.integers(0, 2)) == 0:
            return attrs.evolve(node, goalposts=draw(goalposts()), evidence_rule=draw(_RULES))
        scale = draw(st.sampled_from([None, *scale_ids]))
        return attrs.evolve(node, scale=scale, evidence_rule=draw(_RULES))
    count = draw(st.integers(1, max(1, min(4, budget[0]))))
    budget[0] -= count
    children = tuple(
        _node(draw, f"{prefix}.{index}", depth - 1, deep and not index, budget, options)
        for index in range(count)
    )
    aggregation = draw(st.sampled_from([None, *aggregations]))
    threshold = draw(_THRESHOLDS) if aggregation in (None, "gate") else None
    return attrs.evolve(node, aggregation=aggregation, gate_threshold=threshold, children=children)


@st.composite
def _conditions(draw: st.DrawFn, factors: Sequence[ContextualFactor]) -> _context.Condition:
    """Any one test, on a factor whose kind suits it if there is one (else on any factor)."""
    test = draw(st.sampled_from(_context.CONDITION_TESTS))
    suited = [factor for factor in factors if test in _TESTS_FOR_KIND[factor.kind]]
    factor = draw(st.sampled_from(suited or factors))
    when = _context.Condition
    if test == "equals":
        return when(factor=factor.id, equals=draw(_factor_values(factor)))
    if test == "in":
        pool = factor.choices or _WORDS
        words = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        return when(factor=factor.id, in_=tuple(words))
    if test == "below":
        return when(factor=factor.id, below=draw(_NUMBERS))
    if test == "above":
        return when(factor=factor.id, above=draw(_NUMBERS))
    return when(factor=factor.id, present=draw(st.booleans()))


@st.composite
def _modifier_rules(
    draw: st.DrawFn,
    rule_id: str,
    nodes: Mapping[str, Criterion],
    factors: Sequence[ContextualFactor],
) -> _context.ModifierRule:
    """A rule with any effect, with or without a condition. An adjust_target rule names one node,
    often a quantitative leaf (its target then lies between the goalposts); the others name one
    to three nodes, or now and then "*"."""
    effect = draw(st.sampled_from(_EFFECTS))
    conditional = bool(factors) and draw(st.booleans())
    when = draw(_conditions(factors)) if conditional else None
    ids = list(nodes)
    factor = target = None
    if effect == "adjust_target":
        measured = [node_id for node_id in ids if nodes[node_id].goalposts is not None]
        node_id = draw(st.sampled_from(measured if bool(measured) and draw(st.booleans()) else ids))
        posts = nodes[node_id].goalposts
        target = draw(st.floats(posts.min, posts.max) if posts else _SCORES)
        named: tuple[str, ...] = (node_id,)
    else:
        factor = draw(_WEIGHT_FACTORS) if effect == "scale_weight" else None
        chosen = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        named = ("*",) if draw(st.integers(0, 5)) == 0 else tuple(chosen)
    return _context.ModifierRule(
        id=rule_id,
        effect=effect,
        criteria=named,
        reason=Text(en=f"Rule {rule_id}"),
        when=when,
        factor=factor,
        target=target,
    )


@st.composite
def frameworks(
    draw: st.DrawFn,
    *,
    aggregations: Sequence[str] = AGGREGATIONS,
    max_depth: int = 6,
    min_coverage: float | None = None,
    quantitative: bool = True,
    context: bool = True,
) -> Framework:
    """A valid framework drawn from the whole framework format.

    One to three scales; one to four top-level subtrees (see
    [`criteria`][integration_index.testing.criteria]), the first as deep as a depth drawn up to
    *max_depth*; any of *aggregations* and of the evidence rules, per node and as defaults;
    quantitative leaves unless *quantitative* is False. With *context*, zero to
    four contextual factors of any kind, zero to four modifier rules with any effect and
    condition test (or none), and competence exclusions. *min_coverage* None draws any value in
    [0, 1] (0 half the time).
    """
    scale_ids = ["s", "t", "u"][: draw(st.integers(1, 3))]
    budget = [draw(st.integers(1, _MAX_NODES))]
    depth = draw(st.sampled_from(range(1, max_depth + 1)))
    options = (aggregations, scale_ids, quantitative)
    tops = _node(draw, "c", depth + 1, True, budget, options).children  # "c" is the root
    nodes = {node.id: node for top in tops for node in top.walk()}
    counts = [draw(st.integers(0, high)) if context else 0 for high in (4, 4, 2)]
    factors = [draw(contextual_factors(f"f{index}")) for index in range(counts[0])]
    rules = [draw(_modifier_rules(f"m{index}", nodes, factors)) for index in range(counts[1])]
    exclusions = [
        _context.CompetenceExclusion(
            criteria=tuple(draw(st.lists(st.sampled_from(list(nodes)), min_size=1, max_size=3))),
            reason=Text(en="Outside the city's competence"),
            factor=draw(st.sampled_from([None, *(factor.id for factor in factors)])),
        )
        for _ in range(counts[2])
    ]
    return Framework(
        id=draw(st.sampled_from(["fw", "generated-1", "x9"])),
        version="1",
        title=draw(_TEXTS),
        criteria=tops,
        scales=tuple(draw(scales(scale_id)) for scale_id in scale_ids),
        settings=Settings(
            scale="s",
            aggregation=draw(st.sampled_from(list(aggregations))),
            evidence_rule=draw(st.sampled_from(EVIDENCE_RULES)),
            min_coverage=draw(_COVERAGES) if min_coverage is None else min_coverage,
            target=draw(_TARGETS),
        ),
        contextual_factors=tuple(factors),
        modifiers=tuple(rules),
        competence_exclusions=tuple(exclusions),
    )


@st.composite
def profiles(
    draw: st.DrawFn, framework: Framework, *, coverage: float | None = None
) -> CityProfile:
    """A valid profile for *framework*.

    Evidence on a random share of its leaves (*coverage* = 1.0 rates every leaf; None lets
    Hypothesis choose), one to three items per leaf, dated or not; measured values at, between
    and beyond the goalposts. Values for some of the framework's contextual factors, and
    exclusions of some of the criteria its competence exclusions list.
    """
    evidence: list[_profile.Evidence] = []
    for leaf in framework.leaves:
        if coverage is None and not draw(st.booleans()):
            continue
        if coverage is not None and coverage < 1.0 and draw(st.floats(0, 1)) > coverage:
            continue
        evidence += [draw(_evidence_for(framework, leaf)) for _ in range(draw(_ITEMS))]
    values = {
        factor.id: draw(_factor_values(factor))
        for factor in framework.contextual_factors
        if draw(st.booleans())
    }
    allowed = sorted({c for rule in framework.competence_exclusions for c in rule.criteria})
    factor_ids = [None, *(factor.id for factor in framework.contextual_factors)]
    exclusions = [
        _profile.Exclusion(
            criterion=criterion, reason=draw(_NAMES), factor=draw(st.sampled_from(factor_ids))
        )
        for criterion in (draw(st.lists(st.sampled_from(allowed), unique=True)) if allowed else [])
    ]
    return CityProfile(
        city=_profile.City(
            id=draw(st.sampled_from(["rivermouth", "x", "city-9"])),
            name=draw(_NAMES | _ANY),
            country=draw(st.none() | _NAMES),
            population=draw(st.none() | st.integers(0, 10**7)),
        ),
        assessment=_profile.Assessment(
            frameworks=(framework.id,),
            date=draw(_DATES),
            mode=draw(st.sampled_from(_profile.ASSESSMENT_MODES)),
            assessors=tuple(draw(st.lists(_NAMES, max_size=3))),
        ),
        evidence=tuple(evidence),
        context={framework.id: values} if values else {},
        exclusions=tuple(exclusions),
    )


@st.composite
def _evidence_for(draw: st.DrawFn, framework: Framework, leaf: Criterion) -> _profile.Evidence:
    posts = leaf.goalposts
    if posts is not None:
        width = posts.max - posts.min
        marks = [posts.min, posts.max, *([] if posts.target is None else [posts.target])]
        beyond = st.floats(posts.min - width, posts.max + width)
        rating: str | float = draw(st.sampled_from(marks) if draw(st.booleans()) else beyond)
    else:
        rating = draw(st.sampled_from(list(framework.rating_levels[leaf.id] or ())))
    source, date, assessor, reference, effort = draw(_PROVENANCE)
    return _profile.Evidence(
        criterion=leaf.id,
        rating=rating,
        source=source,
        framework=framework.id if draw(st.booleans()) else None,
        date=date,
        assessor=assessor,
        reference=reference,
        effort=effort,
    )


def _sample(
    framework: Framework, pick: str, counts: Sequence[int], rng: random.Random
) -> CityProfile:
    """A profile rating each leaf a number of times drawn from *counts*: at values worth 1 (*pick*
    "max") or 0 ("min") whatever target a modifier sets, or at random. A measured extreme lies one
    goalpost span beyond a goalpost (it is clipped)."""
    evidence = []
    for leaf in (leaf for leaf in framework.leaves for _ in range(rng.choice(counts))):
        posts = leaf.goalposts
        if posts is None:
            levels = list(framework.rating_levels[leaf.id] or ())  # level ids, lowest first
            index = {"max": -1, "min": 0}.get(pick, rng.randrange(len(levels)))
            rating: str | float = levels[index]
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
