"""The modes of use as public functions (development plans, progress, peer reviews, rankings);
their reports are in _api/reports.py.

They are generic: they work on any framework's score cards, a framework given as an object or
as a registered id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from integration_index._analysis.compare import Ranking, rank
from integration_index._analysis.peer_review import PeerReview, review
from integration_index._analysis.peers import PeerRule
from integration_index._analysis.plan import DevelopmentPlan
from integration_index._analysis.plan import development_plan as _development_plan
from integration_index._analysis.progress import ProgressReport, compare_assessments
from integration_index._analysis.review_files import MergedReview, merge
from integration_index._api.core import only_framework, resolve_registry, score
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._plugins.registry import Registry

__all__ = [
    "DEFAULT_POPULATION_BANDS",
    "development_plan",
    "merge_reviews",
    "framework_of",
    "peer_review",
    "rank_cities",
    "same_framework",
    "track_progress",
]

DEFAULT_POPULATION_BANDS = (100_000, 250_000, 500_000, 1_000_000)
"""The population band limits [`rank_cities`][integration_index.rank_cities] uses by default.

Cities are compared within peer groups of similar population (ICC-style: small, medium, large,
very large cities), labelled "0-99,999", "100,000-249,999", "250,000-499,999", "500,000-999,999"
and "1,000,000+".
"""


def framework_of(
    framework: Framework | str | None, fallback: str, registry: Registry | None
) -> Framework:
    return resolve_registry(registry).resolve(framework or fallback)


def same_framework(what: str, framework_id: str, framework: Framework) -> None:
    """A card, plan or review must come from the framework it is read with."""
    if framework_id != framework.id:
        raise ValueError(
            f"the {what} was made with framework {framework_id!r}, not {framework.id!r}"
        )


def development_plan(
    card: ScoreCard,
    profile: CityProfile | None = None,
    *,
    framework: Framework | str | None = None,
    target: float | None = None,
    registry: Registry | None = None,
) -> DevelopmentPlan:
    """A development plan from a score card (docs/development-plans.md): the top-level criteria
    not shown to be in place, and their actions in three sections: quick wins and long-haul work
    (by the city's effort mark, else the framework's declared horizon, else the gap), ranked by
    weight x gap, and "gather evidence first" for unrated questions; excluded criteria with their
    reason; other cities' examples.

    *profile* supplies the evidence's ``effort`` marks; *target* (0-100) overrides every
    criterion's target; *framework* defaults to the registered framework the card names.
    """
    chosen = framework_of(framework, card.framework_id, registry)
    same_framework("score card", card.framework_id, chosen)
    return _development_plan(card, chosen, profile, target=target)


def track_progress(
    cards: Sequence[ScoreCard],
    *,
    framework: Framework | str | None = None,
    registry: Registry | None = None,
) -> ProgressReport:
    """Progress of one city across several assessments (any order; the oldest is the baseline).

    Raises:
        ValueError: fewer than two cards, several cities or frameworks, or duplicate dates.
    """
    if len(cards) < 2:
        raise ValueError("progress needs at least two assessments")
    return compare_assessments(cards, framework_of(framework, cards[0].framework_id, registry))


def merge_reviews(
    profiles: Sequence[CityProfile],
    *,
    sources: Sequence[str] | None = None,
    texts: Sequence[str | None] | None = None,
) -> MergedReview:
    """Check that the files of a peer review (one per reviewer, and optionally the city's own
    self-assessment, recognised by its mode "self-assessment") make one review, and merge them
    for [`peer_review`][integration_index.peer_review].

    Every file must be of the same city; every reviewer's file must assess the same frameworks
    and be of the same round (the same assessment date); the self-assessment must assess the
    reviewers' frameworks and may be older than the round, never newer. A rating that names no
    assessor takes the one assessor its file lists; when the file lists none or several it
    counts in the consensus but not in inter-rater agreement, and a warning names the file and
    the line (*sources* are the files' paths, *texts* their TOML texts, both in the order of
    *profiles*).

    Raises:
        ProfileError: (a ValueError) the files do not make one review; it names the file and key.
        ValueError: no profile, or *sources* or *texts* of another length.
    """
    return merge(profiles, sources=sources, texts=texts)


def peer_review(
    profile: CityProfile | MergedReview,
    *,
    framework: Framework | str | None = None,
    card: ScoreCard | None = None,
    registry: Registry | None = None,
) -> PeerReview:
    """The peer review of a profile whose evidence items name their assessors, or of the
    reviewers' files merged by [`merge_reviews`][integration_index.merge_reviews]: consensus
    per question, disagreements of more than one level, Krippendorff's ordinal alpha over the
    rated questions and interval alpha over the measured indicators, the merge's warnings and,
    given a self-assessment, the ratings the consensus changed.

    A single profile is read as [`merge_reviews`][integration_index.merge_reviews] reads one
    file (a rating without an assessor takes the file's only assessor, else it is kept out of
    agreement with a warning). *card* is the (merged) profile's score card, if already
    computed.
    """
    merged = profile if isinstance(profile, MergedReview) else merge([profile], sources=["profile"])
    reviewed = merged.profile
    chosen = framework if framework is not None else only_framework(reviewed)
    resolved = framework_of(chosen, "", registry)
    if card is None:
        card = score(reviewed, resolved, registry=registry)
    same_framework("score card", card.framework_id, resolved)
    own = merged.self_assessment
    return review(
        reviewed,
        resolved,
        card,
        self_card=score(own, resolved, registry=registry) if own is not None else None,
        self_source=merged.self_assessment_source,
        sources=merged.sources if isinstance(profile, MergedReview) else (),
        warnings=merged.warnings,
    )


def rank_cities(
    entries: Iterable[tuple[CityProfile, ScoreCard]],
    *,
    bands: Sequence[int] = DEFAULT_POPULATION_BANDS,
    sources: Sequence[str | None] | None = None,
    peers: PeerRule | None = None,
    intervals: Mapping[str, tuple[int, int]] | None = None,
) -> Ranking:
    """Rank cities by adjusted overall score (the latest assessment of each), overall and within
    peer groups (of similar population by default), in O(n log n).

    Equal scores to 2 decimals share a rank, competition style (1, 2, 2, 4). Each row shows the
    city's bounds, the best and worst ranks they allow, and ``overlaps`` when its interval
    overlaps another city's (their order is then not established).

    Two different assessments of one city on one date are ambiguous: an error, never decided by
    the order of the entries (the same assessment given twice counts once). *sources* names each
    entry (its file) in that error.

    Args:
        entries: (profile, card) pairs, one framework.
        bands: Population band limits, for population peer groups.
        sources: Each entry's file, for error messages.
        peers: How peer groups form (by population band, country, region, a metadata key, a
            contextual factor, or the k most similar cities); population bands by default.
        intervals: City id -> (low, high) rank interval from an uncertainty analysis, shown in
            the ranking.

    Raises:
        ValueError: the cards were scored against different frameworks.
        ProfileError: two different assessments of one city share a date.
    """
    listed = list(entries)
    scored_with = sorted({card.framework_id for _, card in listed})
    if len(scored_with) > 1:
        raise ValueError(f"cannot rank cards of several frameworks together: {scored_with}")
    return rank(
        listed,
        sorted(bands),
        sources=sources,
        refuse_ambiguous=True,
        peers=peers,
        intervals=intervals,
    )
