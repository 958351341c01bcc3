"""Robustness of the registry, the scoring functions and the command line at their edges.

Each test pins one behaviour that was fixed: argument checks of the registry, plugins with
several implementations of a hook or a wrapper, concurrent registration, the blame of a
duplicate id, the checks of a plugin's aggregation results, unknown and unpicklable aggregation
methods, mismatched frameworks in the modes of use, one id given for a list, the CLI's
``--framework-file`` conflicts and ``--output`` through a link, the location of the score-card
schema warning and the order of a framework file's problems.

Every registry here is built by the test (``Registry(entry_points=False)``); the default registry
is never touched. Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import csv
import fractions
import importlib
import io
import json
import math
import os
import re
import sys
import threading
import types
import warnings
from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest

import integration_index as ii
from integration_index import Registry
from integration_index.exceptions import (
    FrameworkError,
    PluginError,
    ScoreCardSchemaWarning,
)
from integration_index.model import (
    CityProfile,
    Criterion,
    Framework,
    Level,
    NodeResult,
    ReportSection,
    Scale,
    ScoreCard,
    Settings,
    Text,
)

if TYPE_CHECKING:
    from conftest import Cli

Register = Callable[..., None]

# -- small frameworks, profiles and plugins ----------------------------------------------------

THREE_LEVELS = Scale(
    id="three",
    title=Text(en="Three levels"),
    levels=(
        Level(id="no", value=0.0, label=Text(en="No")),
        Level(id="half", value=0.5, label=Text(en="Half")),
        Level(id="yes", value=1.0, label=Text(en="Yes")),
    ),
)


def group_framework(
    framework_id: str = "demo", *, aggregation: str = "weighted_mean", title: str = "Demo"
) -> Framework:
    """One group of two equally weighted questions q1 and q2, combined with *aggregation*; the
    group is the only top-level node, so the overall score is the group's."""
    return Framework(
        id=framework_id,
        version="1",
        title=Text(en=title),
        criteria=(
            Criterion(
                id="group",
                title=Text(en="Group"),
                aggregation=aggregation,
                children=(
                    Criterion(id="q1", title=Text(en="Question 1")),
                    Criterion(id="q2", title=Text(en="Question 2")),
                ),
            ),
        ),
        scales=(THREE_LEVELS,),
        settings=Settings(scale="three"),
    )


def profile_text(frameworks: Sequence[str], ratings: dict[str, str], *, city: str) -> str:
    head = (
        "schema = 1\n\n"
        f'[city]\nid = "{city}"\nname = "{city.title()}"\ncountry = "Nowhere"\n'
        "population = 50000\n\n"
        f"[assessment]\nframeworks = {json.dumps(list(frameworks))}\ndate = 2025-01-31\n"
        'mode = "self-assessment"\n'
    )
    # With several frameworks, each rating is given once for each of them.
    tagged = [f'framework = "{f}"\n' for f in frameworks] if len(frameworks) > 1 else [""]
    return head + "".join(
        f'\n[[evidence]]\n{tag}criterion = "{leaf}"\nrating = "{rating}"\nsource = "document"\n'
        for tag in tagged
        for leaf, rating in ratings.items()
    )


def demo_profile(
    frameworks: Sequence[str] = ("demo",), *, city: str = "testville", **ratings: str
) -> CityProfile:
    return ii.loads_profile(profile_text(frameworks, ratings, city=city))


class RegistersFrameworks:
    """Registers the Python-built frameworks it is given."""

    def __init__(self, *frameworks: Framework) -> None:
        self.frameworks = frameworks

    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Register) -> None:
        for framework in self.frameworks:
            register(framework)


class RegistersAggregation:
    """Registers one aggregation method."""

    def __init__(self, name: str, function: Callable[..., object], *, monotone: bool) -> None:
        self.name = name
        self.function = function
        self.monotone = monotone

    @ii.hookimpl
    def integration_index_register_aggregations(self, register: Register) -> None:
        register(self.name, self.function, monotone=self.monotone)


def node(card: ScoreCard, node_id: str) -> NodeResult:
    (found,) = [n for n in card.nodes if n.id == node_id]
    return found


