"""Reports of every mode of use, in one shape: ``render(result, format=..., language=...)``.

A report is Markdown (no extra needed) or a self-contained HTML page (the ``reports`` extra:
Jinja2 and Babel), in English or French; the sections plugins add come last. The ``*_markdown``
functions are the Markdown renderings of one kind each, kept as thin wrappers of ``render``.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any, Literal

import attrs

from integration_index._analysis.compare import Ranking
from integration_index._analysis.peer_review import PeerReview
from integration_index._analysis.plan import DevelopmentPlan
from integration_index._analysis.progress import ProgressReport
from integration_index._analysis.review_files import MergedReview
from integration_index._analysis.whatif import WhatIf
from integration_index._api.core import resolve_registry, score
from integration_index._api.modes import framework_of, same_framework
from integration_index._i18n import LANGUAGES, Catalogue, Translator
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._plugins.registry import Registry
from integration_index._reports import markdown, modes
from integration_index._reports import plan as plan_reports
from integration_index._reports.uncertainty import uncertainty_report
from integration_index._reports.whatif import what_if_markdown
from integration_index._vector.results import RankUncertainty

__all__ = [
    "REPORT_FORMATS",
    "ReportFormat",
    "peer_review_markdown",
    "plan_markdown",
    "profile_markdown",
    "progress_markdown",
    "ranking_markdown",
    "render",
]

ReportFormat = Literal["markdown", "html"]

REPORT_FORMATS: tuple[str, ...] = ("markdown", "html")
"""The formats [`render`][integration_index.render] writes: ``markdown`` and ``html`` (a
self-contained page; needs the ``reports`` extra)."""

Renderable = (
    CityProfile | DevelopmentPlan | ProgressReport | PeerReview | Ranking | WhatIf | RankUncertainty
)


def _translator(language: str) -> Translator:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: expected one of {', '.join(LANGUAGES)}")
    return Catalogue.load().translator(language)


def _html() -> ModuleType:
    try:
        from integration_index._reports import html
    except ImportError as exc:  # Jinja2 (or Babel) missing
        raise ImportError(
            f"HTML reports need the reports extra: pip install 'integration-index[reports]' ({exc})"
        ) from exc
    return html


def render(
    result: CityProfile | DevelopmentPlan | ProgressReport | PeerReview | Ranking | WhatIf
    | RankUncertainty, *, format: Literal["markdown", "html"] = "markdown", language: str = "en",
    framework: Framework | str | None = None, frameworks: Sequence[Framework | str] | None = None,
    card: ScoreCard | None = None, cards: Sequence[ScoreCard] = (),
    profile: CityProfile | MergedReview | None = None, profiles: Sequence[CityProfile] = (),
    registry: Registry | None = None,
) -> str:  # fmt: skip
    """A report of *result* as Markdown or as a self-contained HTML page, in English or French.

    What a report needs beside its result:

    - a profile ([`CityProfile`][integration_index.CityProfile]): the city through every
      framework it names (or *frameworks*); *cards* are its score cards if already computed.
    - a development plan: its score *card* (required) and the *profile* (optional).
    - a progress report: the *profiles* and *cards* of the assessments, oldest first (optional).
    - a peer review: the reviewed *profile* or the merged review files (required), its *card*
      (optional).
    - a ranking, a what-if result ([`what_if`][integration_index.what_if]), the uncertainty of
      a ranking ([`rank_uncertainty`][integration_index.rank_uncertainty]: rank intervals,
      P(top k) and the sensitivity to each source, charted in HTML): nothing more.

    Every heading, label and number is in *language*; free text from profiles and frameworks
    is shown as written, escaped for the format.

    Args:
        result: what to report on.
        format: ``markdown`` or ``html`` (one file: inline CSS and SVG charts, no request to
            the network or to other files; needs the ``reports`` extra).
        language: ``en`` or ``fr``.
        framework: the framework, as an object or a registered id (default: the result's).
        frameworks: for a profile, the frameworks to report on.
        card: the score card of a plan or a peer review.
        cards: the score cards of a profile or of a progress report.
        profile: the profile of a plan, or the reviewed profile of a peer review.
        profiles: the profiles of a progress report.
        registry: where frameworks and plugins' sections come from (default registry if None).

    Raises:
        ValueError: an unknown format or language, a missing card or profile, or a card made
            with another framework.
        ImportError: ``html`` without the ``reports`` extra.
    """
    if format not in REPORT_FORMATS:
        raise ValueError(f"unknown format {format!r}: expected one of {', '.join(REPORT_FORMATS)}")
    context = _Context(
        writer=_html() if format == "html" else _MARKDOWN,
        tr=_translator(language),
        registry=resolve_registry(registry),
        framework=framework,
        frameworks=frameworks,
        card=card,
        cards=tuple(cards),
        profile=profile.profile if isinstance(profile, MergedReview) else profile,
        profiles=tuple(profiles),
    )
    return _dispatch(result, context)


@attrs.frozen(kw_only=True)
class _Context:
    """What render was given beside the result."""

    writer: Any
    tr: Translator
    registry: Registry
    framework: Framework | str | None
    frameworks: Sequence[Framework | str] | None
    card: ScoreCard | None
    cards: tuple[ScoreCard, ...]
    profile: CityProfile | None
    profiles: tuple[CityProfile, ...]

    def resolve(self, what: str, framework_id: str) -> Framework:
        resolved = framework_of(self.framework, framework_id, self.registry)
        same_framework(what, framework_id, resolved)
        return resolved


def _dispatch(result: Renderable, c: _Context) -> str:
    sections = c.registry.report_sections
    if isinstance(result, CityProfile):
        return _profile(result, c)
    if isinstance(result, DevelopmentPlan):
        if c.card is None:
            raise ValueError("a development plan is rendered with its score card: give card=")
        framework = c.resolve("plan", result.framework_id)
        same_framework("score card", c.card.framework_id, framework)
        return str(
            c.writer.plan_report(result, framework, c.card, c.profile, tr=c.tr, sections=sections)
        )
    if isinstance(result, ProgressReport):
        framework = c.resolve("progress report", result.framework_id)
        for card in c.cards:
            same_framework("score card", card.framework_id, framework)
        return str(
            c.writer.progress_report(
                result, framework, c.tr, c.profiles, cards=c.cards, sections=sections
            )
        )
    if isinstance(result, PeerReview):
        return _peer_review(result, c)
    if isinstance(result, Ranking):
        framework = c.resolve("ranking", result.framework_id)
        return str(c.writer.compare_report(result, framework, c.tr))
    if isinstance(result, WhatIf):
        return str(c.writer.what_if_report(result, c.tr))
    if isinstance(result, RankUncertainty):
        return str(c.writer.uncertainty_report(result, c.tr))
    raise TypeError(f"cannot render a {type(result).__name__}")


class _Markdown:
    """The Markdown writers, with the HTML module's names."""

    profile_report = staticmethod(markdown.profile_report)
    plan_report = staticmethod(plan_reports.plan_report)
    progress_report = staticmethod(modes.progress_report)
    peer_review_report = staticmethod(modes.peer_review_report)
    compare_report = staticmethod(markdown.compare_report)
    what_if_report = staticmethod(what_if_markdown)
    uncertainty_report = staticmethod(uncertainty_report)


_MARKDOWN = _Markdown()


def _profile(profile: CityProfile, c: _Context) -> str:
    registry = c.registry
    named = c.frameworks or ([c.framework] if c.framework else profile.assessment.frameworks)
    resolved = [framework_of(f, "", registry) for f in named]
    scored = list(c.cards) or [score(profile, f, registry=registry) for f in resolved]
    if len(scored) != len(resolved):
        raise ValueError(f"expected one card per framework ({len(resolved)}), got {len(scored)}")
    for framework, card in zip(resolved, scored, strict=True):
        same_framework("score card", card.framework_id, framework)
    return str(
        c.writer.profile_report(
            profile,
            list(zip(resolved, scored, strict=True)),
            c.tr,
            sections=registry.report_sections,
            crosswalks=registry.crosswalks(),
        )
    )


def _peer_review(review: PeerReview, c: _Context) -> str:
    if c.profile is None:
        raise ValueError("a peer review is rendered with the reviewed profile: give profile=")
    framework = c.resolve("peer review", review.framework_id)
    card = c.card if c.card is not None else score(c.profile, framework, registry=c.registry)
    same_framework("score card", card.framework_id, framework)
    return str(
        c.writer.peer_review_report(
            review, framework, card, c.profile, c.tr, sections=c.registry.report_sections
        )
    )


# -- the Markdown reports, one function per kind (thin wrappers of render) ----------------------


def plan_markdown(
    plan: DevelopmentPlan,
    card: ScoreCard,
    profile: CityProfile | None = None,
    *,
    framework: Framework | str | None = None,
    language: str = "en",
    registry: Registry | None = None,
) -> str:
    """A development plan as Markdown, with the sections plugins add
    (``render(plan, card=card, profile=profile)``)."""
    return render(
        plan, card=card, profile=profile, framework=framework, language=language, registry=registry
    )


def progress_markdown(
    report: ProgressReport,
    profiles: Sequence[CityProfile] = (),
    *,
    cards: Sequence[ScoreCard] = (),
    framework: Framework | str | None = None,
    language: str = "en",
    registry: Registry | None = None,
) -> str:
    """Progress between assessments as Markdown; *cards* (oldest first) go to plugins' sections
    (``render(report, profiles=profiles, cards=cards)``)."""
    return render(
        report,
        profiles=profiles,
        cards=cards,
        framework=framework,
        language=language,
        registry=registry,
    )


def peer_review_markdown(
    review: PeerReview,
    profile: CityProfile | MergedReview,
    *,
    card: ScoreCard | None = None,
    framework: Framework | str | None = None,
    language: str = "en",
    registry: Registry | None = None,
) -> str:
    """A peer-review report as Markdown: the reviewers and their files, the merge's warnings,
    agreement (ordinal and interval alpha), the ratings changed from the self-assessment, and
    per criterion the evidence log, consensus and findings (``render(review, profile=...)``).

    *profile* is the reviewed profile, or the merged files the review was built from.
    """
    return render(
        review,
        profile=profile,
        card=card,
        framework=framework,
        language=language,
        registry=registry,
    )


def ranking_markdown(
    ranking: Ranking,
    *,
    framework: Framework | str | None = None,
    language: str = "en",
    registry: Registry | None = None,
) -> str:
    """A ranking with peer groups as Markdown (``render(ranking)``)."""
    return render(ranking, framework=framework, language=language, registry=registry)


def profile_markdown(
    profile: CityProfile,
    frameworks: Sequence[Framework | str] | None = None,
    *,
    cards: Sequence[ScoreCard] = (),
    language: str = "en",
    registry: Registry | None = None,
) -> str:
    """One city through every framework it names (or *frameworks*), with the crosswalk's links
    (``render(profile)``).

    *cards* are the profile's score cards, if already computed (one per framework, in order).
    """
    return render(profile, frameworks=frameworks, cards=cards, language=language, registry=registry)
