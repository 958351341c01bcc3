"""Batch scoring: many profiles, in order, streaming, in one process or several."""

from __future__ import annotations

import collections
import glob
import heapq
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import attrs

from integration_index._api import score_checked
from integration_index._io.profiles import load_profile_file
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._plugins.host import get_host
from integration_index.exceptions import IntegrationIndexError, ProfileError

__all__ = ["ScoreResult", "expand_inputs", "score_many"]

Renderer = Callable[["ScoreResult"], str]


@attrs.frozen
class ScoreResult:
    """The outcome of scoring one input of a batch: its score cards, or its error.

    Attributes:
        source: The input's path, or ``<profile N>`` for a profile object (N counts from 0).
        cards: One score card per framework scored, in the order asked (empty on error).
        error: What went wrong, or None.
        profile: The profile, when the batch was asked to keep it (and it could be read).
        output: The rendered text, when the batch was given a renderer (the CLI's workers render
            in parallel); the cards are then not kept.
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


_GLOB_CHARS = frozenset("*?[")


def expand_inputs(inputs: Iterable[str | os.PathLike[str]], suffix: str = ".toml") -> Iterator[str]:
    """Files as given, directories recursively (``*.toml``: each directory's files by name, then
    its subdirectories by name), globs expanded (sorted).

    A directory or a glob that yields nothing raises ProfileError naming it, once the inputs
    before it have been yielded.
    """
    for item in inputs:
        text = os.fspath(item)
        path = Path(text)
        if path.is_dir():
            any_file = False
            for found_path in _walk(text, suffix):
                any_file = True
                yield found_path
            if not any_file:
                raise ProfileError(f"no profiles (*{suffix} files) in this directory", path=text)
        elif not path.exists() and _GLOB_CHARS & set(text):
            found = sorted(p for p in glob.glob(text, recursive=True) if Path(p).is_file())
            if not found:
                raise ProfileError("the pattern matches no file", path=text)
            yield from found
        else:
            yield text


# Names are sorted this many at a time, so a huge directory never sits whole in memory.
_NAMES_AT_ONCE = 10_000


def _sorted_names(directory: str, keep: Callable[[os.DirEntry[str]], bool]) -> Iterator[str]:
    """The names of the entries of *directory* that *keep* accepts, in sorted order.

    Each pass over the directory keeps only the next ``_NAMES_AT_ONCE`` names after the last one
    yielded (a bounded heap), so memory stays flat however many files the directory holds.
    """
    last: str | None = None
    while True:
        with os.scandir(directory) as entries:
            batch = heapq.nsmallest(
                _NAMES_AT_ONCE,
                (e.name for e in entries if (last is None or e.name > last) and keep(e)),
            )
        yield from batch
        if len(batch) < _NAMES_AT_ONCE:
            return
        last = batch[-1]


def _walk(directory: str, suffix: str) -> Iterator[str]:
    """Files ending in *suffix* under *directory*: a directory's files sorted by name, then its
    subdirectories, sorted by name, each walked the same way."""
    for name in _sorted_names(directory, lambda e: e.name.endswith(suffix) and e.is_file()):
        yield os.path.join(directory, name)
    # Links to directories are not followed: a link loop cannot make the walk endless.
    for name in _sorted_names(directory, lambda e: e.is_dir(follow_symlinks=False)):
        yield from _walk(os.path.join(directory, name), suffix)


def _score_one(
    item: str | CityProfile | ProfileError,
    label: str,
    frameworks: tuple[str, ...] | None,
    keep_profile: bool,
    render: Renderer | None,
) -> ScoreResult:
    if isinstance(item, ProfileError):
        result = ScoreResult(label, error=item)
        return attrs.evolve(result, output=render(result)) if render else result
    registry = get_host().registry()
    text: str | None = None
    path = label if isinstance(item, str) else None
    try:
        if isinstance(item, str):
            profile, text = load_profile_file(item)
        else:
            profile = item
        wanted = frameworks if frameworks is not None else profile.assessment.frameworks
        cards = []
        for framework_id in wanted:
            framework = registry.frameworks.get(framework_id)
            if framework is None:
                known = ", ".join(sorted(registry.frameworks)) or "none"
                raise ProfileError(
                    f"unknown framework {framework_id!r}; registered frameworks: {known}",
                    path=path,
                    key_path="assessment.frameworks",
                )
            cards.append(score_checked(profile, framework, registry.frameworks, text, path))
    except IntegrationIndexError as exc:
        if exc.path is None and path is not None:
            exc.path = path
        result = ScoreResult(label, error=exc)
        return attrs.evolve(result, output=render(result)) if render else result
    if render is not None:
        output = render(ScoreResult(label, tuple(cards), None, profile))
        return ScoreResult(label, (), None, profile if keep_profile else None, output)
    return ScoreResult(label, tuple(cards), None, profile if keep_profile else None)


def _score_chunk(
    chunk: Sequence[tuple[str | CityProfile | ProfileError, str]],
    frameworks: tuple[str, ...] | None,
    keep_profile: bool,
    render: Renderer | None,
) -> list[ScoreResult]:
    return [_score_one(item, label, frameworks, keep_profile, render) for item, label in chunk]


def _labelled(
    items: Iterable[str | os.PathLike[str] | CityProfile],
) -> Iterator[tuple[str | CityProfile | ProfileError, str]]:
    """Label each input; expand directories and globs (an empty one becomes an error input)."""
    for index, item in enumerate(items):
        if isinstance(item, CityProfile):
            yield item, f"<profile {index}>"
            continue
        text = os.fspath(item)
        if Path(text).is_dir() or (_GLOB_CHARS & set(text) and not Path(text).exists()):
            try:
                for path in expand_inputs([text]):
                    yield path, path
            except ProfileError as exc:
                yield exc, text
        else:
            yield text, text


def _chunks(
    items: Iterator[tuple[str | CityProfile | ProfileError, str]], size: int
) -> Iterator[list[tuple[str | CityProfile | ProfileError, str]]]:
    chunk: list[tuple[str | CityProfile | ProfileError, str]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _warm() -> None:
    get_host().registry()


def score_many(
    profiles_or_paths: Iterable[str | os.PathLike[str] | CityProfile],
    frameworks: Sequence[str] | None = None,
    jobs: int = 1,
    *,
    keep_profiles: bool = False,
    chunk_size: int = 32,
    render: Renderer | None = None,
) -> Iterator[ScoreResult]:
    """Score many profiles, yielding one :class:`ScoreResult` per input, in input order.

    Args:
        profiles_or_paths: Profile objects, paths of profile files, directories (searched
            recursively for ``*.toml``) or globs, consumed lazily; a single one is accepted too.
        frameworks: Framework ids to score each profile against; None means the frameworks each
            profile names. A profile that does not assess a requested framework gets an error.
        jobs: Worker processes; 1 scores in this process. Results are identical whatever *jobs*.
        keep_profiles: Also return each profile read.
        chunk_size: Inputs sent to a worker at a time.
        render: A module-level function turning a result into text, run in the workers; the
            results then carry ``output`` instead of cards.

    A bad input never stops the others: its result carries the error. Memory stays flat: at
    most a few chunks per worker are in flight.
    """
    if isinstance(profiles_or_paths, str | os.PathLike | CityProfile):
        profiles_or_paths = [profiles_or_paths]  # one input, not an iterable of characters
    wanted = tuple(frameworks) if frameworks is not None else None
    labelled = _labelled(profiles_or_paths)
    if jobs <= 1:
        for item, label in labelled:
            yield _score_one(item, label, wanted, keep_profiles, render)
        return
    get_host().registry()  # build once in the parent; forked workers inherit it
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    in_flight: collections.deque[Future[list[ScoreResult]]] = collections.deque()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_warm) as pool:
        for chunk in _chunks(labelled, max(1, chunk_size)):
            in_flight.append(pool.submit(_score_chunk, chunk, wanted, keep_profiles, render))
            while len(in_flight) > 2 * jobs:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()
