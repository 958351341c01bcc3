"""Peer reviews: every rating logged, consensus per question, disagreements, agreement (alpha:
ordinal over rated questions, interval over measured indicators), and the ratings that changed
from the city's self-assessment. :mod:`review_files` merges one file per reviewer into one review.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Sequence

import attrs

from integration_index._analysis.agreement import (
    REASON_TOO_LITTLE_DATA,
    Agreement,
    interval_agreement,
    ordinal_agreement,
)
from integration_index._model.criteria import Criterion
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import NodeResult, ScoreCard

__all__ = [
    "FactorReview",
    "LoggedRating",
    "PeerReview",
    "QuestionReview",
    "SelfAssessmentChange",
    "review",
]

# Value differences smaller than this are rounding, not a change.
_TOLERANCE = 1e-9


def _no_agreement() -> Agreement:
    return Agreement(alpha=None, units=0, pairable_values=0, reason=REASON_TOO_LITTLE_DATA)


@attrs.frozen(kw_only=True)
class LoggedRating:
    """One item of the evidence log.

    Attributes:
        assessor: Who gave it ("" when the item names nobody).
        rating: The level id (or measured value, as text).
        source: Its source kind.
        reference: Its reference.
        date: When it was gathered.
        note: The assessor's note.
    """

    assessor: str
    rating: str
    source: str
    reference: str | None
    date: datetime.date | None
    note: str | None


@attrs.frozen(kw_only=True)
class QuestionReview:
    """The review of one rated criterion.

    Attributes:
        criterion: Its id.
        title: Its text, in English.
        log: Every rating, in profile order.
        consensus: The consensus level (the framework's evidence rule, then the nearest level).
        consensus_value: The consensus on 0-100.
        spread_levels: Highest minus lowest level rank among the reviewers' ratings.
        disagreement: True when reviewers are more than one level apart.
    """

    criterion: str
    title: str
    log: tuple[LoggedRating, ...]
    consensus: str | None
    consensus_value: float | None
    spread_levels: int
    disagreement: bool


@attrs.frozen(kw_only=True)
class FactorReview:
    """The review of one top-level criterion.

    Attributes:
        criterion: Its id.
        title: Its title, in English.
        score: Its adjusted score.
        in_place: Whether the score reaches the framework's in-place threshold (None if the
            framework sets none or there is no score).
        questions: The review of each rated criterion beneath it.
        agreement: Inter-rater agreement (Krippendorff's ordinal alpha) over its questions
            rated on a scale.
        findings: The reviewers' notes, as "assessor (criterion): note".
        recommendations: What to do next, derived from the consensus and the disagreements.
        measured_agreement: Krippendorff's interval alpha over its measured indicators (see
            [`PeerReview.measured_agreement`][integration_index.analysis.PeerReview]).
    """

    criterion: str
    title: str
    score: float | None
    in_place: bool | None
    questions: tuple[QuestionReview, ...]
    agreement: Agreement
    findings: tuple[str, ...]
    recommendations: tuple[str, ...]
    measured_agreement: Agreement = attrs.field(factory=_no_agreement)


@attrs.frozen(kw_only=True)
class SelfAssessmentChange:
    """A rated criterion on which the reviewers' consensus differs from the self-assessment.

    Attributes:
        criterion: Its id.
        title: Its text, in English.
        self_assessed: The city's own rating: a level id, or for a measured indicator its
            value on 0-100 (as "40/100").
        consensus: The reviewers' consensus, the same way.
        change: Consensus minus self-assessment, on 0-100.
    """

    criterion: str
    title: str
    self_assessed: str
    consensus: str
    change: float


@attrs.frozen(kw_only=True)
class PeerReview:
    """A peer review of one profile.

    Attributes:
        framework_id: The framework.
        city_id: The city.
        city_name: Its name.
        assessment_date: The review's date.
        reviewers: Everyone who gave a rating, sorted.
        score: The overall adjusted score.
        factors: The review of each top-level criterion, in framework order.
        agreement: Inter-rater agreement (Krippendorff's ordinal alpha on the level ranks) over
            every question rated on a scale.
        disagreements: Ids of questions where reviewers are more than one level apart.
        measured_agreement: Krippendorff's interval alpha over the measured indicators, each
            reviewer's value normalised to 0-100 by the indicator's declared goalposts (so that
            indicators in different units pool; values beyond a goalpost count as at it).
        sources: The reviewers' files (or labels), when the review was merged from them.
        warnings: What the merge noticed, each naming the file and the line (for example a
            rating that names no assessor, kept out of agreement).
        self_assessment_source: The city's self-assessment file (or label), if one was given.
        self_assessment_date: Its date.
        self_assessment_changes: The rated criteria whose consensus differs from the
            self-assessment (levels differ, or for a measured indicator values), in framework
            order; only criteria both rated.
    """

    framework_id: str
    city_id: str
    city_name: str
    assessment_date: datetime.date
    reviewers: tuple[str, ...]
    score: float | None
    factors: tuple[FactorReview, ...]
    agreement: Agreement
    disagreements: tuple[str, ...]
    measured_agreement: Agreement = attrs.field(factory=_no_agreement)
    sources: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    self_assessment_source: str | None = None
    self_assessment_date: datetime.date | None = None
    self_assessment_changes: tuple[SelfAssessmentChange, ...] = ()


def review(
    profile: CityProfile,
    framework: Framework,
    card: ScoreCard,
    *,
    self_card: ScoreCard | None = None,
    self_source: str | None = None,
    sources: Sequence[str] = (),
    warnings: Sequence[str] = (),
) -> PeerReview:
    """Build the peer review of *profile* (already scored as *card*) against *framework*.

    *self_card* is the city's self-assessment scored against the same framework: the review then
    lists the ratings the reviewers' consensus changed. *sources* and *warnings* come from
    merging the reviewers' files (:func:`integration_index._analysis.review_files.merge`);
    *self_source* names the self-assessment's file.

    Raises:
        ValueError: *self_card* is of another city or framework.
    """
    if self_card is not None and (self_card.framework_id, self_card.city_id) != (
        card.framework_id,
        card.city_id,
    ):
        raise ValueError("the self-assessment's card must be of the review's city and framework")
    log = _EvidenceLog.of(profile, framework)
    max_levels = max((len(s.levels) for s in framework.scales), default=2)
    ranked: list[list[float | None]] = []
    measured: list[list[float | None]] = []
    factors = []
    for top in framework.criteria:
        factor, units, values = _review_factor(top, framework, card, log, max_levels)
        ranked.extend(units)
        measured.extend(values)
        factors.append(factor)
    return PeerReview(
        framework_id=framework.id,
        city_id=card.city_id,
        city_name=card.city_name,
        assessment_date=card.assessment_date,
        reviewers=log.reviewers,
        score=card.score,
        factors=tuple(factors),
        agreement=ordinal_agreement(ranked, list(range(max_levels))),
        # A disagreement needs two reviewers' ratings, so every one has its question.
        disagreements=tuple(q.criterion for f in factors for q in f.questions if q.disagreement),
        measured_agreement=interval_agreement(measured),
        sources=tuple(sources),
        warnings=tuple(warnings),
        self_assessment_source=self_source if self_card is not None else None,
        self_assessment_date=self_card.assessment_date if self_card is not None else None,
        self_assessment_changes=_self_changes(framework, card, self_card) if self_card else (),
    )


@attrs.frozen(kw_only=True)
class _EvidenceLog:
    """A profile's evidence on one framework, gathered per rated criterion.

    Attributes:
        ratings: Every item logged, by criterion, in profile order.
        ranks: The level ranks each named assessor gave, by criterion then assessor.
        measures: The measured values (normalised to 0-100 by the goalposts) each named
            assessor gave, by criterion then assessor.
    """

    ratings: dict[str, list[LoggedRating]]
    ranks: dict[str, dict[str, list[int]]]
    measures: dict[str, dict[str, list[float]]]

    @classmethod
    def of(cls, profile: CityProfile, framework: Framework) -> _EvidenceLog:
        """Gather *profile*'s evidence on *framework*."""
        log = cls(ratings={}, ranks={}, measures={})
        for item in profile.evidence_for(framework.id):
            rating = item.rating if isinstance(item.rating, str) else f"{item.rating:g}"
            log.ratings.setdefault(item.criterion, []).append(
                LoggedRating(
                    assessor=item.assessor or "",
                    rating=rating,
                    source=item.source,
                    reference=item.reference,
                    date=item.date,
                    note=item.note,
                )
            )
            if not item.assessor:
                continue  # no rater to pair it with: out of agreement
            leaf = framework.node(item.criterion)
            scale = framework.scale_of(leaf)
            if scale is not None and isinstance(item.rating, str):
                per_rater = log.ranks.setdefault(item.criterion, {})
                per_rater.setdefault(item.assessor, []).append(scale.rank(item.rating))
            elif leaf.goalposts is not None and isinstance(item.rating, float):
                per_rater_values = log.measures.setdefault(item.criterion, {})
                value = leaf.goalposts.normalise(item.rating) * 100.0
                per_rater_values.setdefault(item.assessor, []).append(value)
        return log

    @property
    def reviewers(self) -> tuple[str, ...]:
        """Everyone who gave a rating, sorted."""
        return tuple(sorted({r.assessor for rs in self.ratings.values() for r in rs if r.assessor}))

    def rater_units(self, criterion: str) -> list[float]:
        """One level rank per reviewer of *criterion*, by reviewer: a reviewer who rated it
        twice counts once, at the median (rounded down)."""
        per_rater = self.ranks.get(criterion, {})
        return [
            float(int(statistics.median_low(values))) for _, values in sorted(per_rater.items())
        ]

    def measured_units(self, criterion: str) -> list[float]:
        """One value per reviewer of the measured *criterion*, by reviewer (the median of a
        reviewer's values when they gave several)."""
        per_rater = self.measures.get(criterion, {})
        return [float(statistics.median(values)) for _, values in sorted(per_rater.items())]


def _review_factor(
    top: Criterion, framework: Framework, card: ScoreCard, log: _EvidenceLog, max_levels: int
) -> tuple[FactorReview, list[list[float | None]], list[list[float | None]]]:
    """The review of the top-level criterion *top*, and its questions' reviewer units: level
    ranks for questions on a scale, values for measured indicators."""
    questions = []
    units: list[list[float | None]] = []
    measured: list[list[float | None]] = []
    findings = []
    recommendations = []
    for leaf in (node for node in top.walk() if node.is_leaf):
        entries = tuple(log.ratings.get(leaf.id, ()))
        result = card.node(leaf.id)
        unit = log.rater_units(leaf.id)
        spread = int(max(unit) - min(unit)) if unit else 0
        if entries:
            questions.append(_question(leaf, entries, result, spread))
        if len(unit) >= 2:
            units.append(list(unit))
        values = log.measured_units(leaf.id)
        if len(values) >= 2:
            measured.append(list(values))
        if spread > 1:
            recommendations.append(_resolve_advice(leaf.id, entries))
        findings += [f"{e.assessor or 'unnamed'} ({leaf.id}): {e.note}" for e in entries if e.note]
        advice = _target_advice(leaf, result)
        if advice is not None:
            recommendations.append(advice)
    threshold = framework.settings.in_place_threshold
    score = card.node(top.id).adjusted.score
    factor = FactorReview(
        criterion=top.id,
        title=top.title.en,
        score=score,
        in_place=None if threshold is None or score is None else score >= threshold,
        questions=tuple(questions),
        agreement=ordinal_agreement(units, list(range(max_levels))),
        findings=tuple(findings),
        recommendations=tuple(recommendations),
        measured_agreement=interval_agreement(measured),
    )
    return factor, units, measured


def _shown(result: NodeResult) -> str:
    """A rated criterion's result as a level id, or as a value on 0-100."""
    if result.level is not None:
        return result.level
    return f"{(result.value or 0.0) * 100.0:.0f}/100"


def _self_changes(
    framework: Framework, card: ScoreCard, self_card: ScoreCard
) -> tuple[SelfAssessmentChange, ...]:
    """The rated criteria whose consensus on *card* differs from the self-assessment's rating
    on *self_card*: another level, or for a measured indicator another value."""
    changes = []
    for leaf in framework.leaves:
        mine, theirs = self_card.node(leaf.id), card.node(leaf.id)
        if mine.value is None or theirs.value is None:
            continue
        if mine.level is not None and theirs.level is not None:
            if mine.level == theirs.level:
                continue
        elif abs(theirs.value - mine.value) <= _TOLERANCE:
            continue
        changes.append(
            SelfAssessmentChange(
                criterion=leaf.id,
                title=leaf.title.en,
                self_assessed=_shown(mine),
                consensus=_shown(theirs),
                change=(theirs.value - mine.value) * 100.0,
            )
        )
    return tuple(changes)


def _question(
    leaf: Criterion, entries: tuple[LoggedRating, ...], result: NodeResult, spread: int
) -> QuestionReview:
    """The review of the rated criterion *leaf*, logged as *entries* and scored as *result*."""
    return QuestionReview(
        criterion=leaf.id,
        title=leaf.title.en,
        log=entries,
        consensus=result.level,
        consensus_value=result.value * 100.0 if result.value is not None else None,
        spread_levels=spread,
        disagreement=spread > 1,
    )


def _resolve_advice(criterion: str, entries: tuple[LoggedRating, ...]) -> str:
    """The recommendation to settle reviewers' disagreement on *criterion*."""
    levels = ", ".join(f"{r.assessor or 'unnamed'}: {r.rating}" for r in entries if r.assessor)
    return (
        f"Resolve the disagreement on {criterion} ({levels}): review the evidence together "
        "before settling the rating."
    )


def _target_advice(leaf: Criterion, result: NodeResult) -> str | None:
    """The recommendation to raise *leaf* toward its target or to gather evidence on it, if any."""
    if not result.adjusted.applicable:
        return None
    if result.value is None:
        return f"Gather evidence on {leaf.id}: {leaf.title.en}"
    target = result.target if result.target is not None else 75.0
    if result.value * 100.0 < target:
        now = result.level or f"{result.value * 100.0:.0f}/100"
        return f"Raise {leaf.id} from {now} toward the target ({target:g}/100): {leaf.title.en}"
    return None
