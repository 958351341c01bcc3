"""Frameworks: rating scales, the criteria tree, contextual factors and modifier rules.

The parts live in their own modules (:mod:`.scale`, :mod:`.criteria`, :mod:`.context`); this
module holds the Framework itself, with the checks of its cross-references, and re-exports them.
"""

from __future__ import annotations

import functools
import math
import re
import types
from collections.abc import Iterator, Mapping, Sequence

import attrs

from integration_index._model.context import (
    CompetenceExclusion,
    Condition,
    ContextualFactor,
    FactorValue,
    ModifierRule,
)
from integration_index._model.criteria import (
    EVIDENCE_RULES,
    Criterion,
    EvidenceRule,
    Practice,
    PracticeCategory,
    goalpost_problems,
    node_rule_problems,
    weight_problems,
)
from integration_index._model.scale import Goalposts, Level, Scale
from integration_index._model.text import Source, Text
from integration_index._model.validators import (
    check_id,
    check_score_range,
    check_unit_interval,
    to_float,
    value_class,
)
from integration_index.exceptions import FrameworkError, Problem

__all__ = [
    "AGGREGATIONS",
    "CompetenceExclusion",
    "Condition",
    "ContextualFactor",
    "Criterion",
    "EVIDENCE_RULES",
    "EvidenceRule",
    "FactorValue",
    "Framework",
    "Goalposts",
    "Level",
    "ModifierRule",
    "OVERALL",
    "Practice",
    "PracticeCategory",
    "Scale",
    "Settings",
    "Source",
    "TextBlock",
    "framework_problems",
]

#: Aggregation methods every framework can use; plugins may register more.
AGGREGATIONS = ("weighted_mean", "geometric_mean", "minimum", "gate")
#: The id of the whole framework in a score card; no criterion may use it.
OVERALL = "overall"

_FRAMEWORK_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _check_framework_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _FRAMEWORK_ID.match(value):
        raise ValueError(f"{attribute.name} {value!r} must be lowercase letters, digits and '-'")


@value_class(kw_only=True)
class Settings:
    """A framework's defaults.

    Attributes:
        scale: The default scale of rated leaves.
        aggregation: The default aggregation of a node's children.
        evidence_rule: How several ratings of one leaf combine by default.
        min_coverage: Below this share of assessed weight, a node shows no score.
        target: The default target on 0-100, for development plans.
        in_place_threshold: A top-level criterion at or above this score counts as in place.
    """

    scale: str | None = None
    aggregation: str = "weighted_mean"
    evidence_rule: EvidenceRule = "median"
    min_coverage: float = attrs.field(
        default=0.0, converter=to_float, validator=check_unit_interval
    )
    target: float | None = attrs.field(default=None, validator=check_score_range)
    in_place_threshold: float | None = attrs.field(default=None, validator=check_score_range)


@value_class(kw_only=True)
class TextBlock:
    """A text of the source that is not rated (standard statement, guiding questions...).

    Attributes:
        id: Its id.
        title: Its heading.
        text: The text.
    """

    id: str = attrs.field(validator=check_id)
    title: Text
    text: Text


