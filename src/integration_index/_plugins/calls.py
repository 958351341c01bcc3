"""Calling hooks through pluggy one plugin at a time, so that a failure names its plugin."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pluggy

__all__ = ["each_implementation"]


def each_implementation(
    pm: pluggy.PluginManager, hook_name: str
) -> Iterator[tuple[str, Callable[..., Any]]]:
    """Each plugin implementing *hook_name*, in pluggy's call order, with a caller for it alone.

    The caller goes through pluggy (a subset hook caller), so each implementation receives only
    the arguments it declares, and all of the plugin's implementations of the hook (several with
    ``specname``, and its wrappers) run in one call. A wrapper wraps its own plugin's calls only:
    plugins are called one at a time so that one plugin's failure is its own.
    """
    caller = getattr(pm.hook, hook_name)
    implementations = caller.get_hookimpls()
    plugins = [impl.plugin for impl in implementations]
    seen: list[object] = []
    for impl in reversed(implementations):  # pluggy calls the list from its end
        if impl.hookwrapper or getattr(impl, "wrapper", False) or impl.plugin in seen:
            continue
        seen.append(impl.plugin)
        others = [plugin for plugin in plugins if plugin is not impl.plugin]
        yield impl.plugin_name, pm.subset_hook_caller(hook_name, remove_plugins=others)
