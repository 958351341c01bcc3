"""The OECD (2018) checklist for local migrant integration, as an integration-index plugin.

An example third-party plugin (see docs/writing-a-plugin.md). It registers the framework defined
in ``oecd-checklist.toml``, shipped inside this package, and adds an "OECD checklist blocks"
section to score reports for that framework.

The distribution declares this module under the ``integration_index`` entry-point group, so
integration-index finds it without any call::

    [project.entry-points.integration_index]
    oecd-checklist = "integration_index_oecd"
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from integration_index import CityProfile, Framework, ScoreCard, hookimpl
from integration_index.model import ReportSection

__all__ = [
    "FRAMEWORK_FILE",
    "FRAMEWORK_ID",
    "SECTION_ORDER",
    "blocks_table",
    "integration_index_register_frameworks",
    "integration_index_report_sections",
]

#: The id of the framework this plugin registers.
FRAMEWORK_ID = "oecd-checklist"

#: The name of the framework's TOML file inside this package.
FRAMEWORK_FILE = "oecd-checklist.toml"

#: Where the report section goes among the plugin sections (the report's own use 0-99).
SECTION_ORDER = 110


@hookimpl
def integration_index_register_frameworks(register: Callable[[Path], None]) -> None:
    """Register the OECD checklist framework from the TOML file shipped in this package."""
    with as_file(files(__name__).joinpath(FRAMEWORK_FILE)) as path:
        register(path)


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def blocks_table(framework: Framework, card: ScoreCard) -> str:
    """A Markdown table of the four blocks' adjusted scores on one score card."""
    lines = ["| block | title | score | coverage |", "|---|---|---:|---:|"]
    for block in framework.criteria:
        adjusted = card.node(block.id).adjusted
        if adjusted.applicable:
            score, coverage = _score(adjusted.score), f"{adjusted.coverage:.0%}"
        else:
            score, coverage = "not applicable", ""
        lines.append(f"| {block.id} | {block.title.en} | {score} | {coverage} |")
    return "\n".join(lines)


@hookimpl
def integration_index_report_sections(
    report: str,
    framework: Framework,
    cards: Sequence[ScoreCard],
    profiles: Sequence[CityProfile],
    options: dict[str, Any],
) -> list[ReportSection] | None:
    """Add an "OECD checklist blocks" section to score reports of the OECD checklist.

    Returns None for any other report kind or framework, so other frameworks' reports are left
    alone.
    """
    if report != "score" or framework.id != FRAMEWORK_ID or not cards:
        return None
    if len(cards) == 1:
        body = blocks_table(framework, cards[0])
    else:
        body = "\n\n".join(
            f"**{card.city_name}** ({card.assessment_date.isoformat()})\n\n"
            + blocks_table(framework, card)
            for card in cards
        )
    return [ReportSection(title="OECD checklist blocks", body=body, order=SECTION_ORDER)]
