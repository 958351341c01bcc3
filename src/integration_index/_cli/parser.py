"""The argument parser: every command, its options and its examples."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Sequence
from typing import Any

from integration_index._cli import analysis_options, choices, serve
from integration_index._cli.common import UsageError
from integration_index._cli.help_examples import examples_for
from integration_index._version import version

__all__ = ["build_parser"]

Command = Callable[[str, str], argparse.ArgumentParser]

#: ``rank_cities``' default population bands (integration_index.DEFAULT_POPULATION_BANDS; a test
#: checks they agree), spelt here so that building the parser imports no analysis code.
_DEFAULT_BANDS = "100000,250000,500000,1000000"


class _Lazy:
    """A command's function, imported when the command runs: building the parser (and so
    ``--version`` and ``--help``) imports none of the commands' code."""

    def __init__(self, module: str, name: str) -> None:
        self.module = f"integration_index._cli.{module}"
        self.name = name

    def __call__(self, args: argparse.Namespace) -> int:
        run: Callable[[argparse.Namespace], int] = getattr(
            importlib.import_module(self.module), self.name
        )
        return run(args)


class _Version(argparse.Action):
    """``--version``: reads the version only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "show the program's version number and exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        print(f"integration-index {version()}")  # on standard output, as argparse's own
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with every command and its examples."""
    parser = argparse.ArgumentParser(
        prog="integration-index",
        description="Score how cities include migrants against benchmark frameworks.",
        epilog="Run 'integration-index COMMAND --help' for a command's options and examples.\n"
        "Exit codes: 0 all good, 1 some inputs failed, 2 usage error.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=examples_for(name),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    _inspection_commands(command)
    _batch_commands(command)
    _report_commands(command)
    analysis_options.add_commands(command, _Lazy)
    serve.add_command(command)
    return parser


def _inspection_commands(command: Command) -> None:
    p = command("frameworks", "List the registered frameworks, or show one as a tree.")
    p.add_argument("framework", nargs="?", help="a framework id to show")
    _framework_file(p, "show the framework defined in this TOML file")
    _language(p, "language of the texts (default en)")
    p.set_defaults(run=_Lazy("commands", "frameworks"))

    p = command("plugins", "List the plugins, their hooks and their status.")
    p.set_defaults(run=_Lazy("commands", "plugins"))

    p = command("related", "What relates to a criterion in the other frameworks (crosswalk).")
    p.add_argument("framework", help="framework id")
    p.add_argument("criterion", help="criterion id")
    p.set_defaults(run=_Lazy("commands", "related"))

    p = command("init", "Write a profile template for a framework: TOML, or a workbook (.xlsx).")
    p.add_argument("--framework", action="append", help="framework id (repeat for several)")
    _framework_file(p, "a framework defined in this TOML file (repeatable)", repeat=True)
    p.add_argument("--city-id", default="my-city", help="the city's id (default my-city)")
    p.add_argument("--city-name", default="My City", help="the city's name")
    p.add_argument(
        "--format",
        choices=("toml", "xlsx"),
        help="toml (a commented profile file) or xlsx (a workbook: instructions, the assessment, "
        "one row per question with a drop-down of its scale's levels; read it back with "
        "import-xlsx); default: xlsx for a FILE ending in .xlsx, else toml",
    )
    p.add_argument(
        "--language",
        choices=("en", "fr"),
        help="language of the workbook's headers, instructions and questions (xlsx; default en)",
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument("file", help="the profile file to write")
    p.set_defaults(run=_Lazy("commands", "init"))

    p = command(
        "import-xlsx",
        "Turn a filled profile workbook (from init --format xlsx) into a profile TOML file.",
    )
    p.add_argument("workbook", metavar="WORKBOOK", help="the .xlsx workbook")
    _framework_file(p, "a framework defined in this TOML file (repeatable)", repeat=True)
    _output(p, "write the profile to this file (atomically) instead of standard output")
    p.set_defaults(run=_Lazy("workbooks", "import_xlsx"))

    p = command("validate", "Check profiles without scoring them; report every problem.")
    _paths(p)
    _framework_file(p, "also accept profiles of the framework in this TOML file", repeat=True)
    p.set_defaults(run=_Lazy("commands", "validate"))


def _batch_commands(command: Command) -> None:
    p = command("score", "Score profiles: one row per city and framework, or full cards.")
    _paths(p)
    p.add_argument(
        "--framework", action="append", help="score against this framework only (repeatable)"
    )
    _framework_file(p, "score against the framework in this TOML file (repeatable)", repeat=True)
    p.add_argument(
        "--format",
        choices=choices.FORMATS,
        default="table",
        help="table (default), csv (one row per city and framework), tidy-csv (one row per node), "
        "json, jsonl (full cards), markdown, xlsx (a workbook, with --output: a Summary sheet, "
        "then per framework a sheet of cities and a sheet of nodes), parquet (with --output: "
        "the tidy-csv rows, typed; needs pyarrow)",
    )
    _csv_dialect(p)
    _csv_formulas(p)
    _language(p, "language of the table and Markdown headers and numbers (default en)")
    _output(p, "write to this file (atomically) instead of standard output")
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
    analysis_options.add_run_options(p)
    p.set_defaults(run=_CsvFormulas(_Lazy("scoring", "score"), ("csv", "tidy-csv")))

    p = command("compare", "Rank cities, overall and within peer groups of similar population.")
    _paths(p)
    p.add_argument("--framework", help="the framework to rank by")
    _framework_file(p, "rank by the framework defined in this TOML file")
    _ranking_options(p)
    p.add_argument(
        "--format",
        choices=("markdown", "html", "csv", "xlsx"),
        default="markdown",
        help="markdown (default), html (one self-contained page with a chart; the reports "
        "extra), csv, xlsx (a workbook, with --output)",
    )
    _language(p, "language of the report (markdown and html; default en)")
    _csv_dialect(p)
    _csv_formulas(p)
    _output(p)
    analysis_options.add_run_options(p)
    analysis_options.add_peer_options(p)
    p.set_defaults(run=_CsvFormulas(_Lazy("reports", "compare"), ("csv",)))


def _report_commands(command: Command) -> None:
    p = command("report", "A report of one profile through every framework it names.")
    p.add_argument("profile", help="the profile file")
    p.add_argument("--framework", action="append", help="only these frameworks (repeatable)")
    _framework_file(p, "a framework defined in this TOML file (repeatable)", repeat=True)
    p.add_argument("--format", choices=("markdown", "html"), default="markdown", help=_HTML_HELP)
    _language(p, "language of the report and of the framework texts (default en)")
    _output(p)
    analysis_options.add_run_options(p)
    p.set_defaults(run=_Lazy("reports", "report"))

    p = command("plan", "A development plan: objectives, priority actions, quick wins, examples.")
    p.add_argument("profile", help="the profile file")
    _one_framework(p, "the framework (default: the profile's only one)")
    p.add_argument(
        "--target", type=_score_value, help="target score on 0-100 (default: the framework's)"
    )
    p.add_argument(
        "--format", choices=("markdown", "html", "json"), default="markdown", help=_HTML_HELP
    )
    _language(p, "language of the report and of the framework texts (default en)")
    _output(p)
    analysis_options.add_run_options(p)
    p.set_defaults(run=_Lazy("reports", "plan"))

    p = command("progress", "Progress between assessments of one city (baseline first).")
    p.add_argument(
        "profiles", nargs="+", metavar="PROFILE", help="two or more profiles of the same city"
    )
    _one_framework(p, "the framework (default: the one the profiles share)")
    p.add_argument(
        "--format", choices=("markdown", "html", "json"), default="markdown", help=_HTML_HELP
    )
    _language(p, "language of the report (default en)")
    _output(p)
    p.set_defaults(run=_Lazy("reports", "progress"))

    p = command(
        "peer-review", "A peer-review report: evidence log, consensus, agreement, findings."
    )
    p.add_argument(
        "profiles",
        nargs="+",
        metavar="PROFILE",
        help="the peer-review profile (evidence items name their assessor), or one file per "
        "reviewer of the same city, frameworks and round, plus optionally the city's "
        'self-assessment (recognised by its mode "self-assessment")',
    )
    _one_framework(p, "the framework (default: the profile's only one)")
    p.add_argument(
        "--format", choices=("markdown", "html", "json"), default="markdown", help=_HTML_HELP
    )
    _language(p, "language of the report (default en)")
    _output(p)
    p.set_defaults(run=_Lazy("reports", "peer_review_command"))


_HTML_HELP = (
    "markdown (default); html: one self-contained page with charts, for a browser or for print "
    "(needs the reports extra: pip install 'integration-index[reports]')"
)


def _paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, directories (recursive) or globs"
    )


def _one_framework(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--framework", help=help_text)
    _framework_file(parser, "the framework defined in this TOML file")


def _framework_file(parser: argparse.ArgumentParser, help_text: str, repeat: bool = False) -> None:
    parser.add_argument(
        "--framework-file",
        action="append",
        default=[],
        metavar="PATH",
        help=help_text + ("" if repeat else "; instead of --framework"),
    )


def _csv_dialect(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--csv-dialect",
        choices=("plain", "excel", "excel-fr"),
        help="how CSV is spelt: plain (default: UTF-8, ',' between values, '.' in numbers); "
        "excel (UTF-8 with a byte-order mark, so that Excel reads accents; CRLF line ends); "
        "excel-fr (as excel, with ';' between values and a decimal comma, as Excel expects in "
        "French and other comma-decimal locales)",
    )


def _csv_formulas(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--csv-formulas",
        choices=choices.CSV_FORMULAS,
        help="what CSV does with text that a spreadsheet would run as a formula: neutralise "
        "(default: a text value starting with =, +, -, @, a tab or a carriage return gets a "
        "leading ', as OWASP advises against CSV injection; numbers, negative ones too, are "
        "never touched) or keep (write such text as it is)",
    )


class _CsvFormulas:
    """A command whose CSV output takes --csv-formulas: the choice travels to the renderers
    inside the dialect's name (outputs.csv_dialect_name), which worker processes receive too."""

    def __init__(self, run: Callable[[argparse.Namespace], int], formats: tuple[str, ...]):
        self.run = run
        self.formats = formats

    def __call__(self, args: argparse.Namespace) -> int:
        if args.format in self.formats:
            from integration_index._cli.outputs import csv_dialect_name

            args.csv_dialect = csv_dialect_name(args.csv_dialect, args.csv_formulas or "neutralise")
        elif args.csv_formulas is not None:
            raise UsageError(f"--csv-formulas applies to --format {' and '.join(self.formats)}")
        return self.run(args)


def _ranking_options(parser: argparse.ArgumentParser) -> None:
    """compare's --bands and --intervals-from."""
    parser.add_argument(
        "--bands",
        default=_DEFAULT_BANDS,
        help="population band limits, comma-separated (default 100000,250000,500000,1000000)",
    )
    parser.add_argument(
        "--intervals-from",
        metavar="FILE",
        help="show each city's 5-95%% rank interval from this `uncertainty --format json` output",
    )


def _language(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--language", choices=("en", "fr"), default="en", help=help_text)


def _output(
    parser: argparse.ArgumentParser, help_text: str = "write to this file (atomically)"
) -> None:
    parser.add_argument(
        "--output",
        "-o",
        help=help_text + "; '-' is standard output; a device or FIFO is written in place; "
        "never one of the run's inputs, and left untouched when nothing was produced",
    )


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
