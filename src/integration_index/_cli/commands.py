"""What each ``integration-index`` command does."""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from integration_index._api import get_framework, list_frameworks, list_plugins
from integration_index._api import related as _related
from integration_index._batch import ScoreResult, expand_inputs, score_many
from integration_index._cli.progress import Progress, wanted
from integration_index._io import outputs
from integration_index._io.outputs import atomic_output
from integration_index._model.framework import Criterion, Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index.exceptions import IntegrationIndexError, ProfileError, UnknownFrameworkError

__all__ = ["UsageError"]


class UsageError(Exception):
    """The command was called wrongly (exit code 2)."""


def _framework(framework_id: str) -> Framework:
    try:
        return get_framework(framework_id)
    except UnknownFrameworkError as exc:
        raise UsageError(str(exc)) from None


def _error(message: str) -> None:
    print(message, file=sys.stderr)


# -- frameworks, plugins, related --------------------------------------------------------------


def frameworks(args: argparse.Namespace) -> int:
    if args.framework is None:
        rows = [
            [f.id, f.version, str(len(f.criteria)), str(len(f.leaves)), f.title.get(args.language)]
            for f in list_frameworks()
        ]
        _print_table(["id", "version", "top-level", "rated", "title"], rows)
        _plugin_failures()
        return 0
    framework = _framework(args.framework)
    language = args.language
    print(f"{framework.title.get(language)} ({framework.id} {framework.version})")
    if framework.source is not None:
        print(f"Source: {framework.source.citation}")
    for scale in framework.scales:
        levels = ", ".join(f"{level.id} ({level.value:g})" for level in scale.levels)
        print(f"Scale {scale.id}: {levels}")
    print()
    for top in framework.criteria:
        _print_tree(top, "", language)
    if framework.contextual_factors:
        print("\nContextual factors:")
        for factor in framework.contextual_factors:
            print(f"  {factor.id}: {factor.title.get(language)}")
    return 0


def _print_tree(node: Criterion, indent: str, language: str) -> None:
    tags = f"  [{', '.join(node.tags)}]" if node.tags else ""
    weight = f"  (weight {node.weight:g})" if node.weight != 1.0 else ""
    print(f"{indent}{node.id}  {node.title.get(language)}{weight}{tags}")
    for child in node.children:
        _print_tree(child, indent + "    ", language)


def plugins(args: argparse.Namespace) -> int:
    rows = [
        [
            info.name,
            info.status,
            info.distribution or "",
            ", ".join(h.removeprefix("integration_index_") for h in info.hooks),
        ]
        for info in list_plugins()
    ]
    _print_table(["plugin", "status", "distribution", "hooks"], rows)
    return 1 if _plugin_failures() else 0


def _plugin_failures() -> int:
    from integration_index._plugins.host import get_host

    errors = get_host().registry().errors
    for error in errors:
        _error(f"warning: {error}")
    return len(errors)


def related(args: argparse.Namespace) -> int:
    try:
        relations = _related(args.framework, args.criterion)
    except UnknownFrameworkError as exc:
        raise UsageError(str(exc)) from None
    if not relations:
        print(f"Nothing in the crosswalks relates to {args.framework}:{args.criterion}.")
        return 0
    rows = []
    for relation in relations:
        title = ""
        with contextlib.suppress(KeyError, UnknownFrameworkError):
            title = get_framework(relation.framework).node(relation.criterion).title.en
        rows.append(
            [
                relation.relation,
                f"{relation.framework}:{relation.criterion}",
                title,
                relation.note.en if relation.note else "",
            ]
        )
    _print_table(["relation", "criterion", "title", "note"], rows)
    return 0


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max([len(header[i]), *(len(row[i]) for row in rows)]) for i in range(len(header))]
    widths[-1] = 0  # the last column is not padded
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


# -- init, validate ----------------------------------------------------------------------------


