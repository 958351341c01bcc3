"""The results of the modes of use in the report's language.

The analysis writes criterion titles and its recommendations in English (its results are data,
the same in every language); a report in another language shows the framework's own titles in
that language and the recommendations from the catalogue. These functions return a copy of a
progress report or a peer review with those texts in the translator's language.
"""

from __future__ import annotations

import functools
import re
from typing import TypeVar

import attrs

from integration_index._analysis.peer_review import FactorReview, PeerReview, QuestionReview
from integration_index._analysis.progress import NodeProgress, ProgressReport, UncountedFactor
from integration_index._i18n import Translator
from integration_index._model.framework import Framework
from integration_index._reports.common import value_word

__all__ = ["localise_progress", "localise_review"]

_Titled = TypeVar("_Titled", NodeProgress, UncountedFactor)

_RESOLVE = re.compile(
    r"Resolve the disagreement on (?P<id>\S+) \((?P<levels>.*)\): review the evidence together "
    r"before settling the rating\."
)
_GATHER = re.compile(r"Gather evidence on (?P<id>\S+): .*", re.S)
_RAISE = re.compile(
    r"Raise (?P<id>\S+) from (?P<now>\S+) toward the target \((?P<target>[\d.]+)/100\): .*", re.S
)


def _title(framework: Framework, criterion: str, language: str, fallback: str) -> str:
    try:
        return framework.node(criterion).title.get(language)
    except KeyError:
        return fallback


def localise_progress(
    report: ProgressReport, framework: Framework, tr: Translator
) -> ProgressReport:
    """*report* with its criteria's titles in the translator's language."""
    language = tr.language

    def retitle(item: _Titled) -> _Titled:
        return attrs.evolve(item, title=_title(framework, item.criterion, language, item.title))

    return attrs.evolve(
        report,
        nodes=tuple(retitle(n) for n in report.nodes),
        left=tuple(retitle(f) for f in report.left),
        entered=tuple(retitle(f) for f in report.entered),
    )


def _level(framework: Framework, criterion: str, level: str, language: str) -> str:
    """A level id's label in *language* (the text as it is when it is no level, "40/100")."""
    try:
        scale = framework.scale_of(framework.node(criterion))
        return level if scale is None else scale.level(level).label.get(language)
    except (KeyError, ValueError):
        return level


def _advice(text: str, framework: Framework, tr: Translator) -> str:
    """A recommendation of the analysis in the translator's language (as it is when unknown)."""
    language = tr.language
    if match := _RESOLVE.fullmatch(text):
        return tr.t("reports.peer.advice_resolve", id=match["id"], levels=match["levels"])
    if match := _GATHER.fullmatch(text):
        title = _title(framework, match["id"], language, "")
        return tr.t("reports.peer.advice_gather", id=match["id"], title=title)
    if match := _RAISE.fullmatch(text):
        title = _title(framework, match["id"], language, "")
        now = _level(framework, match["id"], match["now"], language)
        target = tr.number(float(match["target"]), 0)
        return tr.t(
            "reports.peer.advice_raise", id=match["id"], now=now, target=target, title=title
        )
    return text


def _question(question: QuestionReview, framework: Framework, tr: Translator) -> QuestionReview:
    """A question with its title, and in another language than English its ratings' and
    consensus's level labels and source kinds (English keeps the ids it has always shown)."""
    language = tr.language
    title = _title(framework, question.criterion, language, question.title)
    if language == "en":
        return attrs.evolve(question, title=title)
    label = functools.partial(_level, framework, question.criterion, language=language)
    log = tuple(
        attrs.evolve(r, rating=label(r.rating), source=value_word(tr, "source", r.source))
        for r in question.log
    )
    consensus = None if question.consensus is None else label(question.consensus)
    return attrs.evolve(question, title=title, log=log, consensus=consensus)


def _factor(factor: FactorReview, framework: Framework, tr: Translator) -> FactorReview:
    language = tr.language
    questions = tuple(_question(q, framework, tr) for q in factor.questions)
    recommendations = factor.recommendations
    if language != "en":
        recommendations = tuple(_advice(text, framework, tr) for text in recommendations)
    return attrs.evolve(
        factor,
        title=_title(framework, factor.criterion, language, factor.title),
        questions=questions,
        recommendations=recommendations,
    )


def localise_review(review: PeerReview, framework: Framework, tr: Translator) -> PeerReview:
    """*review* with its criteria's titles and recommendations in the translator's language
    (and, in another language than English, level labels instead of level ids)."""
    factors = tuple(_factor(f, framework, tr) for f in review.factors)
    changes = review.self_assessment_changes
    if tr.language != "en":
        changes = tuple(
            attrs.evolve(
                c,
                self_assessed=_level(framework, c.criterion, c.self_assessed, tr.language),
                consensus=_level(framework, c.criterion, c.consensus, tr.language),
            )
            for c in changes
        )
    return attrs.evolve(review, factors=factors, self_assessment_changes=changes)
