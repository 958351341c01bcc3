"""The public API: its surface, loading with clear errors, scoring, serialisation."""

from __future__ import annotations

import ast
import datetime
import importlib
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

import integration_index as ii
from integration_index import exceptions
from integration_index.model import Assessment, City, CityProfile, Evidence

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "profiles"
PACKAGE = Path(ii.__file__).parent

MINIMAL = """
schema = 1
[city]
id = "testville"
name = "Testville"
[assessment]
frameworks = ["eurocities"]
date = 2025-01-15
[[evidence]]
criterion = "01.1"
rating = "largely"
source = "document"
"""


def test_all_is_sorted_and_init_only_re_exports() -> None:
    assert ii.__all__ == sorted(ii.__all__)
    for name in ii.__all__:
        assert hasattr(ii, name), name
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    typed: dict[str, str] = {}  # name -> module, from the `if TYPE_CHECKING:` imports
    for node in tree.body:
        assert isinstance(
            node, ast.ImportFrom | ast.Import | ast.Assign | ast.AnnAssign | ast.Expr | ast.If
        ) or (isinstance(node, ast.FunctionDef) and node.name in ("__getattr__", "__dir__")), (
            ast.dump(node)
        )
        if isinstance(node, ast.Import):
            assert [alias.name for alias in node.names] == ["importlib"]
        if isinstance(node, ast.If) and ast.unparse(node.test) == "not TYPE_CHECKING":
            # __getattr__ hidden from mypy, which would otherwise take every name as existing.
            (function,) = node.body
            assert isinstance(function, ast.FunctionDef) and function.name == "__getattr__"
            continue
        if isinstance(node, ast.If):
            assert ast.unparse(node.test) == "TYPE_CHECKING"
            for child in node.body:
                if isinstance(child, ast.AnnAssign):  # __version__, given by __getattr__
                    assert ast.unparse(child) == "__version__: str"
                    continue
                assert isinstance(child, ast.ImportFrom), ast.dump(child)
                assert child.module is not None
                assert child.module.startswith("integration_index."), child.module
                typed.update((alias.name, child.module) for alias in child.names)
        if isinstance(node, ast.ImportFrom) and node.module not in ("__future__", "typing"):
            assert node.module is not None
            assert node.module.startswith("integration_index."), node.module
    # The lazily imported names are exactly those typed for mypy, and each comes from where the
    # type checker looks for it (or from the facade module that re-exports it).
    lazy: dict[str, str] = ii._LAZY
    assert set(lazy) | {"version", "__version__"} == set(ii.__all__)
    assert set(typed) == set(lazy)
    for name, module in lazy.items():
        assert module == typed[name] or typed[name] == "integration_index._api", name
        assert getattr(ii, name) is getattr(importlib.import_module(typed[name]), name)


def test_version_comes_from_the_installed_metadata() -> None:
    import importlib.metadata

    assert ii.__version__ == importlib.metadata.version("integration-index")


def test_package_is_typed() -> None:
    assert (PACKAGE / "py.typed").exists()


def test_exceptions_share_a_base_and_say_where() -> None:
    for cls in (
        exceptions.ProfileError,
        exceptions.FrameworkError,
        exceptions.PluginError,
        exceptions.UnknownFrameworkError,
    ):
        assert issubclass(cls, exceptions.IntegrationIndexError)
    error = exceptions.ProfileError(
        "expected a number", path="a.toml", key_path="city.population", line=4
    )
    assert str(error) == "a.toml:4: city.population: expected a number"
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is exceptions.ProfileError
    assert (copy.path, copy.key_path, copy.line, str(copy)) == (
        error.path,
        error.key_path,
        error.line,
        str(error),
    )


