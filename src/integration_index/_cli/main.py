"""The ``integration-index`` command line (also ``python -m integration_index``).

Exit codes: 0 all good, 1 some inputs failed, 2 usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from integration_index._api import default_registry
from integration_index._cli.common import Failed, UsageError
from integration_index._cli.files import output_problem
from integration_index._cli.parser import build_parser
from integration_index._plugins.registry import Registry

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None, *, registry: Registry | None = None) -> int:
    """Run the command line; return the exit code.

    *registry* is where frameworks and plugins come from (default: the default registry).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    args.registry = registry if registry is not None else default_registry()
    output = getattr(args, "output", None)
    problem = output_problem(output) if output is not None else None
    if problem:
        print(f"integration-index {args.command}: error: {problem}", file=sys.stderr)
        return 2
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"integration-index {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except Failed:
        return 1
    except KeyboardInterrupt:
        print("interrupted; no output file was changed", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