def init(args: argparse.Namespace) -> int:
    from integration_index._cli.templates import profile_template

    target = Path(args.file)
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists; use --force to overwrite it")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", args.city_id):
        raise UsageError(f"--city-id {args.city_id!r}: expected lowercase letters, digits and '-'")
    chosen = [_framework(framework_id) for framework_id in dict.fromkeys(args.framework)]
    text = profile_template(chosen[0], args.city_id, args.city_name)
    for extra in chosen[1:]:
        text = _merge_template(text, extra)
    with atomic_output(target) as stream:
        stream.write(text)
    print(
        f"wrote {target}: a profile template for {', '.join(f.id for f in chosen)}", file=sys.stderr
    )
    return 0


def _merge_template(text: str, framework: Framework) -> str:
    from integration_index._cli.templates import profile_template

    extra = profile_template(framework)
    body = extra.split("assessors = []\n", 1)[1]
    text = text.replace("frameworks = [", f'frameworks = ["{framework.id}", ', 1)
    body = body.replace('# criterion = "', f'# framework = "{framework.id}"\n# criterion = "')
    return text.rstrip("\n") + "\n" + body


def _safe_inputs(paths: list[str], errors: list[str]) -> Iterator[str]:
    for path in paths:
        try:
            yield from expand_inputs([path])
        except ProfileError as exc:
            errors.append(exc.format())


def validate(args: argparse.Namespace) -> int:
    from integration_index._io.profiles import load_profile_file
    from integration_index._io.toml import with_lines
    from integration_index._plugins.host import get_host
    from integration_index._validate import check_profile

    input_errors: list[str] = []
    frameworks = get_host().registry().frameworks
    checked = failed = 0
    for path in _safe_inputs(args.paths, input_errors):
        checked += 1
        try:
            profile, text = load_profile_file(path)
        except IntegrationIndexError as exc:
            failed += 1
            _error(exc.format())
            continue
        problems = with_lines(check_profile(profile, frameworks), text)
        if problems:
            failed += 1
            _error(ProfileError(problems[0].message, path=path, problems=problems).format())
            continue
        print(f"{path}: ok")
    for message in input_errors:
        _error(message)
    summary = f"validated {checked} profile(s): {checked - failed} ok, {failed} with problems"
    if input_errors:
        summary += f"; {len(input_errors)} input(s) matched no profile"
    _error(summary)
    return 1 if failed or input_errors else 0


# -- score -------------------------------------------------------------------------------------

_RENDERERS = {
    "csv": outputs.render_csv,
    "tidy-csv": outputs.render_tidy,
    "json": outputs.render_json,
    "jsonl": outputs.render_jsonl,
    "table": outputs.render_summary,
    "markdown": outputs.render_summary,
}

_TABLE_COLUMNS = (
    "city_name",
    "framework",
    "assessment_date",
    "score",
    "raw_score",
    "lower",
    "upper",
    "coverage",
)
_TABLE_HEADER = ("city", "framework", "date", "score", "raw", "lower", "upper", "coverage")
_TABLE_WIDTHS = (24, 20, 10, 6, 6, 6, 6, 8)
_TABLE_INDEXES = tuple(outputs.SUMMARY_COLUMNS.index(name) for name in _TABLE_COLUMNS)


def score(args: argparse.Namespace) -> int:
    if args.framework:
        for framework_id in args.framework:
            _framework(framework_id)
    input_errors: list[str] = []
    show_progress = wanted(sys.stderr, args.progress)
    paths: Any = _safe_inputs(args.paths, input_errors)
    total = None
    if show_progress:
        paths = list(paths)
        total = len(paths)
    progress = Progress(total) if show_progress else None
    fmt = args.format
    counts = {"scored": 0, "failed": 0}
    stopped = False
    try:
        with atomic_output(args.output) as stream:
            writer = _Writer(stream, fmt)
            results = score_many(
                paths, args.framework, args.jobs, keep_profiles=False, render=_RENDERERS[fmt]
            )
            try:
                for result in results:
                    if result.ok:
                        counts["scored"] += 1
                        writer.add(result)
                    else:
                        counts["failed"] += 1
                        assert result.error is not None
                        if progress:
                            progress.stream.write("\r\033[K")
                        _error(result.error.format())
                    if progress:
                        progress.advance(not result.ok)
                    if args.fail_fast and not result.ok:
                        stopped = True
                        break
            finally:
                close = getattr(results, "close", None)
                if close:
                    close()
            if stopped and args.output:
                raise _Abort()
            writer.finish()
    except _Abort:
        pass
    finally:
        if progress:
            progress.close()
    for message in input_errors:
        _error(message)
    failed = counts["failed"] + len(input_errors)
    summary = f"scored {counts['scored']} profile(s); {counts['failed']} failed"
    if input_errors:
        summary += f"; {len(input_errors)} input(s) matched no profile"
    if stopped:
        summary += "; stopped at the first failure (--fail-fast)" + (
            "; the output file was not changed" if args.output else ""
        )
    elif args.output:
        summary += f"; wrote {args.output}"
    _error(summary)
    return 1 if failed else 0