def test_loads_profile_and_score() -> None:
    profile = ii.loads_profile(MINIMAL)
    assert profile.city == City(id="testville", name="Testville")
    assert profile.assessment.date == datetime.date(2025, 1, 15)
    card = ii.score(profile)
    assert card.framework_id == "eurocities"
    assert card.node("01.1").value == 0.75
    assert card.node("01.1").level == "largely"
    assert card.node("01").adjusted.coverage == pytest.approx(0.25)
    assert card.node("01").adjusted.score is None  # coverage below the framework's 50 %
    assert card.node("01").adjusted.lower == pytest.approx(18.75)
    assert card.node("01").adjusted.upper == pytest.approx(93.75)
    assert card.score is None
    assert any("no overall score" in warning for warning in card.warnings)


def test_profile_errors_list_every_problem_with_key_paths() -> None:
    text = MINIMAL.replace('name = "Testville"', "name = 3").replace(
        'source = "document"', 'source = "rumour"\nextra = 1'
    )
    with pytest.raises(exceptions.ProfileError) as caught:
        ii.loads_profile(text)
    paths = {problem.key_path for problem in caught.value.problems}
    assert {"city.name", "evidence[0].source", "evidence[0].extra"} <= paths
    messages = " ".join(problem.message for problem in caught.value.problems)
    assert "unknown key 'extra'" in messages
    assert "'document'" in messages  # the expected values are listed
    lines = {problem.key_path: problem.line for problem in caught.value.problems}
    assert lines["city.name"] == 5


def test_load_profile_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("schema = 2\n", encoding="utf-8")
    with pytest.raises(exceptions.ProfileError) as caught:
        ii.load_profile(path)
    assert caught.value.path == str(path)
    assert str(caught.value) == f"{path}:1: schema: expected schema = 1, got 2"
    with pytest.raises(exceptions.ProfileError, match="cannot read"):
        ii.load_profile(tmp_path / "missing.toml")


def test_score_checks_the_profile_against_the_framework() -> None:
    profile = ii.loads_profile(MINIMAL.replace('"01.1"', '"01"'))
    with pytest.raises(exceptions.ProfileError, match="scored from its children"):
        ii.score(profile)
    with pytest.raises(
        exceptions.ProfileError, match="does not assess framework 'gfmd-arrival-cities'"
    ):
        ii.score(ii.loads_profile(MINIMAL), "gfmd-arrival-cities")
    with pytest.raises(exceptions.UnknownFrameworkError):
        ii.get_framework("nope")


def test_check_profile_reports_context_and_exclusion_problems() -> None:
    text = (
        MINIMAL
        + '\n[context.eurocities]\ncity-resources = "vast"\nweather = "sunny"\n[[exclusions]]\ncriterion = "01"\nreason = "no"\n'
    )
    problems = ii.check_profile(ii.loads_profile(text))
    paths = [problem.key_path for problem in problems]
    assert "context.eurocities.city-resources" in paths
    assert "context.eurocities.weather" in paths
    assert "exclusions[0].criterion" in paths


def test_exclusion_applies_the_not_applicable_modifier() -> None:
    profile = ii.load_profile(EXAMPLES / "eurocities" / "rivermouth-2024.toml")
    card = ii.score(profile, "eurocities")
    assert not card.node("07").adjusted.applicable
    assert not card.node("07.1").adjusted.applicable  # the whole subtree is left out
    assert card.node("07").raw.applicable
    assert [m.criteria for m in card.modifiers] == [("07",)]
    assert card.modifiers[0].origin == "profile"
    assert card.overall.raw.coverage != card.overall.adjusted.coverage


def test_load_framework_reads_a_file_and_reports_bad_ones(tmp_path: Path) -> None:
    framework = ii.load_framework(ROOT / "frameworks" / "eurocities.toml")
    assert framework == ii.get_framework("eurocities")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'schema = 1\nid = "x"\nversion = "1"\ntitle = "X"\n[[criteria]]\nid = "a"\ntitle = "A"\nweight = -1\n',
        encoding="utf-8",
    )
    with pytest.raises(exceptions.FrameworkError) as caught:
        ii.load_framework(bad)
    assert caught.value.problems[0].key_path == "criteria[0].weight"
    assert caught.value.line == 8


