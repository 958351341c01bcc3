"""The registry: registration through hooks, validation and rollback, isolation of broken plugins.

Every test builds its own ``Registry(entry_points=False)`` (or a ``Registry()`` whose entry points
are faked) and registers test plugins into it; the default registry is never touched.
"""

from __future__ import annotations

import importlib.metadata
import math
import sys
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import integration_index as ii
from integration_index import Registry
from integration_index.exceptions import PluginError, UnknownFrameworkError
from integration_index.model import (
    Criterion,
    Framework,
    Level,
    ReportSection,
    Scale,
    Settings,
    Text,
)

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "frameworks"
SPECTRUM_SCALE = FRAMEWORKS / "scales" / "engagement-spectrum.toml"
SPECTRUM = FRAMEWORKS / "engagement-spectrum.toml"

Register = Callable[[Any], None]


# -- test plugins ------------------------------------------------------------------------------


class ScalesAndFrameworks:
    @ii.hookimpl
    def integration_index_register_scales(self, register: Register) -> None:
        register(SPECTRUM_SCALE)

    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Register) -> None:
        register(SPECTRUM)


class Raising:
    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Register) -> None:
        raise RuntimeError("boom")


class RegistersGarbage:
    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Register) -> None:
        register(42)


def harmonic(
    values: Sequence[float | None], weights: Sequence[float], node: Criterion
) -> float | None:
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None]
    if not pairs:
        return None
    if any(v == 0 for v, _ in pairs):
        return 0.0
    return sum(w for _, w in pairs) / sum(w / v for v, w in pairs)


class Harmonic:
    @ii.hookimpl
    def integration_index_register_aggregations(self, register: Callable[..., None]) -> None:
        register("harmonic_mean", harmonic, monotone=True, description="Weighted harmonic mean.")


class HarmonicAndBadName:
    @ii.hookimpl
    def integration_index_register_aggregations(self, register: Callable[..., None]) -> None:
        register("harmonic_mean", harmonic, monotone=True, description="Weighted harmonic mean.")
        register("bad name!", harmonic, monotone=True)


def text(en: str) -> Text:
    return Text(en=en)


FIVE_LEVELS = Scale(
    id="five",
    title=text("Five levels"),
    levels=tuple(
        Level(id=level_id, value=value, label=text(level_id))
        for level_id, value in (
            ("none", 0.0),
            ("some", 0.25),
            ("half", 0.5),
            ("most", 0.75),
            ("all", 1.0),
        )
    ),
)


def demo_framework(
    framework_id: str = "demo",
    *,
    title: str = "Demo",
    aggregation: str = "weighted_mean",
) -> Framework:
    """Two questions under one group, whose children combine with *aggregation*."""
    return Framework(
        id=framework_id,
        version="1",
        title=text(title),
        criteria=(
            Criterion(
                id="group",
                title=text("Group"),
                aggregation=aggregation,
                children=(
                    Criterion(id="q1", title=text("Question 1")),
                    Criterion(id="q2", title=text("Question 2"), weight=3.0),
                ),
            ),
        ),
        scales=(FIVE_LEVELS,),
        settings=Settings(scale="five"),
    )


def demo_profile(
    framework_id: str = "demo", *, date: str = "2025-01-31", **ratings: str
) -> ii.CityProfile:
    head = (
        "schema = 1\nillustrative = true\n\n"
        '[city]\nid = "testville"\nname = "Testville"\ncountry = "Nowhere"\n\n'
        f'[assessment]\nframeworks = ["{framework_id}"]\ndate = {date}\n'
        'mode = "self-assessment"\n'
    )
    evidence = "".join(
        f'\n[[evidence]]\ncriterion = "{criterion}"\nrating = "{rating}"\nsource = "document"\n'
        for criterion, rating in ratings.items()
    )
    return ii.loads_profile(head + evidence)


