"""The fast path for evidence items accepts only what the detailed converter accepts, and builds
the same item from it (property), whatever the keys, their order and their values."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integration_index._io.convert import model_converter
from integration_index._io.fast_evidence import EvidenceReader, NotFast, fast_evidence
from integration_index.model import Evidence

FIELDS = (
    "criterion",
    "rating",
    "source",
    "framework",
    "reference",
    "date",
    "assessor",
    "note",
    "effort",
)
VALUES = st.one_of(
    st.sampled_from(["1.1", "", "document", "interview", "high", "low", "largely", "x"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.none(),
    st.lists(st.integers(), max_size=2),
)
VALID = {
    "criterion": st.sampled_from(["1.1", "q"]),
    "rating": st.one_of(
        st.sampled_from(["largely", "yes"]), st.integers(-5, 5), st.floats(-1e3, 1e3)
    ),
    "source": st.sampled_from(["document", "interview", "statistics"]),
    "framework": st.sampled_from(["eurocities", "f"]),
    "reference": st.text(max_size=5),
    "date": st.dates(),
    "assessor": st.text(max_size=5),
    "note": st.text(max_size=5),
    "effort": st.sampled_from(["low", "medium", "high"]),
}


@st.composite
def tables(draw: st.DrawFn) -> dict[str, object]:
    """An evidence table: valid values mostly, any value sometimes, keys in any order, now and
    then a key missing or one Evidence does not have."""
    keys = draw(st.permutations(FIELDS))
    table: dict[str, object] = {}
    for key in keys:
        if key not in ("criterion", "rating", "source") and draw(st.booleans()):
            continue
        if draw(st.integers(0, 9)) == 0 and key != "criterion":
            continue  # a required key missing, now and then
        table[key] = draw(VALUES if draw(st.integers(0, 5)) == 0 else VALID[key])
    if draw(st.integers(0, 15)) == 0:
        table["extra"] = "?"
    return table


def _slow(table: dict[str, object]) -> Evidence | None:
    try:
        return model_converter().structure(table, Evidence)
    except Exception:
        return None


def _same(a: Evidence, b: Evidence) -> bool:
    return repr(a) == repr(b) and type(a.rating) is type(b.rating)


@given(st.lists(tables(), min_size=1, max_size=4))
def test_whatever_the_fast_path_accepts_the_detailed_converter_builds_the_same(
    items: list[dict[str, object]],
) -> None:
    slow = [_slow(table) for table in items]
    reader = EvidenceReader()
    for _ in range(2):  # the second time through functions written for each shape
        try:
            fast = reader(items, tuple[Evidence, ...])
        except Exception:
            fast = None
        if fast is not None:
            assert all(s is not None and _same(f, s) for f, s in zip(fast, slow, strict=True))
    for table, s in zip(items, slow, strict=True):
        try:
            one = fast_evidence(table)
        except Exception:
            continue
        assert s is not None and _same(one, s)


def test_plain_items_take_the_fast_path_in_any_key_order() -> None:
    day = datetime.date(2024, 3, 1)
    items = [
        {"criterion": "1.1", "rating": "largely", "source": "document", "date": day, "note": "n"},
        {"note": "n", "source": "interview", "rating": 3, "criterion": "1.2", "effort": "low"},
        {"criterion": "1.3", "rating": 0.5, "source": "statistics", "framework": "f"},
    ]
    built = EvidenceReader()(items, tuple[Evidence, ...])
    assert built == (
        Evidence(criterion="1.1", rating="largely", source="document", date=day, note="n"),
        Evidence(criterion="1.2", rating=3.0, source="interview", note="n", effort="low"),
        Evidence(criterion="1.3", rating=0.5, source="statistics", framework="f"),
    )
    assert type(built[1].rating) is float


@st.composite
def same_keys(draw: st.DrawFn) -> list[dict[str, object]]:
    """Items as one profile has them: the first item's keys in every item, in any order, with
    valid values mostly; now and then an item with other keys, one key more, or as many keys
    but one other."""
    first = draw(tables())
    items = [first]
    for _ in range(draw(st.integers(0, 5))):
        roll = draw(st.integers(0, 9))
        if roll == 0:
            items.append(draw(tables()))  # any keys
            continue
        keys = draw(st.permutations(list(first)))
        if roll == 1 and keys:
            keys[0] = draw(st.sampled_from([*FIELDS, "extra"]))  # as many keys, maybe another
        if roll == 2:
            keys.append(draw(st.sampled_from([*FIELDS, "extra"])))  # one key more, maybe
        item: dict[str, object] = {}
        for key in keys:
            item[key] = draw(VALUES if draw(st.integers(0, 5)) == 0 else VALID.get(key, VALUES))
        items.append(item)
    return items


@given(same_keys())
def test_items_sharing_the_first_items_keys_in_any_order_are_read_as_the_converter_reads(
    items: list[dict[str, object]],
) -> None:
    slow = [_slow(table) for table in items]
    reader = EvidenceReader()
    for _ in range(2):  # the second time through the loop written for the first item's keys
        try:
            fast = reader(items, tuple[Evidence, ...])
        except Exception:
            continue
        assert all(s is not None and _same(f, s) for f, s in zip(fast, slow, strict=True))
    singly = []
    for table in items:
        try:
            singly.append(EvidenceReader().one(table))  # the function written for its keys
        except Exception:
            return
    # Every item taken one by one: the loop takes them all too, and builds the same items.
    built = EvidenceReader()(items, tuple[Evidence, ...])
    assert [repr(item) for item in built] == [repr(item) for item in singly]


def test_an_item_with_one_key_more_or_another_key_than_the_first_is_read_by_its_own_keys() -> None:
    first = {"criterion": "1.1", "rating": "largely", "source": "document"}
    more = {"source": "interview", "criterion": "1.2", "rating": 2, "note": "n"}
    other = {"criterion": "1.3", "rating": 0.5, "framework": "f"}  # no source: the slow path's
    reader = EvidenceReader()
    assert reader([first, more], tuple[Evidence, ...]) == (
        Evidence(criterion="1.1", rating="largely", source="document"),
        Evidence(criterion="1.2", rating=2.0, source="interview", note="n"),
    )
    with pytest.raises(NotFast):
        reader([first, other], tuple[Evidence, ...])
    with pytest.raises(NotFast):  # a key Evidence does not have
        reader([first, {**more, "extra": 1}], tuple[Evidence, ...])
