"""The public functions for registries, frameworks, profiles and scoring.

Each function that looks anything up takes a ``registry=``; without one it uses the default
registry, built on first use from the installed plugins (:func:`default_registry`). Every
function that needs a framework takes a :class:`Framework` or a registered framework's id, so a
framework loaded from a file with :func:`load_framework` works wherever a registered one does.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Sequence

import attrs

from integration_index._api.runs import (
    CohortInput,
    WeightsInput,
    accumulate,
    apply_weights,
    enough,
    needs_cohort,
    resolve_cohort,
)
from integration_index._batch import Overrides, Renderer, ScoreResult, score_checked, score_inputs
from integration_index._io import documents
from integration_index._io.cards import (
    scorecard_from_dict,
    scorecard_from_json,
    scorecard_to_dict,
    scorecard_to_json,
)
from integration_index._model.checks import check_profile as _check_profile
from integration_index._model.cohort import CohortStats
from integration_index._model.crosswalk import Relation
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._plugins.registry import PluginInfo, Registry
from integration_index._scoring.context import ScoringContext
from integration_index._version import version
from integration_index.exceptions import AnalysisInputError, Problem, ProfileError

__all__ = [
    "check_profile",
    "default_registry",
    "dumps_framework",
    "dumps_profile",
    "get_framework",
    "list_frameworks",
    "list_plugins",
    "load_framework",
    "load_profile",
    "loads_framework",
    "loads_profile",
    "only_framework",
    "register_plugin",
    "related",
    "score",
    "score_many",
    "scorecard_from_dict",
    "scorecard_from_json",
    "scorecard_to_dict",
    "scorecard_to_json",
    "resolve_registry",
    "scoring_context",
    "unregister_plugin",
    "version",
]

_default: Registry | None = None
_default_lock = threading.Lock()


def default_registry() -> Registry:
    """The registry the module-level functions use when given none: every installed plugin.

    Built on first use. Applications that want isolation build their own
    [`Registry`][integration_index.Registry].
    """
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Registry()
    return _default


def resolve_registry(registry: Registry | None) -> Registry:
    """*registry*, or the default registry when it is None."""
    return registry if registry is not None else default_registry()


# -- frameworks and plugins --------------------------------------------------------------------


def load_framework(path: str | os.PathLike[str], *, registry: Registry | None = None) -> Framework:
    """Read and validate a framework TOML file; it may use the registry's shared scales and
    aggregation methods.

    Raises:
        FrameworkError: the file cannot be read, is not valid TOML, or is not a valid framework;
            every problem is listed with the file, its line and its key path.
    """
    chosen = resolve_registry(registry)
    return documents.load_framework_file(
        path, scales=chosen.scales().get, aggregations=chosen.aggregations()
    )


def loads_framework(text: str, *, registry: Registry | None = None) -> Framework:
    """Parse and validate framework TOML text.

    See [`load_framework`][integration_index.load_framework].
    """
    chosen = resolve_registry(registry)
    return documents.framework_from_text(
        text, scales=chosen.scales().get, aggregations=chosen.aggregations()
    )


def dumps_framework(framework: Framework) -> str:
    """The framework as TOML text; ``loads_framework(dumps_framework(f)) == f``."""
    return documents.dumps_framework(framework)


def get_framework(framework_id: str, *, registry: Registry | None = None) -> Framework:
    """The registered framework with this id.

    Raises:
        UnknownFrameworkError: no plugin registered a framework with this id.
    """
    return resolve_registry(registry).get_framework(framework_id)


def list_frameworks(*, registry: Registry | None = None) -> list[Framework]:
    """Every registered framework, sorted by id."""
    return list(resolve_registry(registry).frameworks())


def list_plugins(*, registry: Registry | None = None) -> list[PluginInfo]:
    """Every plugin the registry knows (loaded, blocked or failed), sorted by name."""
    return list(resolve_registry(registry).plugins())


def register_plugin(
    plugin: object, *, name: str | None = None, registry: Registry | None = None
) -> str:
    """Register a plugin object (a module, or an object with hook implementations).

    Returns the name it was registered under; see
    [`Registry.register_plugin`][integration_index.Registry.register_plugin]. Plugins
    declared under the ``integration_index`` entry-point group need no call.
    """
    return resolve_registry(registry).register_plugin(plugin, name=name)


def unregister_plugin(name: str, *, registry: Registry | None = None) -> None:
    """Remove a plugin, and everything it registered, by name."""
    resolve_registry(registry).unregister_plugin(name)


def related(
    framework: Framework | str, criterion_id: str, *, registry: Registry | None = None
) -> list[Relation]:
    """What relates to one criterion in the other frameworks, through the registered crosswalks."""
    return resolve_registry(registry).related(framework, criterion_id)


def scoring_context(
    frameworks: Iterable[Framework | str] = (), *, registry: Registry | None = None
) -> ScoringContext:
    """What scoring needs, as one value: the registry's frameworks, *frameworks* given as objects
    (they take precedence), and the aggregation methods."""
    chosen = resolve_registry(registry)
    given = _sequence_of_frameworks(frameworks)
    extra = [f for f in given if isinstance(f, Framework)]
    for framework in given:
        if isinstance(framework, str):
            chosen.get_framework(framework)  # an unknown id fails here, before any work
    frameworks_by_id = {framework.id: framework for framework in chosen.frameworks()}
    frameworks_by_id.update((framework.id, framework) for framework in extra)
    return ScoringContext(
        frameworks=frameworks_by_id,
        aggregations=chosen.aggregations(),
        engine_version=version(),
        plans=chosen._plans,  # compiled once per framework, whatever the number of contexts
    )


def _sequence_of_frameworks(frameworks: Iterable[Framework | str]) -> list[Framework | str]:
    """The frameworks given, as a list; one id alone is a mistake, not a sequence of letters."""
    if isinstance(frameworks, str | Framework):
        raise TypeError(
            f"expected a sequence of frameworks (objects or ids), got {frameworks!r}; "
            f"write [{frameworks!r}]"
        )
    return list(frameworks)


# -- profiles and scoring ----------------------------------------------------------------------


def load_profile(path: str | os.PathLike[str]) -> CityProfile:
    """Read and validate a city profile TOML file (its structure; see
    [`check_profile`][integration_index.check_profile]).

    Raises:
        ProfileError: with the file, the line and the key path of every problem.
    """
    return documents.load_profile_file(path)[0]


def loads_profile(text: str) -> CityProfile:
    """Parse and validate city profile TOML text (its structure; see
    [`check_profile`][integration_index.check_profile]).

    Raises:
        ProfileError: with the line and the key path of every problem.
    """
    return documents.profile_from_text(text)


def dumps_profile(profile: CityProfile) -> str:
    """The profile as TOML text; ``loads_profile(dumps_profile(p)) == p``."""
    return documents.dumps_profile(profile)


def check_profile(
    profile: CityProfile,
    frameworks: Sequence[Framework | str] | None = None,
    *,
    registry: Registry | None = None,
) -> list[Problem]:
    """Every way a profile does not fit the frameworks it names (empty when it fits).

    The frameworks it may name are the registry's and *frameworks* given as objects.
    """
    context = scoring_context(_sequence_of_frameworks(frameworks or ()), registry=registry)
    return _check_profile(profile, context.frameworks)


def only_framework(profile: CityProfile) -> str:
    """The one framework a profile names; a ProfileError when it names several."""
    named = profile.assessment.frameworks
    if len(named) != 1:
        raise ProfileError(
            f"the profile names {len(named)} frameworks ({', '.join(named)}); say which one",
            key_path="assessment.frameworks",
        )
    return named[0]


def score(
    profile: CityProfile,
    framework: Framework | str | None = None,
    *,
    registry: Registry | None = None,
    cohort: CohortInput = None,
    weights: WeightsInput = None,
) -> ScoreCard:
    """Score a profile against one framework; a pure, deterministic function.

    *framework* is a Framework, a registered framework's id, or None when the profile names
    exactly one framework.

    Args:
        profile: The profile.
        framework: The framework (object or id); None for the profile's only one.
        registry: Where a framework id is looked up (default: the default registry).
        cohort: For a framework whose criteria are normalised against a cohort (or impute the
            cohort mean): its statistics ([`cohort_stats`][integration_index.cohort_stats],
            [`load_cohort_stats`][integration_index.load_cohort_stats]) or the cohort's profiles
            (objects or paths).
        weights: Weights overriding the framework's for this run: a mapping of node id to weight,
            or [`load_weights`][integration_index.load_weights]'s result; the card records them.

    Raises:
        ProfileError: the profile does not fit the framework (every problem is listed).
        UnknownFrameworkError: the framework id is not registered.
        PluginError: a plugin's aggregation method failed or returned an invalid value.
        AnalysisInputError: the framework needs a cohort and none was given, or the weights do
            not fit it.
    """
    chosen = framework if framework is not None else only_framework(profile)
    context = scoring_context([chosen], registry=registry)
    resolved = chosen if isinstance(chosen, Framework) else context.framework(chosen)
    weighted, overrides = apply_weights(resolved, weights)
    stats = resolve_cohort(cohort, [resolved]).get(resolved.id)
    return score_checked(profile, weighted, context, cohort=stats, overrides=overrides)


def score_many(
    inputs: Iterable[str | os.PathLike[str] | CityProfile] | str | os.PathLike[str] | CityProfile,
    frameworks: Sequence[Framework | str] | None = None,
    *,
    jobs: int = 1,
    keep_profiles: bool = False,
    chunk_size: int = 128,
    render: Renderer | None = None,
    start_method: str | None = None,
    skip_unassessed: bool = False,
    registry: Registry | None = None,
    cohort: CohortInput = None,
    weights: WeightsInput = None,
) -> Iterator[ScoreResult]:
    """Score many profiles, yielding one [`ScoreResult`][integration_index.ScoreResult] per
    input, in input order.

    Args:
        inputs: Profile objects, paths of profile files, directories (searched recursively for
            ``*.toml``) or globs, consumed lazily; a single one is accepted too.
        frameworks: Frameworks (objects or ids) to score each profile against; None means the
            frameworks each profile names. A profile that does not assess one gets an error,
            unless *skip_unassessed*.
        jobs: Worker processes; 1 scores in this process. Results are identical whatever *jobs*.
        keep_profiles: Also return each profile read.
        chunk_size: The most inputs sent to a worker at a time (the first chunks are smaller).
        render: A module-level function turning a result into text, run in the workers; the
            results then carry ``output`` instead of cards.
        start_method: "fork" or "spawn" for the workers (default: fork where available).
        skip_unassessed: Score each profile only against the requested frameworks it assesses
            (its result may then have no card) instead of failing.
        registry: Where framework ids are looked up (default: the default registry).
        cohort: For frameworks that need a cohort: its statistics (or them by framework id), or
            its profiles. None: the inputs are the cohort, read twice (so not an iterator).
        weights: Weights overriding those of *frameworks* (then required) for this run.

    A bad input never stops the others (its result carries the error). Memory stays flat.

    Raises:
        AnalysisInputError: bad weights, or a cohort needed from a one-shot iterator.
    """
    if isinstance(inputs, str | os.PathLike | CityProfile):
        inputs = [inputs]  # one input, not an iterable of characters
    chosen = _sequence_of_frameworks(frameworks) if frameworks is not None else None
    context = scoring_context(chosen or (), registry=registry)
    wanted = [f.id if isinstance(f, Framework) else f for f in chosen] if chosen else None
    context, overrides = _weighted(context, wanted, weights)
    return score_inputs(
        inputs,
        context,
        frameworks=wanted,
        jobs=jobs,
        keep_profiles=keep_profiles,
        chunk_size=chunk_size,
        render=render,
        start_method=start_method,
        skip_unassessed=skip_unassessed,
        cohorts=_cohorts(inputs, context, wanted, cohort),
        overrides=overrides,
    )


def _cohorts(
    inputs: Iterable[str | os.PathLike[str] | CityProfile],
    context: ScoringContext,
    wanted: Sequence[str] | None,
    cohort: CohortInput,
) -> dict[str, CohortStats]:
    """The cohort statistics of the frameworks scored that need them: from *cohort*, else from
    a first pass over the inputs."""
    scored = (
        [context.frameworks[f] for f in wanted] if wanted else list(context.frameworks.values())
    )
    cohorts = resolve_cohort(cohort, scored)
    missing = [f for f in scored if needs_cohort(f) and f.id not in cohorts]
    if missing:
        if iter(inputs) is inputs:
            raise AnalysisInputError(
                f"framework {missing[0].id!r} normalises criteria against the cohort, which needs "
                "the inputs twice: give them as a list (not a one-shot iterator), or give "
                "cohort= (statistics or profiles)"
            )
        cohorts.update(enough(accumulate(inputs, missing)))
    return cohorts


def _weighted(
    context: ScoringContext, wanted: Sequence[str] | None, weights: WeightsInput
) -> tuple[ScoringContext, dict[str, Overrides]]:
    """The context with the run's weights in the frameworks asked, and their overrides."""
    if weights is None:
        return context, {}
    if not wanted:
        raise AnalysisInputError("weights= needs the frameworks to score (frameworks=[...])")
    frameworks = dict(context.frameworks)
    overrides = {}
    for framework_id in wanted:
        frameworks[framework_id], found = apply_weights(context.framework(framework_id), weights)
        if found is not None:
            overrides[framework_id] = found
    return attrs.evolve(context, frameworks=frameworks), overrides