class RegistersDemo:
    """Registers one Python-built framework."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework

    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Register) -> None:
        register(self.framework)


def snapshot(registry: Registry) -> tuple[object, ...]:
    """What a registry exposes, to compare before and after a refused registration."""
    return (
        registry.plugins(),
        registry.frameworks(),
        dict(registry.aggregations()),
        dict(registry.scales()),
        registry.crosswalks(),
        registry.errors(),
    )


# -- registration ------------------------------------------------------------------------------


def test_a_new_registry_without_entry_points_is_empty() -> None:
    registry = Registry(entry_points=False)
    assert registry.plugins() == ()
    assert registry.frameworks() == ()
    assert registry.errors() == ()
    assert sorted(registry.aggregations()) == ["gate", "geometric_mean", "minimum", "weighted_mean"]
    with pytest.raises(UnknownFrameworkError, match="registered frameworks: none"):
        registry.get_framework("eurocities")


def test_plugins_register_scales_then_frameworks() -> None:
    registry = Registry(entry_points=False)
    assert registry.register_plugin(ScalesAndFrameworks(), name="spectrum") == "spectrum"
    assert list(registry.scales()) == ["engagement-spectrum"]
    framework = registry.get_framework("engagement-spectrum")
    assert [f.id for f in registry.frameworks()] == ["engagement-spectrum"]
    assert framework.scales_by_id["engagement-spectrum"] == registry.scales()["engagement-spectrum"]
    assert registry.framework_plugin("engagement-spectrum") == "spectrum"
    assert registry.framework_plugin("eurocities") is None
    assert registry.errors() == ()
    (info,) = registry.plugins()
    assert (info.name, info.origin, info.status, info.error) == (
        "spectrum",
        "registered",
        "loaded",
        None,
    )
    assert info.hooks == (
        "integration_index_register_frameworks",
        "integration_index_register_scales",
    )


def test_registries_are_independent() -> None:
    first, second = Registry(entry_points=False), Registry(entry_points=False)
    first.register_plugin(ScalesAndFrameworks(), name="spectrum")
    assert [f.id for f in first.frameworks()] == ["engagement-spectrum"]
    assert second.frameworks() == ()
    assert second.plugins() == ()


def test_register_plugin_refuses_a_taken_name_and_a_plugin_registered_twice() -> None:
    registry = Registry(entry_points=False)
    plugin = Harmonic()
    registry.register_plugin(plugin, name="harmonic")
    with pytest.raises(PluginError, match="is already registered") as taken:
        registry.register_plugin(ScalesAndFrameworks(), name="harmonic")
    assert taken.value.plugin == "harmonic"
    with pytest.raises(PluginError, match="is already registered"):
        registry.register_plugin(plugin, name="again")
    assert [info.name for info in registry.plugins()] == ["harmonic"]
    assert registry.frameworks() == ()


def test_a_blocked_plugin_is_refused() -> None:
    registry = Registry(entry_points=False, blocked={"spectrum"})
    with pytest.raises(PluginError, match="is blocked"):
        registry.register_plugin(ScalesAndFrameworks(), name="spectrum")
    assert registry.frameworks() == ()


def test_duplicate_framework_ids_are_refused_and_rolled_back() -> None:
    registry = Registry(entry_points=False)
    registry.register_plugin(ScalesAndFrameworks(), name="first")
    before = snapshot(registry)
    with pytest.raises(PluginError) as refused:
        registry.register_plugin(ScalesAndFrameworks(), name="second")
    assert str(refused.value) == (
        "plugin 'second': framework 'engagement-spectrum' is already registered by plugin 'first'"
    )
    assert refused.value.plugin == "second"
    assert snapshot(registry) == before
    assert registry.framework_plugin("engagement-spectrum") == "first"


def test_aggregations_are_validated_and_usable() -> None:
    registry = Registry(entry_points=False)
    with pytest.raises(PluginError) as refused:
        registry.register_plugin(HarmonicAndBadName(), name="harmonic")
    assert str(refused.value) == (
        "plugin 'harmonic': aggregation name must be an identifier, got 'bad name!'"
    )
    # Nothing of the refused plugin is kept, not even its valid aggregation.
    assert "harmonic_mean" not in registry.aggregations()
    registry.register_plugin(Harmonic(), name="harmonic")
    aggregation = registry.aggregations()["harmonic_mean"]
    assert (aggregation.plugin, aggregation.monotone, aggregation.description) == (
        "harmonic",
        True,
        "Weighted harmonic mean.",
    )
    registry.register_plugin(
        RegistersDemo(demo_framework(aggregation="harmonic_mean")), name="demo"
    )
    card = ii.score(demo_profile(q1="half", q2="all"), "demo", registry=registry)
    # Weights 1 and 3, values 0.5 and 1: (1 + 3) / (1 / 0.5 + 3 / 1) = 4 / 5.
    assert card.node("group").adjusted.score == pytest.approx(80.0)
    assert card.score == pytest.approx(80.0)


def test_a_framework_naming_an_unknown_aggregation_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "odd.toml"
    path.write_text(
        'schema = 1\nid = "odd"\nversion = "1"\ntitle = "Odd"\n[settings]\naggregation = "nope"\n'
        '[[scales]]\nid = "s"\ntitle = "S"\n[[scales.levels]]\nid = "no"\nvalue = 0.0\nlabel = "No"\n'
        '[[scales.levels]]\nid = "yes"\nvalue = 1.0\nlabel = "Yes"\n[[criteria]]\nid = "a"\ntitle = "A"\nscale = "s"\n',
        encoding="utf-8",
    )

    class Odd:
        @ii.hookimpl
        def integration_index_register_frameworks(self, register: Register) -> None:
            register(path)

    registry = Registry(entry_points=False)
    with pytest.raises(PluginError) as refused:
        registry.register_plugin(Odd(), name="odd")
    assert refused.value.plugin == "odd"
    assert "unknown aggregation 'nope'" in str(refused.value)
    assert f"{path}:6: settings.aggregation" in str(refused.value)
    assert registry.frameworks() == ()
    assert registry.plugins() == ()


def test_unregister_removes_everything_the_plugin_registered() -> None:
    registry = Registry(entry_points=False)
    registry.register_plugin(ScalesAndFrameworks(), name="spectrum")
    registry.register_plugin(Harmonic(), name="harmonic")
    registry.unregister_plugin("spectrum")
    assert registry.frameworks() == ()
    assert dict(registry.scales()) == {}
    assert [info.name for info in registry.plugins()] == ["harmonic"]
    assert "harmonic_mean" in registry.aggregations()
    with pytest.raises(PluginError, match="is not registered"):
        registry.unregister_plugin("spectrum")


def test_module_level_functions_take_a_registry() -> None:
    class Extra:
        @ii.hookimpl
        def integration_index_register_aggregations(self, register: Callable[..., None]) -> None:
            register("always_half", lambda values, weights, node: 0.5, monotone=True)

    registry = Registry(entry_points=False)
    name = ii.register_plugin(Extra(), name="extra-test-plugin", registry=registry)
    assert name == "extra-test-plugin"
    assert "always_half" in registry.aggregations()
    assert [info.name for info in ii.list_plugins(registry=registry)] == [name]
    assert "always_half" not in ii.default_registry().aggregations()
    assert name not in {info.name for info in ii.list_plugins()}
    ii.register_plugin(RegistersDemo(demo_framework()), name="demo", registry=registry)
    assert [f.id for f in ii.list_frameworks(registry=registry)] == ["demo"]
    assert ii.get_framework("demo", registry=registry) == demo_framework()
    with pytest.raises(UnknownFrameworkError):
        ii.get_framework("demo")
    ii.unregister_plugin(name, registry=registry)
    assert "always_half" not in registry.aggregations()


# -- broken plugins --------------------------------------------------------------------------


def fake_module(name: str, plugin: object) -> types.ModuleType:
    """A module holding *plugin*'s hook implementations, as an entry point would load."""
    module = types.ModuleType(name)
    for attribute in dir(plugin):
        if attribute.startswith("integration_index_"):
            setattr(module, attribute, getattr(plugin, attribute))
    return module


