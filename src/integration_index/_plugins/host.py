"""The plugin host.

Plugins (built-in and third-party alike) are found under the ``integration_index`` entry-point
group, loaded lazily on first use and once per process, then asked through the registration hooks
for their scales, aggregations, frameworks and crosswalks. A plugin that fails to import, raises in
a hook, or registers something invalid is recorded as a :class:`PluginError` under its name; the
others carry on. ``INTEGRATION_INDEX_BLOCK_PLUGINS`` (comma-separated entry-point names) blocks
plugins by name.
"""

from __future__ import annotations

import importlib.metadata
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pluggy

from integration_index import hookspecs
from integration_index._model.crosswalk import Crosswalk, Relation
from integration_index._model.framework import Framework, Scale
from integration_index._scoring.aggregations import Aggregation, builtin_aggregations
from integration_index.exceptions import IntegrationIndexError, PluginError, UnknownFrameworkError

__all__ = ["BLOCK_ENV", "PluginHost", "PluginInfo", "Registry", "get_host"]

T = TypeVar("T")

#: Environment variable: comma-separated plugin names not to load.
BLOCK_ENV = "INTEGRATION_INDEX_BLOCK_PLUGINS"


@attrs.frozen
class PluginInfo:
    """A plugin the host knows.

    Attributes:
        name: Its name (the entry-point name for plugins found through entry points).
        origin: "entry-point" or "registered" (given to ``register_plugin`` directly).
        distribution: The distribution that declares it, with its version, if known.
        hooks: The hooks it implements.
        status: "loaded", "blocked" or "failed".
        error: Why it failed, if it did.
    """

    name: str
    origin: str
    distribution: str | None
    hooks: tuple[str, ...]
    status: str
    error: str | None = None


@attrs.define
class Registry:
    """What the plugins registered.

    Attributes:
        aggregations: Aggregation methods by name.
        scales: Shared scales by id.
        frameworks: Frameworks by id.
        framework_plugins: The plugin that registered each framework.
        crosswalks: Crosswalks in registration order.
        errors: Every plugin failure, in the order met.
    """

    aggregations: dict[str, Aggregation] = attrs.field(factory=dict)
    scales: dict[str, Scale] = attrs.field(factory=dict)
    frameworks: dict[str, Framework] = attrs.field(factory=dict)
    framework_plugins: dict[str, str] = attrs.field(factory=dict)
    crosswalks: list[Crosswalk] = attrs.field(factory=list)
    errors: list[PluginError] = attrs.field(factory=list)


def _blocked_names() -> set[str]:
    return {name.strip() for name in os.environ.get(BLOCK_ENV, "").split(",") if name.strip()}


