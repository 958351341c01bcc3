"""Score cards to CSV (wide and tidy), JSON, JSON Lines, aligned tables and Markdown.

The row functions are module-level so that batch workers can render in parallel.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
from collections.abc import Mapping, Sequence

import attrs

from integration_index._batch import ScoreResult, summary_renderer
from integration_index._cli.choices import CSV_FORMULAS, FORMATS
from integration_index._io.cards import scorecard_to_dict
from integration_index._model.scorecard import NODE_ROW_COLUMNS, NodeResult, ScoreCard, node_row
from integration_index.exceptions import _printable

__all__ = [
    "CSV_DIALECTS",
    "CSV_FORMULAS",
    "DIGITS",
    "FORMATS",
    "SUMMARY_COLUMNS",
    "TIDY_COLUMNS",
    "CsvDialect",
    "Value",
    "csv_header",
    "csv_text",
    "csv_dialect_name",
    "format_number",
    "neutralise_formula",
    "render_csv",
    "render_json",
    "render_jsonl",
    "render_tidy",
    "summary_rows",
    "summary_values",
    "text_cells",
    "tidy_card_values",
]


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
TIDY_COLUMNS = ("source", *NODE_ROW_COLUMNS)


def format_number(value: float | None, digits: int = 2) -> str:
    """A number for CSV and tables: fixed decimals, empty for None."""
    return "" if value is None else f"{value:.{digits}f}"


#: A value of an output row, typed: workbooks keep the types, CSV and tables format them.
Value = str | int | float | bool | datetime.date | None

#: Decimals shown for a column's numbers in CSV and tables (other numbers are whole).
DIGITS = {
    "score": 2,
    "raw_score": 2,
    "lower": 2,
    "upper": 2,
    "coverage": 3,
    "weight": 4,
    "value": 4,
    "spread": 2,
    "target": 2,
    "measured": 4,
}


@attrs.frozen(kw_only=True)
class CsvDialect:
    """How CSV output is spelt: separator, decimal mark, byte-order mark, line ends."""

    delimiter: str = ","
    decimal: str = "."
    bom: bool = False
    line_end: str = "\n"


#: The CSV dialects: plain (UTF-8, ',' and '.'); excel (with a byte-order mark, so that Excel
#: reads UTF-8, and CRLF line ends); excel-fr (also ';' between values and a decimal comma, as
#: Excel in French and other comma-decimal locales expects).
CSV_DIALECTS = {
    "plain": CsvDialect(),
    "excel": CsvDialect(bom=True, line_end="\r\n"),
    "excel-fr": CsvDialect(delimiter=";", decimal=",", bom=True, line_end="\r\n"),
}


#: What CSV output does with text that a spreadsheet would run as a formula: neutralise (the
#: default) or keep.

#: How a text cell that a spreadsheet would run as a formula starts (OWASP's list: formula
#: signs, and the tab and carriage return that some spreadsheets skip before one).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """*text* with a leading ``'`` when it starts as a formula would, so that a spreadsheet shows
    it as text instead of running it (the OWASP advice against CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_dialect_name(dialect: str | None, formulas: str = "neutralise") -> str:
    """The name under which csv_text, csv_header and the CSV renderers take a dialect of
    CSV_DIALECTS (None: plain) together with what to do with formulas (CSV_FORMULAS):
    ``"excel:formulas=keep"``; a bare dialect name neutralises formulas."""
    if formulas not in CSV_FORMULAS:
        raise ValueError(f"formulas must be one of {CSV_FORMULAS}, got {formulas!r}")
    return f"{dialect or 'plain'}:formulas={formulas}"


def _csv_spelling(dialect: str) -> tuple[CsvDialect, bool]:
    """The spelling named by *dialect* (see csv_dialect_name), and whether to keep formulas."""
    name, _, option = dialect.partition(":")
    if option not in ("", "formulas=neutralise", "formulas=keep"):
        raise ValueError(f"unknown CSV dialect option {option!r}")
    return CSV_DIALECTS[name], option == "formulas=keep"


def text_cells(
    values: Sequence[Value],
    columns: Sequence[str],
    decimal: str = ".",
    digits: Mapping[str, int] = DIGITS,
) -> list[str]:
    """A typed row as text: numbers with their column's decimals (*digits*; 2 for a column not
    listed), dates in ISO form, booleans as true/false, None as empty."""
    cells: list[str] = []
    for value, column in zip(values, columns, strict=True):
        kind = type(value)  # the common exact types first, as the general chain below takes them
        if kind is str:
            cells.append(value)  # type: ignore[arg-type]
        elif kind is float:
            text = f"{value:.{digits.get(column, 2)}f}"
            cells.append(text if decimal == "." else text.replace(".", decimal))
        elif value is None:
            cells.append("")
        elif kind is int and column not in digits:  # a count: what str() gives, as below
            cells.append(str(value))
        elif kind is datetime.date:
            cells.append(value.isoformat())  # type: ignore[union-attr]
        elif isinstance(value, bool):
            cells.append("true" if value else "false")
        elif isinstance(value, float) or (column in digits and isinstance(value, int)):
            cells.append(format_number(value, digits.get(column, 2)).replace(".", decimal))
        elif isinstance(value, datetime.date):
            cells.append(value.isoformat())
        else:
            cells.append(str(value))
    return cells


def summary_values(result: ScoreResult) -> list[list[Value]]:
    """One typed row per card of a result (SUMMARY_COLUMNS)."""
    profile = result.profile
    country = profile.city.country if profile else None
    population = profile.city.population if profile else None
    rows: list[list[Value]] = []
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
                card.assessment_date,
                card.mode,
                overall.adjusted.score,
                overall.raw.score,
                overall.adjusted.lower,
                overall.adjusted.upper,
                overall.adjusted.coverage,
                overall.evidence_count,
                len(card.modifiers),
                " | ".join(card.warnings),
            ]
        )
    return rows