def fake_entry_points(
    monkeypatch: pytest.MonkeyPatch, modules: dict[str, object], extra: Sequence[tuple[str, str]]
) -> list[str]:
    """Make ``importlib.metadata.entry_points`` find *modules* (name -> plugin) and *extra*
    (name -> module path); return the list of groups it is asked for."""
    points = []
    for name, plugin in modules.items():
        module_name = f"fake_plugin_{name.replace('-', '_')}"
        monkeypatch.setitem(sys.modules, module_name, fake_module(module_name, plugin))
        points.append(importlib.metadata.EntryPoint(name, module_name, "integration_index"))
    points += [importlib.metadata.EntryPoint(n, m, "integration_index") for n, m in extra]
    calls: list[str] = []

    def entry_points(*, group: str) -> list[importlib.metadata.EntryPoint]:
        calls.append(group)
        return points

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    return calls


def test_entry_points_load_lazily_once_and_broken_ones_are_isolated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = fake_entry_points(
        monkeypatch,
        {"good": ScalesAndFrameworks()},
        [
            ("broken", "no_such_module_for_integration_index"),
            ("blocked-one", "no_such_module_either"),
        ],
    )
    monkeypatch.setenv("INTEGRATION_INDEX_BLOCK_PLUGINS", "blocked-one, other")
    registry = Registry()
    assert calls == []  # nothing is loaded before it is needed
    assert [f.id for f in registry.frameworks()] == ["engagement-spectrum"]
    registry.frameworks()
    registry.plugins()
    assert calls == ["integration_index"]  # loaded once
    statuses = {info.name: (info.origin, info.status) for info in registry.plugins()}
    assert statuses == {
        "good": ("entry-point", "loaded"),
        "broken": ("entry-point", "failed"),
        "blocked-one": ("entry-point", "blocked"),
    }
    (error,) = registry.errors()
    assert isinstance(error, PluginError)
    assert error.plugin == "broken"
    assert "failed to load: ModuleNotFoundError" in str(error)


