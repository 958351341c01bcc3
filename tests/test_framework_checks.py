"""Framework checks: every problem at once, each with its key path and line; conditions make one
test; scales list every problem of their levels."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import integration_index as ii
from integration_index import model
from integration_index._io.documents import load_scale_file
from integration_index._model.framework import Framework, framework_problems
from integration_index._model.frozen import FrozenDict
from integration_index._model.scale import Level, Scale
from integration_index._model.text import Text
from integration_index.exceptions import FrameworkError

# Line numbers in the tests below are counted by hand on these texts: line 1 is "schema = 1".
THREE_PROBLEMS = """\
schema = 1
id = "demo"
version = "1"
title = "Demo"

[settings]
scale = "yes-no"

[[scales]]
id = "yes-no"
title = "Yes or no"
levels = [{ id = "no", value = 0.0, label = "No" }, { id = "yes", value = 1.0, label = "Yes" }]

[[criteria]]
id = "a"
title = "A"

[[criteria.children]]
id = "a1"
title = "A1"

[[criteria.children]]
id = "a1"
title = "A1, again"

[[criteria]]
id = "b"
title = "B"
scale = "no-such-scale"

[[modifiers]]
id = "drop"
effect = "not_applicable"
criteria = ["a", "zz"]
reason = "R"
"""

# A valid framework with one contextual factor, once {WHEN} is replaced (line 35) by a condition.
WITH_CONDITION = """\
schema = 1
id = "demo"
version = "1"
title = "Demo"

[settings]
scale = "yes-no"

[[scales]]
id = "yes-no"
title = "Yes or no"
levels = [{ id = "no", value = 0.0, label = "No" }, { id = "yes", value = 1.0, label = "Yes" }]

[[criteria]]
id = "a"
title = "A"

[[contextual_factors]]
id = "size"
title = "Size"
kind = "number"

[[modifiers]]
id = "always"
effect = "scale_weight"
criteria = ["a"]
reason = "R"
factor = 2.0

[[modifiers]]
id = "small"
effect = "not_applicable"
criteria = ["a"]
reason = "R"
when = {WHEN}
"""

BAD_SCALE = """\
schema = 1
id = "demo"
version = "1"
title = "Demo"

[settings]
scale = "three"

[[scales]]
id = "three"
title = "Three levels"

[[scales.levels]]
id = "low"
value = 0.0
label = "Low"

[[scales.levels]]
id = "low"
value = 0.6
label = "Middle"

[[scales.levels]]
id = "high"
value = 0.5
label = "High"