# A framework is a deep tree, hashed whenever it keys a cache or sits in a FrozenDict: hash it once.
@value_class(kw_only=True, cache_hash=True)
class Framework:
    """A benchmark framework: scales, a criteria tree, contextual factors and modifier rules.

    Attributes:
        id: Lowercase id, unique among registered frameworks.
        version: The version of this encoding.
        title: Its name.
        criteria: The top-level nodes of the criteria tree.
        scales: The rating scales its leaves use (shared scales are copied in when loaded).
        settings: Its defaults.
        source: The document it encodes.
        description: What it is.
        languages: The languages its texts carry.
        contextual_factors: Factors a profile records beside the score.
        modifiers: Rules that turn contextual values into effects on criteria.
        competence_exclusions: Criteria a profile may declare outside the city's competence.
        practice_categories: Categories of its practice library.
        practices: Its practice library (examples not attached to one criterion).
        texts: Further texts of the source, for reports.

    Raises:
        FrameworkError: listing every cross-reference problem at once, each with its key path
            (a duplicate id; an unknown scale, criterion or contextual factor...).
    """

    id: str = attrs.field(validator=_check_framework_id)
    version: str
    title: Text
    criteria: tuple[Criterion, ...]
    scales: tuple[Scale, ...] = ()
    settings: Settings = Settings()
    source: Source | None = None
    description: Text | None = None
    languages: tuple[str, ...] = ("en",)
    contextual_factors: tuple[ContextualFactor, ...] = ()
    modifiers: tuple[ModifierRule, ...] = ()
    competence_exclusions: tuple[CompetenceExclusion, ...] = ()
    practice_categories: tuple[PracticeCategory, ...] = ()
    practices: tuple[Practice, ...] = ()
    texts: tuple[TextBlock, ...] = ()

    def __attrs_post_init__(self) -> None:
        problems = framework_problems(self)
        if problems:
            raise FrameworkError(problems[0].message, problems=problems)

    @functools.cached_property
    def root(self) -> Criterion:
        """A synthetic node whose children are the top-level criteria (the whole framework)."""
        return Criterion(id=OVERALL, title=self.title, kind="framework", children=self.criteria)

    # The mappings below are read-only views (a MappingProxyType looks up at dict speed, which the
    # engine relies on). Cached properties are not fields: they are neither compared nor pickled.

    @functools.cached_property
    def nodes(self) -> Mapping[str, Criterion]:
        """Every node of the criteria tree by id, in depth-first order."""
        return types.MappingProxyType(
            {node.id: node for top in self.criteria for node in top.walk()}
        )

    @functools.cached_property
    def parents(self) -> Mapping[str, str | None]:
        """Each node's parent id (None for top-level nodes)."""
        parents: dict[str, str | None] = {}

        def visit(node: Criterion, parent: str | None) -> None:
            parents[node.id] = parent
            for child in node.children:
                visit(child, node.id)

        for top in self.criteria:
            visit(top, None)
        return types.MappingProxyType(parents)

    @functools.cached_property
    def leaves(self) -> tuple[Criterion, ...]:
        """The rated leaves, in depth-first order."""
        return tuple(node for node in self.nodes.values() if node.is_leaf)

    @functools.cached_property
    def rating_levels(self) -> Mapping[str, Mapping[str, float] | None]:
        """Each rated leaf's level values by level id (None for a quantitative leaf)."""
        levels: dict[str, Mapping[str, float] | None] = {}
        for leaf in self.leaves:
            scale = self.scale_of(leaf)
            levels[leaf.id] = scale.values if scale is not None else None
        return types.MappingProxyType(levels)

    @functools.cached_property
    def scales_by_id(self) -> Mapping[str, Scale]:
        """The framework's scales by id."""
        return types.MappingProxyType({scale.id: scale for scale in self.scales})

    @functools.cached_property
    def factors_by_id(self) -> Mapping[str, ContextualFactor]:
        """The contextual factors by id."""
        return types.MappingProxyType({factor.id: factor for factor in self.contextual_factors})

    def node(self, criterion_id: str) -> Criterion:
        """Return the node with this id; raise KeyError if there is none."""
        return self.nodes[criterion_id]

    def scale_of(self, leaf: Criterion) -> Scale | None:
        """The scale a leaf is rated on (None for a quantitative leaf)."""
        if leaf.goalposts is not None or leaf.normalisation is not None:
            return None
        scale_id = leaf.scale or self.settings.scale
        if scale_id is None:
            return None
        return self.scales_by_id[scale_id]

    def target_of(self, criterion_id: str) -> float | None:
        """The target score on 0-100 of a node: its own, else the framework's."""
        node = self.nodes[criterion_id]
        return node.target if node.target is not None else self.settings.target

    def ancestors(self, criterion_id: str) -> tuple[str, ...]:
        """The ids of a node's ancestors, nearest first."""
        chain: list[str] = []
        parent = self.parents[criterion_id]
        while parent is not None:
            chain.append(parent)
            parent = self.parents[parent]
        return tuple(chain)

    def top_level_of(self, criterion_id: str) -> str:
        """The id of the top-level node a node belongs to."""
        chain = self.ancestors(criterion_id)
        return chain[-1] if chain else criterion_id


def framework_problems(framework: Framework) -> list[Problem]:
    """Every cross-reference problem of a framework, each with its key path in the framework
    document as TOML writes it (``criteria[0].children[3].scale``, ``modifiers[2].criteria[1]``).
    """
    problems: list[Problem] = []
    scale_ids = _duplicates(framework.scales, "scales", "scale", problems)
    criterion_ids = _criteria_problems(framework, scale_ids, problems)
    if framework.criteria and all(node.weight == 0.0 for node in framework.criteria):
        problems.append(
            Problem("every top-level criterion has weight 0; at least one must count", "criteria")
        )
    factor_ids = _duplicates(framework.contextual_factors, "contextual_factors", "factor", problems)
    _modifier_problems(framework.modifiers, criterion_ids, factor_ids, problems)
    _number_problems(framework, problems)
    for index, exclusion in enumerate(framework.competence_exclusions):
        path = f"competence_exclusions[{index}]"
        for position, criterion_id in enumerate(exclusion.criteria):
            if criterion_id not in criterion_ids:
                problems.append(
                    Problem(
                        f"competence exclusion: unknown criterion {criterion_id!r}",
                        f"{path}.criteria[{position}]",
                    )
                )
        if exclusion.factor is not None and exclusion.factor not in factor_ids:
            problems.append(
                Problem(
                    f"competence exclusion: unknown contextual factor {exclusion.factor!r}",
                    f"{path}.factor",
                )
            )
    categories = {category.id for category in framework.practice_categories}
    for index, practice in enumerate(framework.practices):
        if practice.category is not None and practice.category not in categories:
            problems.append(
                Problem(
                    f"practice {practice.id or practice.city!r}: unknown category {practice.category!r}",
                    f"practices[{index}].category",
                )
            )
    return problems


