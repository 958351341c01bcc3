"""What the Markdown reports share: number formatting, tables, and plugins' sections."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.report import ReportSection
from integration_index._model.scorecard import ScoreCard
from integration_index.hookspecs import ReportKind

__all__ = [
    "ILLUSTRATIVE",
    "SectionSource",
    "cell",
    "no_sections",
    "number",
    "plugin_sections",
    "short",
    "table",
]

ILLUSTRATIVE = "> Illustrative profile: invented for the examples, not a real assessment."


def number(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()
) -> list[str]:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|")
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


class SectionSource(Protocol):
    """Where a report gets the sections plugins add (a registry's ``report_sections``)."""

    def __call__(
        self,
        report: ReportKind,
        *,
        framework: Framework,
        cards: Sequence[ScoreCard],
        profiles: Sequence[CityProfile] = (),
        options: Mapping[str, Any] | None = None,
    ) -> tuple[Sequence[ReportSection], Sequence[str]]: ...


def no_sections(
    report: ReportKind,
    *,
    framework: Framework,
    cards: Sequence[ScoreCard],
    profiles: Sequence[CityProfile] = (),
    options: Mapping[str, Any] | None = None,
) -> tuple[Sequence[ReportSection], Sequence[str]]:
    """A section source with no plugins."""
    return (), ()


def plugin_sections(
    sections: SectionSource,
    report: ReportKind,
    framework: Framework,
    cards: Sequence[ScoreCard],
    profiles: Sequence[CityProfile],
    options: dict[str, Any],
) -> list[str]:
    found, warnings = sections(
        report, framework=framework, cards=cards, profiles=profiles, options=options
    )
    lines: list[str] = []
    for section in found:
        lines += ["", f"### {section.title}", "", section.body.rstrip()]
    for warning in warnings:
        lines += ["", f"> Warning: {warning}"]
    return lines