class _Abort(Exception):
    """--fail-fast stopped the run: leave the output file untouched."""


class _Writer:
    """Streams rendered results in the chosen format."""

    def __init__(self, stream: Any, fmt: str) -> None:
        self.stream = stream
        self.fmt = fmt
        self.first = True
        if fmt == "csv":
            stream.write(",".join(outputs.SUMMARY_COLUMNS) + "\n")
        elif fmt == "tidy-csv":
            stream.write(",".join(outputs.TIDY_COLUMNS) + "\n")
        elif fmt == "json":
            stream.write("[\n")
        elif fmt == "table":
            stream.write(self._table_line(_TABLE_HEADER) + "\n")
        elif fmt == "markdown":
            stream.write("| " + " | ".join(_TABLE_HEADER) + " |\n")
            stream.write(
                "|"
                + "|".join("---" if i < 3 else "---:" for i in range(len(_TABLE_COLUMNS)))
                + "|\n"
            )

    @staticmethod
    def _table_line(cells: tuple[str, ...] | list[str]) -> str:
        parts = []
        for index, (cell, width) in enumerate(zip(cells, _TABLE_WIDTHS, strict=True)):
            text = cell if len(cell) <= width else cell[: width - 1] + "…"
            parts.append(text.rjust(width) if index >= 3 else text.ljust(width))
        return "  ".join(parts).rstrip()

    def add(self, result: ScoreResult) -> None:
        text = result.output or ""
        if not text:
            return
        if self.fmt in ("csv", "tidy-csv", "jsonl"):
            self.stream.write(text)
        elif self.fmt == "json":
            self.stream.write(("" if self.first else ",\n") + text)
        else:
            for line in text.split("\n"):
                row = line.split("\t")
                cells = [row[i] for i in _TABLE_INDEXES]
                if self.fmt == "table":
                    self.stream.write(self._table_line(cells) + "\n")
                else:
                    self.stream.write(
                        "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n"
                    )
        self.first = False

    def finish(self) -> None:
        if self.fmt == "json":
            self.stream.write("\n]\n")


# -- reports -----------------------------------------------------------------------------------


def _load(path: str) -> tuple[CityProfile, str]:
    from integration_index._io.profiles import load_profile_file

    try:
        return load_profile_file(path)
    except IntegrationIndexError as exc:
        _error(exc.format())
        raise _Failed() from None


class _Failed(Exception):
    pass


def _pick_framework(profile: Any, requested: str | None) -> Framework:
    if requested is not None:
        return _framework(requested)
    named = profile.assessment.frameworks
    if len(named) != 1:
        raise UsageError(
            f"the profile names {len(named)} frameworks ({', '.join(named)}); choose one with --framework"
        )
    return _framework(named[0])


def _scored(loaded: tuple[CityProfile, str], path: str, framework: Framework) -> ScoreCard:
    """Score a profile already read from *path*; report a mismatch as one line."""
    from integration_index._api import score_checked
    from integration_index._plugins.host import get_host

    profile, text = loaded
    try:
        return score_checked(profile, framework, get_host().registry().frameworks, text, path)
    except IntegrationIndexError as exc:
        _error(exc.format())
        raise _Failed() from None


def _write(output: str | None, text: str) -> None:
    with atomic_output(output) as stream:
        stream.write(text)


