"""A framework compiled for scoring, once, and the cache that keeps the compiled plans.

The plan holds the criteria tree as flat lists indexed by node (index 0 is the whole framework,
then every node depth first, so that walking the indexes backwards visits children before their
parents): children, weights, scales and targets, the cohort rules (normalisation, missing-value
rule, inherited down the tree), plus the per-leaf result objects that repeat from one profile to
the next. Scoring a profile is then a few loops over these lists.

A child of weight 0 is switched off: it is in ``all_children`` (scored and shown) but not in
``children`` (never counted in its parent).

The cache (:class:`Plans`) lives on the :class:`~integration_index._scoring.context.ScoringContext`
(and the registry that builds contexts), never in a module global; it pickles empty, so that each
worker process compiles its own plans once.
"""

from __future__ import annotations

import math
import operator
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from integration_index._model.builders import builder
from integration_index._model.cohort import Normalisation
from integration_index._model.framework import Framework, Goalposts, Scale
from integration_index._model.profile import ContextValue
from integration_index._model.scorecard import ContextEntry, NodeResult, NodeScore
from integration_index._scoring.leaves import needs_cohort

__all__ = ["COVERAGE_EPSILON", "Getter", "Plan", "Plans", "new_result", "node_score"]

# Coverage is a ratio of float sums: compare to the threshold with a little slack.
COVERAGE_EPSILON = 1e-9
# Leaf results repeat across a batch (a question rated "largely" once...): share them, up to this.
_INTERN_LIMIT = 20_000
# Plans kept by one cache (frameworks built on the fly, in tests, must not pile up).
_PLANS_LIMIT = 64

Getter = Callable[[Sequence[Any]], tuple[Any, ...]]

# The card's objects, built from the engine's own numbers: positional, all fields, in order.
_new_score = builder(NodeScore)
#: ``new_result(id, parent, depth, kind, raw, adjusted, value, level, evidence_count, spread,
#: target, measured, unit, imputed, switched_off)``: a NodeResult.
new_result = builder(NodeResult)
_new_entry = builder(ContextEntry)


def _getter(kids: Sequence[int]) -> Getter:
    """The children's entries of a per-node list, as a tuple, in one C call when there are two
    or more (``itemgetter`` of one index returns the item, not a tuple)."""
    if len(kids) == 1:
        only = kids[0]
        return lambda values: (values[only],)
    return operator.itemgetter(*kids)


def node_score(
    estimate: float | None,
    lower: float,
    upper: float,
    coverage: float,
    share: float,
    min_coverage: float,
) -> NodeScore:
    """A node's NodeScore from its pass values (on [0, 1]); *min_coverage* with its slack."""
    if estimate is None or coverage <= 0.0 or coverage < min_coverage:
        return _new_score(None, lower * 100.0, upper * 100.0, coverage, share, True)
    return _new_score(estimate * 100.0, lower * 100.0, upper * 100.0, coverage, share, True)


def imputed_score(estimate: float, share: float) -> NodeScore:
    """An imputed leaf's NodeScore: its value, with no coverage and bounds [0, 100]."""
    return _new_score(estimate * 100.0, 0.0, 100.0, 0.0, share, True)


