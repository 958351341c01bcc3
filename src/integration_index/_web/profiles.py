"""Profiles as the app opens, checks, scores and writes them.

Checking is the one ``validate`` does: the text is read as a profile (structure), then checked
against the frameworks it names, and every problem keeps its message and key path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from integration_index._batch import score_checked
from integration_index._cli.templates import profile_template
from integration_index._io.documents import profile_from_text
from integration_index._io.toml import parse, with_lines
from integration_index._model.checks import check_profile
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._scoring.context import ScoringContext
from integration_index._web.document import (
    APP_HEADER,
    Document,
    comments_in,
    foreign_comments,
    header_of,
    render,
)
from integration_index._web.store import Stored
from integration_index.exceptions import IntegrationIndexError, Problem

__all__ = ["Checked", "Opened", "check_document", "open_stored", "score_all"]


@attrs.frozen(kw_only=True)
class Checked:
    """A document written as TOML and read back: the text, the profile, the problems."""

    text: str
    profile: CityProfile | None
    problems: tuple[Problem, ...]

    def problems_at(self, key_path: str) -> list[str]:
        """The messages of the problems at exactly this key path."""
        return [p.message for p in self.problems if p.key_path == key_path]


@attrs.frozen(kw_only=True)
class Opened:
    """A profile file as opened: its document, check, and the comments saving would drop."""

    name: str
    version: str
    text: str
    document: Document | None
    checked: Checked | None
    header: tuple[str, ...]
    foreign: tuple[str, ...]
    read_problems: tuple[Problem, ...] = ()


def _frameworks_named(document: Mapping[str, Any], context: ScoringContext) -> list[Framework]:
    assessment = document.get("assessment")
    named = assessment.get("frameworks") if isinstance(assessment, Mapping) else None
    if not isinstance(named, list):
        return []
    return [context.frameworks[f] for f in named if isinstance(f, str) and f in context.frameworks]


def check_document(
    document: Document, context: ScoringContext, header: Sequence[str] = APP_HEADER
) -> Checked:
    """*document* as the app would write it, read back and checked as ``validate`` does."""
    text = render(document, context.frameworks, header)
    try:
        profile = profile_from_text(text)
    except IntegrationIndexError as exc:
        return Checked(text=text, profile=None, problems=tuple(exc.problems))
    problems = with_lines(check_profile(profile, context.frameworks), text)
    return Checked(text=text, profile=profile, problems=tuple(problems))


def _tables(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, Mapping) for item in value)


def editable(document: Mapping[str, Any]) -> bool:
    """True when the document has the shape the app's forms edit: tables where a profile has
    tables, arrays of tables where it has arrays. Values may still be wrong (the check says)."""
    assessment = document.get("assessment", {})
    context = document.get("context", {})
    return (
        isinstance(document.get("city", {}), Mapping)
        and isinstance(assessment, Mapping)
        and isinstance(assessment.get("frameworks", []), list)
        and isinstance(context, Mapping)
        and all(isinstance(values, Mapping) for values in context.values())
        and _tables(document.get("exclusions", []))
        and _tables(document.get("evidence", []))
    )


def known_comments(document: Document, frameworks: Iterable[Framework]) -> set[str]:
    """The comments the app writes for *document*, and those ``init`` writes for its
    frameworks: dropping them loses nothing, the app writes its own again."""
    framework_list = list(frameworks)
    known = set(comments_in(render(document, {f.id: f for f in framework_list})))
    for framework in framework_list:
        known.update(comments_in(profile_template(framework)))
    return known


def open_stored(stored: Stored, context: ScoringContext) -> Opened:
    """A profile file, read and checked; a file that is not TOML has no document."""
    try:
        document = parse(stored.text, stored.name, IntegrationIndexError)
    except IntegrationIndexError as exc:
        return Opened(
            name=stored.name,
            version=stored.version,
            text=stored.text,
            document=None,
            checked=None,
            header=(),
            foreign=(),
            read_problems=tuple(exc.problems),
        )
    if not editable(document):
        try:
            profile_from_text(stored.text, stored.name)
            problems: tuple[Problem, ...] = ()
        except IntegrationIndexError as exc:
            problems = tuple(exc.problems)
        return Opened(
            name=stored.name,
            version=stored.version,
            text=stored.text,
            document=None,
            checked=None,
            header=(),
            foreign=(),
            read_problems=problems,
        )
    known = known_comments(document, _frameworks_named(document, context))
    header = header_of(stored.text)
    keep_header = any(line and line not in known for line in header)
    foreign = foreign_comments(stored.text, known | (set(header) if keep_header else set()))
    chosen_header = tuple(header) if keep_header else APP_HEADER
    return Opened(
        name=stored.name,
        version=stored.version,
        text=stored.text,
        document=document,
        checked=check_document(document, context, chosen_header),
        header=chosen_header,
        foreign=tuple(foreign),
    )


def score_all(
    profile: CityProfile, context: ScoringContext
) -> list[tuple[Framework, ScoreCard | None, str | None]]:
    """Each framework the profile names (and the registry knows) with its card, or the error
    that stopped it."""
    results: list[tuple[Framework, ScoreCard | None, str | None]] = []
    for framework_id in profile.assessment.frameworks:
        framework = context.frameworks.get(framework_id)
        if framework is None:
            continue
        try:
            results.append((framework, score_checked(profile, framework, context), None))
        except IntegrationIndexError as exc:
            results.append((framework, None, exc.problems[0].message))
    return results
