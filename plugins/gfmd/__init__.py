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


def _n(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _enabling_section(card: ScoreCard, framework: Framework, language: str) -> ReportSection:
    score, coverage, ids = enabling_environment(card, framework)
    rows = ["| action | addressed to | status |", "|---|---|---|"]
    for action_id in ids:
        node = framework.node(action_id)
        result = card.node(action_id)
        rows.append(
            f"| {action_id} {node.title.get(language)[:90]} | {', '.join(node.tags)} | {result.level or 'not rated'} |"
        )
    return ReportSection(
        title="Enabling environment (actions owned by others)",
        body=f"Scored separately and never counted against the city: {_n(score)} / 100 "
        f"({coverage:.0%} of {len(ids)} actions rated). The city's own score, above, counts "
        "only the actions addressed to cities.\n\n" + "\n".join(rows),
        order=10,
    )


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
        body = f"The paper's library of city solutions: {counts}."
        if lines:
            body += "\n\nPractices linked to the city's actions still to develop:\n\n" + "\n".join(
                lines
            )
        sections.append(
            ReportSection(title="City solutions from the GFMD paper", body=body, order=20)
        )
    if report == "plan":
        questions = [b for b in framework.texts if b.id.startswith("guiding-question")]
        body = "\n".join(
            f"{i}. {' '.join(q.text.get(language).split())}" for i, q in enumerate(questions, 1)
        )
        sections.append(ReportSection(title="Guiding questions (GFMD 2020)", body=body, order=30))
    return sections or None
