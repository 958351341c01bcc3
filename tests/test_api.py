"""The public API: its surface, loading with clear errors, scoring, serialisation."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest

import integration_index as ii
from integration_index import exceptions

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
    for node in tree.body:
        assert isinstance(node, ast.ImportFrom | ast.Assign | ast.Expr | ast.FunctionDef), ast.dump(
            node
        )
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            assert node.module is not None
            assert node.module.startswith("integration_index."), node.module


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
    import pickle

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
    assert profile.city == ii.City("testville", "Testville")
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


def test_scorecard_from_dict_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="not a score card"):
        ii.scorecard_from_dict({"framework_id": 3})


def test_nothing_heavy_at_import_time() -> None:
    import subprocess
    import sys

    code = "import sys, integration_index; print('tomli' in sys.modules, 'integration_index._plugins.host' in sys.modules and integration_index._plugins.host._HOST is not None)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "False"]  # plugins load on first use, not at import