[[criteria]]
id = "a"
title = "A"
"""


def _write(tmp_path: Path, text: str, name: str = "framework.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _where(error: FrameworkError) -> list[tuple[str, int | None]]:
    return [(problem.key_path, problem.line) for problem in error.problems]


def test_every_framework_problem_is_reported_at_once_with_its_key_path_and_line(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, THREE_PROBLEMS)
    with pytest.raises(FrameworkError) as caught:
        ii.load_framework(path)
    error = caught.value
    assert _where(error) == [
        ("criteria[0].children[1].id", 23),
        ("criteria[1].scale", 29),
        ("modifiers[0].criteria[1]", 34),
    ]
    messages = [problem.message for problem in error.problems]
    assert "'a1' is used twice" in messages[0]
    assert "unknown scale 'no-such-scale'" in messages[1]
    assert "unknown criterion 'zz'" in messages[2]
    assert error.path == str(path)
    assert str(error).splitlines()[0].startswith(f"{path}:23: criteria[0].children[1].id: ")


@pytest.mark.parametrize(
    "when",
    [
        '{ factor = "size", below = 3.0, above = 1.0 }',
        '{ factor = "size", equals = 2.0, present = true }',
        '{ factor = "size", in = ["a"], below = 3.0, above = 1.0 }',
        '{ factor = "size" }',
    ],
)
def test_a_condition_with_several_tests_or_none_is_refused(tmp_path: Path, when: str) -> None:
    path = _write(tmp_path, WITH_CONDITION.replace("{WHEN}", when))
    with pytest.raises(FrameworkError) as caught:
        ii.load_framework(path)
    assert _where(caught.value) == [("modifiers[1].when", 35)]
    assert "exactly one test" in caught.value.problems[0].message


@pytest.mark.parametrize(
    "when",
    [
        '{ factor = "size", below = 3.0 }',
        '{ factor = "size", above = 1.0 }',
        '{ factor = "size", equals = 2.0 }',
        '{ factor = "size", in = ["a"] }',
        '{ factor = "size", present = false }',
    ],
)
def test_a_condition_with_one_test_loads(tmp_path: Path, when: str) -> None:
    framework = ii.load_framework(_write(tmp_path, WITH_CONDITION.replace("{WHEN}", when)))
    condition = framework.modifiers[1].when
    assert condition is not None
    assert len(condition.tests()) == 1


def test_a_condition_built_in_python_makes_exactly_one_test() -> None:
    with pytest.raises(FrameworkError, match="got 2: below, above"):
        model.Condition(factor="size", below=3.0, above=1.0)
    with pytest.raises(FrameworkError, match="got none"):
        model.Condition(factor="size")
    assert model.Condition(factor="size", present=False).holds({}) is True


def test_a_scale_in_a_framework_reports_every_level_problem_under_its_key_path(
    tmp_path: Path,
) -> None:
    with pytest.raises(FrameworkError) as caught:
        ii.load_framework(_write(tmp_path, BAD_SCALE))
    assert sorted(_where(caught.value)) == [
        ("scales[0].levels[1].id", 19),
        ("scales[0].levels[2].value", 25),  # not above the level before it
        ("scales[0].levels[2].value", 25),  # the last level is not 1.0
    ]


def test_a_shared_scale_file_reports_every_level_problem_with_its_line(tmp_path: Path) -> None:
    text = (
        'schema = 1\nid = "two"\ntitle = "Two"\n\n'  # lines 1-4
        '[[levels]]\nid = "no"\nvalue = 0.1\nlabel = "No"\n\n'  # lines 5-9
        '[[levels]]\nid = "no"\nvalue = 1.0\nlabel = "Yes"\n'  # lines 10-13
    )
    with pytest.raises(FrameworkError) as caught:
        load_scale_file(_write(tmp_path, text, "scale.toml"))
    assert _where(caught.value) == [("levels[0].value", 7), ("levels[1].id", 11)]


def test_building_a_framework_in_python_lists_every_problem() -> None:
    yes_no = Scale(
        id="yes-no",
        title=Text(en="Yes or no"),
        levels=(
            Level(id="no", value=0.0, label=Text(en="No")),
            Level(id="yes", value=1.0, label=Text(en="Yes")),
        ),
    )
    with pytest.raises(FrameworkError) as caught:
        Framework(
            id="demo",
            version="1",
            title=Text(en="Demo"),
            criteria=(
                model.Criterion(id="overall", title=Text(en="Reserved")),
                model.Criterion(id="b", title=Text(en="B"), scale="missing"),
            ),
            scales=(yes_no, yes_no),
            settings=model.Settings(scale="yes-no"),
            practices=(model.Practice(city="X", text=Text(en="T"), category="nope"),),
        )
    assert _where(caught.value) == [
        ("scales[1].id", None),
        ("criteria[0].id", None),
        ("criteria[1].scale", None),
        ("practices[0].category", None),
    ]
    assert str(caught.value).startswith("scales[1].id: scale id 'yes-no' is used twice")


def test_a_valid_framework_has_no_problems() -> None:
    for framework in ii.list_frameworks():
        assert framework_problems(framework) == []


def test_frozen_dict_is_a_hashable_read_only_mapping() -> None:
    frozen = FrozenDict({"a": 1, "b": FrozenDict({"c": 2.0})})
    same = FrozenDict({"b": FrozenDict({"c": 2.0}), "a": 1})
    assert frozen == same == {"a": 1, "b": {"c": 2.0}}
    assert hash(frozen) == hash(same)
    assert list(frozen) == ["a", "b"]  # insertion order is kept
    assert frozen != {"a": 1}
    assert "a" in frozen and "z" not in frozen
    assert frozen.get("z", 0) == 0
    assert pickle.loads(pickle.dumps(frozen)) == frozen
    assert repr(FrozenDict({"a": 1})) == "FrozenDict({'a': 1})"
    with pytest.raises(TypeError):
        frozen["a"] = 2  # type: ignore[index]
    with pytest.raises(AttributeError):
        frozen.c = 3  # type: ignore[attr-defined]