class Plan:
    """A framework compiled for scoring (see the module docstring)."""

    def __init__(self, framework: Framework) -> None:
        nodes = [framework.root, *framework.nodes.values()]
        self.framework = framework
        self.ids = [node.id for node in nodes]
        self.index = {node_id: i for i, node_id in enumerate(self.ids)}
        self.nodes = nodes
        self.kinds = [node.kind for node in nodes]
        self.weights = [node.weight for node in nodes]
        self.all_children = [[self.index[child.id] for child in node.children] for node in nodes]
        self.children = [[c for c in kids if self.weights[c] > 0.0] for kids in self.all_children]
        self.getters = [_getter(kids) if kids else None for kids in self.children]
        self.child_weights = [[self.weights[c] for c in kids] for kids in self.children]
        self.child_totals = [math.fsum(ws) if ws else 0.0 for ws in self.child_weights]
        self.is_leaf = [bool(i) and node.is_leaf for i, node in enumerate(nodes)]
        self.leaves = [i for i, leaf in enumerate(self.is_leaf) if leaf]
        self.parent: list[int | None] = [None] * len(nodes)
        self.depth = [0] * len(nodes)
        self.share = [0.0] * len(nodes)  # each node's share of its parent's weight, no modifier
        self.share[0] = 1.0
        for i, kids in enumerate(self.all_children):
            for c in kids:
                self.parent[c] = i
                self.depth[c] = self.depth[i] + 1
                if self.weights[c] > 0.0:
                    self.share[c] = self.weights[c] / self.child_totals[i]
        self.parent_ids = [self.ids[p] if p is not None else None for p in self.parent]
        self.switched_off = [weight == 0.0 for weight in self.weights]
        self._compile_settings(framework, nodes)
        self._compile_cohort(nodes)
        self.internal_reverse = [i for i in range(len(nodes) - 1, -1, -1) if not self.is_leaf[i]]
        # A node whose counted children are all leaves, none of them ever imputed.
        self.leaf_parent = [
            bool(kids) and all(self.is_leaf[c] and self.missing[c] == "skip" for c in kids)
            for kids in self.children
        ]
        self.descendants: list[list[int]] = [[] for _ in nodes]
        for i in self.internal_reverse:
            for c in self.all_children[i]:
                self.descendants[i] += [c, *self.descendants[c]]
        self.nearest: dict[tuple[int, float], str] = {}
        # The raw pass's steps for one aggregations mapping (passes.py fills it in).
        self.steps: tuple[Any, list[Any]] | None = None
        self._lock = threading.Lock()
        self._compile_leaf_results()

    def _compile_settings(self, framework: Framework, nodes: Sequence[Any]) -> None:
        settings = framework.settings
        self.aggregation = [node.aggregation or settings.aggregation for node in nodes]
        self.rule: list[str] = [node.evidence_rule or settings.evidence_rule for node in nodes]
        self.goalposts: list[Goalposts | None] = [node.goalposts for node in nodes]
        self.normalisation: list[Normalisation | None] = [node.normalisation for node in nodes]
        self.scale: list[Scale | None] = [
            framework.scale_of(node) if self.is_leaf[i] else None for i, node in enumerate(nodes)
        ]
        self.level_values = [scale.values if scale is not None else None for scale in self.scale]
        self.target = [settings.target, *(framework.target_of(node.id) for node in nodes[1:])]
        self.min_coverage = settings.min_coverage
        self.factor_ids = [factor.id for factor in framework.contextual_factors]
        self.factor_titles = [factor.title.en for factor in framework.contextual_factors]
        self.threshold = settings.min_coverage - COVERAGE_EPSILON
        # Evidence rates a leaf with a level id or a measured value: how to read each leaf's.
        self.rating_values: dict[str, tuple[int, Any]] = {
            self.ids[i]: (i, self.level_values[i]) for i in range(1, len(nodes))
        }
        # A measured leaf (goalposts or a cohort rule): its result shows its measured value.
        self.measured_leaf = [
            posts is not None or rule is not None
            for posts, rule in zip(self.goalposts, self.normalisation, strict=True)
        ]
        self.unit: list[str | None] = [
            posts.unit if posts is not None else rule.unit if rule is not None else None
            for posts, rule in zip(self.goalposts, self.normalisation, strict=True)
        ]

    def _compile_cohort(self, nodes: Sequence[Any]) -> None:
        self.missing = ["skip"] * len(nodes)  # the nearest declaration up the tree wins
        for i, node in enumerate(nodes):
            parent = self.parent[i]
            inherited = self.missing[parent] if parent is not None else "skip"
            self.missing[i] = node.missing or inherited
        self.needs_cohort = needs_cohort(self)
        self.imputing = any(self.missing[i] != "skip" for i in self.leaves)
        # Every leaf on a scale, no "latest" rule: the leaf values come in one loop.
        self.simple_leaves = all(
            not self.measured_leaf[i] and self.rule[i] != "latest" for i in self.leaves
        )

    def _compile_leaf_results(self) -> None:
        """Every unrated leaf's result without modifiers; caches for the rated ones."""
        self.unrated_scores: list[NodeScore | None] = [None] * len(self.ids)
        self.template: list[NodeResult | None] = [None] * (len(self.ids) - 1)
        for i in self.leaves:
            score = self.unrated_scores[i] = node_score(
                None, 0.0, 1.0, 0.0, self.share[i], self.threshold
            )
            self.template[i - 1] = self.leaf_result(i, score, score, None, 0, None, self.target[i])
        self.single: list[dict[float, NodeResult]] = [{} for _ in self.ids]
        self.several: dict[tuple[int, float, int, float | None], NodeResult] = {}
        self.cached = 0

    def leaf_result(
        self,
        i: int,
        raw: NodeScore,
        adjusted: NodeScore,
        value: float | None,
        count: int,
        spread: float | None,
        target: float | None,
        measured: float | None = None,
        imputed: str | None = None,
    ) -> NodeResult:
        """Leaf *i*'s result, built anew."""
        level = self.level_of(i, value) if value is not None else None
        return new_result(
            self.ids[i], self.parent_ids[i], self.depth[i], self.kinds[i], raw, adjusted, value,
            level, count, spread, target, measured, self.unit[i], imputed, self.switched_off[i],
        )  # fmt: skip

    def level_of(self, i: int, value: float) -> str | None:
        """The level of leaf *i*'s scale nearest *value* (None for a leaf without a scale)."""
        scale = self.scale[i]
        if scale is None:
            return None
        key = (id(scale), value)
        level = self.nearest.get(key)
        if level is None:
            level = self.nearest[key] = scale.nearest(value).id
        return level

    def _room(self) -> None:
        self.cached += 1
        if self.cached > _INTERN_LIMIT:
            with self._lock:
                self.cached = 0
                for cache in self.single:
                    cache.clear()
                self.several.clear()

    def rated_leaf(
        self, i: int, value: float, count: int, spread: float | None, measured: float | None
    ) -> NodeResult:
        """The result of leaf *i* rated *value* (from *count* items) when no modifier applies."""
        if self.measured_leaf[i]:  # any measured value: not worth keeping
            return self._new_rated_leaf(i, value, count, spread, measured)
        if count == 1:
            found = self.single[i].get(value)
            if found is None:
                self._room()
                found = self.single[i][value] = self._new_rated_leaf(i, value, count, spread)
            return found
        key = (i, value, count, spread)
        found = self.several.get(key)
        if found is None:
            self._room()
            found = self.several[key] = self._new_rated_leaf(i, value, count, spread)
        return found

    def _new_rated_leaf(
        self, i: int, value: float, count: int, spread: float | None, measured: float | None = None
    ) -> NodeResult:
        score = node_score(value, value, value, 1.0, self.share[i], self.threshold)
        return self.leaf_result(i, score, score, value, count, spread, self.target[i], measured)

    def context_entries(self, context: Mapping[str, ContextValue]) -> tuple[ContextEntry, ...]:
        """The card's context entries: each factor's value in one profile (or None)."""
        # Not shared between cards: profiles seldom give every factor the same values.
        get = context.get
        return tuple(
            [
                _new_entry(factor_id, title, get(factor_id))
                for factor_id, title in zip(self.factor_ids, self.factor_titles, strict=True)
            ]
        )


class Plans:
    """Compiled plans by framework (by identity), at most a few dozen; pickles empty."""

    def __init__(self) -> None:
        self._plans: dict[int, tuple[Framework, Plan]] = {}

    def get(self, framework: Framework) -> Plan:
        """The plan of *framework*, compiled on first use."""
        entry = self._plans.get(id(framework))
        if entry is not None and entry[0] is framework:
            return entry[1]
        plan = Plan(framework)
        if len(self._plans) >= _PLANS_LIMIT:
            self._plans.clear()
        self._plans[id(framework)] = (framework, plan)  # the framework held: its id stays its own
        return plan

    def __reduce__(self) -> tuple[Any, ...]:
        return (Plans, ())
