"""The registry: one explicit object that owns the plugin manager and what plugins register.

A :class:`Registry` holds a pluggy ``PluginManager`` and, built from its plugins, the frameworks,
shared scales, aggregation methods and crosswalks they register, and every plugin failure. Nothing
here is global: the library's module-level functions use a default registry that the public
facade builds lazily, and applications and tests build their own (``Registry(entry_points=False)``
starts empty).

Every hook is called through pluggy, one plugin at a time in pluggy's own call order (so
``tryfirst``/``trylast`` hold and an implementation may take fewer arguments than the spec), which
lets a failure be attributed to the plugin that caused it while the others carry on.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs
import pluggy

from integration_index import hookspecs
from integration_index._model.crosswalk import Crosswalk, Relation
from integration_index._model.framework import Framework, Scale
from integration_index._model.profile import CityProfile
from integration_index._model.report import ReportSection
from integration_index._model.scorecard import ScoreCard
from integration_index._plugins.calls import each_implementation
from integration_index._plugins.contents import Contents, DuplicateError, build_contents
from integration_index._scoring.aggregations import Aggregation
from integration_index._scoring.plan import Plans
from integration_index.exceptions import PluginError, UnknownFrameworkError

__all__ = ["BLOCK_ENV", "PluginInfo", "Registry"]

#: Environment variable: comma-separated names of plugins a default-configured registry blocks.
BLOCK_ENV = "INTEGRATION_INDEX_BLOCK_PLUGINS"

PluginStatus = Literal["loaded", "blocked", "failed"]
PluginOrigin = Literal["entry-point", "registered"]


@attrs.frozen(kw_only=True)
class PluginInfo:
    """A plugin the registry knows.

    Attributes:
        name: Its name (the entry-point name for plugins found through entry points).
        origin: "entry-point", or "registered" for one given to ``register_plugin``.
        distribution: The distribution that declares it, with its version, if known.
        hooks: The hooks it implements, sorted.
        status: "loaded", "blocked" or "failed" (it failed to import, or a hook of it failed).
        error: Why it failed, if it did (several failures one per line).
    """

    name: str
    origin: PluginOrigin
    distribution: str | None = None
    hooks: tuple[str, ...] = ()
    status: PluginStatus = "loaded"
    error: str | None = None


def blocked_from_environment() -> frozenset[str]:
    """The plugin names that ``INTEGRATION_INDEX_BLOCK_PLUGINS`` blocks."""
    return frozenset(
        name.strip() for name in os.environ.get(BLOCK_ENV, "").split(",") if name.strip()
    )


class Registry:
    """Plugins and what they register: frameworks, shared scales, aggregations and crosswalks.

    ``Registry()`` finds plugins under the ``integration_index`` entry-point group (the built-in
    frameworks come in that way too) on first use; ``Registry(entry_points=False)`` starts empty,
    for applications and tests that register exactly the plugins they want. *blocked* names
    plugins not to load; by default, those in ``INTEGRATION_INDEX_BLOCK_PLUGINS``.

    A registry is safe to share between threads. Its contents are rebuilt, all at once, whenever a
    plugin is registered or unregistered through it (not through `plugin_manager`).
    """

    def __init__(self, *, entry_points: bool = True, blocked: Iterable[str] | None = None) -> None:
        self._pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        if isinstance(blocked, str):
            raise TypeError("blocked= takes a collection of plugin names, not one string")
        self._entry_points = entry_points
        self._blocked = frozenset(blocked_from_environment() if blocked is None else blocked)
        for name in self._blocked:
            self._pm.set_blocked(name)
        self._lock = threading.RLock()
        self._started = False
        self._origins: dict[str, PluginInfo] = {}
        self._dists: dict[str, Any] = {}  # entry-point plugins' distributions
        self._load_errors: dict[str, PluginError] = {}
        self._contents: Contents | None = None
        # The frameworks' compiled scoring plans, shared by the scoring contexts built from it.
        self._plans = Plans()

    def __repr__(self) -> str:
        source = "entry points" if self._entry_points else "no entry points"
        return f"<Registry ({source}) plugins={sorted(self._origins)!r}>"

    # -- plugins ---------------------------------------------------------------------------

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """The pluggy manager, for hooks an application adds itself (``add_hookspecs``).

        Register and unregister plugins through the registry's methods, which validate them and
        rebuild what the registry holds; the registry does not see changes made here.
        """
        self._start()
        return self._pm

    def register_plugin(self, plugin: object, *, name: str | None = None) -> str:
        """Register a plugin object (a module, or an object with hook implementations).

        Returns the name it was registered under: *name*, else the module's or the class's name.
        The plugin's registrations are made at once; if pluggy refuses the plugin (a misspelt
        hook, an argument that is not in the spec), anything it registers is invalid, or it
        registers an id another plugin has, nothing is kept: the registry is left as it was and
        a [`PluginError`][integration_index.exceptions.PluginError] says why.

        Raises:
            PluginError: the plugin is blocked, its name is taken, or it is invalid.
            TypeError: *plugin* is None or *name* is not a string.
        """
        if plugin is None:
            raise TypeError("register_plugin() needs a plugin object, got None")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"a plugin name must be a string, got {type(name).__name__}")
        label = name or _default_name(plugin)
        with self._lock:
            self._start()
            if self._pm.is_blocked(label):
                raise PluginError("is blocked", plugin=label)
            if self._pm.has_plugin(label) or self._pm.is_registered(plugin):
                raise PluginError("is already registered", plugin=label)
            try:
                self._pm.register(plugin, name=label)
                self._pm.check_pending()
            except (pluggy.PluginValidationError, ValueError) as exc:
                self._forget(plugin)
                raise PluginError(_validation_message(exc), plugin=label) from None
            rebuilt = build_contents(self._pm, self._load_errors.values())
            failures = [error for error in rebuilt.errors if _caused_by(error, label)]
            if failures:
                self._forget(plugin)  # what the registry holds is untouched until success
                raise PluginError(
                    "; ".join(_from_newcomer(error, label) for error in failures), plugin=label
                )
            self._origins[label] = PluginInfo(name=label, origin="registered")
            self._contents = rebuilt
            return label

    def unregister_plugin(self, name: str) -> None:
        """Remove the plugin registered under *name* and everything it registered.

        Raises:
            PluginError: no plugin has that name.
        """
        with self._lock:
            self._start()
            plugin = self._pm.get_plugin(name)
            if plugin is None:
                raise PluginError("is not registered", plugin=name)
            self._pm.unregister(plugin=plugin, name=name)
            self._origins.pop(name, None)
            self._contents = None

    def plugins(self) -> tuple[PluginInfo, ...]:
        """Every plugin known, loaded, blocked or failed, sorted by name."""
        with self._lock:
            contents = self._current()
            infos = []
            for name in sorted(self._origins):
                info = self._origins[name]
                dist = self._dists.get(name)
                if dist is not None and info.origin == "entry-point":
                    info = attrs.evolve(info, distribution=f"{dist.name} {dist.version}")
                if info.status == "loaded":
                    failures = [_reason(e) for e in contents.errors if e.plugin == name]
                    info = attrs.evolve(
                        info,
                        hooks=_hooks_of(self._pm, name),
                        status="failed" if failures else "loaded",
                        error="\n".join(failures) or None,
                    )
                infos.append(info)
            return tuple(infos)

    def errors(self) -> tuple[PluginError, ...]:
        """Every plugin failure (import, hook or registration), in the order met."""
        return self._current().errors

    # -- what plugins registered -----------------------------------------------------------

    def frameworks(self) -> tuple[Framework, ...]:
        """Every registered framework, sorted by id."""
        frameworks = self._current().frameworks
        return tuple(frameworks[framework_id] for framework_id in sorted(frameworks))

    def get_framework(self, framework_id: str) -> Framework:
        """The registered framework with this id.

        Raises:
            UnknownFrameworkError: no plugin registered a framework with this id.
        """
        frameworks = self._current().frameworks
        try:
            return frameworks[framework_id]
        except KeyError:
            known = ", ".join(sorted(frameworks)) or "none"
            raise UnknownFrameworkError(
                f"unknown framework {framework_id!r}; registered frameworks: {known}"
            ) from None

    def resolve(self, framework: Framework | str) -> Framework:
        """*framework* itself, or the registered framework with that id."""
        return framework if isinstance(framework, Framework) else self.get_framework(framework)

    def framework_plugin(self, framework_id: str) -> str | None:
        """The plugin that registered a framework, or None."""
        return self._current().framework_plugins.get(framework_id)

    def scales(self) -> Mapping[str, Scale]:
        """The shared scales by id."""
        return self._current().scales

    def aggregations(self) -> Mapping[str, Aggregation]:
        """The aggregation methods by name: the built-ins and the plugins'."""
        return self._current().aggregations

    def crosswalks(self) -> tuple[Crosswalk, ...]:
        """The crosswalks, in registration order."""
        return self._current().crosswalks

    def related(self, framework: Framework | str, criterion_id: str) -> list[Relation]:
        """What relates to one criterion in other frameworks, through every crosswalk.

        Raises:
            UnknownFrameworkError: the framework or the criterion does not exist.
        """
        resolved = self.resolve(framework)
        if criterion_id not in resolved.nodes:
            raise UnknownFrameworkError(
                f"framework {resolved.id!r} has no criterion {criterion_id!r}"
            )
        return [
            relation
            for crosswalk in self.crosswalks()
            for relation in crosswalk.related(resolved.id, criterion_id)
        ]

    def report_sections(
        self,
        report: hookspecs.ReportKind,
        *,
        framework: Framework,
        cards: Sequence[ScoreCard],
        profiles: Sequence[CityProfile] = (),
        options: Mapping[str, Any] | None = None,
    ) -> tuple[tuple[ReportSection, ...], tuple[str, ...]]:
        """The sections plugins add to a report, and a warning per plugin that failed.

        Sections are ordered by their ``order``, then in pluggy's call order.
        """
        self._start()
        with self._lock:  # plugins do not change while they are called
            return self._sections(report, framework, cards, profiles, options)

    def _sections(
        self,
        report: hookspecs.ReportKind,
        framework: Framework,
        cards: Sequence[ScoreCard],
        profiles: Sequence[CityProfile],
        options: Mapping[str, Any] | None,
    ) -> tuple[tuple[ReportSection, ...], tuple[str, ...]]:
        sections: list[ReportSection] = []
        warnings: list[str] = []
        arguments = {
            "report": report,
            "framework": framework,
            "cards": tuple(cards),
            "profiles": tuple(profiles),
            "options": dict(options or {}),
        }
        for plugin_name, call in each_implementation(self._pm, "integration_index_report_sections"):
            try:
                results = call(**arguments)  # pluggy's list of the non-None results
            except (Exception, SystemExit) as exc:
                warnings.append(
                    f"plugin {plugin_name!r}: report sections failed: {type(exc).__name__}: {exc}"
                )
                continue
            returned = results[0] if results else ()
            if not isinstance(returned, list | tuple):
                warnings.append(
                    f"plugin {plugin_name!r}: report sections returned a value of type "
                    f"{type(returned).__name__!r}, expected a list of ReportSection"
                )
                continue
            for section in returned:
                if isinstance(section, ReportSection):
                    sections.append(attrs.evolve(section, plugin=plugin_name))
                else:
                    warnings.append(
                        f"plugin {plugin_name!r}: ignored a section of type "
                        f"{type(section).__name__!r}, expected a ReportSection"
                    )
        sections.sort(key=lambda section: section.order)  # stable: call order among equals
        return tuple(sections), tuple(warnings)

    # -- internals -------------------------------------------------------------------------

    def _current(self) -> Contents:
        contents = self._contents
        if contents is not None:
            return contents
        with self._lock:
            self._start()
            if self._contents is None:
                self._contents = build_contents(self._pm, self._load_errors.values())
            return self._contents

    def _start(self) -> None:
        """Load the entry points, once."""
        if self._started:
            return
        with self._lock:
            if self._started:
                return
            self._started = True
            if self._entry_points:
                self._load_entry_points()

    def _load_entry_points(self) -> None:
        import importlib.metadata  # here, not at import time: only loading plugins needs it

        found = importlib.metadata.entry_points(group=hookspecs.PROJECT_NAME)
        for entry_point in sorted(found, key=lambda ep: ep.name):
            name = entry_point.name
            # Its distribution's name and version are read from its metadata when asked for.
            self._dists[name] = entry_point.dist
            info = PluginInfo(name=name, origin="entry-point")
            if name in self._blocked:
                self._origins[name] = attrs.evolve(info, status="blocked")
                continue
            if self._pm.has_plugin(name):
                continue
            try:
                plugin = entry_point.load()
                self._pm.register(plugin, name=name)
                self._pm.check_pending()
            except (Exception, SystemExit) as exc:  # a broken plugin must not stop the others
                self._forget_name(name)
                reason = (
                    _validation_message(exc)
                    if isinstance(exc, pluggy.PluginValidationError)
                    else f"failed to load: {type(exc).__name__}: {exc}"
                )
                error = PluginError(reason, plugin=name)
                self._load_errors[name] = error
                info = attrs.evolve(info, status="failed", error=_reason(error))
            self._origins[name] = info

    def _forget(self, plugin: object) -> None:
        """Undo a registration that pluggy refused part-way (older pluggy keeps partial state)."""
        if self._pm.is_registered(plugin):
            self._pm.unregister(plugin=plugin)

    def _forget_name(self, name: str) -> None:
        plugin = self._pm.get_plugin(name)
        if plugin is not None:
            self._pm.unregister(plugin=plugin, name=name)