def test_model_values_are_hashable_and_deeply_immutable() -> None:
    path = EXAMPLES / "eurocities" / "rivermouth-2024.toml"
    profile, same_profile = ii.load_profile(path), ii.load_profile(path)
    framework = ii.get_framework("eurocities")
    same_framework = ii.load_framework(ROOT / "frameworks" / "eurocities.toml")
    card, same_card = ii.score(profile), ii.score(same_profile)
    for value, same in ((profile, same_profile), (framework, same_framework), (card, same_card)):
        assert value == same and value is not same
        assert hash(value) == hash(same)
    assert profile.context and profile.city.metadata  # the example fills both mappings
    assert pickle.loads(pickle.dumps(profile)) == profile
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        profile.illustrative = True  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        framework.criteria[0].weight = 2.0  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        card.nodes[0].raw.score = 0.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        profile.context["x"] = {}  # type: ignore[index]
    with pytest.raises(TypeError):
        profile.context["eurocities"]["x"] = 1.0  # type: ignore[index]
    with pytest.raises(TypeError):
        profile.city.metadata["x"] = 1  # type: ignore[index]


def test_plain_dicts_given_to_the_model_are_frozen() -> None:
    city = City(id="x", name="X", metadata={"founded": 1200})
    profile = CityProfile(
        city=city,
        assessment=Assessment(frameworks=("eurocities",), date=datetime.date(2024, 1, 1)),
        context={"eurocities": {"city-size": "large"}},
    )
    assert profile.context == {"eurocities": {"city-size": "large"}}
    assert hash(profile) == hash(attrs.evolve(profile, context=dict(profile.context)))
    with pytest.raises(TypeError):
        profile.context["eurocities"]["city-size"] = "small"  # type: ignore[index]


def test_dumps_profile_round_trips_the_examples() -> None:
    for path in sorted(EXAMPLES.rglob("*.toml")):
        profile = ii.load_profile(path)
        assert ii.loads_profile(ii.dumps_profile(profile)) == profile, path


def test_scorecard_json_round_trip_on_examples() -> None:
    for path in sorted(EXAMPLES.rglob("*.toml")):
        profile = ii.load_profile(path)
        for framework_id in profile.assessment.frameworks:
            card = ii.score(profile, framework_id)
            assert ii.scorecard_from_json(ii.scorecard_to_json(card)) == card


def card_of(path: Path) -> ii.ScoreCard:
    return ii.score(ii.load_profile(path), "eurocities")


def test_a_card_carries_its_schema_version() -> None:
    card = card_of(EXAMPLES / "eurocities" / "rivermouth-2024.toml")
    data = ii.scorecard_to_dict(card)
    assert data["schema_version"] == "1.1"
    assert json.loads(ii.scorecard_to_json(card))["schema_version"] == "1.1"
    assert ii.scorecard_from_dict(data) == card
    unversioned = {key: value for key, value in data.items() if key != "schema_version"}
    assert ii.scorecard_from_dict(unversioned) == card  # cards of 0.1 carry no version: 1.0


def test_a_card_of_a_newer_minor_schema_reads_back_with_a_warning() -> None:
    card = card_of(EXAMPLES / "eurocities" / "rivermouth-2024.toml")
    data = ii.scorecard_to_dict(card)
    overall: dict[str, Any] = {**data["overall"], "raw": {**data["overall"]["raw"], "median": 3}}
    newer = {**data, "schema_version": "1.7", "provenance": "x", "overall": overall}
    with pytest.warns(exceptions.ScoreCardSchemaWarning) as caught:
        read = ii.scorecard_from_dict(newer)
    assert read == card
    (warning,) = caught
    message = str(warning.message)
    assert "1.7" in message
    assert "provenance" in message and "overall.raw.median" in message
    with pytest.warns(exceptions.ScoreCardSchemaWarning, match="provenance"):
        assert ii.scorecard_from_json(json.dumps(newer)) == card
    # A newer minor version without unknown keys reads back silently; the same version with an
    # unknown key is not a card of this schema.
    assert ii.scorecard_from_dict({**data, "schema_version": "1.7"}) == card
    with pytest.raises(exceptions.ScoreCardError, match="provenance"):
        ii.scorecard_from_dict({**data, "provenance": "x"})


