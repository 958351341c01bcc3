"""``integration-index score``: batch scoring, streamed in input order, written atomically."""

from __future__ import annotations

import argparse
import contextlib
import functools
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from integration_index._api.core import score_many
from integration_index._batch import Renderer, ScoreResult
from integration_index._cli import outputs
from integration_index._cli.common import (
    UsageError,
    chosen_frameworks,
    error,
    warn_plugin_failures,
)
from integration_index._cli.files import atomic_binary_output, atomic_output, in_place, is_stdout
from integration_index._cli.parquet import ParquetScores, check_parquet_output
from integration_index._cli.progress import Progress, wanted
from integration_index._cli.run_inputs import Inputs, run_options
from integration_index._i18n import Translator, translator
from integration_index.exceptions import AnalysisInputError

if TYPE_CHECKING:
    from integration_index._cli.workbooks import ScoreWorkbook

__all__ = ["score"]

_RENDERERS: dict[str, Renderer] = {
    "csv": outputs.render_csv,
    "tidy-csv": outputs.render_tidy,
    "json": outputs.render_json,
    "jsonl": outputs.render_jsonl,
    "table": outputs.render_summary,
    "markdown": outputs.render_summary,
}

_TABLE_COLUMNS = (
    "city_name",
    "framework",
    "assessment_date",
    "score",
    "raw_score",
    "lower",
    "upper",
    "coverage",
)
#: The table's columns in the catalogue (cli.score.col_*), in the order of _TABLE_COLUMNS.
_TABLE_HEADER = ("city", "framework", "date", "score", "raw", "lower", "upper", "coverage")
_TABLE_WIDTHS = (24, 20, 10, 6, 6, 6, 6, 8)
_TABLE_INDEXES = tuple(outputs.SUMMARY_COLUMNS.index(name) for name in _TABLE_COLUMNS)


class _Abort(Exception):
    """--fail-fast stopped the run, or nothing was scored: leave the output file untouched."""


class _Tally:
    def __init__(self) -> None:
        self.scored = 0
        self.failed = 0
        self.stopped = False
        self.empty = False


def score(args: argparse.Namespace) -> int:
    _check_format_options(args)
    warn_plugin_failures(args.registry)
    replaced = not is_stdout(args.output) and not in_place(args.output)
    frameworks = chosen_frameworks(args) or None
    options = run_options(args)
    if "weights" in options and not frameworks:
        raise UsageError("--weights needs the framework: --framework ID or --framework-file PATH")
    # One catalogue load for the run; the built-in formatter, proven equal to Babel's for the
    # numbers a table shows (tests/test_i18n.py), spares start-up Babel's import.
    tr = translator(getattr(args, "language", "en"), babel=False)
    input_errors: list[str] = []
    paths: Any = Inputs(args.paths, input_errors)
    progress = None
    if wanted(sys.stderr, args.progress):
        paths = list(paths)
        progress = Progress(len(paths))
    tally = _Tally()
    workbook = args.format == "xlsx"
    binary = workbook or args.format == "parquet"
    try:
        results = score_many(
            paths,
            frameworks,
            jobs=args.jobs,
            keep_profiles=workbook,
            render=None if binary else _renderer(args),
            registry=args.registry,
            **options,
        )
    except AnalysisInputError as exc:
        raise UsageError(exc.format()) from None
    try:
        with _output(args.output, binary=binary) as stream:
            writer = (
                _score_workbook(stream)
                if workbook
                else ParquetScores(stream)
                if binary
                else _Writer(stream, args.format, args.csv_dialect, tr)
            )
            _stream(results, writer, tally, progress, args.fail_fast)
            if tally.stopped and replaced:
                raise _Abort()
            if tally.scored == 0 and replaced:  # a typo must not replace the last results
                tally.empty = True
                raise _Abort()
            writer.finish()
    except _Abort:
        pass
    finally:
        if progress:
            progress.close()
    for message in input_errors:
        error(message)
    error(_summary(tally, input_errors, args.output, tr))
    return 1 if tally.failed or input_errors or tally.empty else 0


def _check_format_options(args: argparse.Namespace) -> None:
    """Refuse, before any work, options that do not fit the format."""
    if args.csv_dialect is not None and args.format not in ("csv", "tidy-csv"):
        raise UsageError("--csv-dialect applies to --format csv and tidy-csv")
    check_parquet_output(args)
    if args.format == "xlsx":
        from integration_index._cli.workbooks import check_workbook_output

        check_workbook_output(args)


