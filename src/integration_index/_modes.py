"""The modes of use, as public functions: development plans, progress, peer reviews, rankings,
and their Markdown renderings. They are generic: they work on any framework's score cards, and
plugins add framework-specific sections to the Markdown through ``integration_index_report_sections``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from integration_index._analysis.compare import Ranking, rank
from integration_index._analysis.peer_review import PeerReview, review
from integration_index._analysis.plan import DevelopmentPlan
from integration_index._analysis.plan import development_plan as _development_plan
from integration_index._analysis.progress import ProgressReport, compare_assessments
from integration_index._api import get_framework, score
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._reports import markdown

__all__ = [
    "DEFAULT_POPULATION_BANDS",
    "development_plan",
    "peer_review",
    "peer_review_markdown",
    "plan_markdown",
    "profile_markdown",
    "progress_markdown",
    "rank_cities",
    "ranking_markdown",
    "track_progress",
]

#: Population band limits for peer groups (ICC-style: small, medium, large, very large cities).
DEFAULT_POPULATION_BANDS = (100_000, 250_000, 500_000, 1_000_000)


def _framework(framework: Framework | str | None, fallback: str) -> Framework:
    if isinstance(framework, Framework):
        return framework
    return get_framework(framework or fallback)


def development_plan(
    card: ScoreCard,
    profile: CityProfile | None = None,
    *,
    framework: Framework | str | None = None,
    target: float | None = None,
) -> DevelopmentPlan:
    """A development plan from a score card: objectives below target, priority actions ranked by
    weight x gap, quick wins apart from long-haul work, other cities' examples.

    *profile* supplies the evidence's ``effort`` marks; *target* (0-100) overrides every
    criterion's target.
    """
    return _development_plan(card, _framework(framework, card.framework_id), profile, target=target)


def track_progress(
    cards: Sequence[ScoreCard], framework: Framework | str | None = None
) -> ProgressReport:
    """Progress of one city across several assessments (any order; the oldest is the baseline).

    Raises:
        ValueError: fewer than two cards, several cities or frameworks, or duplicate dates.
    """
    if not cards:
        raise ValueError("progress needs at least two assessments")
    return compare_assessments(cards, _framework(framework, cards[0].framework_id))


def peer_review(profile: CityProfile, framework: Framework | str | None = None) -> PeerReview:
    """The peer review of a profile whose evidence items name their assessors: consensus per
    question, disagreements of more than one level, Krippendorff's ordinal alpha.
    """
    chosen = (
        _framework(framework, profile.assessment.frameworks[0])
        if framework or len(profile.assessment.frameworks) == 1
        else None
    )
    if chosen is None:
        raise ValueError("the profile names several frameworks; say which to review")
    return review(profile, chosen, score(profile, chosen))


def rank_cities(
    entries: Iterable[tuple[CityProfile, ScoreCard]],
    bands: Sequence[int] = DEFAULT_POPULATION_BANDS,
) -> Ranking:
    """Rank cities by adjusted overall score (the latest assessment of each), overall and within
    peer groups of similar population."""
    return rank(list(entries), sorted(bands))


def plan_markdown(
    plan: DevelopmentPlan,
    card: ScoreCard,
    profile: CityProfile | None = None,
    *,
    language: str = "en",
) -> str:
    """A development plan as Markdown."""
    return markdown.plan_report(
        plan, get_framework(plan.framework_id), card, profile, language=language
    )


def progress_markdown(report: ProgressReport, profiles: Sequence[CityProfile] = ()) -> str:
    """Progress between assessments as Markdown."""
    return markdown.progress_report(report, get_framework(report.framework_id), profiles)


def peer_review_markdown(review_: PeerReview, profile: CityProfile) -> str:
    """A peer-review report as Markdown: evidence log, consensus, agreement, findings, recommendations."""
    framework = get_framework(review_.framework_id)
    return markdown.peer_review_report(review_, framework, score(profile, framework), profile)


def ranking_markdown(ranking: Ranking) -> str:
    """A ranking with peer groups as Markdown."""
    return markdown.compare_report(ranking, get_framework(ranking.framework_id))


def profile_markdown(
    profile: CityProfile, frameworks: Sequence[str] | None = None, *, language: str = "en"
) -> str:
    """One city through every framework it names (or *frameworks*), with the crosswalk's links."""
    chosen = [
        get_framework(framework_id)
        for framework_id in (frameworks or profile.assessment.frameworks)
    ]
    return markdown.profile_report(
        profile, [(f, score(profile, f)) for f in chosen], language=language
    )