def summary_rows(result: ScoreResult) -> list[list[str]]:
    """One row per card of a result (SUMMARY_COLUMNS)."""
    return [text_cells(row, SUMMARY_COLUMNS) for row in summary_values(result)]


def tidy_card_values(source: str, card: ScoreCard) -> list[list[Value]]:
    """One typed row per node of a card (TIDY_COLUMNS), the whole first."""
    return [_tidy_values(source, card, node) for node in (card.overall, *card.nodes)]


def _tidy_values(source: str, card: ScoreCard, node: NodeResult) -> list[Value]:
    return [source, *node_row(card, node)]


def csv_text(
    rows: Sequence[Sequence[Value]],
    columns: Sequence[str],
    dialect: str = "plain",
    digits: Mapping[str, int] = DIGITS,
) -> str:
    """Typed rows as CSV lines (no header) in a dialect of CSV_DIALECTS (or a name from
    csv_dialect_name). Text that a spreadsheet would run as a formula gets a leading ``'``
    unless the name says ``formulas=keep``; numbers, dates and booleans are never touched (a
    negative number stays -3.50)."""
    spelling, keep = _csv_spelling(dialect)
    delimiter, line_end = spelling.delimiter, spelling.line_end
    buffer = writer = None  # made for the first row with a cell to quote: few rows have one
    lines = []
    for row in rows:
        cells = text_cells(row, columns, spelling.decimal, digits)
        line = delimiter.join(cells)
        # A cell starts the line or follows a delimiter: with no formula sign at either place,
        # no cell starts as a formula (a sign after a delimiter within a cell only costs the
        # cell-by-cell look).
        if not keep and (
            line.startswith(_FORMULA_START) or any(d in line for d in _after(delimiter))
        ):  # only text values: the formatted numbers are left as they are
            cells = [  # as neutralise_formula, inline: the start first, seldom a formula's
                "'" + text if text.startswith(_FORMULA_START) and isinstance(value, str) else text
                for value, text in zip(row, cells, strict=True)
            ]
            line = delimiter.join(cells)
        if len(cells) > 1 and line.count(delimiter) == len(cells) - 1 and _unquoted(line):
            lines.append(line + line_end)  # no cell to quote: what the writer writes
            continue
        if buffer is None or writer is None:
            buffer = io.StringIO()
            # CRLF for the writer, so that it quotes a value holding a carriage return as well
            # as one holding a line feed; each row's own CRLF then becomes the dialect's line end.
            writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(cells)
        lines.append(buffer.getvalue()[:-2] + line_end)
        buffer.seek(0)
        buffer.truncate()
    return "".join(lines)


@functools.cache
def _after(delimiter: str) -> tuple[str, ...]:
    """The delimiter followed by each character a formula starts with."""
    return tuple(delimiter + start for start in _FORMULA_START)


def _unquoted(line: str) -> bool:
    """Whether *line* holds none of the characters that make the CSV writer quote a cell,
    but for the delimiter (which the caller counts): a quote, a carriage return, a line feed."""
    return '"' not in line and "\r" not in line and "\n" not in line


def csv_header(columns: Sequence[str], dialect: str = "plain") -> str:
    """The header line of CSV output, after the byte-order mark if the dialect has one."""
    spelling, _ = _csv_spelling(dialect)
    bom = "\ufeff" if spelling.bom else ""
    return bom + spelling.delimiter.join(columns) + spelling.line_end


@summary_renderer
def render_csv(result: ScoreResult, dialect: str = "plain") -> str:
    """CSV lines (no header) for a result's cards; *dialect* as csv_text takes it."""
    return csv_text(summary_values(result), SUMMARY_COLUMNS, dialect) if result.ok else ""


def render_tidy(result: ScoreResult, dialect: str = "plain") -> str:
    """Tidy CSV lines (no header) for a result's cards; *dialect* as csv_text takes it."""
    if not result.ok:
        return ""
    rows = [row for card in result.cards for row in tidy_card_values(result.source, card)]
    return csv_text(rows, TIDY_COLUMNS, dialect)


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


@summary_renderer
def render_summary(result: ScoreResult) -> str:
    """Summary rows as tab-separated text, for the table and Markdown writers."""
    return (
        "\n".join(
            # Tabs and newlines inside a value become spaces: one line per row, one tab per cell;
            # other control characters (escape sequences, bells, bidi overrides) are shown escaped.
            "\t".join(_printable(" ".join(cell.split())) for cell in row)
            for row in summary_rows(result)
        )
        if result.ok
        else ""
    )
