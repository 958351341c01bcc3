"""Frameworks: rating scales, the criteria tree, contextual factors and modifier rules."""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Iterator, Mapping
from typing import Literal

import attrs

from integration_index._model.text import Text

__all__ = [
    "AGGREGATIONS",
    "CompetenceExclusion",
    "Condition",
    "ContextualFactor",
    "Criterion",
    "EVIDENCE_RULES",
    "Framework",
    "Goalposts",
    "Level",
    "ModifierRule",
    "Practice",
    "PracticeCategory",
    "Scale",
    "Settings",
    "Source",
    "TextBlock",
]

#: Aggregation methods every framework can use; plugins may register more.
AGGREGATIONS = ("weighted_mean", "geometric_mean", "minimum", "gate")
#: How several ratings of one leaf combine into one value.
EVIDENCE_RULES = ("median", "mean", "min", "max", "latest")

EvidenceRule = Literal["median", "mean", "min", "max", "latest"]
FactorValue = str | float | bool

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_FRAMEWORK_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: The id of the whole framework in a score card; no criterion may use it.
OVERALL = "overall"


def _check_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _ID.match(value):
        raise ValueError(f"{attribute.name} {value!r} must match {_ID.pattern}")


def _check_framework_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _FRAMEWORK_ID.match(value):
        raise ValueError(f"{attribute.name} {value!r} must be lowercase letters, digits and '-'")


