"""Frameworks read against a registry: aggregation names checked at load time, every problem at
once with its line and key path, and TOML round trips of every shipped framework."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

import integration_index as ii
from integration_index import Registry
from integration_index.exceptions import FrameworkError, PluginError, Problem
from integration_index.model import Criterion, Framework

ROOT = Path(__file__).resolve().parent.parent
OECD_FILE = (
    ROOT / "examples" / "oecd-checklist" / "src" / "integration_index_oecd" / "oecd-checklist.toml"
)
BUILT_IN = ("engagement-spectrum", "eurocities", "gfmd-arrival-cities")

# Line numbers are counted by hand in this text.
UNKNOWN_AGGREGATIONS = """\
schema = 1
id = "odd"
version = "1"
title = "Odd"

[settings]
scale = "s"
aggregation = "harmonic_mean"

[[scales]]
id = "s"
title = "S"

[[scales.levels]]
id = "no"
value = 0.0
label = "No"

[[scales.levels]]
id = "yes"
value = 1.0
label = "Yes"

[[criteria]]
id = "a"
title = "A"

[[criteria]]
id = "b"
title = "B"
aggregation = "nope"

[[criteria.children]]
id = "b1"
title = "B1"
"""
SETTINGS_LINE = 8  # aggregation = "harmonic_mean"
CRITERION_LINE = 31  # aggregation = "nope", under the second [[criteria]]


def test_the_line_numbers_above_are_right() -> None:
    lines = UNKNOWN_AGGREGATIONS.splitlines()
    assert lines[SETTINGS_LINE - 1] == 'aggregation = "harmonic_mean"'
    assert lines[CRITERION_LINE - 1] == 'aggregation = "nope"'


def test_an_unknown_aggregation_is_a_load_time_error_with_file_line_and_key_path(
    tmp_path: Path,
) -> None:
    path = tmp_path / "odd.toml"
    path.write_text(UNKNOWN_AGGREGATIONS, encoding="utf-8")
    with pytest.raises(FrameworkError) as failed:
        ii.load_framework(path, registry=Registry(entry_points=False))
    error = failed.value
    assert error.path == str(path)
    expected = "expected one of: gate, geometric_mean, minimum, weighted_mean"
    assert error.problems == [
        Problem(
            f"unknown aggregation 'harmonic_mean'; {expected}",
            "settings.aggregation",
            SETTINGS_LINE,
        ),
        Problem(
            f"unknown aggregation 'nope'; {expected}", "criteria[1].aggregation", CRITERION_LINE
        ),
    ]
    assert str(error).splitlines() == [
        f"{path}:{SETTINGS_LINE}: settings.aggregation: unknown aggregation 'harmonic_mean'; {expected}",
        f"{path}:{CRITERION_LINE}: criteria[1].aggregation: unknown aggregation 'nope'; {expected}",
    ]


def harmonic(
    values: Sequence[float | None], weights: Sequence[float], node: Criterion
) -> float | None:
    assessed = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None]
    if not assessed:
        return None
    if any(v == 0 for v, _ in assessed):
        return 0.0
    return sum(w for _, w in assessed) / sum(w / v for v, w in assessed)


class Harmonic:
    @ii.hookimpl
    def integration_index_register_aggregations(self, register: Callable[..., None]) -> None:
        register("harmonic_mean", harmonic, monotone=True)


def test_a_registered_aggregation_is_known_to_load_framework(tmp_path: Path) -> None:
    path = tmp_path / "odd.toml"
    path.write_text(UNKNOWN_AGGREGATIONS.replace('"nope"', '"minimum"'), encoding="utf-8")
    registry = Registry(entry_points=False)
    with pytest.raises(FrameworkError, match="unknown aggregation 'harmonic_mean'"):
        ii.load_framework(path, registry=registry)
    registry.register_plugin(Harmonic(), name="harmonic")
    framework = ii.load_framework(path, registry=registry)
    assert framework.settings.aggregation == "harmonic_mean"
    assert framework.node("b").aggregation == "minimum"
    # The same text, through loads_framework.
    assert ii.loads_framework(path.read_text(encoding="utf-8"), registry=registry) == framework


def test_an_unknown_aggregation_registered_by_a_plugin_is_that_plugins_error(
    tmp_path: Path,
) -> None:
    path = tmp_path / "odd.toml"
    path.write_text(UNKNOWN_AGGREGATIONS, encoding="utf-8")

    class Odd:
        @ii.hookimpl
        def integration_index_register_frameworks(self, register: Callable[[Path], None]) -> None:
            register(path)

    registry = Registry(entry_points=False)
    with pytest.raises(PluginError) as refused:
        registry.register_plugin(Odd(), name="odd")
    assert refused.value.plugin == "odd"
    message = str(refused.value)
    assert message.startswith("plugin 'odd': invalid framework file: ")
    assert f"{path}:{SETTINGS_LINE}: settings.aggregation: unknown aggregation" in message
    assert f"{path}:{CRITERION_LINE}: criteria[1].aggregation: unknown aggregation" in message
    assert registry.frameworks() == ()


BROKEN = (
    UNKNOWN_AGGREGATIONS.replace('scale = "s"', 'scale = "missing"')  # line 7
    .replace('id = "b1"', 'id = "a"')  # line 34: the id of criteria[0] again
    .replace('"nope"', '"minimum"')
)
CROSS_REFERENCE_PROBLEMS = [
    Problem("unknown scale 'missing' (the default scale of 2 leaves)", "settings.scale", 7),
    Problem(
        "criterion id 'a' is used twice (first at criteria[0].id)", "criteria[1].children[0].id", 34
    ),
]


def test_every_cross_reference_problem_is_reported_at_once() -> None:
    with pytest.raises(FrameworkError) as failed:
        ii.loads_framework(BROKEN, registry=Registry(entry_points=False))
    problems = failed.value.problems
    for problem in CROSS_REFERENCE_PROBLEMS:
        assert problem in problems, problems
    lines = str(failed.value).splitlines()
    assert (
        "line 7: settings.scale: unknown scale 'missing' (the default scale of 2 leaves)" in lines
    )
    assert (
        "line 34: criteria[1].children[0].id: criterion id 'a' is used twice "
        "(first at criteria[0].id)"
    ) in lines


def test_an_unknown_aggregation_is_reported_beside_the_other_problems() -> None:
    with pytest.raises(FrameworkError) as failed:
        ii.loads_framework(BROKEN, registry=Registry(entry_points=False))
    expected = "expected one of: gate, geometric_mean, minimum, weighted_mean"
    assert sorted(failed.value.problems, key=lambda p: p.line or 0) == [
        CROSS_REFERENCE_PROBLEMS[0],
        Problem(
            f"unknown aggregation 'harmonic_mean'; {expected}",
            "settings.aggregation",
            SETTINGS_LINE,
        ),
        CROSS_REFERENCE_PROBLEMS[1],
    ]


# -- round trips ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_in() -> dict[str, Framework]:
    return {framework.id: framework for framework in Registry(blocked=()).frameworks()}


def test_the_built_in_frameworks_are_registered(built_in: dict[str, Framework]) -> None:
    assert set(BUILT_IN) <= set(built_in)  # and the OECD example, when it is installed


@pytest.mark.parametrize("framework_id", BUILT_IN)
def test_dumps_framework_round_trips_every_built_in_framework(
    built_in: dict[str, Framework], framework_id: str
) -> None:
    framework = built_in[framework_id]
    text = ii.dumps_framework(framework)
    again = ii.loads_framework(text, registry=Registry(entry_points=False))
    assert again == framework
    assert ii.dumps_framework(again) == text


def test_dumps_framework_round_trips_the_oecd_example() -> None:
    framework = ii.load_framework(OECD_FILE, registry=Registry(entry_points=False))
    assert framework.id == "oecd-checklist"
    assert len(framework.leaves) == 12
    text = ii.dumps_framework(framework)
    assert ii.loads_framework(text, registry=Registry(entry_points=False)) == framework