def _guard(function: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            return int(function(args))
        except _Failed:
            return 1

    run.__name__ = function.__name__
    return run


@_guard
def report(args: argparse.Namespace) -> int:
    from integration_index._reports.markdown import profile_report

    loaded = _load(args.profile)
    profile = loaded[0]
    ids = args.framework or list(profile.assessment.frameworks)
    cards = []
    for framework_id in ids:
        framework = _framework(framework_id)
        cards.append((framework, _scored(loaded, args.profile, framework)))
    _write(args.output, profile_report(profile, cards, language=args.language))
    return 0


def _one_profile(args: argparse.Namespace) -> tuple[CityProfile, Framework, ScoreCard]:
    """The profile a single-profile report is about, its framework and its score card."""
    loaded = _load(args.profile)
    framework = _pick_framework(loaded[0], args.framework)
    return loaded[0], framework, _scored(loaded, args.profile, framework)


def _emit(args: argparse.Namespace, built: Any, markdown: Callable[[], str]) -> int:
    """Write a mode's result as JSON or, by default, as Markdown."""
    _write(args.output, _json(built) if args.format == "json" else markdown())
    return 0


@_guard
def plan(args: argparse.Namespace) -> int:
    from integration_index._analysis.plan import development_plan
    from integration_index._reports.markdown import plan_report

    profile, framework, card = _one_profile(args)
    built = development_plan(card, framework, profile, target=args.target)
    return _emit(
        args, built, lambda: plan_report(built, framework, card, profile, language=args.language)
    )


@_guard
def progress(args: argparse.Namespace) -> int:
    from integration_index._analysis.progress import compare_assessments
    from integration_index._reports.markdown import progress_report

    if len(args.profiles) < 2:
        raise UsageError("give at least two profiles of the same city (baseline first, any order)")
    loaded = [_load(path) for path in args.profiles]
    framework = _pick_framework(loaded[0][0], args.framework)
    scored = [
        (item[0], _scored(item, path, framework))
        for item, path in zip(loaded, args.profiles, strict=True)
    ]
    try:
        built = compare_assessments([card for _, card in scored], framework)
    except ValueError as exc:  # the profiles do not make a series: an input problem
        _error(f"{', '.join(args.profiles)}: {exc}")
        return 1
    return _emit(args, built, lambda: progress_report(built, framework, [p for p, _ in scored]))


@_guard
def peer_review(args: argparse.Namespace) -> int:
    from integration_index._analysis.peer_review import review
    from integration_index._reports.markdown import peer_review_report

    profile, framework, card = _one_profile(args)
    built = review(profile, framework, card)
    return _emit(args, built, lambda: peer_review_report(built, framework, card, profile))


def compare(args: argparse.Namespace) -> int:
    from integration_index._analysis.compare import rank
    from integration_index._reports.markdown import compare_report

    framework = _framework(args.framework)
    try:
        bands = sorted({int(part) for part in args.bands.split(",") if part.strip()})
    except ValueError:
        raise UsageError(
            f"--bands expects whole numbers separated by commas, got {args.bands!r}"
        ) from None
    input_errors: list[str] = []
    entries = []
    failed = 0
    skipped = 0
    for result in score_many(_safe_inputs(args.paths, input_errors), keep_profiles=True):
        if result.ok:
            assert result.profile is not None
            cards = [card for card in result.cards if card.framework_id == framework.id]
            if cards:
                entries.append((result.profile, cards[0]))
            else:
                skipped += 1
        else:
            failed += 1
            assert result.error is not None
            _error(result.error.format())
    for message in input_errors:
        _error(message)
    if skipped:
        _error(f"{skipped} profile(s) do not assess {framework.id!r}: left out of the ranking")
    ranking = rank(entries, bands)
    if args.format == "csv":
        _write(args.output, ranking.to_csv())
    else:
        _write(args.output, compare_report(ranking, framework))
    return 1 if failed or input_errors else 0


def _json(value: Any) -> str:
    from integration_index._io.convert import card_converter

    return json.dumps(card_converter().unstructure(value), ensure_ascii=False, indent=2) + "\n"