def test_a_broken_entry_point_plugin_is_reported_by_name_and_the_others_carry_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_entry_points(
        monkeypatch,
        {"raising": Raising(), "garbage": RegistersGarbage(), "spectrum": ScalesAndFrameworks()},
        [],
    )
    registry = Registry(blocked=())
    assert [f.id for f in registry.frameworks()] == ["engagement-spectrum"]
    assert registry.framework_plugin("engagement-spectrum") == "spectrum"
    messages = sorted(str(error) for error in registry.errors())
    assert messages == [
        "plugin 'garbage': register() expects a Framework or a path, got int",
        "plugin 'raising': integration_index_register_frameworks raised RuntimeError: boom",
    ]
    infos = {info.name: info for info in registry.plugins()}
    assert {name: info.status for name, info in infos.items()} == {
        "garbage": "failed",
        "raising": "failed",
        "spectrum": "loaded",
    }
    assert (
        infos["raising"].error == "integration_index_register_frameworks raised RuntimeError: boom"
    )


def test_built_in_plugins_come_through_entry_points() -> None:
    names = {ep.name for ep in importlib.metadata.entry_points(group="integration_index")}
    assert {"eurocities", "engagement-spectrum", "gfmd-arrival-cities"} <= names
    registry = Registry(blocked=())
    infos = {info.name: info for info in registry.plugins()}
    for name in ("eurocities", "engagement-spectrum", "gfmd-arrival-cities"):
        assert infos[name].origin == "entry-point"
        assert infos[name].status == "loaded", infos[name].error
        assert infos[name].distribution == f"integration-index {ii.version()}"
        assert "integration_index_register_frameworks" in infos[name].hooks
    assert registry.framework_plugin("eurocities") == "eurocities"
    assert registry.framework_plugin("gfmd-arrival-cities") == "gfmd-arrival-cities"
    assert registry.errors() == ()


# -- register_plugin refuses a bad plugin and leaves the registry as it was ------------------


class LeakyAggregation:
    """Registers a valid aggregation first, so that a registry keeping part of a refused plugin
    would show it."""

    @ii.hookimpl
    def integration_index_register_aggregations(self, register: Callable[..., None]) -> None:
        register("leaky", harmonic, monotone=True)


class MisspeltHook(LeakyAggregation):
    @ii.hookimpl
    def integration_index_register_framework(self, register: Register) -> None:  # no "s"
        register(demo_framework("bad"))


class WrongSignature(LeakyAggregation):
    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Register, extra: object) -> None:
        register(demo_framework("bad"))


class RaisesInRegistration(LeakyAggregation):
    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Register) -> None:
        register(demo_framework("bad"))
        raise KeyError("missing")


class RegistersInvalidFramework(LeakyAggregation):
    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Register) -> None:
        register(demo_framework("bad", aggregation="no_such_aggregation"))


class Corrected(LeakyAggregation):
    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Register) -> None:
        register(demo_framework("bad", aggregation="leaky"))


@pytest.mark.parametrize(
    ("plugin", "expected"),
    [
        (
            MisspeltHook(),
            [
                "plugin 'bad': is not a valid plugin:",
                "unknown hook 'integration_index_register_framework'",
            ],
        ),
        (
            WrongSignature(),
            [
                "plugin 'bad': is not a valid plugin:",
                "integration_index_register_frameworks",
                "extra",
            ],
        ),
        (
            RaisesInRegistration(),
            ["plugin 'bad': integration_index_register_frameworks raised KeyError: 'missing'"],
        ),
        (
            RegistersInvalidFramework(),
            [
                "plugin 'bad': framework 'bad': unknown aggregation(s) 'no_such_aggregation'",
            ],
        ),
    ],
    ids=["misspelt-hook", "wrong-signature", "raises", "invalid-framework"],
)
def test_a_bad_plugin_is_refused_and_the_registry_is_left_as_it_was(
    plugin: object, expected: list[str]
) -> None:
    registry = Registry(entry_points=False)
    registry.register_plugin(ScalesAndFrameworks(), name="spectrum")
    registry.register_plugin(Harmonic(), name="harmonic")
    plugins, frameworks = registry.plugins(), registry.frameworks()
    aggregations = dict(registry.aggregations())
    before = snapshot(registry)

    with pytest.raises(PluginError) as refused:
        registry.register_plugin(plugin, name="bad")

    assert refused.value.plugin == "bad"
    message = " ".join(str(refused.value).split())
    for part in expected:
        assert part in message, message
    assert registry.plugins() == plugins
    assert registry.frameworks() == frameworks
    assert dict(registry.aggregations()) == aggregations
    assert "leaky" not in registry.aggregations()
    assert snapshot(registry) == before
    assert not registry.plugin_manager.has_plugin("bad")
    assert "bad" not in {info.name for info in registry.plugins()}

    # The name is free again: a corrected plugin registers under it.
    assert registry.register_plugin(Corrected(), name="bad") == "bad"
    assert [f.id for f in registry.frameworks()] == ["bad", "engagement-spectrum"]
    assert registry.aggregations()["leaky"].plugin == "bad"
    assert registry.framework_plugin("bad") == "bad"
    assert registry.errors() == ()


# -- report sections -------------------------------------------------------------------------


