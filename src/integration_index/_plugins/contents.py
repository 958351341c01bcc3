"""What the plugins register, built in one pass through the registration hooks.

The hooks run in a fixed order (aggregations, scales, frameworks, crosswalks) so that a framework
may use any registered scale or aggregation. Each plugin's ``register`` callback validates what it
receives; a plugin that raises, or registers something invalid, is recorded as a
:class:`PluginError` under its name and the others carry on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pluggy

from integration_index._io.documents import (
    load_crosswalk_file,
    load_framework_file,
    load_scale_file,
)
from integration_index._model.aggregation_use import aggregation_names
from integration_index._model.crosswalk import Crosswalk
from integration_index._model.framework import Framework, Scale
from integration_index._model.frozen import FrozenDict
from integration_index._plugins.calls import each_implementation
from integration_index._scoring.aggregations import Aggregation, builtin_aggregations
from integration_index.exceptions import IntegrationIndexError, PluginError

__all__ = ["Contents", "DuplicateError", "build_contents", "crosswalk_problems"]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class Contents:
    """One consistent snapshot of what the plugins registered.

    Attributes:
        aggregations: Aggregation methods by name.
        scales: Shared scales by id.
        frameworks: Frameworks by id.
        framework_plugins: The plugin that registered each framework.
        crosswalks: Crosswalks in registration order.
        errors: Every plugin failure, in the order met.
    """

    aggregations: FrozenDict[str, Aggregation]
    scales: FrozenDict[str, Scale]
    frameworks: FrozenDict[str, Framework]
    framework_plugins: FrozenDict[str, str]
    crosswalks: tuple[Crosswalk, ...]
    errors: tuple[PluginError, ...]


class DuplicateError(PluginError):
    """A plugin registered an id that another plugin registers too.

    Attributes:
        kind: "framework", "aggregation" or "scale".
        item: The id.
        owner: The plugin that keeps it; for a tie, the first other claimant by name.
        tied: For a framework id or an aggregation name claimed by several plugins at the same
            priority (none of them ``tryfirst`` over the others): every other claimant, sorted.
            Then none keeps it.
    """

    def __init__(
        self,
        kind: str,
        item: str,
        owner: str,
        *,
        plugin: str,
        differently: bool = False,
        tied: tuple[str, ...] = (),
    ) -> None:
        self.kind = kind
        self.item = item
        self.owner = owner
        self.tied = tied
        if tied:
            names = ", ".join(map(repr, tied))
            message = (
                f"{kind} {item!r} is registered by plugin {names} too, at the same priority; "
                "none of them keeps it (mark the one that must win tryfirst, or block the "
                "others with INTEGRATION_INDEX_BLOCK_PLUGINS)"
            )
        else:
            how = "already registered differently" if differently else "already registered"
            message = f"{kind} {item!r} is {how} by plugin {owner!r}"
        super().__init__(message, plugin=plugin)


class _Builder:
    """Collects registrations; each ``add_*`` raises PluginError for an invalid one."""

    def __init__(self, load_errors: Iterable[PluginError]) -> None:
        self.aggregations = {a.name: a for a in builtin_aggregations()}
        self.scales: dict[str, Scale] = {}
        self.scale_plugins: dict[str, str] = {}
        self.frameworks: dict[str, Framework] = {}
        self.framework_plugins: dict[str, str] = {}
        # Every claim of each framework id and aggregation name, settled once every plugin was
        # called: the outcome does not depend on the order pluggy called them in.
        self.framework_claims: dict[str, list[tuple[str, Framework]]] = {}
        self.aggregation_claims: dict[str, list[tuple[str, Aggregation]]] = {}
        self.crosswalks: list[tuple[str, Crosswalk]] = []
        self.errors = list(load_errors)

    def aggregation_callback(self, plugin: str) -> Callable[..., None]:
        def register(name: str, function: Any, *, monotone: bool, description: str = "") -> None:
            if not isinstance(name, str) or not name.isidentifier():
                raise PluginError(
                    f"aggregation name must be an identifier, got {name!r}", plugin=plugin
                )
            if not callable(function):
                raise PluginError(f"aggregation {name!r}: function is not callable", plugin=plugin)
            if not isinstance(monotone, bool):
                raise PluginError(
                    f"aggregation {name!r}: monotone must be True or False", plugin=plugin
                )
            if not isinstance(description, str):
                raise PluginError(
                    f"aggregation {name!r}: description must be a string", plugin=plugin
                )
            if name in self.aggregations:  # a built-in one: never a plugin's
                owner = self.aggregations[name].plugin
                raise DuplicateError("aggregation", name, owner, plugin=plugin)
            claims = self.aggregation_claims.setdefault(name, [])
            if any(claimant == plugin for claimant, _ in claims):
                raise DuplicateError("aggregation", name, plugin, plugin=plugin)
            aggregation = Aggregation(
                name=name,
                function=function,
                monotone=monotone,
                description=description,
                plugin=plugin,
            )
            claims.append((plugin, aggregation))

        return register

    def add_scale(self, plugin: str, scale: Scale) -> None:
        if scale.id in self.scales and self.scales[scale.id] != scale:
            owner = self.scale_plugins[scale.id]
            raise DuplicateError("scale", scale.id, owner, plugin=plugin, differently=True)
        self.scales[scale.id] = scale
        self.scale_plugins.setdefault(scale.id, plugin)

    def add_framework(self, plugin: str, framework: Framework) -> None:
        unknown = sorted(aggregation_names(framework) - set(self.aggregations))
        if unknown:
            raise PluginError(
                f"framework {framework.id!r}: unknown aggregation(s) "
                f"{', '.join(map(repr, unknown))}; registered: {', '.join(sorted(self.aggregations))}",
                plugin=plugin,
            )
        claims = self.framework_claims.setdefault(framework.id, [])
        if any(claimant == plugin for claimant, _ in claims):
            raise DuplicateError("framework", framework.id, plugin, plugin=plugin)
        claims.append((plugin, framework))

    def settle_frameworks(self, priority: dict[str, int]) -> None:
        """Give each framework id to its claimant (see :meth:`settle`)."""
        for framework_id, framework, owner in self.settle(
            "framework", self.framework_claims, priority
        ):
            self.frameworks[framework_id] = framework
            self.framework_plugins[framework_id] = owner

    def settle_aggregations(self, priority: dict[str, int]) -> None:
        """Give each aggregation name to its claimant (see :meth:`settle`)."""
        for name, aggregation, _ in self.settle("aggregation", self.aggregation_claims, priority):
            self.aggregations[name] = aggregation

    def settle(
        self, kind: str, all_claims: dict[str, list[tuple[str, T]]], priority: dict[str, int]
    ) -> Iterable[tuple[str, T, str]]:
        """Each id with the item and plugin that keep it, whatever order the plugins came in.

        An id claimed by several plugins goes to the one of highest *priority* (its hook marked
        tryfirst; trylast ones lowest); when several share the highest, none keeps it. Every
        claimant that does not keep it gets an error naming the others.
        """
        for item_id, claims in all_claims.items():
            best = min(priority.get(plugin, 1) for plugin, _ in claims)
            winners = [(p, item) for p, item in claims if priority.get(p, 1) == best]
            if len(winners) == 1:
                owner, item = winners[0]
                yield item_id, item, owner
                losers = sorted(plugin for plugin, _ in claims if plugin != owner)
                self.errors.extend(
                    DuplicateError(kind, item_id, owner, plugin=plugin) for plugin in losers
                )
                continue
            names = sorted(plugin for plugin, _ in claims)
            for plugin in names:
                others = tuple(name for name in names if name != plugin)
                self.errors.append(
                    DuplicateError(kind, item_id, others[0], plugin=plugin, tied=others)
                )

    def add_crosswalk(self, plugin: str, crosswalk: Crosswalk) -> None:
        self.crosswalks.append((plugin, crosswalk))

    def load_framework(self, path: str | Path) -> Framework:
        return load_framework_file(path, scales=self.scales.get, aggregations=self.aggregations)

    def finish(self) -> Contents:
        crosswalks = []
        for plugin, crosswalk in self.crosswalks:
            problems = crosswalk_problems(crosswalk, self.frameworks)
            if problems:
                self.errors.append(
                    PluginError(
                        f"crosswalk {crosswalk.id!r}: " + "; ".join(problems), plugin=plugin
                    )
                )
            else:
                crosswalks.append(crosswalk)
        return Contents(
            aggregations=FrozenDict(self.aggregations),
            scales=FrozenDict(self.scales),
            frameworks=FrozenDict(self.frameworks),
            framework_plugins=FrozenDict(self.framework_plugins),
            crosswalks=tuple(crosswalks),
            errors=tuple(self.errors),
        )


def build_contents(pm: pluggy.PluginManager, load_errors: Iterable[PluginError]) -> Contents:
    """Ask every plugin, through pluggy, for its registrations; collect them and the failures."""
    builder = _Builder(load_errors)
    steps: list[tuple[str, Callable[[str], Callable[..., None]]]] = [
        ("integration_index_register_aggregations", builder.aggregation_callback),
        (
            "integration_index_register_scales",
            _callback(Scale, "scale", load_scale_file, builder.add_scale),
        ),
        (
            "integration_index_register_frameworks",
            _callback(Framework, "framework", builder.load_framework, builder.add_framework),
        ),
        (
            "integration_index_register_crosswalks",
            _callback(Crosswalk, "crosswalk", load_crosswalk_file, builder.add_crosswalk),
        ),
    ]
    for hook_name, make_register in steps:
        if hook_name == "integration_index_register_scales":  # the aggregations are all in
            builder.settle_aggregations(_priorities(pm, "integration_index_register_aggregations"))
        if hook_name == "integration_index_register_crosswalks":  # the frameworks are all in
            builder.settle_frameworks(_priorities(pm, "integration_index_register_frameworks"))
        for plugin, call in each_implementation(pm, hook_name):
            try:
                call(register=make_register(plugin))
            except PluginError as exc:
                builder.errors.append(exc)
            except (Exception, SystemExit) as exc:
                builder.errors.append(
                    PluginError(f"{hook_name} raised {type(exc).__name__}: {exc}", plugin=plugin)
                )
    return builder.finish()


def _priorities(pm: pluggy.PluginManager, hook_name: str) -> dict[str, int]:
    """Each plugin's priority for *hook_name*: 0 tryfirst, 1 plain, 2 trylast."""
    return {
        impl.plugin_name: 0 if impl.tryfirst else 2 if impl.trylast else 1
        for impl in getattr(pm.hook, hook_name).get_hookimpls()
    }


def _callback(
    cls: type[T],
    kind: str,
    load: Callable[[str | Path], T],
    add: Callable[[str, T], None],
) -> Callable[[str], Callable[[T | str | Path], None]]:
    """The ``register`` callback of one plugin: it takes an object of *cls* or the path of a TOML
    file to load, checks it and adds it under the plugin's name."""

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


def crosswalk_problems(
    crosswalk: Crosswalk, frameworks: FrozenDict[str, Framework] | dict[str, Framework]
) -> list[str]:
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
