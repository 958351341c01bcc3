"""score_many: one result per input, in order, bad inputs isolated, identical with jobs=2."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import integration_index as ii
from integration_index.testing import profiles

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "profiles"
BAD = Path(__file__).resolve().parent / "data" / "bad"


def test_one_result_per_input_in_order_with_errors_isolated() -> None:
    inputs = [
        EXAMPLES / "eurocities" / "rivermouth-2022.toml",
        BAD / "empty.toml",
        EXAMPLES / "eurocities" / "rivermouth-2024.toml",
    ]
    results = list(ii.score_many(inputs))
    assert [r.source for r in results] == [str(p) for p in inputs]
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].error is not None and "empty" in str(results[1].error)
    assert results[1].error.path == str(BAD / "empty.toml")
    assert [c.assessment_date.year for r in results for c in r.cards] == [2022, 2024]


def test_profile_objects_and_framework_selection() -> None:
    profile = ii.load_profile(EXAMPLES / "all-three" / "harbourton-2024.toml")
    (result,) = ii.score_many([profile])
    assert [c.framework_id for c in result.cards] == list(profile.assessment.frameworks)
    (only,) = ii.score_many([profile], frameworks=["gfmd-arrival-cities"])
    assert [c.framework_id for c in only.cards] == ["gfmd-arrival-cities"]
    (missing,) = ii.score_many(
        [ii.load_profile(EXAMPLES / "gfmd" / "nova-aurelia-2024.toml")], frameworks=["eurocities"]
    )
    assert not missing.ok


def test_jobs_two_equals_jobs_one_on_the_examples_and_bad_inputs() -> None:
    inputs = [*sorted(EXAMPLES.rglob("*.toml")), *sorted(BAD.glob("*.toml"))]
    one = list(ii.score_many(inputs, jobs=1, chunk_size=2))
    two = list(ii.score_many(inputs, jobs=2, chunk_size=2))
    assert [r.cards for r in one] == [r.cards for r in two]
    assert [str(r.error) for r in one] == [str(r.error) for r in two]


@settings(max_examples=5, deadline=None)
@given(st.data())
def test_jobs_two_equals_jobs_one_on_generated_profiles(data: st.DataObject) -> None:
    framework = ii.get_framework("eurocities")
    generated = data.draw(st.lists(profiles(framework), min_size=1, max_size=6))
    one = [r.cards for r in ii.score_many(generated, jobs=1, chunk_size=1)]
    two = [r.cards for r in ii.score_many(generated, jobs=2, chunk_size=1)]
    assert one == two


def test_expand_inputs_recurses_sorts_and_globs() -> None:
    found = list(ii.expand_inputs([EXAMPLES]))
    assert found == sorted(found)
    assert all(path.endswith(".toml") for path in found)
    assert list(ii.expand_inputs([str(EXAMPLES / "eurocities" / "rivermouth-*.toml")])) == [
        str(EXAMPLES / "eurocities" / "rivermouth-2022.toml"),
        str(EXAMPLES / "eurocities" / "rivermouth-2024.toml"),
    ]


def test_directories_are_walked_in_sorted_order_in_bounded_batches(tmp_path: Path) -> None:
    import integration_index._batch as batch

    names = [f"p{i:03d}.toml" for i in (5, 1, 42, 7, 3, 100, 11)]
    for name in names:
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.toml").write_text("", encoding="utf-8")
    expected = [str(tmp_path / n) for n in sorted(names)] + [str(tmp_path / "sub" / "a.toml")]
    assert list(ii.expand_inputs([tmp_path])) == expected
    setattr(batch, "_NAMES_AT_ONCE", 2)  # noqa: B010 - several passes over the directory
    try:
        assert list(ii.expand_inputs([tmp_path])) == expected
    finally:
        setattr(batch, "_NAMES_AT_ONCE", 10_000)  # noqa: B010
