"""Writing output files atomically, with the permissions a plain ``open()`` would give."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = ["atomic_binary_output", "atomic_output", "output_problem"]


def _umask() -> int:
    """The process umask, read without changing it where the system says (Linux), since
    setting it to read it races with other threads."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def _mode_for(target: Path) -> int:
    """An existing file keeps its mode; a new one gets 0o666 less the umask, as open() gives."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


@contextmanager
def atomic_output(path: str | os.PathLike[str] | None) -> Iterator[IO[str]]:
    """Write to *path* atomically: a temporary file beside it, moved into place on success.

    Interrupted or failed runs leave any existing file untouched and no partial file behind.
    With *path* None, write to standard output.
    """
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    with _atomic(path) as handle, os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
        yield stream
        stream.flush()
        os.fsync(stream.fileno())


@contextmanager
def atomic_binary_output(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Write bytes to *path* atomically (a workbook, say), by the rules of :func:`atomic_output`:
    a temporary file beside it, with the mode a plain ``open()`` would give, moved into place on
    success. There is no standard-output form: binary files go to a named file."""
    with _atomic(path) as handle, os.fdopen(handle, "wb") as stream:
        yield stream
        stream.flush()
        os.fsync(stream.fileno())


@contextmanager
def _atomic(path: str | os.PathLike[str]) -> Iterator[int]:
    """The descriptor of a temporary file beside *path*, moved over it when the block succeeds
    (the block closes the descriptor); removed, leaving *path* untouched, when it fails."""
    target = Path(os.path.realpath(path))  # through a link, as open() writes, not over it
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or "."
    )
    try:
        os.fchmod(handle, _mode_for(target))  # mkstemp makes 0600 files
        yield handle
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def output_problem(output: str) -> str | None:
    """Why an ``--output`` path cannot be written, checked before any work is done."""
    path = Path(output)
    if not output or path.is_dir():
        return f"--output {output!r} is a directory; expected a file path"
    parent = path.parent
    if not parent.is_dir():
        return f"--output {output!r}: the directory {str(parent)!r} does not exist"
    if not os.access(parent, os.W_OK):
        return f"--output {output!r}: the directory {str(parent)!r} is not writable"
    return None
