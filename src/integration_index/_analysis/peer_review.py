"""Peer reviews: every rating logged, consensus per question, disagreements, agreement (alpha)."""

from __future__ import annotations

import datetime
import statistics

import attrs

from integration_index._analysis.agreement import Agreement, ordinal_agreement
from integration_index._model.criteria import Criterion
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import NodeResult, ScoreCard

__all__ = ["FactorReview", "LoggedRating", "PeerReview", "QuestionReview", "review"]


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
        agreement: Inter-rater agreement (Krippendorff's ordinal alpha) over its questions.
        findings: The reviewers' notes, as "assessor (criterion): note".
        recommendations: What to do next, derived from the consensus and the disagreements.
    """

    criterion: str
    title: str
    score: float | None
    in_place: bool | None
    questions: tuple[QuestionReview, ...]
    agreement: Agreement
    findings: tuple[str, ...]
    recommendations: tuple[str, ...]


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
        agreement: Inter-rater agreement over every question.
        disagreements: Ids of questions where reviewers are more than one level apart.
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


def review(profile: CityProfile, framework: Framework, card: ScoreCard) -> PeerReview:
    """Build the peer review of *profile* (already scored as *card*) against *framework*."""
    log = _EvidenceLog.of(profile, framework)
    reviewers = sorted(
        {r.assessor for entries in log.ratings.values() for r in entries if r.assessor}
    )
    max_levels = max((len(s.levels) for s in framework.scales), default=2)
    all_units: list[list[float | None]] = []
    factors = []
    for top in framework.criteria:
        factor, units = _review_factor(top, framework, card, log, max_levels)
        all_units.extend(units)
        factors.append(factor)
    return PeerReview(
        framework_id=framework.id,
        city_id=card.city_id,
        city_name=card.city_name,
        assessment_date=card.assessment_date,
        reviewers=tuple(reviewers),
        score=card.score,
        factors=tuple(factors),
        agreement=ordinal_agreement(all_units, list(range(max_levels))),
        # A disagreement needs two reviewers' ratings, so every one has its question.
        disagreements=tuple(
            question.criterion
            for factor in factors
            for question in factor.questions
            if question.disagreement
        ),
    )


@attrs.frozen(kw_only=True)
class _EvidenceLog:
    """A profile's evidence on one framework, gathered per rated criterion.

    Attributes:
        ratings: Every item logged, by criterion, in profile order.
        ranks: The level ranks each named assessor gave, by criterion then assessor.
    """

    ratings: dict[str, list[LoggedRating]]
    ranks: dict[str, dict[str, list[int]]]

    @classmethod
    def of(cls, profile: CityProfile, framework: Framework) -> _EvidenceLog:
        """Gather *profile*'s evidence on *framework*."""
        ratings: dict[str, list[LoggedRating]] = {}
        ranks: dict[str, dict[str, list[int]]] = {}
        for item in profile.evidence_for(framework.id):
            rating = item.rating if isinstance(item.rating, str) else f"{item.rating:g}"
            ratings.setdefault(item.criterion, []).append(
                LoggedRating(
                    assessor=item.assessor or "",
                    rating=rating,
                    source=item.source,
                    reference=item.reference,
                    date=item.date,
                    note=item.note,
                )
            )
            scale = framework.scale_of(framework.node(item.criterion))
            if scale is not None and item.assessor and isinstance(item.rating, str):
                ranks.setdefault(item.criterion, {}).setdefault(item.assessor, []).append(
                    scale.rank(item.rating)
                )
        return cls(ratings=ratings, ranks=ranks)

    def rater_units(self, criterion: str) -> list[float]:
        """One level rank per reviewer of *criterion*, by reviewer: a reviewer who rated it
        twice counts once, at the median (rounded down)."""
        per_rater = self.ranks.get(criterion, {})
        return [
            float(int(statistics.median_low(values))) for _, values in sorted(per_rater.items())
        ]


def _review_factor(
    top: Criterion, framework: Framework, card: ScoreCard, log: _EvidenceLog, max_levels: int
) -> tuple[FactorReview, list[list[float | None]]]:
    """The review of the top-level criterion *top*, and its questions' reviewer units."""
    questions = []
    units: list[list[float | None]] = []
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
        if spread > 1:
            recommendations.append(_resolve_advice(leaf.id, entries))
        for entry in entries:
            if entry.note:
                findings.append(f"{entry.assessor or 'unnamed'} ({leaf.id}): {entry.note}")
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
    )
    return factor, units


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