def _hooks_of(pm: pluggy.PluginManager, name: str) -> tuple[str, ...]:
    plugin = pm.get_plugin(name)
    callers = (pm.get_hookcallers(plugin) or []) if plugin is not None else []
    return tuple(sorted(caller.name for caller in callers))


def _validation_message(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"is not a valid plugin: {text}"


def _default_name(plugin: object) -> str:
    """A module's name, or the class name of an object (readable in messages, unlike an id)."""
    name = getattr(plugin, "__name__", None)
    if isinstance(name, str):
        return name
    return type(plugin).__qualname__


def _caused_by(error: PluginError, newcomer: str) -> bool:
    """The newcomer's own failures, and an id it took from a plugin that had it (pluggy calls
    the newest plugin first, so the old owner would be the one refused)."""
    if error.plugin == newcomer:
        return True
    if isinstance(error, DuplicateError) and error.tied:
        return False  # a tie: the newcomer's own error says it
    return isinstance(error, DuplicateError) and error.owner == newcomer


def _from_newcomer(error: PluginError, newcomer: str) -> str:
    """A failure the newcomer caused, said from its side."""
    if isinstance(error, DuplicateError) and error.owner == newcomer:
        return _reason(DuplicateError(error.kind, error.item, error.plugin, plugin=newcomer))
    if isinstance(error, DuplicateError) and error.tied:  # the plugins before it keep theirs
        owners = ", ".join(map(repr, error.tied))
        return f"{error.kind} {error.item!r} is already registered by plugin {owners}"
    return _reason(error)


def _reason(error: PluginError) -> str:
    """The error's message without the ``plugin 'name': `` prefix."""
    message = str(error)
    prefix = f"plugin {error.plugin!r}: "
    return message[len(prefix) :] if message.startswith(prefix) else message
