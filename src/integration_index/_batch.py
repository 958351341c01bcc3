"""Batch scoring: many profiles, in order, streaming, in one process or several.

A batch needs no registry: it receives a :class:`ScoringContext` (the frameworks and aggregation
methods) and hands it once to each worker process, whatever the start method.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import attrs

from integration_index._io.documents import load_profile_file
from integration_index._io.inputs import GLOB_CHARS, exists, expand_inputs
from integration_index._io.toml import locate, with_lines
from integration_index._model.aggregation_use import aggregation_problems
from integration_index._model.builders import builder
from integration_index._model.checks import check_profile
from integration_index._model.cohort import CohortStats
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard, WeightOverride
from integration_index._scoring.context import ScoringContext
from integration_index._scoring.engine import score_profile
from integration_index.exceptions import (
    FrameworkError,
    IntegrationIndexError,
    PluginError,
    ProfileError,
)

__all__ = [
    "Overrides",
    "Renderer",
    "ScoreResult",
    "check_file",
    "expand_inputs",
    "score_checked",
    "score_inputs",
    "summary_renderer",
]


@attrs.frozen(kw_only=True)
class ScoreResult:
    """The outcome of scoring one input of a batch: its score cards, or its error.

    Attributes:
        source: The input's path, or ``<profile N>`` for a profile object (N counts from 0).
        cards: One score card per framework scored, in the order asked (empty on error).
        error: What went wrong, or None.
        profile: The profile, when the batch was asked to keep it (and it could be read).
        output: The rendered text, when the batch was given a renderer (the workers render in
            parallel); the cards are then not kept.
    """

    source: str
    cards: tuple[ScoreCard, ...] = ()
    error: IntegrationIndexError | None = None
    profile: CityProfile | None = None
    output: str | None = None

    @property
    def ok(self) -> bool:
        """True when the input was scored."""
        return self.error is None


Renderer = Callable[[ScoreResult], str]

# ScoreResult(source, cards, error, profile, output) without attrs' keyword __init__: per input.
_new_result = builder(ScoreResult)

R = TypeVar("R", bound=Callable[..., str])
_SUMMARY_ONLY = "_integration_index_summary_only"


def summary_renderer(render: R) -> R:
    """Mark *render* as reading, of each card, only its summary: ``overall``, ``modifiers``,
    ``warnings`` and the city, framework and assessment fields, never ``nodes`` or ``context``.

    A batch given such a renderer (or a ``functools.partial`` of one) scores each profile into
    a summary card, without the other nodes' results; the cards never leave the batch (a result
    carries the rendered text instead), so only the renderer sees them.
    """
    setattr(render, _SUMMARY_ONLY, True)
    return render


def _summary_only(render: Renderer | None) -> bool:
    """Whether *render* was marked by summary_renderer (through any functools.partial)."""
    while isinstance(render, functools.partial):
        render = render.func
    return getattr(render, _SUMMARY_ONLY, False) is True


def score_checked(
    profile: CityProfile,
    framework: Framework,
    context: ScoringContext,
    *,
    text: str | None = None,
    path: str | None = None,
    profile_checked: bool = False,
    aggregations_checked: bool = False,
    cohort: CohortStats | None = None,
    overrides: Overrides | None = None,
    nodes: bool = True,
) -> ScoreCard:
    """Check that *profile* fits *framework* (and every framework it names), then score it
    (against *cohort*, when the framework needs one); record *overrides* (the weights a run
    replaced in *framework*, and where they come from) on the card.

    A batch that already checked the profile (against another of its frameworks) or the
    framework's aggregation methods says so with *profile_checked* / *aggregations_checked*.
    With *nodes* False the card is a summary (see ``score_profile``).

    Raises:
        ProfileError: every problem, with its key path and, given the profile's *text*, its line.
        FrameworkError: the framework names an aggregation method the context does not have.
    """
    if framework.id not in profile.assessment.frameworks:
        raise ProfileError(
            f"the profile does not assess framework {framework.id!r}; it names: "
            f"{', '.join(profile.assessment.frameworks)}",
            path=path,
            key_path="assessment.frameworks",
            line=locate(text, "assessment.frameworks") if text else None,
        )
    if not aggregations_checked:
        _check_aggregations(framework, context)
    if not profile_checked:
        available = context.frameworks
        if available.get(framework.id) is not framework:
            available = {**available, framework.id: framework}
        problems = check_profile(profile, available)
        if problems:
            problems = with_lines(problems, text)
            raise ProfileError(problems[0].message, path=path, problems=problems)
    card = score_profile(
        profile,
        framework,
        context.aggregations,
        engine_version=context.engine_version,
        cohort=cohort,
        plan=context.plan(framework),
        nodes=nodes,
    )
    if overrides is not None:
        card = attrs.evolve(card, weight_overrides=overrides[0], weights_source=overrides[1])
    return card


#: The weights a run replaced in a framework, and where they come from.
Overrides = tuple[tuple[WeightOverride, ...], str]


def _check_aggregations(framework: Framework, context: ScoringContext) -> None:
    unknown = aggregation_problems(framework, context.aggregations)
    if unknown:
        raise FrameworkError(f"framework {framework.id!r}: {unknown[0].message}", problems=unknown)


def check_file(path: str, context: ScoringContext) -> None:
    """Read a profile file and check it against the frameworks it names, without scoring.

    Raises:
        ProfileError: every problem, with the file, its line and its key path.
    """
    profile, text = load_profile_file(path)
    problems = with_lines(check_profile(profile, context.frameworks), text)
    if problems:
        raise ProfileError(problems[0].message, path=path, problems=problems)


Item = str | CityProfile | ProfileError


@attrs.frozen(kw_only=True)
class _Job:
    """What every input of one batch shares."""

    context: ScoringContext
    frameworks: tuple[str, ...] | None
    keep_profile: bool
    render: Renderer | None
    skip_unassessed: bool = False
    cohorts: Mapping[str, CohortStats] = attrs.field(factory=dict)
    overrides: Mapping[str, Overrides] = attrs.field(factory=dict)
    # Checked once per batch, not per card: each framework's aggregation methods.
    aggregation_errors: Mapping[str, FrameworkError] = attrs.field(factory=dict)
    # False when the renderer reads only the cards' summaries (see summary_renderer).
    nodes: bool = True


def _score_one(item: Item, label: str, job: _Job) -> ScoreResult:
    if isinstance(item, ProfileError):
        return _finish(ScoreResult(source=label, error=item), job)
    text: str | None = None
    path = label if isinstance(item, str) else None
    try:
        if isinstance(item, str):
            profile, text = load_profile_file(item)
        else:
            profile = item
        wanted = job.frameworks if job.frameworks is not None else profile.assessment.frameworks
        if job.skip_unassessed:
            wanted = tuple(f for f in wanted if f in profile.assessment.frameworks)
        cards: list[ScoreCard] = []
        for framework_id in wanted:
            framework = job.context.frameworks.get(framework_id)
            if framework is None:
                known = ", ".join(sorted(job.context.frameworks)) or "none"
                raise ProfileError(
                    f"unknown framework {framework_id!r}; registered frameworks: {known}",
                    path=path,
                    key_path="assessment.frameworks",
                    line=locate(text, "assessment.frameworks") if text else None,
                )
            if framework_id in job.aggregation_errors:
                raise job.aggregation_errors[framework_id]
            card = score_checked(
                profile,
                framework,
                job.context,
                text=text,
                path=path,
                profile_checked=bool(cards),  # the first card checked the profile
                aggregations_checked=True,
                cohort=job.cohorts.get(framework_id),
                overrides=job.overrides.get(framework_id),
                nodes=job.nodes,
            )
            cards.append(card)
    except IntegrationIndexError as exc:
        if exc.path is None and path is not None:
            exc.path = path
        return _finish(ScoreResult(source=label, error=exc), job)
    except Exception as exc:
        return _finish(ScoreResult(source=label, error=_internal_error(exc, path)), job)
    kept = profile if job.keep_profile else None
    return _finish(_new_result(label, tuple(cards), None, kept, None), job, profile)


def _internal_error(exc: Exception, path: str | None) -> ProfileError:
    """An unexpected failure on one input (a RecursionError, a plugin's TypeError), as its error."""
    if isinstance(exc, RecursionError):
        what = "the input is nested too deeply to process (RecursionError)"
    else:
        text = str(exc)
        if len(text) > 300:
            text = f"{text[:300]}… ({len(text):,} characters)"
        what = f"internal error while scoring: {type(exc).__name__}: {text}"
    return ProfileError(what, path=path)


def _finish(result: ScoreResult, job: _Job, profile: CityProfile | None = None) -> ScoreResult:
    """Render the result in place of its cards, when the batch renders (a renderer that fails on
    one input makes that input's error, not the batch's end). *profile* comes with a success."""
    if job.render is None:
        return result
    source, cards, error, kept = result.source, result.cards, result.error, result.profile
    try:  # _new_result(...), not attrs.evolve: several times cheaper, per input
        shown = _new_result(source, cards, None, profile, None) if profile else result
        output = job.render(shown)
    except Exception as exc:
        if error is not None:
            return attrs.evolve(result, cards=())  # the error itself still says what went wrong
        path = source if not source.startswith("<") else None
        return _finish(ScoreResult(source=source, error=_internal_error(exc, path)), job)
    return _new_result(source, (), error, kept, output)


# Each worker process receives the batch's shared state once, from the pool's initializer.
_worker_job: _Job | None = None


def _start_worker(job: _Job) -> None:
    global _worker_job
    _worker_job = job


# A ScoreResult's fields in order: workers send these, which pickle in C, not the object, whose
# attrs __getstate__/__setstate__ run in Python (in the parent, once per input).
_Fields = tuple[
    str, tuple[ScoreCard, ...], IntegrationIndexError | None, CityProfile | None, str | None
]


def _fields(result: ScoreResult) -> _Fields:
    return result.source, result.cards, result.error, result.profile, result.output


def _score_chunk(chunk: Sequence[tuple[Item, str]]) -> list[_Fields]:
    job = _worker_job
    assert job is not None, "the worker was started without its job"
    return [_fields(_score_one(item, label, job)) for item, label in chunk]


def _check_picklable(job: _Job) -> None:
    """Say which part of a batch cannot be sent to spawned workers, before any is started."""
    import pickle

    try:
        pickle.dumps(job)
    except Exception:
        pass
    else:
        return
    for aggregation in job.context.aggregations.values():
        try:
            pickle.dumps(aggregation)
        except Exception as exc:
            raise PluginError(
                f"aggregation {aggregation.name!r} cannot be sent to worker processes "
                f"({type(exc).__name__}: {exc}); register a module-level function, or score "
                "with jobs=1 or the 'fork' start method",
                plugin=aggregation.plugin,
            ) from None
    try:
        pickle.dumps(job.render)
    except Exception as exc:
        raise TypeError(
            f"render= must be a module-level function to run in worker processes: {exc}"
        ) from None
    pickle.dumps(job)  # anything else: let its own error say what


def _labelled(items: Iterable[str | os.PathLike[str] | CityProfile]) -> Iterator[tuple[Item, str]]:
    """Label each input; expand directories and globs (an empty one becomes an error input)."""
    for index, item in enumerate(items):
        if isinstance(item, CityProfile):
            yield item, f"<profile {index}>"
            continue
        text = os.fspath(item)
        if not text:  # Path("") is the current directory: never walk it by accident
            yield ProfileError("empty path, expected a file, a directory or a glob"), text
            continue
        # os.path.isdir, not Path(text).is_dir(): the same answer (False for a name the system
        # refuses), without building a Path for every file a caller's walk already found.
        if os.path.isdir(text) or (GLOB_CHARS & set(text) and not exists(Path(text))):
            try:
                for path in expand_inputs([text]):
                    yield path, path
            except ProfileError as exc:
                yield exc, text
        else:
            yield text, text


def score_inputs(
    inputs: Iterable[str | os.PathLike[str] | CityProfile],
    context: ScoringContext,
    *,
    frameworks: Sequence[str] | None = None,
    jobs: int = 1,
    keep_profiles: bool = False,
    chunk_size: int = 128,
    render: Renderer | None = None,
    start_method: str | None = None,
    skip_unassessed: bool = False,
    cohorts: Mapping[str, CohortStats] | None = None,
    overrides: Mapping[str, Overrides] | None = None,
) -> Iterator[ScoreResult]:
    """Score many inputs against *context*, yielding one result per input, in input order.

    *cohorts* gives, per framework id, the cohort statistics of the frameworks that need them;
    *overrides*, per framework id, the weights the run replaced (recorded on the cards).

    *start_method* chooses how worker processes start ("fork" where available, else "spawn", by
    default); the results are the same either way. With *skip_unassessed*, a profile is scored
    only against the requested frameworks it assesses, instead of failing on the others.
    """
    errors: dict[str, FrameworkError] = {}
    for framework in context.frameworks.values():
        try:
            _check_aggregations(framework, context)
        except FrameworkError as exc:
            errors[framework.id] = exc
    job = _Job(
        aggregation_errors=errors,
        context=context.trimmed(),
        frameworks=tuple(frameworks) if frameworks is not None else None,
        keep_profile=keep_profiles,
        render=render,
        skip_unassessed=skip_unassessed,
        cohorts=dict(cohorts or {}),
        overrides=dict(overrides or {}),
        nodes=render is None or not _summary_only(render),
    )
    labelled = _labelled(inputs)
    if jobs <= 1:
        for item, label in labelled:
            yield _score_one(item, label, job)
        return
    yield from _in_workers(labelled, job, jobs, max(1, chunk_size), start_method)


def _in_workers(
    labelled: Iterator[tuple[Item, str]],
    job: _Job,
    jobs: int,
    chunk_size: int,
    start_method: str | None,
) -> Iterator[ScoreResult]:
    """Score in *jobs* worker processes, a few chunks in flight per worker, in input order; an
    input whose worker dies while scoring it (``os._exit`` in a plugin, a SIGKILL) gets an error."""
    # Imported here: a batch in one process, and the import of the package, do without them.
    import functools
    import multiprocessing

    from integration_index._pool import chunks, ordered_map

    if start_method is None:
        start_method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if start_method != "fork":
        _check_picklable(job)  # spawned workers receive the job pickled
    context = multiprocessing.get_context(start_method)
    died = functools.partial(_worker_died, job)
    for fields in ordered_map(
        _score_chunk, chunks(labelled, chunk_size, jobs), jobs=jobs, mp_context=context,
        initializer=_start_worker, initargs=(job,), on_death=died,
    ):  # fmt: skip
        yield _new_result(*fields)


def _worker_died(job: _Job, entry: tuple[Item, str]) -> _Fields:
    what = "the worker process scoring this input died (it exited or was killed), the others go on"
    path = entry[1] if isinstance(entry[0], str) else None
    return _fields(_finish(ScoreResult(source=entry[1], error=ProfileError(what, path=path)), job))
