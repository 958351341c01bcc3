"""The GFMD 2020 action ideas for arrival cities, as a plugin, with the crosswalk between the
three built-in frameworks.

A city's score counts the actions it owns; actions owned by other actors (national authorities,
international organisations...) form its enabling environment, left out of the city's adjusted
score by the framework's ``enabling-environment`` modifier and reported separately here. Reports
also get the paper's library of city practices and its guiding questions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from integration_index import Framework, ScoreCard, hookimpl
from integration_index.model import ReportSection

__all__ = ["ENABLING_RULE", "FRAMEWORK_ID", "enabling_environment"]

FRAMEWORK_ID = "gfmd-arrival-cities"
ENABLING_RULE = "enabling-environment"
_DATA = files("integration_index_frameworks")


@hookimpl
def integration_index_register_frameworks(register: Callable[[Path], None]) -> None:
    register(Path(str(_DATA.joinpath("gfmd-arrival-cities.toml"))))


@hookimpl
def integration_index_register_crosswalks(register: Callable[[Path], None]) -> None:
    register(Path(str(_DATA.joinpath("crosswalk.toml"))))


def enabling_environment(
    card: ScoreCard, framework: Framework
) -> tuple[float | None, float, list[str]]:
    """The enabling environment's score on 0-100 (mean of the rated actions owned by others),
    its coverage, and the ids of those actions."""
    ids = [c for rule in framework.modifiers if rule.id == ENABLING_RULE for c in rule.criteria]
    values = [card.node(i).value for i in ids]
    rated = [v for v in values if v is not None]
    score = math.fsum(rated) / len(rated) * 100.0 if rated else None
    return score, (len(rated) / len(ids) if ids else 0.0), ids


#: The sections' words, in the report's language (English for any other).
_WORDS = {
    "en": {
        "na": "n/a",
        "action": "action",
        "to": "addressed to",
        "status": "status",
        "not rated": "not rated",
        "enabling title": "Enabling environment (actions owned by others)",
        "enabling intro": "Scored separately and never counted against the city: {score} / 100 "
        "({coverage} of {count} actions rated). The city's own score, above, counts only the "
        "actions addressed to cities.",
        "library": "The paper's library of city solutions: {counts}.",
        "linked": "Practices linked to the city's actions still to develop:",
        "solutions title": "City solutions from the GFMD paper",
        "questions title": "Guiding questions (GFMD 2020)",
    },
    "fr": {
        "na": "n.d.",
        "action": "action",
        "to": "destinataires",
        "status": "statut",
        "not rated": "non évalué",
        "enabling title": "Environnement favorable (actions qui relèvent d’autres acteurs)",
        "enabling intro": "Évalué à part et jamais compté contre la ville : {score} / 100 "
        "({coverage} des {count} actions évaluées). Le score de la ville, plus haut, ne compte "
        "que les actions adressées aux villes.",
        "library": "La bibliothèque de solutions de villes du document : {counts}.",
        "linked": "Pratiques liées aux actions de la ville encore à développer :",
        "solutions title": "Solutions de villes du document du FMMD",
        "questions title": "Questions d’orientation (FMMD 2020)",
    },
}


def _words(language: str) -> dict[str, str]:
    return _WORDS.get(language, _WORDS["en"])


def _n(value: float | None, language: str = "en") -> str:
    if value is None:
        return _words(language)["na"]
    text = f"{value:.1f}"
    return text.replace(".", ",") if language == "fr" else text


def _enabling_section(card: ScoreCard, framework: Framework, language: str) -> ReportSection:
    w = _words(language)
    score, coverage, ids = enabling_environment(card, framework)
    rows = [f"| {w['action']} | {w['to']} | {w['status']} |", "|---|---|---|"]
    for action_id in ids:
        node = framework.node(action_id)
        result = card.node(action_id)
        level = w["not rated"]
        scale = framework.scale_of(node)
        if result.level is not None:
            level = result.level if scale is None else scale.level(result.level).label.get(language)
        rows.append(
            f"| {action_id} {node.title.get(language)[:90]} | {', '.join(node.tags)} | {level} |"
        )
    share = f"{coverage:.0%}".replace("%", "\u00a0%") if language == "fr" else f"{coverage:.0%}"
    intro = w["enabling intro"].format(score=_n(score, language), coverage=share, count=len(ids))
    return ReportSection(title=w["enabling title"], body=intro + "\n\n" + "\n".join(rows), order=10)


@hookimpl
def integration_index_report_sections(
    report: str,
    framework: Framework,
    cards: Sequence[ScoreCard],
    options: dict[str, Any],
) -> list[ReportSection] | None:
    if framework.id != FRAMEWORK_ID or not cards:
        return None
    language = str(options.get("language") or "en")
    w = _words(language)
    card = cards[0]
    sections = []
    if report == "score":
        sections.append(_enabling_section(card, framework, language))
    if report in ("plan", "score"):
        lines = []
        for leaf in framework.leaves:
            result = card.node(leaf.id)
            if not result.adjusted.applicable or (
                result.value is not None and result.value >= 0.75
            ):
                continue
            linked = [p for p in framework.practices if leaf.id in p.criteria]
            for practice in linked[:3]:
                title = practice.title.get(language) if practice.title else practice.city
                lines.append(f"- {leaf.id}: **{practice.city}**, {title}")
        counts = ", ".join(
            f"{c.title.get(language)} ({sum(1 for p in framework.practices if p.category == c.id)})"
            for c in framework.practice_categories
        )
        body = w["library"].format(counts=counts)
        if lines:
            body += "\n\n" + w["linked"] + "\n\n" + "\n".join(lines)
        sections.append(ReportSection(title=w["solutions title"], body=body, order=20))
    if report == "plan":
        questions = [b for b in framework.texts if b.id.startswith("guiding-question")]
        body = "\n".join(
            f"{i}. {' '.join(q.text.get(language).split())}" for i, q in enumerate(questions, 1)
        )
        sections.append(ReportSection(title=w["questions title"], body=body, order=30))
    return sections or None
