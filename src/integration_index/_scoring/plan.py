"""A framework compiled for scoring: nodes in depth-first order, with index arrays, cached per
framework object (a batch compiles it once)."""

from __future__ import annotations

import math
import threading
import weakref
from typing import Any

from integration_index._model.cohort import Normalisation
from integration_index._model.framework import Framework, Goalposts, Scale
from integration_index._scoring.leaves import needs_cohort

__all__ = ["Plan", "plan_of"]

_fsum = math.fsum


class Plan:
    """A framework compiled for scoring. Index 0 is the whole framework; then every node, depth
    first, so that walking the indexes backwards visits children before their parents."""

    def __init__(self, framework: Framework) -> None:
        nodes = [framework.root, *framework.nodes.values()]
        self.framework = framework
        self.ids = [node.id for node in nodes]
        self.index = {node_id: i for i, node_id in enumerate(self.ids)}
        self.nodes = nodes
        self.weights = [node.weight for node in nodes]
        # A child of weight 0 is switched off: scored and shown, never counted in its parent.
        self.children = [
            [self.index[child.id] for child in node.children if child.weight > 0.0]
            for node in nodes
        ]
        self.all_children = [[self.index[child.id] for child in node.children] for node in nodes]
        self.child_weights = [[self.weights[c] for c in kids] for kids in self.children]
        self.child_totals = [_fsum(ws) if ws else 0.0 for ws in self.child_weights]
        self.is_leaf = [bool(i) and node.is_leaf for i, node in enumerate(nodes)]
        self.leaves = [i for i, leaf in enumerate(self.is_leaf) if leaf]
        self.parent: list[int | None] = [None] * len(nodes)
        self.depth = [0] * len(nodes)
        for i, kids in enumerate(self.all_children):
            for c in kids:
                self.parent[c] = i
                self.depth[c] = self.depth[i] + 1
        settings = framework.settings
        self.aggregation = [node.aggregation or settings.aggregation for node in nodes]
        self.rule: list[str] = [node.evidence_rule or settings.evidence_rule for node in nodes]
        self.goalposts: list[Goalposts | None] = [node.goalposts for node in nodes]
        self.normalisation: list[Normalisation | None] = [node.normalisation for node in nodes]
        self.missing = ["skip"] * len(nodes)  # the nearest declaration up the tree wins
        for i, node in enumerate(nodes):
            parent = self.parent[i]
            inherited = self.missing[parent] if parent is not None else "skip"
            self.missing[i] = node.missing or inherited
        self.needs_cohort = needs_cohort(self)
        self.unit: list[str | None] = [
            posts.unit if posts is not None else rule.unit if rule is not None else None
            for posts, rule in zip(self.goalposts, self.normalisation, strict=True)
        ]
        self.scale: list[Scale | None] = [
            framework.scale_of(node) if self.is_leaf[i] else None for i, node in enumerate(nodes)
        ]
        self.level_values = [scale.values if scale is not None else None for scale in self.scale]
        self.target = [settings.target, *(framework.target_of(node.id) for node in nodes[1:])]
        self.min_coverage = settings.min_coverage
        self.internal_reverse = [i for i in range(len(nodes) - 1, -1, -1) if not self.is_leaf[i]]
        self.descendants: list[list[int]] = [[] for _ in nodes]
        for i in self.internal_reverse:
            for c in self.all_children[i]:
                self.descendants[i] += [c, *self.descendants[c]]
        self.nearest: dict[tuple[int, float], str] = {}
        self.interned: dict[tuple[Any, ...], Any] = {}

    def level_of(self, i: int, value: float) -> str | None:
        scale = self.scale[i]
        if scale is None:
            return None
        key = (id(scale), value)
        level = self.nearest.get(key)
        if level is None:
            level = self.nearest[key] = scale.nearest(value).id
        return level


_PLANS: dict[int, tuple[weakref.ref[Framework], Plan]] = {}
_PLANS_LOCK = threading.Lock()


def plan_of(framework: Framework) -> Plan:
    entry = _PLANS.get(id(framework))
    if entry is not None and entry[0]() is framework:
        return entry[1]
    with _PLANS_LOCK:
        plan = Plan(framework)
        key = id(framework)
        plans = _PLANS  # bound now: the module global may be gone when the callback runs at exit
        plans[key] = (weakref.ref(framework, lambda _: plans.pop(key, None)), plan)
        return plan