def snapshot(registry: Registry) -> tuple[object, ...]:
    """What a registry exposes, to compare before and after a refused registration."""
    return (
        registry.plugins(),
        registry.frameworks(),
        {name: registry.framework_plugin(name) for name in ("x", "demo")},
        dict(registry.aggregations()),
        dict(registry.scales()),
        registry.crosswalks(),
        registry.errors(),
    )


# -- 1. argument checks and default names ------------------------------------------------------


def test_register_plugin_refuses_none() -> None:
    registry = Registry(entry_points=False)
    with pytest.raises(TypeError, match="None"):
        registry.register_plugin(None)
    assert registry.plugins() == ()


def test_register_plugin_refuses_a_name_that_is_not_a_string() -> None:
    registry = Registry(entry_points=False)
    with pytest.raises(TypeError, match="int"):
        registry.register_plugin(RegistersFrameworks(), name=1)  # type: ignore[arg-type]
    assert registry.plugins() == ()


def test_blocked_refuses_one_string() -> None:
    # "eurocities" is an iterable of letters: blocking "e", "u", "r"... would be a silent mistake.
    with pytest.raises(TypeError, match="not one string"):
        Registry(blocked="eurocities")


class Outer:
    class Inner:
        """A plugin class whose qualified name differs from its name."""

        @ii.hookimpl
        def integration_index_register_frameworks(self, register: Register) -> None:
            register(group_framework("inner"))


def aggregation_hook_of_a_module(register: Register) -> None:
    register("module_mean", minimum_function, monotone=True)


def minimum_function(
    values: Sequence[float | None], weights: Sequence[float], node: Criterion
) -> float | None:
    assessed = [value for value in values if value is not None]
    return min(assessed) if assessed else None


def test_the_default_names_of_plugins() -> None:
    registry = Registry(entry_points=False)
    assert registry.register_plugin(Outer.Inner()) == "Outer.Inner"

    module = types.ModuleType("robustness_test_plugin_module")
    module.__dict__["integration_index_register_aggregations"] = ii.hookimpl(
        aggregation_hook_of_a_module
    )
    assert registry.register_plugin(module) == "robustness_test_plugin_module"

    assert [info.name for info in registry.plugins()] == [
        "Outer.Inner",
        "robustness_test_plugin_module",
    ]
    assert registry.framework_plugin("inner") == "Outer.Inner"
    assert registry.aggregations()["module_mean"].plugin == "robustness_test_plugin_module"


# -- 2. several implementations of a hook in one plugin, and wrappers --------------------------


def half(values: Sequence[float | None], weights: Sequence[float], node: Criterion) -> float:
    return 0.5


def quarter(values: Sequence[float | None], weights: Sequence[float], node: Criterion) -> float:
    return 0.25


class TwoAggregationHooks:
    """Two implementations of one hook, told apart by ``specname``."""

    @ii.hookimpl(specname="integration_index_register_aggregations")
    def register_half(self, register: Register) -> None:
        register("always_half", half, monotone=True)

    @ii.hookimpl(specname="integration_index_register_aggregations")
    def register_quarter(self, register: Register) -> None:
        register("always_quarter", quarter, monotone=True)


def test_a_plugin_with_two_implementations_of_a_hook_registers_both() -> None:
    registry = Registry(entry_points=False)
    registry.register_plugin(TwoAggregationHooks(), name="two-hooks")
    aggregations = registry.aggregations()
    assert aggregations["always_half"].plugin == "two-hooks"
    assert aggregations["always_quarter"].plugin == "two-hooks"
    assert aggregations["always_half"].function is half
    assert aggregations["always_quarter"].function is quarter
    assert registry.errors() == ()
    (info,) = registry.plugins()
    assert (info.status, info.error) == ("loaded", None)


SectionLists = list[list[ReportSection]]


