"""Score cards to CSV (wide and tidy), JSON, JSON Lines, aligned tables and Markdown.

The row functions are module-level so that batch workers can render in parallel.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from integration_index._batch import ScoreResult
from integration_index._io.cards import scorecard_to_dict
from integration_index._model.scorecard import NodeResult, ScoreCard

__all__ = [
    "FORMATS",
    "SUMMARY_COLUMNS",
    "TIDY_COLUMNS",
    "format_number",
    "render_csv",
    "render_json",
    "render_jsonl",
    "render_tidy",
    "summary_rows",
    "tidy_rows",
]

FORMATS = ("table", "csv", "tidy-csv", "json", "jsonl", "markdown")

SUMMARY_COLUMNS = (
    "source",
    "city_id",
    "city_name",
    "country",
    "population",
    "framework",
    "framework_version",
    "assessment_date",
    "mode",
    "score",
    "raw_score",
    "lower",
    "upper",
    "coverage",
    "evidence",
    "modifiers",
    "warnings",
)
TIDY_COLUMNS = (
    "source",
    "city_id",
    "framework",
    "assessment_date",
    "node",
    "parent",
    "depth",
    "kind",
    "score",
    "raw_score",
    "lower",
    "upper",
    "coverage",
    "weight",
    "applicable",
    "value",
    "level",
    "evidence",
    "spread",
    "target",
)


def format_number(value: float | None, digits: int = 2) -> str:
    """A number for CSV and tables: fixed decimals, empty for None."""
    return "" if value is None else f"{value:.{digits}f}"


def summary_rows(result: ScoreResult) -> list[list[str]]:
    """One row per card of a result (SUMMARY_COLUMNS)."""
    profile = result.profile
    country = (profile.city.country or "") if profile else ""
    population = (
        str(profile.city.population) if profile and profile.city.population is not None else ""
    )
    rows = []
    for card in result.cards:
        overall = card.overall
        rows.append(
            [
                result.source,
                card.city_id,
                card.city_name,
                country,
                population,
                card.framework_id,
                card.framework_version,
                card.assessment_date.isoformat(),
                card.mode,
                format_number(overall.adjusted.score),
                format_number(overall.raw.score),
                format_number(overall.adjusted.lower),
                format_number(overall.adjusted.upper),
                format_number(overall.adjusted.coverage, 3),
                str(overall.evidence_count),
                str(len(card.modifiers)),
                " | ".join(card.warnings),
            ]
        )
    return rows


def _tidy_row(source: str, card: ScoreCard, node: NodeResult) -> list[str]:
    adjusted, raw = node.adjusted, node.raw
    return [
        source,
        card.city_id,
        card.framework_id,
        card.assessment_date.isoformat(),
        node.id,
        node.parent or "",
        str(node.depth),
        node.kind,
        format_number(adjusted.score),
        format_number(raw.score),
        format_number(adjusted.lower),
        format_number(adjusted.upper),
        format_number(adjusted.coverage, 3),
        format_number(adjusted.weight, 4),
        "true" if adjusted.applicable else "false",
        format_number(node.value, 4),
        node.level or "",
        str(node.evidence_count),
        format_number(node.spread),
        format_number(node.target),
    ]


def tidy_rows(result: ScoreResult) -> list[list[str]]:
    """One row per node per card of a result (TIDY_COLUMNS), the whole first."""
    return [
        _tidy_row(result.source, card, node)
        for card in result.cards
        for node in (card.overall, *card.nodes)
    ]


def _csv_text(rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def render_csv(result: ScoreResult) -> str:
    """CSV lines (no header) for a result's cards."""
    return _csv_text(summary_rows(result)) if result.ok else ""


def render_tidy(result: ScoreResult) -> str:
    """Tidy CSV lines (no header) for a result's cards."""
    return _csv_text(tidy_rows(result)) if result.ok else ""


def _card_json(result: ScoreResult, card: ScoreCard) -> str:
    return json.dumps(
        {"source": result.source, "card": scorecard_to_dict(card)}, ensure_ascii=False
    )


def render_jsonl(result: ScoreResult) -> str:
    """One JSON object per line and card: ``{"source": ..., "card": {...}}``."""
    return "".join(_card_json(result, card) + "\n" for card in result.cards) if result.ok else ""


def render_json(result: ScoreResult) -> str:
    """The same objects as JSON Lines, separated by ",\\n" for a JSON array."""
    return ",\n".join(_card_json(result, card) for card in result.cards) if result.ok else ""


def render_summary(result: ScoreResult) -> str:
    """Summary rows as tab-separated text, for the table and Markdown writers."""
    return (
        "\n".join(
            # Tabs and newlines inside a value become spaces: one line per row, one tab per cell.
            "\t".join(" ".join(cell.split()) for cell in row)
            for row in summary_rows(result)
        )
        if result.ok
        else ""
    )
