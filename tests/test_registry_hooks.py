"""Hooks only ever gain arguments: implementations declare a subset of their spec, and a spec that
gains an argument leaves every existing implementation working."""

from __future__ import annotations

import contextlib
import importlib
import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, get_args

import pluggy
import pytest

import integration_index as ii
from integration_index import Registry, hookspecs
from integration_index.model import (
    CityProfile,
    Criterion,
    Framework,
    Level,
    ReportSection,
    Scale,
    ScoreCard,
    Settings,
    Text,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "profiles"
HOOKS = sorted(name for name in hookspecs.__all__ if name.startswith("integration_index_"))

#: The built-in plugin modules, by entry-point name.
BUILT_IN = {
    "eurocities": "integration_index_eurocities",
    "engagement-spectrum": "integration_index_engagement",
    "gfmd-arrival-cities": "integration_index_gfmd",
}

#: The arguments each built-in implementation declares, read off the plugins' source by hand.
DECLARED = {
    ("eurocities", "integration_index_register_frameworks"): ("register",),
    ("eurocities", "integration_index_report_sections"): (
        "report",
        "framework",
        "cards",
        "profiles",
        "options",
    ),
    ("engagement-spectrum", "integration_index_register_scales"): ("register",),
    ("engagement-spectrum", "integration_index_register_frameworks"): ("register",),
    ("engagement-spectrum", "integration_index_report_sections"): (
        "report",
        "framework",
        "cards",
        "options",
    ),
    ("gfmd-arrival-cities", "integration_index_register_frameworks"): ("register",),
    ("gfmd-arrival-cities", "integration_index_register_crosswalks"): ("register",),
    ("gfmd-arrival-cities", "integration_index_report_sections"): (
        "report",
        "framework",
        "cards",
        "options",
    ),
}


class ExtendedSpecs:
    """The hook specs as a later release might write them: every hook gains an ``extra``."""

    @hookspecs.hookspec
    def integration_index_register_scales(self, register: Callable[..., None], extra: str) -> None:
        """Register scales."""

    @hookspecs.hookspec
    def integration_index_register_aggregations(
        self, register: Callable[..., None], extra: str
    ) -> None:
        """Register aggregations."""

    @hookspecs.hookspec
    def integration_index_register_frameworks(
        self, register: Callable[..., None], extra: str
    ) -> None:
        """Register frameworks."""

    @hookspecs.hookspec
    def integration_index_register_crosswalks(
        self, register: Callable[..., None], extra: str
    ) -> None:
        """Register crosswalks."""

    @hookspecs.hookspec
    def integration_index_report_sections(
        self,
        report: str,
        framework: Framework,
        cards: Sequence[ScoreCard],
        profiles: Sequence[CityProfile],
        options: dict[str, Any],
        extra: str,
    ) -> list[ReportSection] | None:
        """Add report sections."""


class OldStyle:
    """A plugin written against today's specs, every argument declared."""

    @hookspecs.hookimpl
    def integration_index_register_aggregations(self, register: Callable[..., None]) -> None:
        register("old_style", lambda values, weights, node: 0.5, monotone=True)

    @hookspecs.hookimpl
    def integration_index_report_sections(
        self,
        report: str,
        framework: Framework,
        cards: Sequence[ScoreCard],
        profiles: Sequence[CityProfile],
        options: dict[str, Any],
    ) -> list[ReportSection] | None:
        return [ReportSection(title=f"old style {report}", body=framework.id)]


def test_the_extended_specs_extend_the_real_ones() -> None:
    """Guard for the tests below: ExtendedSpecs is the real specs plus one argument each."""
    extended = sorted(name for name in dir(ExtendedSpecs) if name.startswith("integration_index_"))
    assert extended == HOOKS
    for name in HOOKS:
        real = list(inspect.signature(getattr(hookspecs, name)).parameters)
        new = list(inspect.signature(getattr(ExtendedSpecs, name)).parameters)
        assert new == ["self", *real, "extra"]


def test_real_implementations_declare_subsets_of_the_specs() -> None:
    registry = Registry(blocked=())
    pm = registry.plugin_manager
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    for name in HOOKS:
        caller = getattr(pm.hook, name)
        spec = list(inspect.signature(getattr(hookspecs, name)).parameters)
        assert caller.spec is not None
        assert list(caller.spec.argnames) == spec
        for impl in caller.get_hookimpls():
            assert set(impl.argnames) <= set(spec), (impl.plugin_name, name, impl.argnames)
            if impl.plugin_name in BUILT_IN:
                found[(impl.plugin_name, name)] = tuple(impl.argnames)
    assert found == DECLARED


def test_implementations_without_profiles_are_called_for_every_report() -> None:
    # The engagement and GFMD plugins leave "profiles" out of their report-sections hook.
    registry = Registry(blocked=())
    profile = ii.load_profile(EXAMPLES / "all-three" / "harbourton-2024.toml")
    seen = {}
    for framework_id in ("engagement-spectrum", "gfmd-arrival-cities"):
        framework = registry.get_framework(framework_id)
        card = ii.score(profile, framework, registry=registry)
        sections, warnings = registry.report_sections(
            "score", framework=framework, cards=[card], profiles=[profile], options={}
        )
        assert warnings == ()
        seen[framework_id] = [(s.plugin, s.title) for s in sections]
    assert seen == {
        "engagement-spectrum": [("engagement-spectrum", "Engagement profile")],
        "gfmd-arrival-cities": [
            ("gfmd-arrival-cities", "Enabling environment (actions owned by others)"),
            ("gfmd-arrival-cities", "City solutions from the GFMD paper"),
        ],
    }


def plugin_modules() -> list[tuple[str, ModuleType]]:
    modules = [(name, importlib.import_module(module)) for name, module in BUILT_IN.items()]
    with contextlib.suppress(ImportError):  # the example plugin is optional
        modules.append(("oecd-checklist", importlib.import_module("integration_index_oecd")))
    return modules


def test_a_spec_that_gains_an_argument_keeps_existing_plugins_working() -> None:
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(ExtendedSpecs)
    for name, module in plugin_modules():
        pm.register(module, name=name)
    pm.register(OldStyle(), name="old-style")
    pm.check_pending()  # no implementation is refused by the extended specs

    registered: dict[str, list[object]] = {}

    def collect(kind: str) -> Callable[..., None]:
        def register(item: object, *args: object, **kwargs: object) -> None:
            registered.setdefault(kind, []).append(item)

        return register

    for name in HOOKS[:-1]:  # the registration hooks
        getattr(pm.hook, name)(register=collect(name), extra="new")
    paths = [Path(str(item)).name for item in registered["integration_index_register_frameworks"]]
    assert {"eurocities.toml", "engagement-spectrum.toml", "gfmd-arrival-cities.toml"} <= set(paths)
    assert [Path(str(item)).name for item in registered["integration_index_register_scales"]] == [
        "engagement-spectrum.toml"
    ]
    assert [
        Path(str(item)).name for item in registered["integration_index_register_crosswalks"]
    ] == ["crosswalk.toml"]
    assert registered["integration_index_register_aggregations"] == ["old_style"]

    registry = Registry(blocked=())
    profile = ii.load_profile(EXAMPLES / "eurocities" / "porto-verde-2024.toml")
    framework = registry.get_framework("eurocities")
    card = ii.score(profile, framework, registry=registry)
    results = pm.hook.integration_index_report_sections(
        report="score",
        framework=framework,
        cards=[card],
        profiles=[profile],
        options={},
        extra="new",
    )
    titles = sorted(section.title for sections in results for section in sections)
    assert titles == [
        "Contextual factors",
        "Key factors in place",
        "Reading by the Charter's city roles",
        "old style score",
    ]


def test_the_registry_passes_each_implementation_only_what_it_declares() -> None:
    received: dict[str, dict[str, object]] = {}

    class ReportOnly:
        @ii.hookimpl
        def integration_index_report_sections(self, report: str) -> None:
            received["report-only"] = {"report": report}

    class OptionsAndReport:
        @ii.hookimpl
        def integration_index_report_sections(
            self, options: dict[str, Any], report: str
        ) -> None:  # in another order than the spec
            received["options-and-report"] = {"options": options, "report": report}

    class Everything:
        @ii.hookimpl
        def integration_index_report_sections(
            self,
            report: str,
            framework: Framework,
            cards: Sequence[ScoreCard],
            profiles: Sequence[CityProfile],
            options: dict[str, Any],
        ) -> None:
            received["everything"] = {
                "report": report,
                "framework": framework.id,
                "cards": cards,
                "profiles": profiles,
                "options": options,
            }

    registry = Registry(entry_points=False)
    registry.register_plugin(ReportOnly(), name="report-only")
    registry.register_plugin(OptionsAndReport(), name="options-and-report")
    registry.register_plugin(Everything(), name="everything")
    sections, warnings = registry.report_sections(
        "progress", framework=_small_framework(), cards=[], options={"a": 1}
    )
    assert (sections, warnings) == ((), ())
    assert received == {
        "report-only": {"report": "progress"},
        "options-and-report": {"options": {"a": 1}, "report": "progress"},
        "everything": {
            "report": "progress",
            "framework": "small",
            "cards": (),
            "profiles": (),
            "options": {"a": 1},
        },
    }


def _small_framework() -> Framework:
    yes_no = Scale(
        id="yes-no",
        title=Text(en="Yes or no"),
        levels=(
            Level(id="no", value=0.0, label=Text(en="No")),
            Level(id="yes", value=1.0, label=Text(en="Yes")),
        ),
    )
    return Framework(
        id="small",
        version="1",
        title=Text(en="Small"),
        criteria=(Criterion(id="q", title=Text(en="Q")),),
        scales=(yes_no,),
        settings=Settings(scale="yes-no"),
    )


def test_the_report_kinds_are_the_four_reports_that_exist() -> None:
    # "profile" was never emitted and is gone.
    assert get_args(hookspecs.ReportKind) == ("score", "plan", "progress", "peer-review")


@pytest.mark.parametrize("kind", ["score", "plan", "progress", "peer-review"])
def test_every_report_kind_reaches_the_plugins(kind: hookspecs.ReportKind) -> None:
    registry = Registry(entry_points=False)
    registry.register_plugin(OldStyle(), name="old-style")
    sections, _ = registry.report_sections(kind, framework=_small_framework(), cards=[])
    assert [s.title for s in sections] == [f"old style {kind}"]