def _score_workbook(stream: IO[bytes]) -> ScoreWorkbook:
    # Imported for --format xlsx alone: the spreadsheet code, and the ranking the workbook
    # holds, cost every other format's start-up several milliseconds.
    from integration_index._cli.workbooks import ScoreWorkbook

    return ScoreWorkbook(stream)


def _renderer(args: argparse.Namespace) -> Renderer:
    if args.csv_dialect is not None:  # a module-level function and its dialect: workers get both
        csv_render = outputs.render_csv if args.format == "csv" else outputs.render_tidy
        return functools.partial(csv_render, dialect=args.csv_dialect)
    return _RENDERERS[args.format]


@contextlib.contextmanager
def _output(path: str | None, *, binary: bool) -> Iterator[Any]:
    if binary:
        assert path is not None
        with atomic_binary_output(path) as stream:
            yield stream
    else:
        with atomic_output(path) as stream:
            yield stream


def _stream(
    results: Any,
    writer: _Writer | ScoreWorkbook | ParquetScores,
    tally: _Tally,
    progress: Progress | None,
    fail_fast: bool,
) -> None:
    try:
        for result in results:
            if result.ok:
                tally.scored += 1
                writer.add(result)
            else:
                tally.failed += 1
                assert result.error is not None
                if progress:
                    progress.stream.write("\r\033[K")
                error(result.error.format())
            if progress:
                progress.advance(not result.ok)
            if fail_fast and not result.ok:
                tally.stopped = True
                return
    finally:
        results.close()


def _summary(tally: _Tally, input_errors: list[str], output: str | None, tr: Translator) -> str:
    summary = tr.t("cli.score.summary", scored=tally.scored, failed=tally.failed)
    if input_errors:
        summary += tr.t("cli.score.summary_unmatched", count=len(input_errors))
    if tally.stopped:
        summary += tr.t("cli.score.summary_stopped") + (
            tr.t("cli.score.summary_unchanged") if output and not is_stdout(output) else ""
        )
    elif tally.empty:
        summary += tr.t("cli.score.summary_empty", output=str(output))
    elif output and not is_stdout(output):
        summary += tr.t("cli.score.summary_wrote", output=output)
    return summary


class _Writer:
    """Streams rendered results in the chosen format."""

    def __init__(self, stream: IO[str], fmt: str, dialect: str | None, tr: Translator) -> None:
        self.stream = stream
        self.fmt = fmt
        self.first = True
        header = tuple(tr.t(f"cli.score.col_{name}") for name in _TABLE_HEADER)
        #: The decimal mark of the table's numbers in the language (49.80 / 49,80).
        self.decimal = tr.number(0.5)[1]
        if fmt == "csv":
            stream.write(outputs.csv_header(outputs.SUMMARY_COLUMNS, dialect or "plain"))
        elif fmt == "tidy-csv":
            stream.write(outputs.csv_header(outputs.TIDY_COLUMNS, dialect or "plain"))
        elif fmt == "json":
            stream.write("[\n")
        elif fmt == "table":
            stream.write(self._table_line(header) + "\n")
        elif fmt == "markdown":
            stream.write("| " + " | ".join(header) + " |\n")
            alignments = ("---" if i < 3 else "---:" for i in range(len(_TABLE_COLUMNS)))
            stream.write("|" + "|".join(alignments) + "|\n")

    @staticmethod
    def _table_line(cells: tuple[str, ...] | list[str]) -> str:
        parts = []
        for index, (cell, width) in enumerate(zip(cells, _TABLE_WIDTHS, strict=True)):
            text = cell if len(cell) <= width else cell[: width - 1] + "…"
            parts.append(text.rjust(width) if index >= 3 else text.ljust(width))
        return "  ".join(parts).rstrip()

    def add(self, result: ScoreResult) -> None:
        text = result.output or ""
        if not text:
            return
        if self.fmt in ("csv", "tidy-csv", "jsonl"):
            self.stream.write(text)
        elif self.fmt == "json":
            self.stream.write(("" if self.first else ",\n") + text)
        else:
            for line in text.split("\n"):
                row = line.split("\t")
                cells = [row[i] for i in _TABLE_INDEXES]
                cells[3:] = [cell.replace(".", self.decimal) for cell in cells[3:]]
                if self.fmt == "table":
                    self.stream.write(self._table_line(cells) + "\n")
                else:
                    escaped = (c.replace("|", "\\|") for c in cells)
                    self.stream.write("| " + " | ".join(escaped) + " |\n")
        self.first = False

    def finish(self) -> None:
        if self.fmt == "json":
            self.stream.write("\n]\n")
