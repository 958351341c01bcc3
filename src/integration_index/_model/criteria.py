"""The criteria tree: groups, criteria and indicators, with the practices that illustrate them."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal

import attrs

from integration_index._model.cohort import MissingRule, Normalisation
from integration_index._model.scale import Goalposts
from integration_index._model.text import Text
from integration_index._model.validators import (
    check_id,
    check_non_negative,
    check_score_range,
    to_float,
    value_class,
)
from integration_index.exceptions import Problem

__all__ = [
    "EVIDENCE_RULES",
    "goalpost_problems",
    "node_rule_problems",
    "weight_problems",
    "Criterion",
    "EvidenceRule",
    "Horizon",
    "HorizonBasis",
    "HorizonKind",
    "Practice",
    "PracticeCategory",
]

#: How several ratings of one leaf combine into one value.
EVIDENCE_RULES = ("median", "mean", "min", "max", "latest")

EvidenceRule = Literal["median", "mean", "min", "max", "latest"]


@value_class(kw_only=True)
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


@value_class(kw_only=True)
class PracticeCategory:
    """A category of practices (for example the GFMD's four kinds of city solutions).

    Attributes:
        id: The category's id.
        title: Its name.
        description: What it covers.
    """

    id: str = attrs.field(validator=check_id)
    title: Text
    description: Text | None = None


HorizonKind = Literal["quick-win", "long-haul"]
HorizonBasis = Literal["source", "encoding"]


@value_class(kw_only=True)
class Horizon:
    """The usual horizon of the action a rated criterion calls for, in development plans.

    Attributes:
        kind: "quick-win" (results in the short term) or "long-haul" (longer-term work).
        reason: Why, in one line.
        basis: "source" when the framework's source document says so, "encoding" when it is the
            judgement of whoever encoded the framework.
    """

    kind: HorizonKind
    reason: Text
    basis: HorizonBasis = "encoding"


@value_class(kw_only=True)
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
        weight: Its weight among its siblings (equal by default); 0 switches the node off: it is
            still scored and shown, but counts for nothing in its parent.
        aggregation: How its children combine; None means the framework's default.
        gate_threshold: For the "gate" aggregation, the value a child must reach to be met.
        evidence_rule: How several ratings of this leaf combine; None means the framework's default.
        scale: The scale a leaf is rated on; None means the framework's default.
        goalposts: For a quantitative leaf, how a measured value maps to [0, 1].
        normalisation: For a quantitative leaf, a rule that maps a measured value to [0, 1]
            against the cohort scored, instead of fixed goalposts.
        missing: What an unassessed leaf at or under this node counts as: "skip" (left out, its
            siblings' weights renormalised), "zero", or "mean" (the cohort mean); the nearest
            declaration up the tree wins; None everywhere means "skip".
        target: The target score on 0-100 for development plans; None means the framework's.
        horizon: For a rated criterion, the usual horizon of the action it calls for (plans).
        tags: Free tags (for example the Charter's city roles, or the actors an action addresses).
        notes: Further text.
        examples: City examples the source gives.
        children: The child nodes, in order.
    """

    id: str = attrs.field(validator=check_id)
    title: Text
    kind: str = "criterion"
    statement: Text | None = None
    rationale: Text | None = None
    weight: float = attrs.field(default=1.0, converter=to_float, validator=check_non_negative)
    aggregation: str | None = None
    gate_threshold: float | None = None
    evidence_rule: EvidenceRule | None = None
    scale: str | None = None
    goalposts: Goalposts | None = None
    normalisation: Normalisation | None = None
    missing: MissingRule | None = None
    target: float | None = attrs.field(default=None, validator=check_score_range)
    horizon: Horizon | None = None
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


def weight_problems(
    groups: Iterable[tuple[str, Sequence[Criterion]]], growth: float = 1.0, shrink: float = 1.0
) -> list[Problem]:
    """Sibling groups (with the key paths of their arrays) whose weights overflow a float when
    added up, or once scaled by modifiers that multiply a weight by up to *growth* (or down to
    *shrink*)."""
    problems: list[Problem] = []
    for path, siblings in groups:
        weights = [node.weight for node in siblings]
        if not weights:
            continue
        try:
            total = math.fsum(weights)
        except OverflowError:  # fsum raises where sum would give inf
            total = math.inf
        if not math.isfinite(total):
            shown = ", ".join(f"{w:g}" for w in weights[:5]) + (", ..." if len(weights) > 5 else "")
            message = f"the weights of these siblings add up beyond the largest float ({shown})"
        elif not math.isfinite(total * growth):
            message = (
                "the weights of these siblings, multiplied by the modifiers' scale_weight "
                "factors, could exceed the largest float"
            )
        elif shrink < 1.0 and min([w for w in weights if w > 0.0] or [1.0]) * shrink < 1e-300:
            # A weight of 0 (switched off) stays 0 whatever scales it: only positive ones count.
            message = (
                "the weights of these siblings, scaled down by the modifiers' scale_weight "
                "factors, could reach zero"
            )
        else:
            continue
        problems.append(Problem(message, path))
    return problems


def goalpost_problems(nodes: Iterable[tuple[str, Criterion]]) -> list[Problem]:
    """Goalposts (of nodes with their key paths) that are not finite, or span beyond a float."""
    problems: list[Problem] = []
    for path, node in nodes:
        posts = node.goalposts
        if posts is None:
            continue
        for name in ("min", "max", "target"):
            value = getattr(posts, name)
            if value is not None and not math.isfinite(value):
                problems.append(
                    Problem(
                        f"criterion {node.id!r}: goalposts {name} must be a finite number, "
                        f"got {value!r}",
                        f"{path}.goalposts.{name}",
                    )
                )
        finite = math.isfinite(posts.min) and math.isfinite(posts.max)
        if finite and not math.isfinite(posts.max - posts.min):
            problems.append(
                Problem(
                    f"criterion {node.id!r}: goalposts span beyond the largest float "
                    f"(max - min = {posts.max:g} - {posts.min:g})",
                    f"{path}.goalposts",
                )
            )
    return problems


def node_rule_problems(path: str, node: Criterion) -> list[Problem]:
    """A node whose children all weigh 0, or a normalisation rule where it cannot apply."""
    name = f"criterion {node.id!r}"
    problems: list[Problem] = []
    if node.children and all(child.weight == 0.0 for child in node.children):
        problems.append(
            Problem(
                f"{name}: every child has weight 0; at least one must count",
                path + ".children[0].weight",
            )
        )
    if node.normalisation is None:
        return problems
    if not node.is_leaf:
        problems.append(
            Problem(
                f"{name}: only a rated leaf can declare a normalisation", path + ".normalisation"
            )
        )
    elif node.goalposts is not None:
        problems.append(
            Problem(
                f"{name}: declare goalposts or a normalisation, not both", path + ".normalisation"
            )
        )
    return problems
