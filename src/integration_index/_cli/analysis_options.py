"""The options and commands of cross-city analysis (cohorts, weights, what-if, peer groups,
uncertainty), as the parser needs them: building it imports none of the code behind them."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from integration_index._cli.choices import UNCERTAINTY_SOURCES

__all__ = ["add_commands", "add_peer_options", "add_run_options"]

Command = Callable[[str, str], argparse.ArgumentParser]
#: Makes a command's run function from (module in _cli, function name), imported when it runs.
Lazy = Callable[[str, str], Callable[[argparse.Namespace], int]]


def add_commands(command: Command, lazy: Lazy) -> None:
    """The what-if, cohort-stats and uncertainty commands."""
    _analysis_commands(command, lazy)
    _uncertainty_command(command, lazy)


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """--cohort, --cohort-stats and --weights."""
    parser.add_argument(
        "--cohort",
        action="append",
        default=[],
        metavar="PATH",
        help="profiles (files, directories, globs; repeatable) whose statistics a framework's "
        "cohort normalisation uses (default: the profiles scored)",
    )
    parser.add_argument(
        "--cohort-stats",
        metavar="FILE",
        help="saved cohort statistics (from the cohort-stats command), instead of --cohort",
    )
    parser.add_argument(
        "--weights",
        metavar="FILE",
        help="a weights file (TOML) overriding node weights for this run; the cards record it",
    )


def add_peer_options(parser: argparse.ArgumentParser) -> None:
    """--peers, --similar-on and --k for compare."""
    parser.add_argument(
        "--peers",
        default="population",
        help="peer groups: population (bands, the default), country, region, metadata.KEY, "
        "context.FACTOR, or similar (each city's --k nearest on --similar-on)",
    )
    parser.add_argument(
        "--similar-on",
        default="",
        metavar="FACTORS",
        help="for --peers similar: comma-separated population, metadata.KEY, context.FACTOR",
    )
    parser.add_argument("--k", type=int, default=5, help="for --peers similar (default 5)")


def _analysis_commands(command: Command, lazy: Lazy) -> None:
    """The what-if and cohort-stats commands."""
    p = command("what-if", "Apply a scenario to a profile: the changed card, node by node, rank.")
    p.add_argument("profile", help="the profile file")
    p.add_argument("scenario", help="the scenario file (TOML; docs/guides/analysts.md)")
    p.add_argument("--framework", help="the framework (default: the profile's only one)")
    p.add_argument("--framework-file", action="append", default=[], metavar="PATH")
    add_run_options(p)
    p.add_argument(
        "--format",
        choices=("markdown", "html", "json"),
        default="markdown",
        help="markdown (default), html (a self-contained page; the reports extra) or json",
    )
    p.add_argument(
        "--language",
        choices=("en", "fr"),
        default="en",
        help="language of the report (markdown and html; default en)",
    )
    p.add_argument("--output", "-o", help="write to this file (atomically)")
    p.set_defaults(run=lazy("analysis", "what_if_command"))

    p = command("cohort-stats", "Save a cohort's statistics for a framework's cohort rules.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="the cohort's profiles")
    p.add_argument("--framework", help="the framework (id)")
    p.add_argument("--framework-file", action="append", default=[], metavar="PATH")
    p.add_argument("--format", choices=("toml", "json"), default="toml")
    p.add_argument("--output", "-o", help="write to this file (atomically)")
    p.add_argument(
        "--language", choices=("en", "fr"), default="en",
        help="language of the summary line (default en); the statistics are data",
    )  # fmt: skip
    p.set_defaults(run=lazy("analysis", "cohort_stats_command"))


def _uncertainty_command(command: Command, lazy: Lazy) -> None:
    """The uncertainty command."""
    p = command("uncertainty", "How sure is a ranking: rank intervals and what drives them.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, directories or globs")
    p.add_argument("--framework", help="the framework to rank by")
    p.add_argument(
        "--framework-file", action="append", default=[], metavar="PATH",
        help="rank by the framework defined in this TOML file; instead of --framework",
    )  # fmt: skip
    p.add_argument("--draws", type=_count, default=1000, help="model runs (default 1000)")
    p.add_argument(
        "--seed", type=int, default=0, help="random seed (default 0): same seed, same result"
    )
    p.add_argument("--top-k", type=_count, default=10, help="report P(rank <= K) (default 10)")
    p.add_argument(
        "--sources", default=",".join(UNCERTAINTY_SOURCES),
        help="what varies, comma-separated, or none (default: all of " + ", ".join(UNCERTAINTY_SOURCES) + ")",
    )  # fmt: skip
    p.add_argument(
        "--weights", default="uniform:0.25", metavar="KIND:VALUE",
        help="weight noise: uniform:SPREAD (+-SPREAD, default uniform:0.25) or "
        "dirichlet:CONCENTRATION",
    )  # fmt: skip
    p.add_argument(
        "--aggregation-levels", default="0", metavar="DEPTHS",
        help="depths whose arithmetic/geometric mean switches (default 0: the whole; 0,1 adds its "
        "top-level criteria, where one question at 0 zeroes a factor in geometric runs)",
    )  # fmt: skip
    p.add_argument(
        "--evidence-rules", default="median,mean,min,max", metavar="RULES",
        help="evidence rules drawn for leaves with several items (default median,mean,min,max)",
    )  # fmt: skip
    p.add_argument(
        "--cohort", action="append", default=[], metavar="PATH",
        help="profiles (repeatable) whose statistics a framework's cohort normalisation uses "
        "(default: the profiles ranked)",
    )  # fmt: skip
    p.add_argument(
        "--cohort-stats", metavar="FILE",
        help="saved cohort statistics (from the cohort-stats command), instead of --cohort",
    )  # fmt: skip
    p.add_argument(
        "--format", choices=("table", "csv", "json", "markdown", "html"), default="table",
        help="table (default), csv (one row per city), json (everything), markdown or html (a "
        "report with charts of the rank intervals; html needs the reports extra)",
    )  # fmt: skip
    p.add_argument(
        "--language", choices=("en", "fr"), default="en",
        help="language of the table's or the report's words and numbers (default en)",
    )  # fmt: skip
    p.add_argument("--output", "-o", help="write to this file (atomically); '-' is standard output")
    p.set_defaults(run=lazy("uncertainty", "uncertainty"))


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value
