"""``score --format parquet``: the tidy rows (one per city and node) as a Parquet file.

pyarrow is part of the ``notebook`` extra: the command checks for it before any work and says
what to install. Rows go to the file in row groups as results come (memory stays flat), into
the atomic output the other formats use.
"""

from __future__ import annotations

import argparse
import importlib.util
from typing import IO, Any

from integration_index._batch import ScoreResult
from integration_index._cli import outputs
from integration_index._cli.common import UsageError

__all__ = ["PARQUET_HINT", "ParquetScores", "check_parquet_output"]

PARQUET_HINT = (
    "--format parquet needs pyarrow: pip install 'integration-index[notebook]' "
    "(or pip install pyarrow)"
)
#: Rows kept before a row group is written.
_ROW_GROUP = 20_000
_TYPES = {
    "depth": "int32",
    "evidence": "int32",
    **dict.fromkeys(("applicable", "imputed", "switched_off"), "bool_"),
    "assessment_date": "date32",
    **dict.fromkeys(("score", "raw_score", "lower", "upper", "coverage"), "float64"),
    **dict.fromkeys(("weight", "value", "spread", "target", "measured"), "float64"),
}


def check_parquet_output(args: argparse.Namespace) -> None:
    """--format parquet needs --output (a file) and pyarrow."""
    if args.format != "parquet":
        return
    if not args.output:
        raise UsageError("--format parquet writes a file: give it with --output")
    if importlib.util.find_spec("pyarrow") is None:
        raise UsageError(PARQUET_HINT)


class ParquetScores:
    """The tidy rows of every result (outputs.TIDY_COLUMNS, typed) written as Parquet."""

    def __init__(self, stream: IO[bytes]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa: Any = pa
        self.schema = pa.schema(
            [(name, getattr(pa, _TYPES.get(name, "string"))()) for name in outputs.TIDY_COLUMNS]
        )
        self.writer: Any = pq.ParquetWriter(stream, self.schema)
        self.rows: list[list[outputs.Value]] = []

    def add(self, result: ScoreResult) -> None:
        for card in result.cards:
            self.rows += outputs.tidy_card_values(result.source, card)
        if len(self.rows) >= _ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            columns = list(zip(*self.rows, strict=True))
            arrays = [
                self.pa.array(list(values), type=field.type)
                for values, field in zip(columns, self.schema, strict=True)
            ]
            self.writer.write_table(self.pa.Table.from_arrays(arrays, schema=self.schema))
            self.rows = []

    def finish(self) -> None:
        self._flush()
        self.writer.close()
