"""The hooks that integration-index plugins implement.

Every hook name starts with ``integration_index_``. Implement a hook with the
[`hookimpl`][integration_index.hookspecs.hookimpl] marker in a module or class, and declare it
under the ``integration_index`` entry-point group of your distribution:

    [project.entry-points.integration_index]
    my-framework = "my_package.plugin"

The built-in frameworks are plugins of exactly this kind. Every hook is called through pluggy:
an implementation may declare fewer arguments than its spec, and ``tryfirst``/``trylast`` order
the calls. Registration hooks receive a ``register`` callback: the registry validates everything
it receives and reports a bad registration (or a plugin that raises) by the plugin's name without
stopping the others.

Hooks only ever gain arguments; a hook that changes is deprecated with ``warn_on_impl`` first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pluggy

if TYPE_CHECKING:
    from integration_index._model.crosswalk import Crosswalk
    from integration_index._model.framework import Framework, Scale
    from integration_index._model.profile import CityProfile
    from integration_index._model.report import ReportSection
    from integration_index._model.scorecard import ScoreCard

__all__ = [
    "PROJECT_NAME",
    "hookimpl",
    "hookspec",
    "integration_index_register_aggregations",
    "integration_index_register_crosswalks",
    "integration_index_register_frameworks",
    "integration_index_register_scales",
    "integration_index_report_sections",
]

PROJECT_NAME = "integration_index"
"""The pluggy project name, and the entry-point group plugins are found in."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
"""The marker of the hook specifications below (for integration-index itself, not plugins)."""

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""The marker of a hook implementation: decorate each hook function or method of a plugin.

Takes pluggy's options, for example ``@hookimpl(tryfirst=True)`` to be called before the other
implementations. Also available as ``integration_index.hookimpl``.
"""

#: The kinds of report a plugin may add sections to.
ReportKind = Literal["score", "plan", "progress", "peer-review"]


@hookspec
def integration_index_register_scales(register: Callable[[Scale | str | Path], None]) -> None:
    """Register rating scales that any framework may use by id.

    Call ``register`` with a [`Scale`][integration_index.model.Scale] or the path of a
    shared-scale TOML file (see docs/framework-format.md). Scales are registered before
    frameworks, so a framework may name a shared scale without defining it.

    Returns nothing. Since 0.1.0.
    """


@hookspec
def integration_index_register_aggregations(
    register: Callable[..., None],
) -> None:
    """Register aggregation methods that frameworks may name in ``aggregation = "..."``.

    Call ``register(name, function, *, monotone, description)`` where ``function(values,
    weights, node)`` receives the children's values in [0, 1] in framework order (None for an
    unassessed child), their positive weights and the node, and returns the node's value in
    [0, 1] or None. Declare ``monotone=True`` only if raising any child's value never lowers the
    result. Names must be unique; the built-ins are weighted_mean, geometric_mean, minimum, gate.

    Returns nothing. Since 0.1.0.
    """


@hookspec
def integration_index_register_frameworks(
    register: Callable[[Framework | str | Path], None],
) -> None:
    """Register frameworks.

    Call ``register`` with a [`Framework`][integration_index.Framework] or the path of a framework
    TOML file (see docs/framework-format.md). The registry validates each one (its scales and
    aggregations must exist, its id must be new) and reports a bad one by plugin name.

    Returns nothing. Since 0.1.0.
    """


@hookspec
def integration_index_register_crosswalks(
    register: Callable[[Crosswalk | str | Path], None],
) -> None:
    """Register crosswalks: declared links between criteria of different frameworks.

    Call ``register`` with a [`Crosswalk`][integration_index.model.Crosswalk] or the path of a
    crosswalk TOML file. Links whose frameworks are not all registered are ignored; a link to a
    criterion that does not exist in a registered framework is an error reported by plugin name.

    Returns nothing. Since 0.1.0.
    """


@hookspec
def integration_index_report_sections(
    report: ReportKind,
    framework: Framework,
    cards: Sequence[ScoreCard],
    profiles: Sequence[CityProfile],
    options: dict[str, Any],
) -> list[ReportSection] | None:
    """Add framework-specific sections to a report.

    ``report`` says which report is being written ("score", "plan", "progress" or
    "peer-review"); ``cards`` and ``profiles`` are what it is written from (one each for most
    reports, several in date order for "progress"); ``options`` carries the report's options
    (for example ``{"target": 75.0}`` for a plan). Return None, or a list of
    [`ReportSection`][integration_index.model.ReportSection], for the frameworks your plugin
    knows. An implementation may declare only the arguments it uses. The registry orders
    sections by their ``order``, then in pluggy's call order (``tryfirst`` implementations
    first).

    Returns a list of ReportSection or None. Since 0.1.0.
    """
