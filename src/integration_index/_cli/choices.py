"""The choices of the command-line options, apart from the code behind them: the parser is
built from these without importing the scoring engine or the renderers."""

from __future__ import annotations

__all__ = ["CSV_FORMULAS", "FORMATS", "UNCERTAINTY_SOURCES"]

#: The formats of ``score --format``.
FORMATS = ("table", "csv", "tidy-csv", "json", "jsonl", "markdown", "xlsx", "parquet")

#: What CSV does with text a spreadsheet would run as a formula (``--csv-formulas``).
CSV_FORMULAS = ("neutralise", "keep")

#: The sources of ``uncertainty --sources`` (integration_index.analysis.SOURCES; a test checks
#: they agree), spelt here so that building the parser imports no analysis code.
UNCERTAINTY_SOURCES = ("unassessed", "weights", "aggregation", "evidence")