class PluginHost:
    """A pluggy PluginManager plus the registry built from its plugins.

    Most code uses the process-wide host through :func:`get_host`; tests and applications that
    need isolation can build their own with ``PluginHost(entry_points=False)``.
    """

    def __init__(self, *, entry_points: bool = True) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(hookspecs)
        self._use_entry_points = entry_points
        self._entry_points_loaded = False
        self._registry: Registry | None = None
        self._lock = threading.RLock()
        self._infos: dict[str, PluginInfo] = {}
        self._load_errors: list[PluginError] = []

    # -- plugins ---------------------------------------------------------------------------

    def _load_entry_points(self) -> None:
        if self._entry_points_loaded or not self._use_entry_points:
            return
        self._entry_points_loaded = True
        blocked = _blocked_names()
        for name in blocked:
            self.pm.set_blocked(name)
        for entry_point in importlib.metadata.entry_points(group=hookspecs.PROJECT_NAME):
            dist = entry_point.dist
            dist_name = f"{dist.name} {dist.version}" if dist is not None else None
            if entry_point.name in blocked or self.pm.is_blocked(entry_point.name):
                self._infos[entry_point.name] = PluginInfo(
                    entry_point.name, "entry-point", dist_name, (), "blocked"
                )
                continue
            if self.pm.has_plugin(entry_point.name):
                continue
            try:
                plugin = entry_point.load()
                self.pm.register(plugin, name=entry_point.name)
            except Exception as exc:  # a broken plugin must not take the others down
                error = PluginError(
                    f"failed to load: {type(exc).__name__}: {exc}", plugin=entry_point.name
                )
                self._load_errors.append(error)
                self._infos[entry_point.name] = PluginInfo(
                    entry_point.name, "entry-point", dist_name, (), "failed", str(error)
                )
                continue
            self._infos[entry_point.name] = PluginInfo(
                entry_point.name,
                "entry-point",
                dist_name,
                self._hooks_of(entry_point.name),
                "loaded",
            )
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = getattr(exc, "plugin_name", None) or self.pm.get_name(exc.plugin) or "?"
            self._load_errors.append(
                PluginError(f"implements an unknown hook: {exc}", plugin=str(name))
            )
            self.pm.unregister(name=str(name))

    def _hooks_of(self, name: str) -> tuple[str, ...]:
        plugin = self.pm.get_plugin(name)
        callers = self.pm.get_hookcallers(plugin) or [] if plugin is not None else []
        return tuple(sorted(caller.name for caller in callers))

    def register_plugin(self, plugin: object, name: str | None = None) -> str:
        """Register a plugin object directly (a module or an instance with hookimpls)."""
        with self._lock:
            self._load_entry_points()
            registered = self.pm.register(plugin, name=name)
            if registered is None:
                raise PluginError("is blocked", plugin=name or repr(plugin))
            self.pm.check_pending()
            self._infos[registered] = PluginInfo(
                registered, "registered", None, self._hooks_of(registered), "loaded"
            )
            self._registry = None
            return registered

    def unregister_plugin(self, name: str) -> None:
        """Remove a plugin by name."""
        with self._lock:
            self.pm.unregister(name=name)
            self._infos.pop(name, None)
            self._registry = None

    def plugins(self) -> list[PluginInfo]:
        """Every plugin known, loaded or not, sorted by name."""
        self.registry()
        return [self._infos[name] for name in sorted(self._infos)]

    # -- registry --------------------------------------------------------------------------

    def registry(self) -> Registry:
        """The registry, built on first use."""
        registry = self._registry
        if registry is not None:
            return registry
        with self._lock:
            if self._registry is None:
                self._load_entry_points()
                self._registry = self._build()
            return self._registry

    def _impls(self, hook_name: str) -> Iterator[tuple[str, Callable[..., Any]]]:
        caller = getattr(self.pm.hook, hook_name)
        # pluggy lists implementations last-registered first; keep a stable order by name.
        impls = sorted(caller.get_hookimpls(), key=lambda impl: impl.plugin_name)
        for impl in impls:
            yield impl.plugin_name, impl.function

    def _call_each(
        self,
        hook_name: str,
        registry: Registry,
        make_register: Callable[[str], Callable[..., None]],
    ) -> None:
        for plugin_name, function in self._impls(hook_name):
            try:
                function(register=make_register(plugin_name))
            except PluginError as exc:
                registry.errors.append(exc)
            except Exception as exc:
                registry.errors.append(
                    PluginError(
                        f"{hook_name} raised {type(exc).__name__}: {exc}", plugin=plugin_name
                    )
                )

    def _build(self) -> Registry:
        from integration_index._io.crosswalks import load_crosswalk_file
        from integration_index._io.frameworks import load_framework_file, load_scale_file

        registry = Registry(errors=list(self._load_errors))
        for aggregation in builtin_aggregations():
            registry.aggregations[aggregation.name] = aggregation

        def register_aggregation(plugin: str) -> Callable[..., None]:
            def register(
                name: str, function: Any, *, monotone: bool, description: str = ""
            ) -> None:
                if not isinstance(name, str) or not name.isidentifier():
                    raise PluginError(
                        f"aggregation name must be an identifier, got {name!r}", plugin=plugin
                    )
                if not callable(function):
                    raise PluginError(
                        f"aggregation {name!r}: function is not callable", plugin=plugin
                    )
                if not isinstance(monotone, bool):
                    raise PluginError(
                        f"aggregation {name!r}: monotone must be True or False", plugin=plugin
                    )
                if name in registry.aggregations:
                    owner = registry.aggregations[name].plugin
                    raise PluginError(
                        f"aggregation {name!r} is already registered by {owner!r}", plugin=plugin
                    )
                registry.aggregations[name] = Aggregation(
                    name, function, monotone, description, plugin
                )

            return register

        def add_scale(plugin: str, scale: Scale) -> None:
            if scale.id in registry.scales and registry.scales[scale.id] != scale:
                raise PluginError(
                    f"scale {scale.id!r} is already registered differently", plugin=plugin
                )
            registry.scales[scale.id] = scale

        def add_framework(plugin: str, framework: Framework) -> None:
            problems = check_aggregations(framework, registry.aggregations)
            if problems:
                raise PluginError(
                    f"framework {framework.id!r}: " + "; ".join(problems), plugin=plugin
                )
            if framework.id in registry.frameworks:
                owner = registry.framework_plugins[framework.id]
                raise PluginError(
                    f"framework {framework.id!r} is already registered by {owner!r}", plugin=plugin
                )
            registry.frameworks[framework.id] = framework
            registry.framework_plugins[framework.id] = plugin

        crosswalk_owners: list[tuple[str, Crosswalk]] = []

        def add_crosswalk(plugin: str, crosswalk: Crosswalk) -> None:
            crosswalk_owners.append((plugin, crosswalk))

        self._call_each("integration_index_register_aggregations", registry, register_aggregation)
        self._call_each(
            "integration_index_register_scales",
            registry,
            _registrar(Scale, "scale", load_scale_file, add_scale),
        )
        self._call_each(
            "integration_index_register_frameworks",
            registry,
            _registrar(
                Framework,
                "framework",
                lambda path: load_framework_file(path, registry.scales.get),
                add_framework,
            ),
        )
        self._call_each(
            "integration_index_register_crosswalks",
            registry,
            _registrar(Crosswalk, "crosswalk", load_crosswalk_file, add_crosswalk),
        )
        for plugin, crosswalk in crosswalk_owners:
            problems = check_crosswalk(crosswalk, registry.frameworks)
            if problems:
                registry.errors.append(
                    PluginError(
                        f"crosswalk {crosswalk.id!r}: " + "; ".join(problems), plugin=plugin
                    )
                )
            else:
                registry.crosswalks.append(crosswalk)
        return registry

    # -- queries ---------------------------------------------------------------------------

    def get_framework(self, framework_id: str) -> Framework:
        """The registered framework with this id."""
        frameworks = self.registry().frameworks
        try:
            return frameworks[framework_id]
        except KeyError:
            known = ", ".join(sorted(frameworks)) or "none"
            raise UnknownFrameworkError(
                f"unknown framework {framework_id!r}; registered frameworks: {known}"
            ) from None

    def related(self, framework_id: str, criterion_id: str) -> list[Relation]:
        """What relates to one criterion in other frameworks, through every crosswalk."""
        framework = self.get_framework(framework_id)
        if criterion_id not in framework.nodes:
            raise UnknownFrameworkError(
                f"framework {framework_id!r} has no criterion {criterion_id!r}"
            )
        return [
            relation
            for crosswalk in self.registry().crosswalks
            for relation in crosswalk.related(framework_id, criterion_id)
        ]

    def report_sections(
        self,
        report: str,
        framework: Framework,
        cards: Sequence[Any],
        profiles: Sequence[Any],
        options: Mapping[str, Any],
    ) -> tuple[list[Any], list[str]]:
        """Sections plugins add to a report, and warnings for plugins that failed."""
        from integration_index._reports.sections import ReportSection

        sections: list[ReportSection] = []
        warnings: list[str] = []
        self.registry()
        for plugin_name, function in self._impls("integration_index_report_sections"):
            try:
                result = function(
                    report=report,
                    framework=framework,
                    cards=list(cards),
                    profiles=list(profiles),
                    options=dict(options),
                )
            except Exception as exc:
                warnings.append(
                    f"plugin {plugin_name!r}: report sections failed: {type(exc).__name__}: {exc}"
                )
                continue
            for section in result or []:
                if not isinstance(section, ReportSection):
                    warnings.append(
                        f"plugin {plugin_name!r}: ignored a section that is not a ReportSection"
                    )
                    continue
                sections.append(attrs.evolve(section, plugin=plugin_name))
        sections.sort(key=lambda section: (section.order, section.plugin))
        return sections, warnings


