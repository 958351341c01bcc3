"""Which aggregation methods a framework uses, and which of them a registry lacks.

Kept apart from the framework's own checks: which methods exist depends on the plugins loaded.
"""

from __future__ import annotations

from collections.abc import Collection

from integration_index._model.framework import Framework, _walk_with_paths
from integration_index.exceptions import Problem

__all__ = ["aggregation_names", "aggregation_problems"]


def aggregation_names(framework: Framework) -> frozenset[str]:
    """The aggregation methods a framework uses: its default and every node's own."""
    return frozenset(
        [framework.settings.aggregation]
        + [node.aggregation for node in framework.nodes.values() if node.aggregation]
    )


def aggregation_problems(framework: Framework, known: Collection[str]) -> list[Problem]:
    """The aggregations a framework names that are not among *known* (the registered names).

    Kept apart from :func:`framework_problems`: which names exist depends on the plugins loaded.
    """
    listed = ", ".join(sorted(known))
    named = [("settings.aggregation", framework.settings.aggregation)]
    named += [
        (f"{path}.aggregation", node.aggregation)
        for path, node in _walk_with_paths(framework.criteria)
        if node.aggregation is not None
    ]
    return [
        Problem(f"unknown aggregation {name!r}; registered: {listed}", path)
        for path, name in named
        if name not in known
    ]
