"""Writing output files atomically, with the permissions a plain ``open()`` would give.

The rules for an output target, in one place:

* ``-`` (or no ``--output``) means standard output;
* a character or block device or a FIFO is written in place (no temporary file, no rename);
* a regular file is written atomically: a temporary file beside it, moved over it on success,
  removed (leaving the old file untouched) on failure or interruption;
* :func:`output_problem` refuses, before any work, a directory, a missing or unwritable folder,
  and a target that is also one of the run's inputs.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = [
    "WRITE_ERRNOS",
    "atomic_binary_output",
    "atomic_output",
    "in_place",
    "is_stdout",
    "output_problem",
]

#: The errors of writing that end a run with one line (exit code 1), not a traceback.
WRITE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS, errno.EPIPE}
)
#: The suffix of the files a directory input is walked for (see ``expand_inputs``).
INPUT_SUFFIX = ".toml"


def is_stdout(path: str | os.PathLike[str] | None) -> bool:
    """Whether *path* means standard output: none given, or ``-``."""
    return path is None or os.fspath(path) == "-"


def in_place(path: str | os.PathLike[str]) -> bool:
    """Whether *path* is a special file (a device or a FIFO), written in place, not replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode)


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
    With *path* None or ``-``, write to standard output; a device or FIFO is written in place.
    """
    if is_stdout(path):
        yield sys.stdout
        sys.stdout.flush()
        return
    assert path is not None
    if in_place(path):
        with open(path, "w", encoding="utf-8", newline="") as special:
            yield special
        return
    with _atomic(path) as handle, os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
        yield stream
        stream.flush()
        os.fsync(stream.fileno())


@contextmanager
def atomic_binary_output(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Write bytes to *path* atomically (a workbook, say), by the rules of :func:`atomic_output`:
    a temporary file beside it, with the mode a plain ``open()`` would give, moved into place on
    success; ``-`` is standard output, and a device or FIFO is written in place."""
    if is_stdout(path):
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    if in_place(path):
        with open(path, "wb") as special:
            yield special
        return
    with _atomic(path) as handle, os.fdopen(handle, "wb") as stream:
        yield stream
        stream.flush()
        os.fsync(stream.fileno())


@contextmanager
def _atomic(path: str | os.PathLike[str]) -> Iterator[int]:
    """The descriptor of a temporary file beside *path*, moved over it when the block succeeds
    (the block closes the descriptor); removed, leaving *path* untouched, when it fails."""
    import tempfile  # here: a run that writes to standard output does without it

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


def output_problem(
    output: str, inputs: Sequence[str | os.PathLike[str]] = (), *, option: str = "--output"
) -> str | None:
    """Why an output path cannot be written, checked before any work is done; None if it can.

    *inputs* are the run's input arguments: the output may not be one of them (the same file,
    through links too), nor a ``*.toml`` file inside an input directory (the walk would read
    it), nor a file an input glob matches.
    """
    if output == "-":
        return None
    path = Path(output)
    if in_place(output):
        if not os.access(output, os.W_OK):
            return f"{option} {output!r} is not writable"
        return None
    if not output or path.is_dir():
        return f"{option} {output!r} is a directory; expected a file path"
    parent = path.parent
    if not parent.is_dir():
        return f"{option} {output!r}: the directory {str(parent)!r} does not exist"
    if not os.access(parent, os.W_OK):
        return f"{option} {output!r}: the directory {str(parent)!r} is not writable"
    for given in inputs:
        if _reads(os.fspath(given), path):
            return f"{option} {output!r} is also an input of this run ({os.fspath(given)!r})"
    return None


def _same(first: str | Path, second: str | Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return os.path.realpath(first) == os.path.realpath(second)


def _reads(given: str, output: Path) -> bool:
    """Whether the input argument *given* would read the file *output*."""
    if os.path.isdir(given):
        if not output.name.endswith(INPUT_SUFFIX):
            return False
        inside = os.path.realpath(output)
        top = os.path.realpath(given)
        return os.path.commonpath([inside, top]) == top
    if os.path.lexists(given):
        return _same(given, output)
    if set("*?[") & set(given):
        return any(_same(found, output) for found in glob.iglob(given, recursive=True))
    return False
