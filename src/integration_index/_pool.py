"""Chunks of work in worker processes, results in input order, and a worker's death contained.

A worker process can die while it works (``os._exit`` or a crash in a plugin's code, the
kernel's out-of-memory killer, a SIGKILL): the process pool then fails every piece of work in
flight. Here the pool is replaced, the chunks that were in flight are done again one item at a
time, each alone in a worker, so that only the item whose work kills its worker is lost (it gets
*on_death*'s result), and the rest of the batch goes on in a new pool.
"""

from __future__ import annotations

import collections
import multiprocessing.context
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

__all__ = ["chunks", "ordered_map"]

T = TypeVar("T")
R = TypeVar("R")


def chunks(items: Iterable[T], size: int, jobs: int) -> Iterator[list[T]]:
    """*items* in chunks of at most *size* for *jobs* workers: 8 at first, then an eighth of a
    job's share of what came so far. A chunk never holds much of a small batch, so that every
    worker gets a share of it; a large batch goes in chunks of *size*, which cost the parent
    less per input."""
    chunk: list[T] = []
    limit, seen = min(8, size), 0
    for item in items:
        chunk.append(item)
        if len(chunk) == limit:
            yield chunk
            seen, chunk = seen + limit, []
            limit = min(size, max(8, seen // (8 * jobs)))
    if chunk:
        yield chunk


def ordered_map(
    function: Callable[[Sequence[T]], list[R]],
    chunks: Iterable[list[T]],
    *,
    jobs: int,
    mp_context: multiprocessing.context.BaseContext,
    initializer: Callable[..., object],
    initargs: tuple[Any, ...],
    on_death: Callable[[T], R],
) -> Iterator[R]:
    """``function(chunk)`` for each chunk in *jobs* worker processes, a few chunks in flight per
    worker, yielding the results in order; an item whose worker dies gets ``on_death(item)``.

    *function* and *initializer* must be module-level functions (the pool pickles them).
    """

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=jobs, mp_context=mp_context, initializer=initializer, initargs=initargs
        )

    pool = new_pool()
    in_flight: collections.deque[tuple[list[T], Future[list[R]] | None]] = collections.deque()
    try:
        source = iter(chunks)
        while True:
            for chunk in source:
                try:
                    in_flight.append((chunk, pool.submit(function, chunk)))
                except BrokenProcessPool:  # a worker died since the last result was read
                    in_flight.append((chunk, None))
                    break
                if len(in_flight) > 2 * jobs:
                    break
            if not in_flight:
                return
            chunk, future = in_flight.popleft()
            try:
                if future is None:
                    raise BrokenProcessPool
                results = future.result()
            except BrokenProcessPool:
                suspects = [chunk, *(c for c, _ in in_flight)]
                in_flight.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                pool = new_pool()
                yield from _one_by_one(suspects, function, new_pool, on_death)
                continue
            yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _one_by_one(
    chunks: list[list[T]],
    function: Callable[[Sequence[T]], list[R]],
    new_pool: Callable[[], ProcessPoolExecutor],
    on_death: Callable[[T], R],
) -> Iterator[R]:
    """Each item of *chunks* alone in a worker, in order: a death is that item's alone."""
    pool = new_pool()
    try:
        for chunk in chunks:
            for item in chunk:
                try:
                    results = pool.submit(function, [item]).result()
                except BrokenProcessPool:
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = new_pool()
                    yield on_death(item)
                    continue
                yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