def test_report_sections_failures_become_warnings() -> None:
    class Sections:
        @ii.hookimpl
        def integration_index_report_sections(
            self, report: str, framework: Framework, cards: Any, profiles: Any, options: Any
        ) -> list[ReportSection]:
            return [
                ReportSection(title="B", body="b", order=5),
                ReportSection(title="A", body="a", order=1),
            ]

    class Failing:
        @ii.hookimpl
        def integration_index_report_sections(self) -> list[ReportSection]:
            raise ValueError("nope")

    class ReturnsGarbage:
        @ii.hookimpl
        def integration_index_report_sections(self) -> object:
            return ["not a section", ReportSection(title="C", body="c", order=3)]

    registry = Registry(entry_points=False)
    registry.register_plugin(ScalesAndFrameworks(), name="spectrum")
    registry.register_plugin(Sections(), name="sections")
    registry.register_plugin(Failing(), name="failing")
    registry.register_plugin(ReturnsGarbage(), name="garbage")
    framework = registry.get_framework("engagement-spectrum")
    sections, warnings = registry.report_sections("score", framework=framework, cards=[])
    assert [(s.title, s.plugin) for s in sections] == [
        ("A", "sections"),
        ("C", "garbage"),
        ("B", "sections"),
    ]
    assert sorted(warnings) == [
        "plugin 'failing': report sections failed: ValueError: nope",
        "plugin 'garbage': ignored a section of type 'str', expected a ReportSection",
    ]


class TwoArguments:
    """A report-sections implementation that declares only two of the spec's arguments."""

    @ii.hookimpl
    def integration_index_report_sections(
        self, report: str, framework: Framework
    ) -> list[ReportSection] | None:
        if framework.id != "demo":
            return None
        return [ReportSection(title=f"Two-argument {report} section", body=f"For {framework.id}.")]


def test_an_implementation_with_two_arguments_adds_sections() -> None:
    registry = Registry(entry_points=False)
    registry.register_plugin(RegistersDemo(demo_framework()), name="demo")
    registry.register_plugin(TwoArguments(), name="two")
    framework = registry.get_framework("demo")
    sections, warnings = registry.report_sections(
        "plan", framework=framework, cards=[], profiles=[], options={"target": 75.0}
    )
    assert warnings == ()
    assert sections == (
        ReportSection(title="Two-argument plan section", body="For demo.", plugin="two"),
    )
    other = demo_framework("other")
    assert registry.report_sections("plan", framework=other, cards=[]) == ((), ())


def test_an_implementation_with_two_arguments_reaches_the_markdown_reports() -> None:
    registry = Registry(entry_points=False)
    registry.register_plugin(RegistersDemo(demo_framework()), name="demo")
    registry.register_plugin(TwoArguments(), name="two")
    profile = demo_profile(q1="half", q2="some")
    card = ii.score(profile, registry=registry)
    # (1 x 0.5 + 3 x 0.25) / 4 = 0.3125
    assert card.score == pytest.approx(31.25)

    report = ii.profile_markdown(profile, registry=registry)
    assert "### Two-argument score section\n\nFor demo." in report
    assert "Warning" not in report

    plan = ii.development_plan(card, profile, target=75.0, registry=registry)
    report = ii.plan_markdown(plan, card, profile, registry=registry)
    assert "### Two-argument plan section\n\nFor demo." in report
    assert "Warning" not in report

    later = demo_profile(date="2026-01-31", q1="all", q2="some")
    later_card = ii.score(later, registry=registry)
    progress = ii.track_progress([card, later_card], registry=registry)
    report = ii.progress_markdown(
        progress, [profile, later], cards=[card, later_card], registry=registry
    )
    assert "### Two-argument progress section\n\nFor demo." in report
    assert "Warning" not in report

    # The default registry knows neither the framework nor the plugin.
    with pytest.raises(UnknownFrameworkError):
        ii.profile_markdown(profile)


def test_registration_hooks_may_declare_no_argument() -> None:
    calls: list[str] = []

    class NoArguments:
        @ii.hookimpl
        def integration_index_register_frameworks(self) -> None:
            calls.append("frameworks")

        @ii.hookimpl
        def integration_index_register_aggregations(self) -> None:
            calls.append("aggregations")

    registry = Registry(entry_points=False)
    assert registry.register_plugin(NoArguments(), name="quiet") == "quiet"
    assert calls == ["aggregations", "frameworks"]
    (info,) = registry.plugins()
    assert (info.status, info.error) == ("loaded", None)
    assert registry.errors() == ()
    assert registry.frameworks() == ()


def test_a_module_level_no_argument_hook_is_called() -> None:
    module = types.ModuleType("no_argument_plugin")
    called: list[bool] = []

    @ii.hookimpl
    def integration_index_register_frameworks() -> None:
        called.append(True)

    module.integration_index_register_frameworks = integration_index_register_frameworks  # type: ignore[attr-defined]
    registry = Registry(entry_points=False)
    registry.register_plugin(module)
    assert called == [True]
    assert [info.name for info in registry.plugins()] == ["no_argument_plugin"]


