"""Helpers for testing integration-index and its plugins.

* Hypothesis strategies: ``frameworks()`` (whole valid frameworks; with ``cohort=True`` also
  cohort rules, missing-value rules and switched-off criteria), ``profiles()`` (valid profiles
  for any framework, yours included), ``cohorts()`` (cohort statistics for a framework), and
  their parts ``scales()``, ``criteria()``, ``goalposts()``, ``normalisations()`` and
  ``contextual_factors()``.
* ``check_framework()``: a conformance check a plugin author runs on a framework.

Hypothesis is a test dependency, not a runtime one: importing this module requires it.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Mapping, Sequence
from typing import Literal, get_args

import attrs
from hypothesis import strategies as st

from integration_index._conformance import check_framework
from integration_index._model import context as _context
from integration_index._model import profile as _profile
from integration_index._model.cohort import (
    CohortStats,
    IndicatorStats,
    MissingRule,
    Normalisation,
    NormalisationMethod,
)
from integration_index._model.context import ContextualFactor
from integration_index._model.criteria import EVIDENCE_RULES, Criterion, EvidenceRule
from integration_index._model.framework import AGGREGATIONS, Framework, Settings
from integration_index._model.profile import CityProfile
from integration_index._model.scale import Goalposts, Level, Scale
from integration_index._model.text import Text
from integration_index._scoring.plan import Plan

__all__ = [
    "check_framework",
    "cohorts",
    "contextual_factors",
    "criteria",
    "frameworks",
    "goalposts",
    "normalisations",
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
#: With cohort features: a missing-value rule now and then (None: inherit), weight 0 one time in 4.
_MISSING: st.SearchStrategy[MissingRule | None] = st.sampled_from(
    [None, None, None, "skip", "zero", "mean"]
)
_SWITCHED_OFF = st.integers(0, 3).map(lambda n: n == 0)
#: Measured values of a cohort-normalised leaf: around [0, 100], ties, 0 and negatives included.
_MEASURED = st.sampled_from([0.0, 10.0, 50.0, 100.0, -5.0]) | st.floats(-20.0, 120.0)
_METHODS: tuple[NormalisationMethod, ...] = get_args(NormalisationMethod)
_WINSORISE: tuple[tuple[float, float] | None, ...] = (None, None, (0.05, 0.95), (0.0, 0.5))


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
def normalisations(draw: st.DrawFn) -> Normalisation:
    """A cohort normalisation rule: any method and direction, winsorised or not; a target
    (on the measured values' scale, about 0 to 100) for "distance_to_target"."""
    method = draw(st.sampled_from(_METHODS))
    return Normalisation(
        method=method,
        direction=draw(st.sampled_from(["higher", "lower"])),
        target=draw(st.floats(0.0, 100.0)) if method == "distance_to_target" else None,
        winsorise=draw(st.sampled_from(_WINSORISE)),
        unit=draw(st.sampled_from([None, "%"])),
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
    cohort: bool = False,
) -> Criterion:
    """A criteria subtree rooted at id *prefix*, exactly *depth* levels deep on its first path.

    Leaves are rated on one of *scale_ids* or on the framework's default scale (``scale`` None),
    or, with *quantitative*, measured against [`goalposts`][integration_index.testing.goalposts].
    Beside the path to *depth*, the tree has at most *max_nodes* nodes. A node's aggregation may
    be None (the framework's). With *cohort*, some nodes weigh 0 (switched off; never every
    child of a node), some declare a missing-value rule, and, with *quantitative*, some leaves
    are normalised against the cohort ([`normalisations`][integration_index.testing.normalisations]).
    """
    options = (aggregations, scale_ids, quantitative, cohort)
    return _node(draw, prefix, depth, True, [max_nodes], options)


def _node(
    draw: st.DrawFn,
    prefix: str,
    depth: int,
    deep: bool,
    budget: list[int],
    options: tuple[Sequence[str], Sequence[str], bool, bool],
) -> Criterion:
    aggregations, scale_ids, quantitative, cohort = options
    node = Criterion(
        id=prefix, title=Text(en=f"Node {prefix}"), weight=draw(_WEIGHTS), target=draw(_TARGETS)
    )
    if cohort:
        weight = 0.0 if draw(_SWITCHED_OFF) else node.weight
        node = attrs.evolve(node, weight=weight, missing=draw(_MISSING))
    if depth <= 1 or (not deep and (budget[0] <= 0 or draw(st.booleans()))):
        measured = draw(st.integers(0, 2)) if quantitative else 2
        if measured == 0:
            return attrs.evolve(node, goalposts=draw(goalposts()), evidence_rule=draw(_RULES))
        if measured == 1 and cohort:
            rule = draw(normalisations())
            return attrs.evolve(node, normalisation=rule, evidence_rule=draw(_RULES))
        scale = draw(st.sampled_from([None, *scale_ids]))
        return attrs.evolve(node, scale=scale, evidence_rule=draw(_RULES))
    count = draw(st.integers(1, max(1, min(4, budget[0]))))
    budget[0] -= count
    children = tuple(
        _node(draw, f"{prefix}.{index}", depth - 1, deep and not index, budget, options)
        for index in range(count)
    )
    if all(child.weight == 0.0 for child in children):  # at least one child must count
        children = (attrs.evolve(children[0], weight=1.0), *children[1:])
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
    cohort: bool = False,
) -> Framework:
    """A valid framework drawn from the whole framework format.

    One to three scales; one to four top-level subtrees (see
    [`criteria`][integration_index.testing.criteria]), the first as deep as a depth drawn up to
    *max_depth*; any of *aggregations* and of the evidence rules, per node and as defaults;
    quantitative leaves unless *quantitative* is False. With *cohort*, switched-off criteria
    (weight 0), missing-value rules and leaves normalised against a cohort (score them against
    [`cohorts`][integration_index.testing.cohorts]). With *context*, zero to
    four contextual factors of any kind, zero to four modifier rules with any effect and
    condition test (or none), and competence exclusions. *min_coverage* None draws any value in
    [0, 1] (0 half the time).
    """
    scale_ids = ["s", "t", "u"][: draw(st.integers(1, 3))]
    budget = [draw(st.integers(1, _MAX_NODES))]
    depth = draw(st.sampled_from(range(1, max_depth + 1)))
    options = (aggregations, scale_ids, quantitative, cohort)
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
def cohorts(draw: st.DrawFn, framework: Framework) -> CohortStats:
    """Statistics of a cohort of one to six profiles for every leaf of *framework* that needs
    them (a cohort rule, or missing values imputed with the cohort mean): measured values for a
    measured leaf (about 0 to 100 under a cohort rule; at, between and beyond the goalposts),
    level values for a leaf on a scale."""
    plan = Plan(framework)
    indicators: dict[str, IndicatorStats] = {}
    size = 1
    for leaf_id in plan.needs_cohort:
        i = plan.index[leaf_id]
        posts, levels = plan.goalposts[i], plan.level_values[i]
        if posts is not None:
            width = posts.max - posts.min
            value = st.floats(posts.min - width, posts.max + width)
        elif levels is not None:
            value = st.sampled_from(sorted(levels.values()))
        else:
            value = _MEASURED
        values = draw(st.lists(value, min_size=1, max_size=6))
        size = max(size, len(values))
        indicators[leaf_id] = IndicatorStats.from_values(values, plan.normalisation[i])
    return CohortStats(
        framework_id=framework.id, indicators=indicators, size=size, source="generated"
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
            name=draw(_NAMES | _ANY.filter(str.strip)),
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
    elif leaf.normalisation is not None:
        rating = draw(_MEASURED)
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
