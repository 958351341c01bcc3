"""City profiles: the city, the assessment, contextual values, exclusions and evidence."""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from typing import Literal

import attrs

from integration_index._model.frozen import FrozenDict, freeze, freeze_nested, items_of
from integration_index._model.validators import value_class

__all__ = [
    "ASSESSMENT_MODES",
    "Assessment",
    "City",
    "CityProfile",
    "EFFORTS",
    "Evidence",
    "Exclusion",
    "SOURCE_KINDS",
]

#: How an assessment was made.
ASSESSMENT_MODES = ("self-assessment", "peer-review", "external")
#: What a piece of evidence rests on.
SOURCE_KINDS: tuple[SourceKind, ...] = (
    "document",
    "interview",
    "focus-group",
    "statistics",
    "observation",
    "self-assessment",
)
#: How much work closing a gap is expected to take (development plans).
EFFORTS = ("low", "medium", "high")

AssessmentMode = Literal["self-assessment", "peer-review", "external"]
SourceKind = Literal[
    "document", "interview", "focus-group", "statistics", "observation", "self-assessment"
]
Effort = Literal["low", "medium", "high"]
MetadataValue = str | int | float | bool | datetime.date
ContextValue = str | float | bool

_CITY_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _check_city_name(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    # A name of spaces alone names nothing, and reads back from a workbook as an empty cell.
    if isinstance(value, str) and not value.strip():
        raise ValueError(f"{attribute.name} must not be blank")


def _check_city_id(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _CITY_ID.match(value):
        raise ValueError(f"{attribute.name} {value!r} must be lowercase letters, digits and '-'")


def _checked_rating(value: str | float) -> str | float:
    """A level id, or a measured value as a float (a Python int is one too; a bool is not)."""
    # One converter, no validator: profiles hold dozens of ratings, each passes through here.
    if type(value) is str and value:  # the common case first
        return value
    if isinstance(value, str):
        if value:
            return value
        raise ValueError("rating must not be empty")
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        raise ValueError(f"rating must be a level id or a finite number, got {value!r}")
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"rating must be a level id (a string) or a number, got {value!r}")


# The value types metadata and context allow (a bool is an int): immutable ones, so that a profile
# stays hashable.
_METADATA_TYPES = (str, int, float, datetime.date)
_CONTEXT_TYPES = (str, int, float)


def _check_mapping(name: str, value: object) -> None:
    kind = type(value)
    if kind is FrozenDict or kind is dict:  # what a profile holds: no ABC check
        return
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping, got {type(value).__name__} {value!r:.80}")


def _freeze_metadata(value: Mapping[str, MetadataValue]) -> FrozenDict[str, MetadataValue]:
    _check_mapping("metadata", value)
    for key, item in items_of(value):
        if not isinstance(item, _METADATA_TYPES):
            raise ValueError(
                f"metadata {key!r} must be a string, a number, a boolean or a date, "
                f"got {type(item).__name__} {item!r:.80}"
            )
    return freeze(value)


def _freeze_context(
    value: Mapping[str, Mapping[str, ContextValue]],
) -> FrozenDict[str, FrozenDict[str, ContextValue]]:
    _check_mapping("context", value)
    for framework_id, values in items_of(value):
        _check_mapping(f"context {framework_id!r}", values)
        for key, item in items_of(values):
            if not isinstance(item, _CONTEXT_TYPES):
                raise ValueError(
                    f"context {framework_id!r} value {key!r} must be a string, a number or a "
                    f"boolean, got {type(item).__name__} {item!r:.80}"
                )
    return freeze_nested(value)


@value_class(kw_only=True)
class City:
    """The city a profile assesses.

    Attributes:
        id: Lowercase id (letters, digits, '-'), stable across assessments of the same city.
        name: Its name.
        country: Its country.
        population: Its population, if known (peer groups use it).
        region: Its region, if useful.
        metadata: Free key/values (a plain dict is accepted and frozen).
    """

    id: str = attrs.field(validator=_check_city_id)
    name: str = attrs.field(validator=_check_city_name)
    country: str | None = None
    population: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.ge(0))
    )
    region: str | None = None
    metadata: FrozenDict[str, MetadataValue] = attrs.field(
        factory=FrozenDict, converter=_freeze_metadata
    )


@value_class(kw_only=True)
class Assessment:
    """How, when and by whom a profile was assessed.

    Attributes:
        frameworks: The framework ids the profile carries evidence for.
        date: When the assessment was made.
        mode: "self-assessment", "peer-review" or "external".
        assessors: Who assessed (for a peer review, the reviewers).
        title: A title for the assessment.
        notes: Free notes.
    """

    frameworks: tuple[str, ...] = attrs.field(validator=attrs.validators.min_len(1))
    date: datetime.date
    mode: AssessmentMode = "self-assessment"
    assessors: tuple[str, ...] = ()
    title: str | None = None
    notes: str | None = None


@value_class(kw_only=True)
class Evidence:
    """One rating of one criterion, with its provenance.

    Attributes:
        criterion: The id of the leaf it rates.
        rating: A level id of the leaf's scale, or a measured value for a quantitative leaf (an
            int is taken as a float; a bool is refused).
        source: What it rests on: "document", "interview", "focus-group", "statistics",
            "observation" or "self-assessment".
        framework: The framework id; may be left out when the assessment names one framework.
        reference: The document, interview or data set it comes from.
        date: When it was gathered.
        assessor: Who gave the rating.
        note: Free note (findings, comments).
        effort: Expected effort to improve: "low", "medium" or "high" (development plans).
    """

    criterion: str
    rating: str | float = attrs.field(converter=_checked_rating)
    source: SourceKind
    framework: str | None = None
    reference: str | None = None
    date: datetime.date | None = None
    assessor: str | None = None
    note: str | None = None
    effort: Effort | None = None


@value_class(kw_only=True)
class Exclusion:
    """A profile's declaration that a criterion lies outside the city's competence.

    Attributes:
        criterion: The criterion concerned.
        reason: Why.
        framework: The framework id; may be left out when the assessment names one framework.
        factor: The contextual factor that explains it.
    """

    criterion: str
    reason: str
    framework: str | None = None
    factor: str | None = None


@value_class(kw_only=True)
class CityProfile:
    """One assessment of one city: what a profile TOML file holds.

    Attributes:
        city: The city.
        assessment: When, how and by whom it was assessed, and against which frameworks.
        evidence: The ratings, with their provenance, in file order.
        context: Contextual factor values, per framework id (plain dicts are accepted and frozen).
        exclusions: Criteria declared outside the city's competence.
        illustrative: True for an invented example, not a real assessment.
    """

    city: City
    assessment: Assessment
    evidence: tuple[Evidence, ...] = ()
    context: FrozenDict[str, FrozenDict[str, ContextValue]] = attrs.field(
        factory=FrozenDict, converter=_freeze_context
    )
    exclusions: tuple[Exclusion, ...] = ()
    illustrative: bool = False

    def framework_of(self, item: Evidence | Exclusion) -> str | None:
        """The framework an evidence item or exclusion belongs to, or None if ambiguous."""
        if item.framework is not None:
            return item.framework
        if len(self.assessment.frameworks) == 1:
            return self.assessment.frameworks[0]
        return None

    def evidence_for(self, framework_id: str) -> tuple[Evidence, ...]:
        """The evidence items that belong to one framework."""
        return tuple(item for item in self.evidence if self.framework_of(item) == framework_id)
