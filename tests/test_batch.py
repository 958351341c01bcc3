"""score_many: one result per input, in order, bad inputs isolated, identical with jobs=2."""

from __future__ import annotations

import random
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import integration_index as ii
from integration_index import CityProfile
from integration_index.model import Evidence
from integration_index.testing import profiles

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "profiles"
BAD = Path(__file__).resolve().parent / "data" / "bad"
OECD = ROOT / "examples" / "oecd-checklist"


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


def oecd_copy(directory: Path) -> tuple[Path, Path]:
    """The OECD example framework renamed ``oecd-copy`` (no plugin registers it) and Westhaven's
    profile naming it, written to *directory*."""
    text = (OECD / "src" / "integration_index_oecd" / "oecd-checklist.toml").read_text(
        encoding="utf-8"
    )
    framework = directory / "oecd-copy.toml"
    framework.write_text(
        text.replace('\nid = "oecd-checklist"\n', '\nid = "oecd-copy"\n'), encoding="utf-8"
    )
    profile = directory / "westhaven-2025.toml"
    profile.write_text(
        (OECD / "profiles" / "westhaven-2025.toml")
        .read_text(encoding="utf-8")
        .replace('frameworks = ["oecd-checklist"]', 'frameworks = ["oecd-copy"]')
        .replace("[context.oecd-checklist]", "[context.oecd-copy]"),
        encoding="utf-8",
    )
    return framework, profile


def test_spawned_workers_score_a_framework_loaded_from_a_file(tmp_path: Path) -> None:
    framework_path, profile_path = oecd_copy(tmp_path)
    framework = ii.load_framework(framework_path)
    assert framework.id == "oecd-copy"
    assert "oecd-copy" not in {f.id for f in ii.list_frameworks()}
    westhaven = ii.load_profile(profile_path)
    levels = [level.id for level in framework.scales[0].levels]
    rng = random.Random(2025)
    generated = [
        attrs.evolve(
            westhaven,
            city=attrs.evolve(westhaven.city, id=f"city-{i}", name=f"City {i}"),
            evidence=tuple(
                Evidence(criterion=leaf.id, rating=rng.choice(levels), source="document")
                for leaf in framework.leaves
                if leaf.id != "o12" and rng.random() < 0.8
            ),
        )
        for i in range(7)
    ]
    bad = tmp_path / "bad.toml"
    bad.write_text(
        profile_path.read_text(encoding="utf-8").replace(
            'rating = "advanced"', 'rating = "excellent"', 1
        ),
        encoding="utf-8",
    )
    inputs: list[Path | CityProfile] = [profile_path, *generated, bad]
    one = list(ii.score_many(inputs, [framework], jobs=1))
    two = list(ii.score_many(inputs, [framework], jobs=2, start_method="spawn", chunk_size=2))
    assert [r.ok for r in one] == [True] * 8 + [False]
    assert [r.source for r in two] == [r.source for r in one]
    assert [r.cards for r in two] == [r.cards for r in one]  # whole cards, every node
    assert [str(r.error) for r in two] == [str(r.error) for r in one]
    assert "rating 'excellent' is not a level" in str(one[-1].error)
    # Westhaven's overall score, worked out in test_cli_framework_file.py: 73/144.
    assert two[0].cards[0].score == pytest.approx(100 * 73 / 144)
    assert [c.city_id for r in two[1:-1] for c in r.cards] == [f"city-{i}" for i in range(7)]


def test_skip_unassessed_leaves_out_the_profiles_of_other_frameworks() -> None:
    results = list(
        ii.score_many([EXAMPLES], ["eurocities"], skip_unassessed=True, keep_profiles=True)
    )
    assert all(result.ok for result in results), [str(r.error) for r in results]
    by_folder: dict[str, list[int]] = {}
    for result in results:
        assert result.profile is not None
        by_folder.setdefault(Path(result.source).parent.name, []).append(len(result.cards))
        assert all(card.framework_id == "eurocities" for card in result.cards)
    # eurocities/ holds five EUROCITIES profiles and all-three/ one profile of all three
    # frameworks; engagement/ and gfmd/ one profile each of another framework only.
    assert by_folder == {
        "all-three": [1],
        "engagement": [0],
        "eurocities": [1, 1, 1, 1, 1],
        "gfmd": [0],
    }
    strict = list(ii.score_many([EXAMPLES], ["eurocities"]))
    failed = sorted(Path(r.source).parent.name for r in strict if not r.ok)
    assert failed == ["engagement", "gfmd"]  # without skip_unassessed they are errors


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


def test_chunks_stay_a_small_share_of_what_came_and_grow_to_the_chunk_size() -> None:
    from integration_index._pool import chunks

    def sizes(n: int, size: int, jobs: int) -> list[int]:
        parts = list(chunks(iter(range(n)), size, jobs))
        assert [item for part in parts for item in part] == list(range(n))  # all, in order
        return [len(part) for part in parts]

    assert sizes(20, 128, 2) == [8, 8, 4]
    assert sizes(100, 128, 2) == [8] * 12 + [4]  # 8 until 144 have gone (144 // 16 = 9)
    assert sizes(7, 3, 2) == [3, 3, 1]
    assert sizes(30, 1, 2) == [1] * 30
    assert sizes(250, 128, 8) == [8] * 31 + [2]  # every one of 8 workers gets some
    large = sizes(10_000, 128, 2)
    assert large[:-1] == sorted(large[:-1]) and max(large) == 128
    first_full = large.index(128)
    assert sum(large[:first_full]) >= 2048  # 128 is an eighth of a job's share of 2,048
    assert set(large[first_full:-1]) == {128}
