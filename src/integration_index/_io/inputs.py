"""Inputs of a batch: files as given, directories walked (sorted, memory flat), globs expanded."""

from __future__ import annotations

import glob
import heapq
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from integration_index.exceptions import ProfileError

__all__ = ["GLOB_CHARS", "expand_inputs", "is_dir", "exists"]


GLOB_CHARS = frozenset("*?[")


def is_dir(path: Path) -> bool:
    """Whether *path* is a directory (False for a name the system refuses)."""
    try:
        return path.is_dir()
    except (OSError, ValueError):  # a name the system refuses: reading it will say why
        return False


def exists(path: Path) -> bool:
    """Whether *path* exists (False for a name the system refuses)."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def expand_inputs(inputs: Iterable[str | os.PathLike[str]], suffix: str = ".toml") -> Iterator[str]:
    """Files as given, directories recursively (``*.toml``: each directory's files by name, then
    its subdirectories by name), globs expanded (sorted).

    A directory or a glob that yields nothing raises ProfileError naming it, once the inputs
    before it have been yielded.
    """
    for item in inputs:
        text = os.fspath(item)
        if not text:  # Path("") would be the current directory
            raise ProfileError("empty path, expected a file, a directory or a glob", path=text)
        path = Path(text)
        if is_dir(path):
            any_file = False
            try:
                for found_path in _walk(text, suffix):
                    any_file = True
                    yield found_path
            except OSError as exc:
                raise ProfileError(
                    f"cannot list the files: {exc.strerror or exc}", path=exc.filename or text
                ) from None
            if not any_file:
                raise ProfileError(f"no profiles (*{suffix} files) in this directory", path=text)
        elif GLOB_CHARS & set(text) and not exists(path):
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