# -- call order: tryfirst and trylast ---------------------------------------------------------


def section_plugin(title: str, *, tryfirst: bool = False, trylast: bool = False) -> object:
    class Plugin:
        @ii.hookimpl(tryfirst=tryfirst, trylast=trylast)
        def integration_index_report_sections(self) -> list[ReportSection]:
            return [ReportSection(title=title, body=title, order=50)]

    return Plugin()


@pytest.mark.parametrize("first_name", ["alpha", "omega"])
@pytest.mark.parametrize("tryfirst_registered_first", [True, False])
def test_tryfirst_sections_come_first_among_equal_orders(
    first_name: str, tryfirst_registered_first: bool
) -> None:
    other_name = "omega" if first_name == "alpha" else "alpha"
    plugins = [
        (section_plugin("tryfirst", tryfirst=True), first_name),
        (section_plugin("plain"), other_name),
    ]
    if not tryfirst_registered_first:
        plugins.reverse()
    registry = Registry(entry_points=False)
    for plugin, name in plugins:
        registry.register_plugin(plugin, name=name)
    sections, warnings = registry.report_sections("score", framework=demo_framework(), cards=[])
    assert warnings == ()
    assert [(s.title, s.plugin) for s in sections] == [
        ("tryfirst", first_name),
        ("plain", other_name),
    ]


@pytest.mark.parametrize("last_name", ["alpha", "omega"])
@pytest.mark.parametrize("trylast_registered_first", [True, False])
def test_trylast_sections_come_last_among_equal_orders(
    last_name: str, trylast_registered_first: bool
) -> None:
    other_name = "omega" if last_name == "alpha" else "alpha"
    plugins = [
        (section_plugin("trylast", trylast=True), last_name),
        (section_plugin("plain"), other_name),
    ]
    if not trylast_registered_first:
        plugins.reverse()
    registry = Registry(entry_points=False)
    for plugin, name in plugins:
        registry.register_plugin(plugin, name=name)
    sections, _ = registry.report_sections("score", framework=demo_framework(), cards=[])
    assert [s.title for s in sections] == ["plain", "trylast"]


def test_order_still_comes_before_call_order() -> None:
    class Early:
        @ii.hookimpl(trylast=True)
        def integration_index_report_sections(self) -> list[ReportSection]:
            return [ReportSection(title="early", body="", order=10)]

    registry = Registry(entry_points=False)
    registry.register_plugin(section_plugin("tryfirst", tryfirst=True), name="a")
    registry.register_plugin(Early(), name="b")
    sections, _ = registry.report_sections("score", framework=demo_framework(), cards=[])
    assert [s.title for s in sections] == ["early", "tryfirst"]


class Claims:
    """Registers the framework "shared", titled after the plugin's role."""

    def __init__(self, role: str) -> None:
        self.role = role

    def register(self, register: Register) -> None:
        register(demo_framework("shared", title=f"from the {self.role} plugin"))


class ClaimsFirst(Claims):
    @ii.hookimpl(tryfirst=True)
    def integration_index_register_frameworks(self, register: Register) -> None:
        self.register(register)


class ClaimsPlainly(Claims):
    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Register) -> None:
        self.register(register)


@pytest.mark.parametrize(("first", "plain"), [("alpha", "omega"), ("omega", "alpha")])
def test_the_tryfirst_entry_point_keeps_a_contested_framework_id(
    monkeypatch: pytest.MonkeyPatch, first: str, plain: str
) -> None:
    # Entry points are registered in name order; pluggy calls the later one first among plain
    # implementations, so without tryfirst the winner would depend on the names.
    fake_entry_points(
        monkeypatch, {first: ClaimsFirst("tryfirst"), plain: ClaimsPlainly("plain")}, []
    )
    registry = Registry(blocked=())
    assert registry.get_framework("shared").title == Text(en="from the tryfirst plugin")
    assert registry.framework_plugin("shared") == first
    (error,) = registry.errors()
    assert error.plugin == plain
    assert str(error) == (
        f"plugin {plain!r}: framework 'shared' is already registered by plugin {first!r}"
    )
    statuses = {info.name: info.status for info in registry.plugins()}
    assert statuses == {first: "loaded", plain: "failed"}


@pytest.mark.parametrize(("first", "plain"), [("alpha", "omega"), ("omega", "alpha")])
def test_the_tryfirst_plugin_keeps_a_contested_framework_id_registered_before(
    first: str, plain: str
) -> None:
    registry = Registry(entry_points=False)
    registry.register_plugin(ClaimsFirst("tryfirst"), name=first)
    with pytest.raises(PluginError) as refused:
        registry.register_plugin(ClaimsPlainly("plain"), name=plain)
    assert refused.value.plugin == plain
    assert str(refused.value) == (
        f"plugin {plain!r}: framework 'shared' is already registered by plugin {first!r}"
    )
    assert registry.get_framework("shared").title == Text(en="from the tryfirst plugin")
    assert registry.framework_plugin("shared") == first
    assert [info.name for info in registry.plugins()] == [first]
    assert registry.errors() == ()


