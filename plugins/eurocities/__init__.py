"""The EUROCITIES Integrating Cities benchmark (MIXITÉS diversity-promotion toolkit), as a plugin.

The framework's texts live in ``frameworks/eurocities.toml``; this plugin registers it and adds
the EUROCITIES-specific report sections: which key factors are in place, the reading by the
Charter's four city roles, the contextual factors beside the score, and the toolkit's own advice
for each mode of use (self-assessment, peer review, development plan).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from integration_index import CityProfile, Framework, ScoreCard, hookimpl
from integration_index.model import ReportSection

__all__ = ["CHARTER_ROLES", "FRAMEWORK_ID", "in_place", "role_scores"]

FRAMEWORK_ID = "eurocities"

#: The four roles of a city in the Integrating Cities Charter, as tags on the key factors.
CHARTER_ROLES = {
    "policy-maker": ("Policy maker", "Décideur politique"),
    "service-provider": ("Service provider", "Prestataire de services"),
    "employer": ("Employer", "Employeur"),
    "buyer": ("Buyer of goods and services", "Acheteur de biens et services"),
}


@hookimpl
def integration_index_register_frameworks(register: Callable[[Path], None]) -> None:
    register(Path(str(files("integration_index_frameworks").joinpath("eurocities.toml"))))


def _threshold(framework: Framework) -> float:
    threshold = framework.settings.in_place_threshold
    return 75.0 if threshold is None else threshold


def in_place(card: ScoreCard, framework: Framework) -> dict[str, bool | None]:
    """Each key factor: in place (score at or above the framework's threshold), not, or None
    when it has no score or is outside the city's competence."""
    threshold = _threshold(framework)
    result: dict[str, bool | None] = {}
    for factor in framework.criteria:
        score = card.node(factor.id).adjusted
        result[factor.id] = (
            None if not score.applicable or score.score is None else score.score >= threshold
        )
    return result


def role_scores(card: ScoreCard, framework: Framework) -> dict[str, tuple[float | None, int]]:
    """Mean adjusted score of the key factors tagged with each Charter role, and how many count."""
    scores: dict[str, tuple[float | None, int]] = {}
    for role in CHARTER_ROLES:
        scored = [card.node(f.id).adjusted.score for f in framework.criteria if role in f.tags]
        numbers = [v for v in scored if v is not None]
        scores[role] = (sum(numbers) / len(numbers) if numbers else None, len(numbers))
    return scores


#: The sections' words, in the report's language (English for any other).
_WORDS = {
    "en": {
        "na": "n/a",
        "key factor": "key factor",
        "score": "score",
        "status": "status",
        "roles": "Charter roles",
        "outside": "outside competence",
        "thin": "not assessed enough",
        "in": "in place",
        "out": "not in place",
        "in place title": "Key factors in place",
        "in place intro": "A key factor counts as in place at a score of {threshold} or more: "
        "{count} of {total} are.",
        "role": "Charter role",
        "mean": "mean score",
        "factors": "key factors",
        "roles title": "Reading by the Charter's city roles",
        "roles intro": "The Integrating Cities Charter sees the city as policy maker, service "
        "provider, employer and buyer of goods and services; each key factor is tagged with the "
        "roles it concerns.",
        "not recorded": "not recorded",
        "context title": "Contextual factors",
        "context intro": "The toolkit records these factors, outside the city's control, to "
        "explain its context; they do not change the score unless a key factor is declared "
        "outside the city's competence.",
        "progress title": "Key factors in place, assessment by assessment",
        "plan title": "The toolkit on development plans",
        "review title": "The toolkit on peer reviews",
    },
    "fr": {
        "na": "n.d.",
        "key factor": "facteur clé",
        "score": "score",
        "status": "statut",
        "roles": "rôles de la Charte",
        "outside": "hors compétence",
        "thin": "pas assez évalué",
        "in": "en place",
        "out": "pas en place",
        "in place title": "Facteurs clés en place",
        "in place intro": "Un facteur clé est en place à partir d’un score de {threshold} : "
        "{count} sur {total} le sont.",
        "role": "Rôle dans la Charte",
        "mean": "score moyen",
        "factors": "facteurs clés",
        "roles title": "Lecture par les rôles de la ville selon la Charte",
        "roles intro": "La Charte Integrating Cities voit la ville comme décideur politique, "
        "prestataire de services, employeur et acheteur de biens et services ; chaque facteur "
        "clé porte les rôles qu’il concerne.",
        "not recorded": "non renseigné",
        "context title": "Facteurs contextuels",
        "context intro": "La boîte à outils consigne ces facteurs, hors du contrôle de la ville, "
        "pour éclairer son contexte ; ils ne changent le score que si un facteur clé est déclaré "
        "hors de la compétence de la ville.",
        "progress title": "Facteurs clés en place, évaluation par évaluation",
        "plan title": "La boîte à outils sur les plans de développement",
        "review title": "La boîte à outils sur les évaluations par les pairs",
    },
}


def _words(language: str) -> dict[str, str]:
    return _WORDS.get(language, _WORDS["en"])


def _n(value: float | None, language: str = "en") -> str:
    if value is None:
        return _words(language)["na"]
    text = f"{value:.1f}"
    return text.replace(".", ",") if language == "fr" else text


def _text(framework: Framework, text_id: str, language: str) -> str | None:
    for block in framework.texts:
        if block.id == text_id:
            return " ".join(block.text.get(language).split())
    return None


def _score_sections(
    card: ScoreCard, framework: Framework, profile: CityProfile | None, language: str
) -> list[ReportSection]:
    w = _words(language)
    fr = language == "fr"
    threshold = _threshold(framework)
    status = in_place(card, framework)
    rows = [
        f"| {w['key factor']} | {w['score']} | {w['status']} | {w['roles']} |",
        "|---|---:|---|---|",
    ]
    for factor in framework.criteria:
        adjusted = card.node(factor.id).adjusted
        state = status[factor.id]
        key = (
            "outside"
            if not adjusted.applicable
            else "thin"
            if state is None
            else "in"
            if state
            else "out"
        )
        roles = ", ".join(CHARTER_ROLES[t][fr] for t in factor.tags if t in CHARTER_ROLES)
        rows.append(
            f"| {factor.id} {factor.title.get(language)} | {_n(adjusted.score, language)} | {w[key]} | {roles} |"
        )
    count = sum(1 for v in status.values() if v)
    limit = f"{threshold:g}".replace(".", ",") if fr else f"{threshold:g}"
    intro = w["in place intro"].format(threshold=limit, count=count, total=len(framework.criteria))
    sections = [
        ReportSection(title=w["in place title"], body=intro + "\n\n" + "\n".join(rows), order=10)
    ]
    role_rows = [f"| {w['role']} | {w['mean']} | {w['factors']} |", "|---|---:|---:|"]
    for role, (mean, count_role) in role_scores(card, framework).items():
        role_rows.append(f"| {CHARTER_ROLES[role][fr]} | {_n(mean, language)} | {count_role} |")
    body = w["roles intro"] + "\n\n" + "\n".join(role_rows)
    sections.append(ReportSection(title=w["roles title"], body=body, order=20))
    recorded = {entry.factor: entry.value for entry in card.context}
    context_lines = []
    for contextual in framework.contextual_factors:
        value = recorded.get(contextual.id)
        shown = w["not recorded"] if value is None else _inline(str(value))
        separator = " :" if fr else ":"
        context_lines.append(f"- **{contextual.title.get(language)}**{separator} {shown}")
    body = w["context intro"] + "\n\n" + "\n".join(context_lines)
    sections.append(ReportSection(title=w["context title"], body=body, order=30))
    return sections


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]|#~])")


