"""The plugin host: registration through hooks, validation, isolation of broken plugins."""

from __future__ import annotations

import importlib.metadata
import sys
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import integration_index as ii
from integration_index._plugins.host import PluginHost
from integration_index.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "frameworks"


class ScalesAndFrameworks:
    @ii.hookimpl
    def integration_index_register_scales(self, register: Callable[[Any], None]) -> None:
        register(FRAMEWORKS / "scales" / "engagement-spectrum.toml")

    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Callable[[Any], None]) -> None:
        register(FRAMEWORKS / "engagement-spectrum.toml")


class Raising:
    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Callable[[Any], None]) -> None:
        raise RuntimeError("boom")


class RegistersGarbage:
    @ii.hookimpl
    def integration_index_register_frameworks(self, register: Callable[[Any], None]) -> None:
        register(42)


class Harmonic:
    @ii.hookimpl
    def integration_index_register_aggregations(self, register: Callable[..., None]) -> None:
        def harmonic(
            values: Sequence[float | None], weights: Sequence[float], node: ii.Criterion
        ) -> float | None:
            pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None]
            if not pairs:
                return None
            if any(v == 0 for v, _ in pairs):
                return 0.0
            return sum(w for _, w in pairs) / sum(w / v for v, w in pairs)

        register("harmonic_mean", harmonic, monotone=True, description="Weighted harmonic mean.")
        register("bad name!", harmonic, monotone=True)


def test_plugins_register_scales_then_frameworks() -> None:
    host = PluginHost(entry_points=False)
    host.register_plugin(ScalesAndFrameworks(), "spectrum")
    registry = host.registry()
    assert "engagement-spectrum" in registry.scales
    assert (
        registry.frameworks["engagement-spectrum"].scales_by_id["engagement-spectrum"]
        == registry.scales["engagement-spectrum"]
    )
    assert registry.framework_plugins["engagement-spectrum"] == "spectrum"
    assert registry.errors == []


def test_a_broken_plugin_is_reported_by_name_and_the_others_carry_on() -> None:
    host = PluginHost(entry_points=False)
    host.register_plugin(Raising(), "raising")
    host.register_plugin(RegistersGarbage(), "garbage")
    host.register_plugin(ScalesAndFrameworks(), "spectrum")
    registry = host.registry()
    assert "engagement-spectrum" in registry.frameworks
    messages = sorted(str(error) for error in registry.errors)
    assert messages == [
        "plugin 'garbage': register() expects a Framework or a path, got int",
        "plugin 'raising': integration_index_register_frameworks raised RuntimeError: boom",
    ]


def test_duplicate_framework_ids_are_refused() -> None:
    host = PluginHost(entry_points=False)
    host.register_plugin(ScalesAndFrameworks(), "first")
    host.register_plugin(ScalesAndFrameworks(), "second")
    errors = [str(e) for e in host.registry().errors]
    assert errors == [
        "plugin 'second': framework 'engagement-spectrum' is already registered by 'first'"
    ]


def test_aggregations_are_validated_and_usable() -> None:
    host = PluginHost(entry_points=False)
    host.register_plugin(Harmonic(), "harmonic")
    registry = host.registry()
    assert registry.aggregations["harmonic_mean"].plugin == "harmonic"
    assert [str(e) for e in registry.errors] == [
        "plugin 'harmonic': aggregation name must be an identifier, got 'bad name!'"
    ]


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
        def integration_index_register_frameworks(self, register: Callable[[Any], None]) -> None:
            register(path)

    host = PluginHost(entry_points=False)
    host.register_plugin(Odd(), "odd")
    (error,) = host.registry().errors
    assert "unknown aggregation 'nope'" in str(error)
    assert "odd" not in host.registry().frameworks


def test_entry_points_load_lazily_once_and_broken_ones_are_isolated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = types.ModuleType("fake_good_plugin")
    plugin = ScalesAndFrameworks()
    for hook in ("integration_index_register_frameworks", "integration_index_register_scales"):
        setattr(good, hook, getattr(plugin, hook))
    monkeypatch.setitem(sys.modules, "fake_good_plugin", good)
    points = [
        importlib.metadata.EntryPoint("good", "fake_good_plugin", "integration_index"),
        importlib.metadata.EntryPoint(
            "broken", "no_such_module_for_integration_index", "integration_index"
        ),
        importlib.metadata.EntryPoint("blocked-one", "no_such_module_either", "integration_index"),
    ]
    calls: list[str] = []

    def entry_points(*, group: str) -> list[importlib.metadata.EntryPoint]:
        calls.append(group)
        return points

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    monkeypatch.setenv("INTEGRATION_INDEX_BLOCK_PLUGINS", "blocked-one, other")
    host = PluginHost()
    assert calls == []  # nothing is loaded before it is needed
    registry = host.registry()
    host.registry()
    host.plugins()
    assert calls == ["integration_index"]  # loaded once
    assert "engagement-spectrum" in registry.frameworks
    statuses = {info.name: info.status for info in host.plugins()}
    assert statuses == {"good": "loaded", "broken": "failed", "blocked-one": "blocked"}
    (error,) = registry.errors
    assert isinstance(error, PluginError)
    assert error.plugin == "broken"
    assert "ModuleNotFoundError" in str(error)


def test_report_sections_failures_become_warnings() -> None:
    class Sections:
        @ii.hookimpl
        def integration_index_report_sections(
            self, report: str, framework: ii.Framework, cards: Any, profiles: Any, options: Any
        ) -> list[ii.ReportSection]:
            return [ii.ReportSection("B", "b", order=5), ii.ReportSection("A", "a", order=1)]

    class Failing:
        @ii.hookimpl
        def integration_index_report_sections(
            self, report: str, framework: ii.Framework, cards: Any, profiles: Any, options: Any
        ) -> list[ii.ReportSection]:
            raise ValueError("nope")

    host = PluginHost(entry_points=False)
    host.register_plugin(ScalesAndFrameworks(), "spectrum")
    host.register_plugin(Sections(), "sections")
    host.register_plugin(Failing(), "failing")
    framework = host.get_framework("engagement-spectrum")
    sections, warnings = host.report_sections("score", framework, [], [], {})
    assert [(s.title, s.plugin) for s in sections] == [("A", "sections"), ("B", "sections")]
    assert warnings == ["plugin 'failing': report sections failed: ValueError: nope"]


def test_built_in_plugins_come_through_entry_points() -> None:
    names = {ep.name for ep in importlib.metadata.entry_points(group="integration_index")}
    assert {"eurocities", "engagement-spectrum", "gfmd-arrival-cities"} <= names
    infos = {info.name: info for info in ii.list_plugins()}
    assert infos["eurocities"].origin == "entry-point"
    assert infos["eurocities"].status == "loaded"
    assert "integration_index_register_frameworks" in infos["eurocities"].hooks


def test_register_plugin_in_process() -> None:
    class Extra:
        @ii.hookimpl
        def integration_index_register_aggregations(self, register: Callable[..., None]) -> None:
            register("always_half", lambda values, weights, node: 0.5, monotone=True)

    name = ii.register_plugin(Extra(), "extra-test-plugin")
    try:
        from integration_index._plugins.host import get_host

        assert "always_half" in get_host().registry().aggregations
    finally:
        ii.unregister_plugin(name)
    assert "always_half" not in get_host().registry().aggregations