def _registrar(
    cls: type[T],
    kind: str,
    load: Callable[[str | Path], T],
    add: Callable[[str, T], None],
) -> Callable[[str], Callable[[T | str | Path], None]]:
    """The ``register`` callback a registration hook receives: it accepts an object of *cls* or
    the path of a TOML file to load, checks it, and adds it under the plugin's name."""

    def for_plugin(plugin: str) -> Callable[[T | str | Path], None]:
        def register(item: T | str | Path) -> None:
            if isinstance(item, str | Path):
                try:
                    item = load(item)
                except IntegrationIndexError as exc:
                    raise PluginError(f"invalid {kind} file: {exc}", plugin=plugin) from None
            if not isinstance(item, cls):
                raise PluginError(
                    f"register() expects a {cls.__name__} or a path, got {type(item).__name__}",
                    plugin=plugin,
                )
            add(plugin, item)

        return register

    return for_plugin


def check_aggregations(framework: Framework, aggregations: Mapping[str, Aggregation]) -> list[str]:
    """Aggregation names a framework uses that are not registered."""
    used = {framework.settings.aggregation} | {
        n.aggregation for n in framework.nodes.values() if n.aggregation
    }
    return [
        f"unknown aggregation {name!r}; registered: {', '.join(sorted(aggregations))}"
        for name in sorted(used - set(aggregations))
    ]


def check_crosswalk(crosswalk: Crosswalk, frameworks: Mapping[str, Framework]) -> list[str]:
    """Links that name a criterion missing from a registered framework."""
    problems: list[str] = []
    for index, link in enumerate(crosswalk.links):
        for end in (link.from_, link.to):
            framework_id, _, criterion_id = end.partition(":")
            framework = frameworks.get(framework_id)
            if framework is not None and criterion_id not in framework.nodes:
                problems.append(
                    f"links[{index}]: {framework_id!r} has no criterion {criterion_id!r}"
                )
    return problems


_HOST: PluginHost | None = None
_HOST_LOCK = threading.Lock()


def get_host() -> PluginHost:
    """The process-wide plugin host (created on first use)."""
    global _HOST
    if _HOST is None:
        with _HOST_LOCK:
            if _HOST is None:
                _HOST = PluginHost()
    return _HOST