def test_a_card_of_a_newer_major_schema_is_refused() -> None:
    data = ii.scorecard_to_dict(card_of(EXAMPLES / "eurocities" / "rivermouth-2024.toml"))
    with pytest.raises(exceptions.ScoreCardError, match=r"2\.0") as caught:
        ii.scorecard_from_dict({**data, "schema_version": "2.0"})
    assert caught.value.key_path == "schema_version"
    with pytest.raises(exceptions.ScoreCardError, match="schema_version"):
        ii.scorecard_from_dict({**data, "schema_version": "one"})


def test_scorecard_from_dict_rejects_garbage() -> None:
    with pytest.raises(exceptions.ScoreCardError) as caught:
        ii.scorecard_from_dict({"framework_id": 3})
    assert isinstance(caught.value, ValueError)
    paths = {problem.key_path for problem in caught.value.problems}
    assert {"framework_id", "city_id", "overall", "nodes"} <= paths
    assert "framework_id: expected a string, got int 3" in str(caught.value)
    with pytest.raises(exceptions.ScoreCardError, match="expected a JSON object, got list"):
        ii.scorecard_from_dict([1, 2])
    with pytest.raises(exceptions.ScoreCardError, match="invalid JSON"):
        ii.scorecard_from_json("{not json")


def test_a_non_card_is_called_one() -> None:
    with pytest.raises(exceptions.ScoreCardError, match="not a score card"):
        ii.scorecard_from_dict({"framework_id": 3})


# A quantitative leaf: a measured value between goalposts 0 and 10 (higher is better).
MEASURED = """
schema = 1
id = "measured"
version = "1"
title = "Measured"

[[criteria]]
id = "m"
title = "M"

[[criteria.children]]
id = "m1"
title = "M1"
[criteria.children.goalposts]
min = 0.0
max = 10.0
"""


def test_a_python_int_rating_is_a_measured_value() -> None:
    framework = ii.loads_framework(MEASURED, registry=ii.Registry(entry_points=False))
    evidence = Evidence(criterion="m1", rating=4, source="statistics")
    assert evidence.rating == 4.0 and type(evidence.rating) is float
    assert evidence == Evidence(criterion="m1", rating=4.0, source="statistics")
    with pytest.raises(ValueError, match="level id"):
        Evidence(criterion="m1", rating=True, source="statistics")
    profile = CityProfile(
        city=City(id="x", name="X"),
        assessment=Assessment(frameworks=("measured",), date=datetime.date(2025, 1, 1)),
        evidence=(evidence,),
    )
    card = ii.score(profile, framework)
    assert card.node("m1").value == pytest.approx(0.4)  # (4 - 0) / (10 - 0)
    assert card.score == pytest.approx(40.0)
    assert ii.loads_profile(ii.dumps_profile(profile)) == profile


def test_profiles_hash() -> None:
    profile = ii.load_profile(EXAMPLES / "all-three" / "harbourton-2024.toml")
    assert isinstance(hash(profile), int)
    assert hash(profile) == hash(ii.loads_profile(ii.dumps_profile(profile)))
    assert len({profile, ii.load_profile(EXAMPLES / "all-three" / "harbourton-2024.toml")}) == 1


def test_nothing_heavy_at_import_time() -> None:
    code = (
        "import sys, integration_index, integration_index._api.core as core; "
        "print('tomli' in sys.modules, core._default is not None, "
        "any(name.startswith('integration_index_') for name in sys.modules)); "
        "integration_index.list_frameworks(); "
        "print(any(name.startswith('integration_index_') for name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    # No registry is built and no plugin is imported at import time: plugins load on first use.
    assert result.stdout.split() == ["True", "False", "False", "True"]
