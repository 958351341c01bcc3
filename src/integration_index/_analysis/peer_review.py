"""Peer reviews: every rating logged, consensus per question, disagreements, agreement (alpha)."""

from __future__ import annotations

import datetime
import statistics

import attrs

from integration_index._agreement import Agreement, ordinal_agreement
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard

__all__ = ["FactorReview", "LoggedRating", "PeerReview", "QuestionReview", "review"]


@attrs.frozen
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


@attrs.frozen
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


@attrs.frozen
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


@attrs.frozen
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
    by_leaf: dict[str, list[LoggedRating]] = {}
    ranks: dict[str, dict[str, list[int]]] = {}
    for item in profile.evidence_for(framework.id):
        rating = item.rating if isinstance(item.rating, str) else f"{item.rating:g}"
        by_leaf.setdefault(item.criterion, []).append(
            LoggedRating(
                item.assessor or "", rating, item.source, item.reference, item.date, item.note
            )
        )
        scale = framework.scale_of(framework.node(item.criterion))
        if scale is not None and item.assessor and isinstance(item.rating, str):
            ranks.setdefault(item.criterion, {}).setdefault(item.assessor, []).append(
                scale.rank(item.rating)
            )
    reviewers = sorted({r.assessor for log in by_leaf.values() for r in log if r.assessor})
    threshold = framework.settings.in_place_threshold
    all_units: list[list[float | None]] = []
    factors = []
    disagreements = []
    max_levels = max((len(s.levels) for s in framework.scales), default=2)
    for top in framework.criteria:
        questions = []
        units: list[list[float | None]] = []
        findings = []
        recommendations = []
        for leaf in (node for node in top.walk() if node.is_leaf):
            log = tuple(by_leaf.get(leaf.id, ()))
            result = card.node(leaf.id)
            per_rater = ranks.get(leaf.id, {})
            # A reviewer who rated a question twice counts once, at the median (rounded down).
            unit = [
                float(int(statistics.median_low(values))) for _, values in sorted(per_rater.items())
            ]
            spread = int(max(unit) - min(unit)) if unit else 0
            disagreement = spread > 1
            if log:
                questions.append(
                    QuestionReview(
                        leaf.id,
                        leaf.title.en,
                        log,
                        result.level,
                        result.value * 100.0 if result.value is not None else None,
                        spread,
                        disagreement,
                    )
                )
            if len(unit) >= 2:
                units.append(list(unit))
            if disagreement:
                disagreements.append(leaf.id)
                levels = ", ".join(
                    f"{r.assessor or 'unnamed'}: {r.rating}" for r in log if r.assessor
                )
                recommendations.append(
                    f"Resolve the disagreement on {leaf.id} ({levels}): review the evidence together "
                    "before settling the rating."
                )
            for entry in log:
                if entry.note:
                    findings.append(f"{entry.assessor or 'unnamed'} ({leaf.id}): {entry.note}")
            target = result.target if result.target is not None else 75.0
            if (
                result.adjusted.applicable
                and result.value is not None
                and result.value * 100.0 < target
            ):
                now = result.level or f"{result.value * 100.0:.0f}/100"
                recommendations.append(
                    f"Raise {leaf.id} from {now} toward the target ({target:g}/100): {leaf.title.en}"
                )
            elif result.adjusted.applicable and result.value is None:
                recommendations.append(f"Gather evidence on {leaf.id}: {leaf.title.en}")
        all_units.extend(units)
        score = card.node(top.id).adjusted.score
        factors.append(
            FactorReview(
                top.id,
                top.title.en,
                score,
                None if threshold is None or score is None else score >= threshold,
                tuple(questions),
                ordinal_agreement(units, list(range(max_levels))),
                tuple(findings),
                tuple(recommendations),
            )
        )
    return PeerReview(
        framework_id=framework.id,
        city_id=card.city_id,
        city_name=card.city_name,
        assessment_date=card.assessment_date,
        reviewers=tuple(reviewers),
        score=card.score,
        factors=tuple(factors),
        agreement=ordinal_agreement(all_units, list(range(max_levels))),
        disagreements=tuple(disagreements),
    )