def _inline(text: str) -> str:
    """A profile's free text made inert on one Markdown line: no heading, list, link, table
    cell or raw HTML can come out of it (the section body is Markdown)."""
    import html  # here: registering the framework, at every start, does without it

    flat = " ".join(text.split())
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(flat, quote=False))


@hookimpl
def integration_index_report_sections(
    report: str,
    framework: Framework,
    cards: Sequence[ScoreCard],
    profiles: Sequence[CityProfile],
    options: dict[str, Any],
) -> list[ReportSection] | None:
    if framework.id != FRAMEWORK_ID or not cards:
        return None
    language = str(options.get("language") or "en")
    if report == "score":
        return _score_sections(cards[0], framework, profiles[0] if profiles else None, language)
    w = _words(language)
    if report == "progress":
        dates = " | ".join(c.assessment_date.isoformat() for c in cards)
        rows = [f"| {w['key factor']} | {dates} |", "|---|" + "---|" * len(cards)]
        states = [in_place(card, framework) for card in cards]
        for factor in framework.criteria:
            cells = [
                w["in"] if s[factor.id] else w["na"] if s[factor.id] is None else w["out"]
                for s in states
            ]
            rows.append(f"| {factor.id} {factor.title.get(language)} | " + " | ".join(cells) + " |")
        return [ReportSection(title=w["progress title"], body="\n".join(rows), order=10)]
    advice = {"plan": "mode-development-plan", "peer-review": "mode-peer-review"}.get(report)
    if advice is None:
        return None
    text = _text(framework, advice, language)
    title = w["plan title"] if report == "plan" else w["review title"]
    return [ReportSection(title=title, body=f"> {text}", order=90)] if text else None
