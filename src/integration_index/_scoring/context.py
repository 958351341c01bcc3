"""What scoring needs besides the profile: the frameworks and the aggregation methods."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from integration_index._model.aggregation_use import aggregation_names
from integration_index._model.framework import Framework
from integration_index._model.frozen import FrozenDict
from integration_index._scoring.aggregations import Aggregation, builtin_aggregations
from integration_index._scoring.plan import Plan, Plans
from integration_index.exceptions import UnknownFrameworkError

__all__ = ["ScoringContext"]


def _builtin() -> FrozenDict[str, Aggregation]:
    return FrozenDict({aggregation.name: aggregation for aggregation in builtin_aggregations()})


# Plain functions, not FrozenDict itself: the attrs mypy plugin cannot type a generic converter.
def _frameworks(value: Mapping[str, Framework]) -> FrozenDict[str, Framework]:
    return value if isinstance(value, FrozenDict) else FrozenDict(value)


def _aggregations(value: Mapping[str, Aggregation]) -> FrozenDict[str, Aggregation]:
    return value if isinstance(value, FrozenDict) else FrozenDict(value)


@attrs.frozen(kw_only=True)
class ScoringContext:
    """The frameworks a profile may name and the aggregation methods, as one value.

    A registry builds it; batches send it to their worker processes (it pickles when the plugins'
    aggregation functions are module-level functions), so the workers need no registry.

    Attributes:
        frameworks: Frameworks by id.
        aggregations: Aggregation methods by name.
        engine_version: The integration-index version recorded on the cards.
        plans: The frameworks' compiled scoring plans, compiled on first use (a registry shares
            its cache with the contexts it builds; a pickled context arrives with an empty one,
            so each worker process compiles its own).
    """

    frameworks: Mapping[str, Framework] = attrs.field(factory=dict, converter=_frameworks)
    aggregations: Mapping[str, Aggregation] = attrs.field(factory=_builtin, converter=_aggregations)
    engine_version: str = ""
    plans: Plans = attrs.field(factory=Plans, eq=False, repr=False)

    def plan(self, framework: Framework) -> Plan:
        """The compiled scoring plan of *framework*."""
        return self.plans.get(framework)

    def framework(self, framework_id: str) -> Framework:
        """The framework with this id.

        Raises:
            UnknownFrameworkError: there is none.
        """
        try:
            return self.frameworks[framework_id]
        except KeyError:
            known = ", ".join(sorted(self.frameworks)) or "none"
            raise UnknownFrameworkError(
                f"unknown framework {framework_id!r}; registered frameworks: {known}"
            ) from None

    def trimmed(self) -> ScoringContext:
        """This context with only the aggregation methods its frameworks use (what a batch sends
        to its workers: an unused plugin method, perhaps not picklable, stays behind)."""
        used = {
            name for framework in self.frameworks.values() for name in aggregation_names(framework)
        }
        aggregations = {n: a for n, a in self.aggregations.items() if n in used}
        return attrs.evolve(self, aggregations=aggregations)
