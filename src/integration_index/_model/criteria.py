"""The criteria tree: groups, criteria and indicators, with the practices that illustrate them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import attrs

from integration_index._model.scale import Goalposts
from integration_index._model.text import Text
from integration_index._model.validators import (
    check_id,
    check_positive,
    check_score_range,
    value_class,
)

__all__ = [
    "EVIDENCE_RULES",
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
        weight: Its weight among its siblings (positive; equal by default).
        aggregation: How its children combine; None means the framework's default.
        gate_threshold: For the "gate" aggregation, the value a child must reach to be met.
        evidence_rule: How several ratings of this leaf combine; None means the framework's default.
        scale: The scale a leaf is rated on; None means the framework's default.
        goalposts: For a quantitative leaf, how a measured value maps to [0, 1].
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
    weight: float = attrs.field(default=1.0, converter=float, validator=check_positive)
    aggregation: str | None = None
    gate_threshold: float | None = None
    evidence_rule: EvidenceRule | None = None
    scale: str | None = None
    goalposts: Goalposts | None = None
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
