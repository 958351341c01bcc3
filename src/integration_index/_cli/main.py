"""The ``integration-index`` command line (also ``python -m integration_index``).

Exit codes: 0 all good, 1 some inputs failed (or the output could not be written), 2 usage
error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from types import FrameType
from typing import TYPE_CHECKING

from integration_index._cli.common import Failed, UsageError
from integration_index._cli.files import WRITE_ERRNOS, is_stdout, output_problem
from integration_index._cli.parser import build_parser
from integration_index.exceptions import AnalysisInputError

if TYPE_CHECKING:
    from integration_index._plugins.registry import Registry

__all__ = ["build_parser", "main"]

#: The arguments that name a run's inputs: an output may not replace one of them.
_INPUT_ARGUMENTS = (
    "paths",
    "profile",
    "profiles",
    "workbook",
    "framework_file",
    "scenario",
    "cohort",
    "cohort_stats",
    "weights",
)


class _Terminated(KeyboardInterrupt):
    """SIGTERM arrived: handled like Ctrl-C (the temporary file is removed), exit code 143."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise _Terminated()


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM raises :class:`_Terminated` while the block runs (main thread only)."""
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _target(args: argparse.Namespace) -> tuple[str | None, str]:
    """The file the command writes (None: standard output) and the option that names it."""
    if args.command == "init":
        return args.file, "FILE"
    return getattr(args, "output", None), "--output"


def _inputs(args: argparse.Namespace) -> list[str]:
    found: list[str] = []
    for name in _INPUT_ARGUMENTS:
        value = getattr(args, name, None)
        if isinstance(value, str):
            found.append(value)
        elif value:
            found.extend(value)
    return found


def _stdout_to_devnull() -> None:
    """After a closed pipe, point standard output at the null device, so the interpreter's
    flush at exit does not fail again (as the Python documentation on SIGPIPE advises)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def main(argv: Sequence[str] | None = None, *, registry: Registry | None = None) -> int:
    """Run the command line; return the exit code.

    *registry* is where frameworks and plugins come from (default: the default registry).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if registry is None:
        # Imported once a command runs: --version and --help do without the engine and plugins.
        from integration_index._api.core import default_registry

        registry = default_registry()
    args.registry = registry
    output, option = _target(args)
    problem = output_problem(output, _inputs(args), option=option) if output else None
    if problem:
        print(f"integration-index {args.command}: error: {problem}", file=sys.stderr)
        return 2
    with _sigterm_interrupts():
        return _run(args, output)


def _run(args: argparse.Namespace, output: str | None) -> int:
    where = "standard output" if is_stdout(output) else output
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"integration-index {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except AnalysisInputError as exc:  # a framework needs a cohort the command was not given
        print(f"integration-index {args.command}: error: {exc.format()}", file=sys.stderr)
        return 2
    except Failed:
        return 1
    except KeyboardInterrupt as exc:
        print("interrupted; no output file was changed", file=sys.stderr)
        return 143 if isinstance(exc, _Terminated) else 130
    except BrokenPipeError:
        if is_stdout(output):
            _stdout_to_devnull()
        print(
            f"integration-index {args.command}: error: cannot write {where}: "
            "the reader closed the pipe",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        if exc.errno not in WRITE_ERRNOS:
            raise
        print(
            f"integration-index {args.command}: error: cannot write {where}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
