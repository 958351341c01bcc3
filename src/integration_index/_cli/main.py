"""The ``integration-index`` command line (also ``python -m integration_index``).

Exit codes: 0 all good, 1 some inputs failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from integration_index._cli import commands
from integration_index._modes import DEFAULT_POPULATION_BANDS

__all__ = ["build_parser", "main"]

EXAMPLES = {
    "frameworks": """
        integration-index frameworks                 list the registered frameworks
        integration-index frameworks eurocities      show one as a tree, with its questions
        integration-index frameworks eurocities --language fr
    """,
    "plugins": """
        integration-index plugins
        INTEGRATION_INDEX_BLOCK_PLUGINS=gfmd-arrival-cities integration-index plugins
    """,
    "init": """
        integration-index init --framework eurocities my-city-2025.toml
    """,
    "validate": """
        integration-index validate examples/profiles
        integration-index validate city.toml other.toml 'profiles/**/*.toml'
    """,
    "score": """
        integration-index score examples/profiles
        integration-index score profiles/ --format csv --output scores.csv --jobs 2
        integration-index score city.toml --framework eurocities --format json
        integration-index score 'profiles/*.toml' --format tidy-csv --output nodes.csv
    """,
    "report": """
        integration-index report examples/profiles/all-three/harbourton-2024.toml
    """,
    "plan": """
        integration-index plan examples/profiles/eurocities/rivermouth-2024.toml --target 75
    """,
    "progress": """
        integration-index progress examples/profiles/eurocities/rivermouth-2022.toml \\
            examples/profiles/eurocities/rivermouth-2024.toml
    """,
    "peer-review": """
        integration-index peer-review examples/profiles/eurocities/ostavia-peer-review-2023.toml
    """,
    "compare": """
        integration-index compare examples/profiles --framework eurocities
        integration-index compare profiles/ --framework eurocities --bands 100000,500000
    """,
    "related": """
        integration-index related eurocities 04
    """,
}


def _examples(name: str) -> str:
    return "examples:\n" + textwrap.indent(textwrap.dedent(EXAMPLES[name]).strip("\n"), "  ")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with every command and its examples."""
    from integration_index._api import version

    parser = argparse.ArgumentParser(
        prog="integration-index",
        description="Score how cities include migrants against benchmark frameworks.",
        epilog="Run 'integration-index COMMAND --help' for a command's options and examples.\n"
        "Exit codes: 0 all good, 1 some inputs failed, 2 usage error.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"integration-index {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=_examples(name),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = command("frameworks", "List the registered frameworks, or show one as a tree.")
    p.add_argument("framework", nargs="?", help="a framework id to show")
    p.add_argument(
        "--language", choices=("en", "fr"), default="en", help="language of the texts (default en)"
    )
    p.set_defaults(run=commands.frameworks)

    p = command("plugins", "List the plugins, their hooks and their status.")
    p.set_defaults(run=commands.plugins)

    p = command("init", "Write a profile template for a framework.")
    p.add_argument(
        "--framework", required=True, action="append", help="framework id (repeat for several)"
    )
    p.add_argument("--city-id", default="my-city", help="the city's id (default my-city)")
    p.add_argument("--city-name", default="My City", help="the city's name")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument("file", help="the profile file to write")
    p.set_defaults(run=commands.init)

    p = command("validate", "Check profiles without scoring them; report every problem.")
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, directories (recursive) or globs"
    )
    p.set_defaults(run=commands.validate)

    p = command("score", "Score profiles: one row per city and framework, or full cards.")
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, directories (recursive) or globs"
    )
    p.add_argument(
        "--framework", action="append", help="score against this framework only (repeatable)"
    )
    p.add_argument(
        "--format",
        choices=("table", "csv", "tidy-csv", "json", "jsonl", "markdown"),
        default="table",
        help="table (default), csv (one row per city and framework), tidy-csv (one row per node), "
        "json, jsonl (full cards), markdown",
    )
    p.add_argument(
        "--output", "-o", help="write to this file (atomically) instead of standard output"
    )
    p.add_argument(
        "--jobs", "-j", type=_positive_int, default=1, help="worker processes (default 1)"
    )
    p.add_argument("--fail-fast", action="store_true", help="stop at the first bad profile")
    p.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="force the progress line",
    )
    p.add_argument(
        "--no-progress", dest="progress", action="store_false", help="never show the progress line"
    )
    p.set_defaults(run=commands.score)

    p = command("report", "A Markdown report of one profile through every framework it names.")
    p.add_argument("profile", help="the profile file")
    p.add_argument("--framework", action="append", help="only these frameworks (repeatable)")
    p.add_argument(
        "--language", choices=("en", "fr"), default="en", help="language of the framework texts"
    )
    p.add_argument("--output", "-o", help="write to this file (atomically)")
    p.set_defaults(run=commands.report)

    p = command("plan", "A development plan: objectives, priority actions, quick wins, examples.")
    p.add_argument("profile", help="the profile file")
    p.add_argument("--framework", help="the framework (default: the profile's only one)")
    p.add_argument(
        "--target", type=_score_value, help="target score on 0-100 (default: the framework's)"
    )
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.add_argument(
        "--language", choices=("en", "fr"), default="en", help="language of the framework texts"
    )
    p.add_argument("--output", "-o", help="write to this file (atomically)")
    p.set_defaults(run=commands.plan)

    p = command("progress", "Progress between assessments of one city (baseline first).")
    p.add_argument(
        "profiles", nargs="+", metavar="PROFILE", help="two or more profiles of the same city"
    )
    p.add_argument("--framework", help="the framework (default: the one the profiles share)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.add_argument("--output", "-o", help="write to this file (atomically)")
    p.set_defaults(run=commands.progress)

    p = command(
        "peer-review", "A peer-review report: evidence log, consensus, agreement, findings."
    )
    p.add_argument("profile", help="the peer-review profile (evidence items name their assessor)")
    p.add_argument("--framework", help="the framework (default: the profile's only one)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.add_argument("--output", "-o", help="write to this file (atomically)")
    p.set_defaults(run=commands.peer_review)

    p = command("compare", "Rank cities, overall and within peer groups of similar population.")
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, directories (recursive) or globs"
    )
    p.add_argument("--framework", required=True, help="the framework to rank by")
    p.add_argument(
        "--bands",
        default=",".join(str(band) for band in DEFAULT_POPULATION_BANDS),
        help="population band limits, comma-separated (default 100000,250000,500000,1000000)",
    )
    p.add_argument("--format", choices=("markdown", "csv"), default="markdown")
    p.add_argument("--output", "-o", help="write to this file (atomically)")
    p.set_defaults(run=commands.compare)

    p = command("related", "What relates to a criterion in the other frameworks (crosswalk).")
    p.add_argument("framework", help="framework id")
    p.add_argument("criterion", help="criterion id")
    p.set_defaults(run=commands.related)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _score_value(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 100, got {text!r}") from None
    if not 0.0 <= value <= 100.0:  # also rejects nan
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 100, got {text!r}")
    return value


def _output_problem(output: str) -> str | None:
    """Why an --output path cannot be written, checked before any work is done."""
    path = Path(output)
    if not output or path.is_dir():
        return f"--output {output!r} is a directory; expected a file path"
    parent = path.parent
    if not parent.is_dir():
        return f"--output {output!r}: the directory {str(parent)!r} does not exist"
    if not os.access(parent, os.W_OK):
        return f"--output {output!r}: the directory {str(parent)!r} is not writable"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    output = getattr(args, "output", None)
    problem = _output_problem(output) if output is not None else None
    if problem:
        print(f"integration-index {args.command}: error: {problem}", file=sys.stderr)
        return 2
    try:
        return int(args.run(args))
    except commands.UsageError as exc:
        print(f"integration-index {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; no output file was changed", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
