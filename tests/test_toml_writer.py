"""The small TOML writer: what it writes reads back the same; what TOML cannot hold, it refuses.

(property) Any document of strings, integers, floats, booleans, dates, times and datetimes (any
whole-minute offset), arrays and tables round-trips through tomli; a datetime whose offset has
seconds, or a time with an offset, raises a ValueError that says why.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest
import tomli
from hypothesis import given
from hypothesis import strategies as st

from integration_index._io.toml_writer import dumps, format_value

WHOLE_MINUTES = st.builds(
    lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes)),
    st.integers(-23 * 60 - 59, 23 * 60 + 59),
)
WITH_SECONDS = st.builds(
    lambda minutes, seconds: datetime.timezone(
        datetime.timedelta(minutes=minutes, seconds=seconds)
    ),
    st.integers(-23 * 60 - 58, 23 * 60 + 58),
    st.integers(1, 59),
)
SCALARS = (
    st.text(max_size=10)
    | st.integers()
    | st.floats()
    | st.booleans()
    | st.dates()
    | st.times()
    | st.datetimes()
    | st.datetimes(timezones=WHOLE_MINUTES)
)
KEYS = st.text(max_size=5)
DOCUMENTS = st.dictionaries(
    KEYS,
    st.recursive(
        SCALARS,
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(KEYS, children, max_size=3)
        ),
        max_leaves=12,
    ),
    max_size=5,
)


def _equal(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return set(a) == set(b) and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, datetime.datetime):
        return bool(a == b and a.utcoffset() == b.utcoffset())
    return bool(a == b)


@given(DOCUMENTS)
def test_documents_round_trip(document: dict[str, Any]) -> None:
    assert _equal(tomli.loads(dumps(document)), document)


@given(st.datetimes(timezones=WITH_SECONDS))
def test_an_offset_with_seconds_is_refused_clearly(value: datetime.datetime) -> None:
    with pytest.raises(ValueError, match="offset from UTC has seconds"):
        format_value(value)
    with pytest.raises(ValueError, match="offset from UTC has seconds"):
        dumps({"when": value})


def test_offsets_are_written_as_toml_spells_them() -> None:
    minus_eight = datetime.timezone(datetime.timedelta(hours=-8))
    value = datetime.datetime(1979, 5, 27, 0, 32, 0, 999999, tzinfo=minus_eight)
    assert format_value(value) == "1979-05-27T00:32:00.999999-08:00"
    assert format_value(datetime.datetime(2024, 3, 1, 9, 5, tzinfo=datetime.UTC)) == (
        "2024-03-01T09:05:00+00:00"
    )
    assert format_value(datetime.time(7, 32, 0, 5)) == "07:32:00.000005"
    with pytest.raises(ValueError, match="a TOML time has no offset"):
        format_value(datetime.time(7, 32, tzinfo=datetime.UTC))
