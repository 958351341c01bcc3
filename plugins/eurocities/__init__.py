"""The EUROCITIES Integrating Cities benchmark (MIXITÉS diversity-promotion toolkit), as a plugin.

The framework's texts live in ``frameworks/eurocities.toml``; this plugin registers it and adds
the EUROCITIES-specific report sections: which key factors are in place, the reading by the
Charter's four city roles, the contextual factors beside the score, and the toolkit's own advice
for each mode of use (self-assessment, peer review, development plan).
"""

from __future__ import annotations

import html
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


def _n(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _text(framework: Framework, text_id: str, language: str) -> str | None:
    for block in framework.texts:
        if block.id == text_id:
            return " ".join(block.text.get(language).split())
    return None


def _score_sections(
    card: ScoreCard, framework: Framework, profile: CityProfile | None, language: str
) -> list[ReportSection]:
    threshold = _threshold(framework)
    status = in_place(card, framework)
    rows = ["| key factor | score | status | Charter roles |", "|---|---:|---|---|"]
    for factor in framework.criteria:
        adjusted = card.node(factor.id).adjusted
        state = status[factor.id]
        label = (
            "outside competence"
            if not adjusted.applicable
            else "not assessed enough"
            if state is None
            else "in place"
            if state
            else "not in place"
        )
        roles = ", ".join(CHARTER_ROLES[t][0] for t in factor.tags if t in CHARTER_ROLES)
        rows.append(
            f"| {factor.id} {factor.title.get(language)} | {_n(adjusted.score)} | {label} | {roles} |"
        )
    count = sum(1 for v in status.values() if v)
    sections = [
        ReportSection(
            title="Key factors in place",
            body=f"A key factor counts as in place at a score of {threshold:g} or more: "
            f"{count} of {len(framework.criteria)} are.\n\n" + "\n".join(rows),
            order=10,
        )
    ]
    role_rows = ["| Charter role | mean score | key factors |", "|---|---:|---:|"]
    for role, (mean, count_role) in role_scores(card, framework).items():
        name = CHARTER_ROLES[role][1] if language == "fr" else CHARTER_ROLES[role][0]
        role_rows.append(f"| {name} | {_n(mean)} | {count_role} |")
    sections.append(
        ReportSection(
            title="Reading by the Charter's city roles",
            body="The Integrating Cities Charter sees the city as policy maker, service provider, "
            "employer and buyer of goods and services; each key factor is tagged with the roles it "
            "concerns.\n\n" + "\n".join(role_rows),
            order=20,
        )
    )
    recorded = {entry.factor: entry.value for entry in card.context}
    context_lines = []
    for contextual in framework.contextual_factors:
        value = recorded.get(contextual.id)
        shown = "not recorded" if value is None else _inline(str(value))
        context_lines.append(f"- **{contextual.title.get(language)}**: {shown}")
    sections.append(
        ReportSection(
            title="Contextual factors",
            body="The toolkit records these factors, outside the city's control, to explain its "
            "context; they do not change the score unless a key factor is declared outside the "
            "city's competence.\n\n" + "\n".join(context_lines),
            order=30,
        )
    )
    return sections


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]|#~])")


def _inline(text: str) -> str:
    """A profile's free text made inert on one Markdown line: no heading, list, link, table
    cell or raw HTML can come out of it (the section body is Markdown)."""
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
    if report == "progress":
        header = "| key factor | " + " | ".join(c.assessment_date.isoformat() for c in cards) + " |"
        rows = [header, "|---|" + "---|" * len(cards)]
        states = [in_place(card, framework) for card in cards]
        for factor in framework.criteria:
            cells = [
                "in place" if s[factor.id] else "n/a" if s[factor.id] is None else "not in place"
                for s in states
            ]
            rows.append(f"| {factor.id} {factor.title.get(language)} | " + " | ".join(cells) + " |")
        return [
            ReportSection(
                title="Key factors in place, assessment by assessment",
                body="\n".join(rows),
                order=10,
            )
        ]
    advice = {"plan": "mode-development-plan", "peer-review": "mode-peer-review"}.get(report)
    if advice is None:
        return None
    text = _text(framework, advice, language)
    title = (
        "The toolkit on development plans" if report == "plan" else "The toolkit on peer reviews"
    )
    return [ReportSection(title=title, body=f"> {text}", order=90)] if text else None
