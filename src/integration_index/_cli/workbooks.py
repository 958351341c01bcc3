"""Workbooks on the command line: ``init --format xlsx``, ``import-xlsx``, and the .xlsx outputs
of ``score`` and ``compare``.

The spreadsheet library is an optional extra: each of these checks for it before any work, and
says what to install when it is missing (a usage error, exit code 2).
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import attrs

from integration_index._analysis.compare import Ranking, RankingRow
from integration_index._api.core import dumps_profile, scoring_context
from integration_index._batch import ScoreResult
from integration_index._cli import outputs
from integration_index._cli.common import UsageError, chosen_frameworks, error
from integration_index._cli.files import atomic_binary_output, atomic_output, is_stdout
from integration_index._model.framework import Framework
from integration_index._model.profile import Assessment, City, CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._spreadsheet import (
    SpreadsheetUnavailable,
    TableWorkbook,
    openpyxl,
    profile_from_workbook,
    save_profile_workbook,
)
from integration_index.exceptions import ProfileError

__all__ = [
    "ScoreWorkbook",
    "check_workbook_output",
    "import_xlsx",
    "init_workbook",
    "require_spreadsheets",
    "ranking_values",
    "write_ranking_workbook",
]

#: The columns of a framework's own sheet, before one column per top-level criterion.
FRAMEWORK_COLUMNS = (
    "source",
    "city_id",
    "city_name",
    "country",
    "population",
    "assessment_date",
    "mode",
    "score",
    "raw_score",
    "lower",
    "upper",
    "coverage",
    "evidence",
)
_FORMATS = {column: "0." + "0" * digits for column, digits in outputs.DIGITS.items()}
_WIDTHS = {"source": 36, "city_name": 24, "warnings": 40, "node": 12, "band": 18}


def require_spreadsheets() -> None:
    """A usage error naming the extra to install when the spreadsheet library is missing."""
    try:
        openpyxl()
    except SpreadsheetUnavailable as exc:
        raise UsageError(str(exc)) from None


# -- init --format xlsx, import-xlsx -----------------------------------------------------------


def init_workbook(target: str, chosen: Sequence[Framework], args: argparse.Namespace) -> None:
    """Write the workbook a city team fills in: the profile of a city with no evidence yet."""
    require_spreadsheets()
    profile = CityProfile(
        city=City(id=args.city_id, name=args.city_name),
        assessment=Assessment(
            frameworks=tuple(framework.id for framework in chosen), date=datetime.date.today()
        ),
    )
    frameworks = {framework.id: framework for framework in chosen}
    with atomic_binary_output(target) as stream:
        save_profile_workbook(profile, frameworks, stream, language=args.language or "en")


def import_xlsx(args: argparse.Namespace) -> int:
    """Read a filled workbook; write its profile as TOML, or list every problem by cell."""
    require_spreadsheets()
    context = scoring_context(chosen_frameworks(args), registry=args.registry)
    try:
        profile = profile_from_workbook(args.workbook, context.frameworks, name=args.workbook)
    except ProfileError as exc:
        for problem in exc.problems:
            error(f"{args.workbook}: {problem.message}")
        error(f"{args.workbook}: {len(exc.problems)} problem(s); no profile written")
        return 1
    header = f"# Imported from {Path(args.workbook).name} by integration-index import-xlsx.\n"
    with atomic_output(args.output) as stream:
        stream.write(header + dumps_profile(profile))
    if not is_stdout(args.output):
        count = len(profile.evidence)
        error(f"wrote {args.output}: the profile of {profile.city.name}, {count} evidence item(s)")
    return 0


# -- score --format xlsx -----------------------------------------------------------------------


class ScoreWorkbook:
    """The score workbook: a Summary sheet (SUMMARY_COLUMNS), then for each framework scored a
    sheet with one row per city and a column per top-level criterion, and a sheet of its nodes
    (TIDY_COLUMNS). Rows stream to disk as results come."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.book = TableWorkbook()
        self.book.add_table(
            "summary", "Summary", outputs.SUMMARY_COLUMNS, formats=_FORMATS, widths=_WIDTHS
        )
        self.criteria: dict[str, tuple[str, ...]] = {}

    def add(self, result: ScoreResult) -> None:
        for card, row in zip(result.cards, outputs.summary_values(result), strict=True):
            self.book.append("summary", row)
            self._framework_row(card, row)
            for values in outputs.tidy_card_values(result.source, card):
                self.book.append(f"nodes:{card.framework_id}", values)

    def _framework_row(self, card: ScoreCard, summary: list[outputs.Value]) -> None:
        framework_id = card.framework_id
        if framework_id not in self.criteria:
            tops = tuple(node.id for node in card.nodes if node.depth == 1)
            self.criteria[framework_id] = tops
            columns = (*FRAMEWORK_COLUMNS, *tops)
            self.book.add_table(
                f"framework:{framework_id}",
                framework_id,
                columns,
                formats=_FORMATS,
                widths=_WIDTHS,
            )
            self.book.add_table(
                f"nodes:{framework_id}",
                f"Nodes {framework_id}",
                outputs.TIDY_COLUMNS,
                formats=_FORMATS,
                widths=_WIDTHS,
            )
        by_name = dict(zip(outputs.SUMMARY_COLUMNS, summary, strict=True))
        scores = {node.id: node.adjusted.score for node in card.nodes if node.depth == 1}
        values = [by_name[column] for column in FRAMEWORK_COLUMNS]
        values += [scores.get(node_id) for node_id in self.criteria[framework_id]]
        self.book.append(f"framework:{framework_id}", values)

    def finish(self) -> None:
        self.book.save(self.stream)


# -- compare --format xlsx ---------------------------------------------------------------------


def ranking_values(ranking: Ranking) -> tuple[tuple[str, ...], list[list[outputs.Value]]]:
    """A ranking's columns and typed rows (its assessment dates as dates)."""
    columns = tuple(field.name for field in attrs.fields(RankingRow))
    rows: list[list[outputs.Value]] = []
    for row in ranking.rows:
        values = dict(zip(columns, attrs.astuple(row), strict=True))
        values["assessment_date"] = datetime.date.fromisoformat(row.assessment_date)
        rows.append([values[column] for column in columns])
    return columns, rows


def write_ranking_workbook(ranking: Ranking, output: str) -> None:
    """A ranking as a workbook of one sheet."""
    columns, rows = ranking_values(ranking)
    book = TableWorkbook()
    book.add_table("ranking", "Ranking", columns, formats=_FORMATS, widths=_WIDTHS)
    for row in rows:
        book.append("ranking", row)
    with atomic_binary_output(output) as stream:
        book.save(stream)


def check_workbook_output(args: argparse.Namespace) -> None:
    """--format xlsx needs --output and the spreadsheet library."""
    if args.format == "xlsx":
        if not args.output:
            raise UsageError("--format xlsx writes a workbook: give its file with --output")
        require_spreadsheets()