class ClaimsTheBuiltIn:
    """A third-party plugin that registers a framework under the id of the built-in one."""

    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Register) -> None:
        register(demo_framework("eurocities", title="an impostor"))


def _outcome(
    registry: Registry, framework_id: str
) -> tuple[object, list[tuple[str, str]], dict[str, str]]:
    """What a registry says about a contested id: who has it, the errors, the statuses."""
    try:
        owner: object = (
            registry.framework_plugin(framework_id),
            registry.get_framework(framework_id),
        )
    except ii.exceptions.UnknownFrameworkError as exc:
        owner = str(exc).split(";")[0]
    errors = sorted((error.plugin or "", str(error)) for error in registry.errors())
    return owner, errors, {info.name: info.status for info in registry.plugins()}


@pytest.mark.parametrize(("one", "other"), [("alpha", "omega"), ("omega", "alpha")])
def test_two_entry_points_claiming_one_id_alike_keep_it_neither(
    monkeypatch: pytest.MonkeyPatch, one: str, other: str
) -> None:
    # Neither is tryfirst: pluggy would call the one registered last (by name) first, so "the
    # first keeps it" would let plugin names decide. Neither keeps it, and both are told why.
    fake_entry_points(
        monkeypatch, {one: ClaimsPlainly(f"{one}"), other: ClaimsPlainly(f"{other}")}, []
    )
    registry = Registry(blocked=())
    owner, errors, statuses = _outcome(registry, "shared")
    assert owner == "unknown framework 'shared'"
    advice = (
        "too, at the same priority; none of them keeps it (mark the one that must win tryfirst, "
        "or block the others with INTEGRATION_INDEX_BLOCK_PLUGINS)"
    )
    assert errors == [
        ("alpha", f"plugin 'alpha': framework 'shared' is registered by plugin 'omega' {advice}"),
        ("omega", f"plugin 'omega': framework 'shared' is registered by plugin 'alpha' {advice}"),
    ]
    assert statuses == {"alpha": "failed", "omega": "failed"}


@pytest.mark.parametrize("impostor", ["aaa-impostor", "zzz-impostor"])
def test_a_plugin_cannot_take_a_built_in_frameworks_id_whatever_its_name(
    monkeypatch: pytest.MonkeyPatch, impostor: str
) -> None:
    fake_entry_points(
        monkeypatch,
        {impostor: ClaimsTheBuiltIn()},
        [("eurocities", "integration_index_eurocities")],
    )
    registry = Registry(blocked=())
    owner, errors, statuses = _outcome(registry, "eurocities")
    assert owner == "unknown framework 'eurocities'"  # not silently the impostor's
    assert [plugin for plugin, _ in errors] == sorted(["eurocities", impostor])
    for plugin, message in errors:
        other = impostor if plugin == "eurocities" else "eurocities"
        assert message.startswith(
            f"plugin {plugin!r}: framework 'eurocities' is registered by plugin {other!r} too"
        )
    assert statuses == {"eurocities": "failed", impostor: "failed"}
    # The same outcome, names aside, whichever name sorts first.
    registry_ok = Registry(blocked=(impostor,))
    assert registry_ok.framework_plugin("eurocities") == "eurocities"


class ClaimsAnAggregation:
    """Registers the aggregation "shared_mean"."""

    @ii.hookimpl
    def integration_index_register_aggregations(self, register: Any) -> None:
        register("shared_mean", _mean_of_values, monotone=True)


def _mean_of_values(values: Any, weights: Any, node: Any) -> float | None:
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


@pytest.mark.parametrize(("one", "other"), [("alpha", "omega"), ("omega", "alpha")])
def test_an_aggregation_name_claimed_alike_is_nobodys_whatever_the_names(
    monkeypatch: pytest.MonkeyPatch, one: str, other: str
) -> None:
    fake_entry_points(monkeypatch, {one: ClaimsAnAggregation(), other: ClaimsAnAggregation()}, [])
    registry = Registry(blocked=())
    assert "shared_mean" not in registry.aggregations()
    errors = sorted((error.plugin or "", str(error)) for error in registry.errors())
    assert [plugin for plugin, _ in errors] == ["alpha", "omega"]
    assert errors[0][1].startswith(
        "plugin 'alpha': aggregation 'shared_mean' is registered by plugin 'omega' too"
    )
    assert errors[1][1].startswith(
        "plugin 'omega': aggregation 'shared_mean' is registered by plugin 'alpha' too"
    )
    # Registered one after the other, the newcomer is refused and the first keeps it.
    registry = Registry(entry_points=False)
    registry.register_plugin(ClaimsAnAggregation(), name=other)
    with pytest.raises(PluginError) as refused:
        registry.register_plugin(ClaimsAnAggregation(), name=one)
    assert str(refused.value) == (
        f"plugin {one!r}: aggregation 'shared_mean' is already registered by plugin {other!r}"
    )
    assert registry.aggregations()["shared_mean"].plugin == other


