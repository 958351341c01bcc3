"""The engagement spectrum (Inform, Consult, Involve, Collaborate, Empower), as a plugin.

It registers the spectrum as a shared scale (any framework may rate a criterion on it) and the
framework that rates a city's engagement with each stakeholder type of the GFMD 2020 paper; its
report section shows the engagement profile (who is at which level) and the step to the next level.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from integration_index import Framework, ScoreCard, hookimpl
from integration_index.model import ReportSection

__all__ = ["FRAMEWORK_ID", "SCALE_ID", "engagement_profile"]

FRAMEWORK_ID = "engagement-spectrum"
SCALE_ID = "engagement-spectrum"
_DATA = files("integration_index_frameworks")


@hookimpl
def integration_index_register_scales(register: Callable[[Path], None]) -> None:
    register(Path(str(_DATA.joinpath("scales", "engagement-spectrum.toml"))))


@hookimpl
def integration_index_register_frameworks(register: Callable[[Path], None]) -> None:
    register(Path(str(_DATA.joinpath("engagement-spectrum.toml"))))


def engagement_profile(
    card: ScoreCard, framework: Framework
) -> list[tuple[str, str | None, str | None]]:
    """Each rated criterion on the spectrum: (criterion id, level reached, next level)."""
    rows: list[tuple[str, str | None, str | None]] = []
    for leaf in framework.leaves:
        scale = framework.scale_of(leaf)
        if scale is None:
            continue
        level = card.node(leaf.id).level
        if level is None:
            rows.append((leaf.id, None, None))
            continue
        rank = scale.rank(level)
        following = scale.levels[rank + 1].id if rank + 1 < len(scale.levels) else None
        rows.append((leaf.id, level, following))
    return rows


@hookimpl
def integration_index_report_sections(
    report: str,
    framework: Framework,
    cards: Sequence[ScoreCard],
    options: dict[str, Any],
) -> list[ReportSection] | None:
    if framework.id != FRAMEWORK_ID or report not in ("score", "plan") or not cards:
        return None
    language = str(options.get("language") or "en")
    w = _WORDS.get(language, _WORDS["en"])
    card = cards[0]
    scale = framework.scales_by_id[SCALE_ID]
    rows = [f"| {w['item']} | {w['reached']} | {w['next']} |", "|---|---|---|"]
    steps = []
    for leaf_id, level, following in engagement_profile(card, framework):
        leaf = framework.node(leaf_id)
        if level is None:
            continue
        reached = scale.level(level).label.get(language)
        nxt = scale.level(following).label.get(language) if following else w["top"]
        rows.append(f"| {leaf.title.get(language)} | {reached} | {nxt} |")
        if following:
            target = scale.level(following)
            what = " ".join(target.description.get(language).split()) if target.description else ""
            example = next(iter(leaf.examples), None)
            inspiration = (
                w["example"].format(
                    city=example.city, text=" ".join(example.text.get(language).split())
                )
                if example
                else ""
            )
            step = w["step"].format(
                item=leaf.title.get(language), reached=reached, target=target.label.get(language)
            )
            steps.append(f"- {step} {what}{inspiration}")
    body = "\n".join(rows)
    if steps:
        body += "\n\n" + w["steps"] + "\n\n" + "\n".join(steps)
    return [ReportSection(title=w["title"], body=body, order=10)]


#: The section's words, in the report's language (English for any other).
_WORDS = {
    "en": {
        "item": "stakeholder or area",
        "reached": "level reached",
        "next": "next step",
        "top": "highest level reached",
        "example": " For example, {city}: {text}",
        "step": "**{item}**, from {reached} to {target}:",
        "steps": "The step to the next level, in the paper's words:",
        "title": "Engagement profile",
    },
    "fr": {
        "item": "acteur ou domaine",
        "reached": "niveau atteint",
        "next": "étape suivante",
        "top": "niveau le plus haut atteint",
        "example": " Par exemple, {city} : {text}",
        "step": "**{item}**, de « {reached} » à « {target} » :",
        "steps": "L’étape vers le niveau suivant, dans les mots du document :",
        "title": "Profil d’engagement",
    },
}
