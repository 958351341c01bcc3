"""csv_text writes a row with no cell to quote by joining its cells: the same text, byte for
byte, as the csv module's writer (property), whatever the cells and the dialect."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from integration_index._cli.outputs import (
    CSV_DIALECTS,
    Value,
    csv_dialect_name,
    csv_text,
    neutralise_formula,
    text_cells,
)

CELLS = st.one_of(
    st.text(alphabet=st.sampled_from(list("ab ,;\"\r\n=+-@\t'.é")), max_size=6),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    st.integers(-5, 5),
    st.none(),
    st.booleans(),
)


def reference(rows: list[list[Value]], columns: list[str], dialect: str, keep: bool) -> str:
    """Every row through csv.writer, as csv_text wrote them all before."""
    spelling = CSV_DIALECTS[dialect]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=spelling.delimiter, lineterminator="\r\n")
    lines = []
    for row in rows:
        cells = text_cells(row, columns, spelling.decimal)
        if not keep:
            cells = [
                neutralise_formula(text) if isinstance(value, str) else text
                for value, text in zip(row, cells, strict=True)
            ]
        writer.writerow(cells)
        lines.append(buffer.getvalue()[:-2] + spelling.line_end)
        buffer.seek(0)
        buffer.truncate()
    return "".join(lines)


@given(
    st.integers(1, 5).flatmap(lambda n: st.lists(st.lists(CELLS, min_size=n, max_size=n))),
    st.sampled_from(sorted(CSV_DIALECTS)),
    st.booleans(),
)
def test_rows_are_written_as_the_csv_writer_writes_them(
    rows: list[list[Value]], dialect: str, keep: bool
) -> None:
    columns = [f"c{i}" for i in range(len(rows[0]))] if rows else []
    name = csv_dialect_name(dialect, "keep" if keep else "neutralise")
    assert csv_text(rows, columns, name) == reference(rows, columns, dialect, keep)


def test_a_row_with_a_cell_to_quote_is_quoted() -> None:
    rows: list[list[Value]] = [
        ["a,b", 1.5, 'say "hi"', "x"],
        ["plain", 2.0, "line\nend", None],
        ["a", 0.25, "b", ""],
    ]
    assert csv_text(rows, ["t", "score", "u", "v"]) == (
        '"a,b",1.50,"say ""hi""",x\nplain,2.00,"line\nend",\na,0.25,b,\n'
    )