def _duplicates(
    items: Sequence[Scale | ContextualFactor], key: str, what: str, problems: list[Problem]
) -> set[str]:
    """Report ids used twice in one array of tables; return the ids."""
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.id in first:
            problems.append(
                Problem(
                    f"{what} id {item.id!r} is used twice (first at {key}[{first[item.id]}].id)",
                    f"{key}[{index}].id",
                )
            )
        else:
            first[item.id] = index
    return set(first)


def _walk_with_paths(
    nodes: Sequence[Criterion], prefix: str = "criteria"
) -> Iterator[tuple[str, Criterion]]:
    """Each node of a criteria tree with its key path, depth first, in order."""
    for index, node in enumerate(nodes):
        path = f"{prefix}[{index}]"
        yield path, node
        yield from _walk_with_paths(node.children, f"{path}.children")


def _criteria_problems(
    framework: Framework, scale_ids: set[str], problems: list[Problem]
) -> set[str]:
    """Report the criteria tree's problems; return the criterion ids."""
    if not framework.criteria:
        problems.append(Problem("a framework needs at least one criterion", "criteria"))
    settings = framework.settings
    first: dict[str, str] = {}
    leaves_on_unknown_default = 0
    for path, node in _walk_with_paths(framework.criteria):
        name = f"criterion {node.id!r}"
        if node.id == OVERALL:
            problems.append(
                Problem(
                    f"criterion id {OVERALL!r} is reserved for the whole framework", path + ".id"
                )
            )
        if node.id in first:
            problems.append(
                Problem(
                    f"criterion id {node.id!r} is used twice (first at {first[node.id]}.id)",
                    path + ".id",
                )
            )
        else:
            first[node.id] = path
        gated = (node.aggregation or settings.aggregation) == "gate"
        threshold = node.gate_threshold
        if gated and threshold is not None and not 0.0 < threshold <= 1.0:
            problems.append(
                Problem(
                    f"{name}: gate_threshold must be in (0, 1], got {threshold}",
                    path + ".gate_threshold",
                )
            )
        problems.extend(node_rule_problems(path, node))
        if not node.is_leaf or node.goalposts is not None or node.normalisation is not None:
            continue
        if node.scale is not None:
            if node.scale not in scale_ids:
                problems.append(Problem(f"{name}: unknown scale {node.scale!r}", path + ".scale"))
        elif settings.scale is None:
            problems.append(
                Problem(
                    f"{name} is a leaf with no scale and no goalposts "
                    "(set settings.scale or the leaf's scale)",
                    path + ".scale",
                )
            )
        elif settings.scale not in scale_ids:
            leaves_on_unknown_default += 1
    if leaves_on_unknown_default:
        problems.append(
            Problem(
                f"unknown scale {settings.scale!r} (the default scale of "
                f"{leaves_on_unknown_default} leaves)",
                "settings.scale",
            )
        )
    return set(first)


def _modifier_problems(
    modifiers: Sequence[ModifierRule],
    criterion_ids: set[str],
    factor_ids: set[str],
    problems: list[Problem],
) -> None:
    for index, rule in enumerate(modifiers):
        path = f"modifiers[{index}]"
        name = f"modifier {rule.id!r}"
        for position, criterion_id in enumerate(rule.criteria):
            if criterion_id != "*" and criterion_id not in criterion_ids:
                problems.append(
                    Problem(
                        f"{name}: unknown criterion {criterion_id!r}",
                        f"{path}.criteria[{position}]",
                    )
                )
        if rule.when is not None and rule.when.factor not in factor_ids:
            problems.append(
                Problem(
                    f"{name}: unknown contextual factor {rule.when.factor!r}",
                    f"{path}.when.factor",
                )
            )
        if rule.effect == "scale_weight" and (rule.factor is None or not rule.factor > 0):
            problems.append(
                Problem(f"{name}: scale_weight needs a positive factor", f"{path}.factor")
            )
        if rule.effect == "adjust_target" and rule.target is None:
            problems.append(Problem(f"{name}: adjust_target needs a target", f"{path}.target"))


def _number_problems(framework: Framework, problems: list[Problem]) -> None:
    """Numbers that would overflow when scoring: no score may come out inf or NaN."""
    growth = shrink = 1.0  # how much the scale_weight factors together may scale a weight
    for index, rule in enumerate(framework.modifiers):
        factor = rule.factor
        if factor is not None and math.isinf(factor):  # a NaN one is no positive factor
            problems.append(
                Problem(
                    f"modifier {rule.id!r}: factor must be a finite number, got {factor!r}",
                    f"modifiers[{index}].factor",
                )
            )
        elif factor is not None and rule.effect == "scale_weight" and factor > 0:
            growth *= max(factor, 1.0)
            shrink *= min(factor, 1.0)
    groups = [("criteria", framework.criteria)]
    groups += [(f"{p}.children", n.children) for p, n in _walk_with_paths(framework.criteria)]
    problems.extend(weight_problems(groups, growth, shrink))
    problems.extend(goalpost_problems(_walk_with_paths(framework.criteria)))