def _check_unit_interval(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0 or math.isnan(value):
        raise ValueError(f"{attribute.name} must be within [0, 1], got {value!r}")


def _check_score_range(
    instance: object, attribute: attrs.Attribute[float | None], value: float | None
) -> None:
    if value is not None and not 0.0 <= value <= 100.0:
        raise ValueError(f"{attribute.name} must be within [0, 100], got {value!r}")


def _check_positive(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not value > 0.0 or math.isinf(value):
        raise ValueError(f"{attribute.name} must be a positive finite number, got {value!r}")


@attrs.frozen
class Level:
    """One level of a rating scale.

    Attributes:
        id: The level's id, used as a rating in profiles (for example "largely").
        value: Its value in [0, 1]; a scale's first level is 0 and its last is 1.
        label: Its name.
        description: What the level means, if the framework says.
    """

    id: str = attrs.field(validator=_check_id)
    value: float = attrs.field(converter=float, validator=_check_unit_interval)
    label: Text
    description: Text | None = None


@attrs.frozen
class Scale:
    """An ordered rating scale, lowest level first.

    Attributes:
        id: The scale's id; frameworks refer to it from their settings and criteria.
        title: Its name.
        levels: The levels, lowest first; values strictly increase from 0 to 1.
        description: What the scale is for and why it was chosen.
        version: The version of a shared scale definition, if it has one.
        source: Where a shared scale comes from.
    """

    id: str = attrs.field(validator=_check_id)
    title: Text
    levels: tuple[Level, ...]
    description: Text | None = None
    version: str | None = None
    source: Source | None = None

    def __attrs_post_init__(self) -> None:
        if len(self.levels) < 2:
            raise ValueError(f"scale {self.id!r} needs at least 2 levels")
        values = [level.value for level in self.levels]
        if values[0] != 0.0 or values[-1] != 1.0:
            raise ValueError(f"scale {self.id!r}: the first level must be 0.0 and the last 1.0")
        if any(b <= a for a, b in itertools.pairwise(values)):
            raise ValueError(f"scale {self.id!r}: level values must strictly increase")
        ids = [level.id for level in self.levels]
        if len(set(ids)) != len(ids):
            raise ValueError(f"scale {self.id!r}: level ids must be unique")

    @functools.cached_property
    def values(self) -> Mapping[str, float]:
        """Level id to value."""
        return {level.id: level.value for level in self.levels}

    def level(self, level_id: str) -> Level:
        """Return the level with this id; raise KeyError if there is none."""
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)

    def nearest(self, value: float) -> Level:
        """Return the level whose value is nearest *value* (the lower one on a tie)."""
        return min(self.levels, key=lambda level: (abs(level.value - value), level.value))

    def rank(self, level_id: str) -> int:
        """Return the position of a level, 0 for the lowest."""
        return [level.id for level in self.levels].index(level_id)


@attrs.frozen
class Goalposts:
    """Normalisation of a measured value to [0, 1] for a quantitative criterion.

    Attributes:
        min: The value scoring 0 when higher is better (100 when lower is better).
        max: The value scoring 100 when higher is better (0 when lower is better).
        direction: "higher" or "lower": which way is better.
        target: Optional: a value at or beyond which the score is 100; it replaces the better
            goalpost.
        unit: The unit of measurement, for display.
    """

    min: float = attrs.field(converter=float)
    max: float = attrs.field(converter=float)
    direction: Literal["higher", "lower"] = "higher"
    target: float | None = None
    unit: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.min < self.max:
            raise ValueError(f"goalposts: min ({self.min}) must be below max ({self.max})")
        if self.direction not in ("higher", "lower"):
            raise ValueError(
                f"goalposts: direction must be 'higher' or 'lower', got {self.direction!r}"
            )
        if self.target is not None and not self.min <= self.target <= self.max:
            raise ValueError("goalposts: target must lie between min and max")

    def normalise(self, measured: float, target: float | None = None) -> float:
        """Map a measured value to [0, 1]; *target* overrides the declared target."""
        target = self.target if target is None else target
        low, high = self.min, self.max
        if self.direction == "higher":
            if target is not None:
                high = target
            if high <= low:
                return 1.0 if measured >= high else 0.0
            share = (measured - low) / (high - low)
        else:
            if target is not None:
                low = target
            if high <= low:
                return 1.0 if measured <= low else 0.0
            share = (high - measured) / (high - low)
        return min(1.0, max(0.0, share))


@attrs.frozen
class Practice:
    """A city example or good practice that the source gives.

    Attributes:
        city: The city.
        text: What the city did.
        country: Its country, if known.
        title: A short name for the practice.
        figures: Figures the text gives (budgets, percentages), verbatim.
        tags: Free tags.
        id: A unique id, for practices in a framework's library.
        category: The practice category (a ``PracticeCategory`` id), for the library.
        criteria: Ids of criteria the practice illustrates.
        source_section: Where in the source it stands.
    """

    city: str
    text: Text
    country: str | None = None
    title: Text | None = None
    figures: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    id: str | None = None
    category: str | None = None
    criteria: tuple[str, ...] = ()
    source_section: str | None = None


@attrs.frozen
class PracticeCategory:
    """A category of practices (for example the GFMD's four kinds of city solutions).

    Attributes:
        id: The category's id.
        title: Its name.
        description: What it covers.
    """

    id: str = attrs.field(validator=_check_id)
    title: Text
    description: Text | None = None


@attrs.frozen
class Criterion:
    """A node of the criteria tree: a group, a criterion or an indicator, at any depth.

    A node with children is scored by aggregating them; a leaf is rated by profiles, on a scale or,
    when it has goalposts, by a measured value.

    Attributes:
        id: Unique within the framework.
        title: Its name (for a guiding question, the question itself).
        kind: A free label: "group", "key-factor", "guiding-question", "action"...
        statement: The sentence a city verifies, if any.
        rationale: Why it matters, if the source says.
        weight: Its weight among its siblings (positive; equal by default).
        aggregation: How its children combine; None means the framework's default.
        gate_threshold: For the "gate" aggregation, the value a child must reach to be met.
        evidence_rule: How several ratings of this leaf combine; None means the framework's default.
        scale: The scale a leaf is rated on; None means the framework's default.
        goalposts: For a quantitative leaf, how a measured value maps to [0, 1].
        target: The target score on 0-100 for development plans; None means the framework's.
        tags: Free tags (for example the Charter's city roles, or the actors an action addresses).
        notes: Further text.
        examples: City examples the source gives.
        children: The child nodes, in order.
    """

    id: str = attrs.field(validator=_check_id)
    title: Text
    kind: str = "criterion"
    statement: Text | None = None
    rationale: Text | None = None
    weight: float = attrs.field(default=1.0, converter=float, validator=_check_positive)
    aggregation: str | None = None
    gate_threshold: float | None = None
    evidence_rule: EvidenceRule | None = None
    scale: str | None = None
    goalposts: Goalposts | None = None
    target: float | None = attrs.field(default=None, validator=_check_score_range)
    tags: tuple[str, ...] = ()
    notes: Text | None = None
    examples: tuple[Practice, ...] = ()
    children: tuple[Criterion, ...] = ()

    @property
    def is_leaf(self) -> bool:
        """True when the node has no children and so is rated directly."""
        return not self.children

    def walk(self) -> Iterator[Criterion]:
        """Yield this node and its descendants, depth first, in order."""
        yield self
        for child in self.children:
            yield from child.walk()


@attrs.frozen
class ContextualFactor:
    """A factor outside the city's control that a profile records beside its score.

    Attributes:
        id: The factor's id, the key of its value in a profile's context table.
        title: Its name.
        description: Its implications, as the source explains them.
        kind: "text", "choice", "number" or "boolean": what value a profile gives.
        choices: The allowed values when kind is "choice".
    """

    id: str = attrs.field(validator=_check_id)
    title: Text
    description: Text | None = None
    kind: Literal["text", "choice", "number", "boolean"] = "text"
    choices: tuple[str, ...] = ()

    def accepts(self, value: FactorValue) -> bool:
        """Whether *value* is a valid value of this factor."""
        if self.kind == "text":
            return isinstance(value, str)
        if self.kind == "choice":
            return isinstance(value, str) and value in self.choices
        if self.kind == "number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        return isinstance(value, bool)

    def expected(self) -> str:
        """Describe the values this factor accepts, for error messages."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(choice) for choice in self.choices)
        return {"text": "a string", "number": "a number", "boolean": "true or false"}[self.kind]


@attrs.frozen
class Condition:
    """When a modifier rule applies: a test on one contextual factor's value.

    Attributes:
        factor: The contextual factor tested.
        equals: Applies when the value equals this.
        in_: Applies when the value is one of these (``in`` in TOML).
        below: Applies when the (numeric) value is below this.
        above: Applies when the (numeric) value is above this.
        present: Applies when the profile gives the factor a value at all.
    """

    factor: str
    equals: FactorValue | None = None
    in_: tuple[str, ...] = ()
    below: float | None = None
    above: float | None = None
    present: bool | None = None

    def holds(self, context: Mapping[str, FactorValue]) -> bool:
        """Whether the condition holds for a profile's context values."""
        if self.factor not in context:
            return self.present is False
        value = context[self.factor]
        if self.present is not None:
            return self.present
        if self.equals is not None:
            return bool(value == self.equals)
        if self.in_:
            return value in self.in_
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if self.below is not None and not value < self.below:
            return False
        return not (self.above is not None and not value > self.above)


@attrs.frozen
class ModifierRule:
    """A rule that turns contextual factor values into effects on named criteria.

    Modifiers never change a rating: they change which criteria count, their weights, or targets.

    Attributes:
        id: The rule's id.
        effect: "not_applicable" (left out, sibling weights renormalised), "scale_weight"
            (weight multiplied by ``factor``) or "adjust_target" (target set to ``target``).
        criteria: The criteria it affects; "*" stands for every top-level criterion.
        reason: Why, shown on the score card.
        when: The condition; None means the rule always applies.
        factor: The weight multiplier, for "scale_weight".
        target: The new target, for "adjust_target" (0-100, or a measured value for a
            quantitative leaf).
    """

    id: str = attrs.field(validator=_check_id)
    effect: Literal["not_applicable", "scale_weight", "adjust_target"]
    criteria: tuple[str, ...]
    reason: Text
    when: Condition | None = None
    factor: float | None = None
    target: float | None = None


@attrs.frozen
class CompetenceExclusion:
    """Criteria that a profile may declare outside the city's competence.

    Attributes:
        criteria: The criteria concerned.
        reason: Why they may fall outside the city's competence.
        factor: The contextual factor that explains it.
    """

    criteria: tuple[str, ...]
    reason: Text
    factor: str | None = None


@attrs.frozen
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
    min_coverage: float = attrs.field(default=0.0, converter=float, validator=_check_unit_interval)
    target: float | None = attrs.field(default=None, validator=_check_score_range)
    in_place_threshold: float | None = attrs.field(default=None, validator=_check_score_range)


@attrs.frozen
class Source:
    """The document a framework encodes.

    Attributes:
        citation: The full citation.
        publisher: Who published it.
        year: When.
        language: The language of the document the encoding was made from.
        url: Where it can be found.
    """

    citation: str
    publisher: str | None = None
    year: int | None = None
    language: str | None = None
    url: str | None = None


@attrs.frozen
class TextBlock:
    """A text of the source that is not rated (standard statement, guiding questions...).

    Attributes:
        id: Its id.
        title: Its heading.
        text: The text.
    """

    id: str = attrs.field(validator=_check_id)
    title: Text
    text: Text


@attrs.frozen
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
        _check_framework(self)

    @functools.cached_property
    def root(self) -> Criterion:
        """A synthetic node whose children are the top-level criteria (the whole framework)."""
        return Criterion(id=OVERALL, title=self.title, kind="framework", children=self.criteria)

    @functools.cached_property
    def nodes(self) -> Mapping[str, Criterion]:
        """Every node of the criteria tree by id, in depth-first order."""
        return {node.id: node for top in self.criteria for node in top.walk()}

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
        return parents

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
        return levels

    @functools.cached_property
    def scales_by_id(self) -> Mapping[str, Scale]:
        """The framework's scales by id."""
        return {scale.id: scale for scale in self.scales}

    @functools.cached_property
    def factors_by_id(self) -> Mapping[str, ContextualFactor]:
        """The contextual factors by id."""
        return {factor.id: factor for factor in self.contextual_factors}

    def node(self, criterion_id: str) -> Criterion:
        """Return the node with this id; raise KeyError if there is none."""
        return self.nodes[criterion_id]

    def scale_of(self, leaf: Criterion) -> Scale | None:
        """The scale a leaf is rated on (None for a quantitative leaf)."""
        if leaf.goalposts is not None:
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


def _check_framework(framework: Framework) -> None:
    """Check the cross-references of a framework; raise ValueError naming the first problem."""
    if not framework.criteria:
        raise ValueError("a framework needs at least one criterion")
    seen: set[str] = set()
    scale_ids = {scale.id for scale in framework.scales}
    if len(scale_ids) != len(framework.scales):
        raise ValueError("scale ids must be unique")
    for top in framework.criteria:
        for node in top.walk():
            if node.id == OVERALL:
                raise ValueError(f"criterion id {OVERALL!r} is reserved for the whole framework")
            if node.id in seen:
                raise ValueError(f"criterion id {node.id!r} is used twice")
            seen.add(node.id)
            if node.aggregation == "gate" or (
                node.aggregation is None and framework.settings.aggregation == "gate"
            ):
                threshold = node.gate_threshold
                if threshold is not None and not 0.0 < threshold <= 1.0:
                    raise ValueError(f"criterion {node.id!r}: gate_threshold must be in (0, 1]")
            if node.is_leaf and node.goalposts is None:
                scale_id = node.scale or framework.settings.scale
                if scale_id is None:
                    raise ValueError(
                        f"criterion {node.id!r} is a leaf with no scale and no goalposts "
                        "(set settings.scale or the leaf's scale)"
                    )
                if scale_id not in scale_ids:
                    raise ValueError(f"criterion {node.id!r}: unknown scale {scale_id!r}")
    factor_ids = {factor.id for factor in framework.contextual_factors}
    if len(factor_ids) != len(framework.contextual_factors):
        raise ValueError("contextual factor ids must be unique")
    for rule in framework.modifiers:
        for criterion_id in rule.criteria:
            if criterion_id != "*" and criterion_id not in seen:
                raise ValueError(f"modifier {rule.id!r}: unknown criterion {criterion_id!r}")
        if rule.when is not None and rule.when.factor not in factor_ids:
            raise ValueError(
                f"modifier {rule.id!r}: unknown contextual factor {rule.when.factor!r}"
            )
        if rule.effect == "scale_weight" and (rule.factor is None or not rule.factor > 0):
            raise ValueError(f"modifier {rule.id!r}: scale_weight needs a positive factor")
        if rule.effect == "adjust_target" and rule.target is None:
            raise ValueError(f"modifier {rule.id!r}: adjust_target needs a target")
    for exclusion in framework.competence_exclusions:
        for criterion_id in exclusion.criteria:
            if criterion_id not in seen:
                raise ValueError(f"competence exclusion: unknown criterion {criterion_id!r}")
        if exclusion.factor is not None and exclusion.factor not in factor_ids:
            raise ValueError(
                f"competence exclusion: unknown contextual factor {exclusion.factor!r}"
            )
    categories = {category.id for category in framework.practice_categories}
    for practice in framework.practices:
        if practice.category is not None and practice.category not in categories:
            raise ValueError(f"practice {practice.id!r}: unknown category {practice.category!r}")
