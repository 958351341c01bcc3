"""text_cells takes the common exact types (text, floats, counts, dates) first: every value
gives the text the general chain of checks gives it (property), whatever its type and column."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from hypothesis import given
from hypothesis import strategies as st

from integration_index._cli.outputs import DIGITS, Value, format_number, text_cells

COLUMNS = st.sampled_from(["score", "coverage", "weight", "population", "evidence_count", "x"])
VALUES = st.one_of(
    st.text(max_size=4),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**70), 2**70),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
)


def reference(
    values: Sequence[Value], columns: Sequence[str], decimal: str, digits: Mapping[str, int]
) -> list[str]:
    """The general chain alone, as text_cells was before the exact types were taken first."""
    cells: list[str] = []
    for value, column in zip(values, columns, strict=True):
        if value is None:
            cells.append("")
        elif isinstance(value, bool):
            cells.append("true" if value else "false")
        elif isinstance(value, float) or (column in digits and isinstance(value, int)):
            cells.append(format_number(value, digits.get(column, 2)).replace(".", decimal))
        elif isinstance(value, datetime.date):
            cells.append(value.isoformat())
        else:
            cells.append(str(value))
    return cells


@given(st.lists(st.tuples(VALUES, COLUMNS), max_size=8), st.sampled_from([".", ","]))
def test_text_cells_give_what_the_general_chain_gives(
    pairs: list[tuple[Value, str]], decimal: str
) -> None:
    values = [value for value, _ in pairs]
    columns = [column for _, column in pairs]
    assert text_cells(values, columns, decimal) == reference(values, columns, decimal, DIGITS)