def test_the_same_plugin_registering_an_id_twice_is_its_own_error() -> None:
    class Twice:
        @ii.hookimpl
        def integration_index_register_frameworks(self, register: Register) -> None:
            register(demo_framework("twice"))
            register(demo_framework("twice", title="again"))

    registry = Registry(entry_points=False)
    with pytest.raises(PluginError, match="framework 'twice' is already registered by plugin"):
        registry.register_plugin(Twice(), name="twice")


# -- aggregation results are checked --------------------------------------------------------


def faulty(result: object) -> Callable[..., object]:
    def function(
        values: Sequence[float | None], weights: Sequence[float], node: Criterion
    ) -> object:
        if isinstance(result, Exception):
            raise result
        return result

    return function


def registry_with_aggregation(
    function: Callable[..., object], *, monotone: bool = True, plugin: str = "faulty"
) -> Registry:
    class Plugin:
        @ii.hookimpl
        def integration_index_register_aggregations(self, register: Callable[..., None]) -> None:
            register("custom", function, monotone=monotone)

        @ii.hookimpl
        def integration_index_register_frameworks(self, register: Register) -> None:
            register(demo_framework(aggregation="custom"))

    registry = Registry(entry_points=False)
    registry.register_plugin(Plugin(), name=plugin)
    return registry


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (
            1.5,
            "aggregation 'custom' returned 1.5 on criterion 'group'; expected a number in [0, 1]",
        ),
        (-0.1, "aggregation 'custom' returned -0.1 on criterion 'group'"),
        (math.nan, "aggregation 'custom' returned nan on criterion 'group'"),
        ("x", "aggregation 'custom' returned 'x' on criterion 'group'"),
        (True, "aggregation 'custom' returned True on criterion 'group'"),
        (
            ZeroDivisionError("division by zero"),
            "aggregation 'custom' failed on criterion 'group': ZeroDivisionError: division by zero",
        ),
    ],
    ids=["above-one", "below-zero", "nan", "string", "bool", "raises"],
)
def test_an_invalid_aggregation_result_is_the_plugins_error(result: object, expected: str) -> None:
    registry = registry_with_aggregation(faulty(result), plugin="faulty-plugin")
    profile = demo_profile(q1="half", q2="all")
    with pytest.raises(PluginError) as failed:
        ii.score(profile, "demo", registry=registry)
    assert failed.value.plugin == "faulty-plugin"
    assert str(failed.value).startswith(f"plugin 'faulty-plugin': {expected}")


def spread(
    values: Sequence[float | None], weights: Sequence[float], node: Criterion
) -> float | None:
    """The distance between the highest and the lowest assessed child: not monotone."""
    assessed = [value for value in values if value is not None]
    return max(assessed) - min(assessed) if assessed else None


def test_a_non_monotone_aggregation_gets_full_bounds_unless_every_child_is_known() -> None:
    registry = registry_with_aggregation(spread, monotone=False)

    partial = ii.score(demo_profile(q1="most"), "demo", registry=registry).node("group").adjusted
    # One child assessed: the estimate is its spread with itself, 0; the unknown child could lie
    # anywhere, so could the spread (0 with q2 = 0.75, 0.75 with q2 = 0): the bounds are [0, 100],
    # not what the children's bounds would give a monotone method (spread(0.75, 0) = 75 and
    # spread(0.75, 1) = 25).
    assert (partial.score, partial.lower, partial.upper) == (0.0, 0.0, 100.0)

    full = ii.score(demo_profile(q1="most", q2="some"), "demo", registry=registry)
    node = full.node("group").adjusted
    assert node.score == pytest.approx(50.0)  # 0.75 - 0.25
    assert node.lower == node.score == node.upper


def test_a_monotone_plugin_aggregation_gets_bounds_from_the_childrens_bounds() -> None:
    registry = registry_with_aggregation(harmonic, monotone=True)
    node = ii.score(demo_profile(q2="half"), "demo", registry=registry).node("group").adjusted
    # q1 unknown in [0, 1]: harmonic(0, 0.5) = 0, harmonic(1, 0.5) = 4 / (1 + 6) = 4 / 7.
    assert node.score == pytest.approx(50.0)
    assert node.lower == pytest.approx(0.0)
    assert node.upper == pytest.approx(400.0 / 7.0)