class WrappedSections:
    """A new-style wrapper around the plugin's own report-sections implementation."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    @ii.hookimpl(wrapper=True, specname="integration_index_report_sections")
    def wrap_sections(self, report: str) -> Generator[None, SectionLists, SectionLists]:
        self.calls.append(f"wrapper before {report}")
        results = yield
        self.calls.append(f"wrapper after {report}")
        return [
            [*sections, ReportSection(title=f"added by the wrapper ({len(sections)})", body="")]
            for sections in results
        ]

    @ii.hookimpl
    def integration_index_report_sections(self, report: str) -> list[ReportSection]:
        self.calls.append(f"implementation {report}")
        return [ReportSection(title=f"own {report}", body="")]


class OtherSections:
    def __init__(self) -> None:
        self.calls = 0

    @ii.hookimpl
    def integration_index_report_sections(self, report: str) -> list[ReportSection]:
        self.calls += 1
        return [ReportSection(title=f"other {report}", body="", order=200)]


def test_a_wrapper_runs_once_per_report_around_its_own_implementation() -> None:
    registry = Registry(entry_points=False)
    wrapped = WrappedSections()
    other = OtherSections()
    registry.register_plugin(wrapped, name="wrapped")
    registry.register_plugin(other, name="other")

    sections, warnings_ = registry.report_sections("score", framework=group_framework(), cards=[])
    assert warnings_ == ()
    assert [(s.plugin, s.title) for s in sections] == [
        ("wrapped", "own score"),
        ("wrapped", "added by the wrapper (1)"),  # it saw one section: its plugin's own
        ("other", "other score"),
    ]
    assert wrapped.calls == ["wrapper before score", "implementation score", "wrapper after score"]
    assert other.calls == 1

    registry.report_sections("plan", framework=group_framework(), cards=[])
    assert wrapped.calls[3:] == ["wrapper before plan", "implementation plan", "wrapper after plan"]
    assert other.calls == 2


# -- 3. thread safety --------------------------------------------------------------------------

WRITERS = 4
ITERATIONS = 50


def test_concurrent_registration_and_reading() -> None:
    registry = Registry(entry_points=False)
    frameworks = {
        (w, k): group_framework(f"w{w}-{k}") for w in range(WRITERS) for k in range(ITERATIONS)
    }
    every_id = {framework.id for framework in frameworks.values()}
    failures: list[BaseException] = []
    done = threading.Event()
    start = threading.Barrier(WRITERS + 2)
    reads = [0, 0]

    def write(w: int) -> None:
        try:
            start.wait()
            for k in range(ITERATIONS):
                name = f"w{w}-{k}"
                assert registry.register_plugin(RegistersFrameworks(frameworks[w, k]), name=name)
                assert registry.framework_plugin(name) == name
                if k < ITERATIONS - 1:  # the last one stays
                    registry.unregister_plugin(name)
        except BaseException as exc:
            failures.append(exc)

    def read(r: int) -> None:
        try:
            start.wait()
            for _ in range(100_000):  # bounded, in case the writers hang
                infos = registry.plugins()
                ids = [framework.id for framework in registry.frameworks()]
                errors = registry.errors()
                assert errors == ()
                assert all(info.status == "loaded" for info in infos)
                assert ids == sorted(ids)
                assert set(ids) <= every_id
                reads[r] += 1
                if done.is_set():
                    return
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    threads += [threading.Thread(target=read, args=(r,)) for r in range(2)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so that they interleave mid-call
    try:
        for thread in threads:
            thread.start()
        for thread in threads[:WRITERS]:
            thread.join(timeout=60)
        done.set()
        for thread in threads[WRITERS:]:
            thread.join(timeout=60)
    finally:
        sys.setswitchinterval(interval)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    assert min(reads) > 0

    survivors = [f"w{w}-{ITERATIONS - 1}" for w in range(WRITERS)]
    assert [info.name for info in registry.plugins()] == survivors
    assert [framework.id for framework in registry.frameworks()] == survivors
    assert {name: registry.framework_plugin(name) for name in survivors} == {
        name: name for name in survivors
    }
    assert registry.errors() == ()


# -- 4. blame of a duplicate framework id ------------------------------------------------------


@pytest.mark.parametrize(("first", "second"), [("A", "B"), ("B", "A")])
def test_the_newcomer_is_blamed_for_a_duplicate_id(first: str, second: str) -> None:
    registry = Registry(entry_points=False)
    registry.register_plugin(
        RegistersFrameworks(group_framework("x", title=f"x of {first}")), name=first
    )
    before = snapshot(registry)
    with pytest.raises(PluginError) as caught:
        registry.register_plugin(
            RegistersFrameworks(group_framework("x", title=f"x of {second}")), name=second
        )
    assert caught.value.plugin == second
    assert str(caught.value) == (
        f"plugin {second!r}: framework 'x' is already registered by plugin {first!r}"
    )
    assert snapshot(registry) == before
    assert registry.framework_plugin("x") == first
    assert registry.get_framework("x").title == Text(en=f"x of {first}")
    assert [info.name for info in registry.plugins()] == [first]


# -- 5. checks of a plugin's aggregation results -----------------------------------------------


def negative_zero(
    values: Sequence[float | None], weights: Sequence[float], node: Criterion
) -> float:
    return -0.0


def just_above_one(
    values: Sequence[float | None], weights: Sequence[float], node: Criterion
) -> float:
    return 1.0 + 1e-12  # float rounding past 1: clamped


def a_fraction(
    values: Sequence[float | None], weights: Sequence[float], node: Criterion
) -> fractions.Fraction:
    return fractions.Fraction(1, 2)


def one_minus_mean(
    values: Sequence[float | None], weights: Sequence[float], node: Criterion
) -> float | None:
    """Decreasing in every value, so not monotone, whatever its plugin declares."""
    assessed = [value for value in values if value is not None]
    return 1.0 - sum(assessed) / len(assessed) if assessed else None


def score_with(
    function: Callable[..., object], *, monotone: bool = True, **ratings: str
) -> ScoreCard:
    registry = Registry(entry_points=False)
    registry.register_plugin(
        RegistersAggregation("plugin_method", function, monotone=monotone), name="methods"
    )
    framework = group_framework(aggregation="plugin_method")
    return ii.score(demo_profile(**ratings), framework, registry=registry)


def test_a_negative_zero_result_is_reported_as_zero() -> None:
    card = score_with(negative_zero, q1="yes", q2="half")
    group = node(card, "group")
    for scores in (group.raw, group.adjusted):
        assert scores.score == 0.0
        assert scores.score is not None
        assert math.copysign(1, scores.score) == 1
        assert scores.lower is not None and math.copysign(1, scores.lower) == 1
        assert scores.upper is not None and math.copysign(1, scores.upper) == 1


def test_a_result_just_above_one_is_clamped() -> None:
    card = score_with(just_above_one, q1="yes", q2="half")
    group = node(card, "group")
    assert (group.adjusted.score, group.adjusted.lower, group.adjusted.upper) == (
        100.0,
        100.0,
        100.0,
    )
    assert (group.raw.score, group.raw.upper) == (100.0, 100.0)


def test_a_fraction_is_accepted() -> None:
    card = score_with(a_fraction, q1="yes", q2="no")
    group = node(card, "group")
    assert group.adjusted.score == 50.0
    assert type(group.adjusted.score) is float  # a plain float, as JSON writes it
    assert (group.adjusted.lower, group.adjusted.upper) == (50.0, 50.0)


def test_a_monotone_aggregation_whose_bounds_cross_is_refused() -> None:
    # q1 yes, q2 unassessed. Lower bounds [1, 0] -> 1 - 0.5 = 0.5; upper bounds [1, 1] -> 0:
    # the lower bound is above the upper bound, which a monotone method cannot give.
    with pytest.raises(PluginError) as caught:
        score_with(one_minus_mean, monotone=True, q1="yes")
    assert caught.value.plugin == "methods"
    message = str(caught.value)
    assert "'methods'" in message
    assert "'group'" in message
    assert "'plugin_method'" in message
    assert "monotone" in message


def test_the_same_method_declared_not_monotone_is_accepted() -> None:
    # Counter-check of the test above: declared honestly, the bounds are [0, 100].
    card = score_with(one_minus_mean, monotone=False, q1="yes")
    group = node(card, "group")
    assert (group.adjusted.score, group.adjusted.lower, group.adjusted.upper) == (0.0, 0.0, 100.0)


# -- 6. a framework object using an unknown aggregation ----------------------------------------


def unknown_aggregation_framework() -> Framework:
    framework = group_framework()
    return attrs.evolve(
        framework, settings=attrs.evolve(framework.settings, aggregation="no_such_method")
    )


def test_score_with_an_unknown_aggregation_is_a_framework_error() -> None:
    registry = Registry(entry_points=False)
    with pytest.raises(FrameworkError, match="no_such_method") as caught:
        ii.score(
            demo_profile(q1="yes", q2="no"), unknown_aggregation_framework(), registry=registry
        )
    assert not isinstance(caught.value, KeyError)


def test_score_many_with_an_unknown_aggregation_carries_the_error_per_result() -> None:
    registry = Registry(entry_points=False)
    profiles = [demo_profile(q1="yes", q2="no"), demo_profile(city="otherville", q1="no")]
    results = list(ii.score_many(profiles, [unknown_aggregation_framework()], registry=registry))
    assert [result.source for result in results] == ["<profile 0>", "<profile 1>"]
    for result in results:
        assert not result.ok
        assert result.cards == ()
        assert isinstance(result.error, FrameworkError)
        assert "no_such_method" in str(result.error)


# -- 7. unpicklable aggregation methods and spawned workers ------------------------------------


class LambdaAggregation:
    @ii.hookimpl
    def integration_index_register_aggregations(self, register: Register) -> None:
        register(
            "lambda_mean",
            lambda values, weights, node: 0.5,  # cannot be pickled
            monotone=True,
        )


def test_an_unused_unpicklable_aggregation_does_not_stop_spawned_workers() -> None:
    registry = Registry(entry_points=False)
    registry.register_plugin(LambdaAggregation(), name="lambda-plugin")
    profiles = [demo_profile(q1="yes", q2="no"), demo_profile(city="otherville", q1="no")]
    results = list(
        ii.score_many(
            profiles,
            [group_framework()],
            jobs=2,
            chunk_size=1,
            start_method="spawn",
            registry=registry,
        )
    )
    # (1 + 0) / 2 = 50; the second has only q1 = 0 assessed: 0.
    assert [result.error for result in results] == [None, None]
    assert [result.cards[0].score for result in results] == [50.0, 0.0]


def test_a_used_unpicklable_aggregation_is_named_when_spawning() -> None:
    registry = Registry(entry_points=False)
    registry.register_plugin(LambdaAggregation(), name="lambda-plugin")
    results = ii.score_many(
        [demo_profile(q1="yes", q2="no")],
        [group_framework(aggregation="lambda_mean")],
        jobs=2,
        start_method="spawn",
        registry=registry,
    )
    with pytest.raises(PluginError) as caught:
        next(results)
    assert caught.value.plugin == "lambda-plugin"
    message = str(caught.value)
    assert "'lambda_mean'" in message
    assert "module-level function" in message
    assert "jobs=1" in message
    assert "fork" in message


def test_a_used_unpicklable_aggregation_works_in_this_process() -> None:
    # Counter-check: the method itself is fine; only sending it to a spawned worker is not.
    registry = Registry(entry_points=False)
    registry.register_plugin(LambdaAggregation(), name="lambda-plugin")
    (result,) = ii.score_many(
        [demo_profile(q1="yes", q2="no")],
        [group_framework(aggregation="lambda_mean")],
        jobs=1,
        registry=registry,
    )
    assert result.error is None
    assert result.cards[0].score == 50.0


# -- 8. mismatched frameworks in the modes of use ----------------------------------------------


@pytest.fixture
def two_frameworks() -> tuple[Registry, CityProfile, ScoreCard, ScoreCard]:
    """A registry with frameworks alpha and beta, a profile assessing both, and its two cards."""
    registry = Registry(entry_points=False)
    registry.register_plugin(
        RegistersFrameworks(group_framework("alpha"), group_framework("beta")), name="two"
    )
    profile = demo_profile(("alpha", "beta"), q1="yes", q2="half")
    card_a = ii.score(profile, "alpha", registry=registry)
    card_b = ii.score(profile, "beta", registry=registry)
    assert (card_a.framework_id, card_b.framework_id) == ("alpha", "beta")
    return registry, profile, card_a, card_b


def test_development_plan_refuses_a_card_of_another_framework(
    two_frameworks: tuple[Registry, CityProfile, ScoreCard, ScoreCard],
) -> None:
    registry, _, card_a, _ = two_frameworks
    beta = registry.get_framework("beta")
    with pytest.raises(ValueError, match=r"'alpha'.*'beta'"):
        ii.development_plan(card_a, framework=beta, registry=registry)
    with pytest.raises(ValueError, match=r"'alpha'.*'beta'"):
        ii.development_plan(card_a, framework="beta", registry=registry)


def test_peer_review_refuses_a_card_of_another_framework(
    two_frameworks: tuple[Registry, CityProfile, ScoreCard, ScoreCard],
) -> None:
    registry, profile, _, card_b = two_frameworks
    with pytest.raises(ValueError, match=r"'beta'.*'alpha'"):
        ii.peer_review(profile, framework="alpha", card=card_b, registry=registry)


def test_profile_markdown_refuses_more_cards_than_frameworks(
    two_frameworks: tuple[Registry, CityProfile, ScoreCard, ScoreCard],
) -> None:
    registry, profile, card_a, _ = two_frameworks
    with pytest.raises(ValueError, match="one card per framework"):
        ii.profile_markdown(profile, ["alpha"], cards=[card_a, card_a], registry=registry)


def test_rank_cities_refuses_cards_of_two_frameworks(
    two_frameworks: tuple[Registry, CityProfile, ScoreCard, ScoreCard],
) -> None:
    _, profile, card_a, card_b = two_frameworks
    with pytest.raises(ValueError, match=r"'alpha', 'beta'"):
        ii.rank_cities([(profile, card_a), (profile, card_b)])


# -- 9. one framework id where a list is expected ----------------------------------------------


def test_score_many_refuses_one_id_for_a_list() -> None:
    registry = Registry(entry_points=False)
    with pytest.raises(TypeError, match=re.escape("['eurocities']")):
        ii.score_many([demo_profile(q1="yes")], "eurocities", registry=registry)


def test_check_profile_refuses_one_id_for_a_list() -> None:
    registry = Registry(entry_points=False)
    with pytest.raises(TypeError, match=re.escape("['eurocities']")):
        ii.check_profile(demo_profile(q1="yes"), "eurocities", registry=registry)


# -- 10. CLI: --framework-file conflicts -------------------------------------------------------

# Two criteria of two leaves each on the three-level scale, equal weights.
TINY = (Path(__file__).parent / "data" / "frameworks" / "tiny.toml").read_text(encoding="utf-8")

# a = (1 + 0.5) / 2 = 0.75, b = (0 + 1) / 2 = 0.5, overall (0.75 + 0.5) / 2 = 62.5.
SMALLTON = {"a1": "yes", "a2": "half", "b1": "no", "b2": "yes"}


@pytest.fixture
def tiny_files(tmp_path: Path) -> tuple[Path, Path]:
    framework = tmp_path / "tiny.toml"
    framework.write_text(TINY, encoding="utf-8")
    profile = tmp_path / "smallton.toml"
    profile.write_text(profile_text(["tiny"], SMALLTON, city="smallton"), encoding="utf-8")
    return framework, profile


def test_score_refuses_a_framework_file_that_a_plugin_registers_differently(
    cli: Cli, tiny_files: tuple[Path, Path]
) -> None:
    framework_file, profile = tiny_files
    registry = Registry(entry_points=False)
    plugin_version = attrs.evolve(
        ii.loads_framework(TINY, registry=registry), title=Text(en="Tiny, as the plugin has it")
    )
    registry.register_plugin(RegistersFrameworks(plugin_version), name="tiny-plugin")

    result = cli("score", profile, "--framework-file", framework_file, registry=registry)
    assert result.returncode == 2
    assert result.stdout == ""
    assert str(framework_file) in result.stderr
    assert "'tiny'" in result.stderr
    assert "'tiny-plugin'" in result.stderr


def test_frameworks_refuses_an_id_and_a_framework_file_together(
    cli: Cli, tiny_files: tuple[Path, Path]
) -> None:
    framework_file, _ = tiny_files
    registry = Registry(entry_points=False)
    registry.register_plugin(
        importlib.import_module("integration_index_eurocities"), name="eurocities"
    )
    assert [framework.id for framework in registry.frameworks()] == ["eurocities"]

    result = cli("frameworks", "eurocities", "--framework-file", framework_file, registry=registry)
    assert result.returncode == 2
    assert result.stdout == ""  # neither framework was shown
    assert "error" in result.stderr


# -- 11. where the score-card schema warning points --------------------------------------------


def future_card_data() -> tuple[dict[str, Any], ScoreCard]:
    card = ii.score(demo_profile(q1="yes", q2="no"), group_framework())
    data = ii.scorecard_to_dict(card)
    data["schema_version"] = "1.9"
    data["added_in_a_later_release"] = {"anything": 1}
    return data, card


def test_the_schema_warning_of_scorecard_from_dict_points_at_the_caller() -> None:
    data, card = future_card_data()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert ii.scorecard_from_dict(data) == card
    (warning,) = [w for w in caught if issubclass(w.category, ScoreCardSchemaWarning)]
    assert "added_in_a_later_release" in str(warning.message)
    assert warning.filename == __file__


def test_the_schema_warning_of_scorecard_from_json_points_at_the_caller() -> None:
    data, card = future_card_data()
    text = json.dumps(data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert ii.scorecard_from_json(text) == card
    (warning,) = [w for w in caught if issubclass(w.category, ScoreCardSchemaWarning)]
    assert "added_in_a_later_release" in str(warning.message)
    assert warning.filename == __file__


# -- 12. --output through a symbolic link ------------------------------------------------------


def test_output_to_a_link_writes_through_it(
    cli: Cli, tiny_files: tuple[Path, Path], tmp_path: Path
) -> None:
    framework_file, profile = tiny_files
    target = tmp_path / "scores.csv"
    target.write_text("old content\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)

    result = cli(
        "score",
        profile,
        "--framework-file",
        framework_file,
        "--format",
        "csv",
        "--output",
        link,
        registry=Registry(entry_points=False),
    )
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    written = target.read_text(encoding="utf-8")
    assert "old content" not in written
    (row,) = csv.DictReader(io.StringIO(written))
    assert (row["city_name"], row["framework"], float(row["score"])) == ("Smallton", "tiny", 62.5)
    # Nothing else was left beside them (no temporary file).
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "link.csv",
        "scores.csv",
        "smallton.toml",
        "tiny.toml",
    ]


# -- 13. problems of a framework file in file order --------------------------------------------

# Problems of two kinds: unknown aggregation methods (found on the data) and a value of the wrong
# type (found when structuring), interleaved. Lines counted by hand: settings.aggregation is on
# line 8, criteria[0].weight on line 27, criteria[1].aggregation on line 32.
PROBLEMS = """\
schema = 1
id = "tiny"
version = "1"
title = "Tiny"

[settings]
scale = "two"
aggregation = "no_such_method"

[[scales]]
id = "two"
title = "Two levels"

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
weight = "heavy"

[[criteria]]
id = "b"
title = "B"
aggregation = "also_unknown"

[[criteria.children]]
id = "b1"
title = "B1"
"""


def test_the_problems_of_a_framework_file_are_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "problems.toml"
    path.write_text(PROBLEMS, encoding="utf-8")
    with pytest.raises(FrameworkError) as caught:
        ii.load_framework(path, registry=Registry(entry_points=False))
    found = [(problem.line, problem.key_path) for problem in caught.value.problems]
    assert found == [
        (8, "settings.aggregation"),
        (27, "criteria[0].weight"),
        (32, "criteria[1].aggregation"),
    ]
    assert caught.value.path == str(path)
    assert "no_such_method" in caught.value.problems[0].message
    assert "heavy" in caught.value.problems[1].message
    assert "also_unknown" in caught.value.problems[2].message
