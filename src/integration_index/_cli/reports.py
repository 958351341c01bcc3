"""The commands that write one report: report, plan, progress, peer-review, compare.

Each reads its profiles through the public batch function (one read per file, errors with their
lines), then calls the public mode function and renders its report (Markdown or HTML, in the
language asked for; JSON for the modes' results).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from integration_index._analysis.compare import Ranking
from integration_index._api import (
    development_plan,
    merge_reviews,
    peer_review,
    rank_cities,
    render,
    score,
    score_many,
    track_progress,
)
from integration_index._batch import ScoreResult
from integration_index._cli import outputs
from integration_index._cli.analysis import Inputs, peer_rule, run_options
from integration_index._cli.common import (
    Failed,
    UsageError,
    chosen_frameworks,
    error,
    warn_plugin_failures,
)
from integration_index._cli.files import atomic_output, in_place, is_stdout
from integration_index._cli.workbooks import (
    check_workbook_output,
    ranking_values,
    write_ranking_workbook,
)
from integration_index._io.convert import card_converter
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._plugins.registry import Registry
from integration_index.exceptions import AnalysisInputError, ProfileError

__all__ = ["compare", "peer_review_command", "plan", "progress", "report"]


def _read(args: argparse.Namespace, path: str, frameworks: list[Framework] | None) -> ScoreResult:
    """One profile file scored against *frameworks* (None: those it names), with the command's
    --cohort/--cohort-stats/--weights if it has them; Failed on error."""
    options = run_options(args) if hasattr(args, "cohort") else {}
    (result,) = score_many(
        [path], frameworks, keep_profiles=True, registry=args.registry, **options
    )
    if not result.ok:
        assert result.error is not None
        error(result.error.format())
        raise Failed()
    return result


def _scored_one(args: argparse.Namespace, path: str) -> tuple[CityProfile, Framework, ScoreCard]:
    """A single-profile command's profile, its framework and its score card."""
    registry: Registry = args.registry
    chosen = chosen_frameworks(args)
    if len(chosen) > 1:
        raise UsageError("give one framework (--framework or --framework-file), not several")
    result = _read(args, path, chosen or None)
    assert result.profile is not None
    if not chosen and len(result.cards) != 1:
        named = result.profile.assessment.frameworks
        raise UsageError(
            f"the profile names {len(named)} frameworks ({', '.join(named)}); "
            "choose one with --framework"
        )
    card = result.cards[0]
    framework = chosen[0] if chosen else registry.get_framework(card.framework_id)
    return result.profile, framework, card


def _write(output: str | None, text: str) -> None:
    with atomic_output(output) as stream:
        stream.write(text)


def _rendered(make: Callable[[], str]) -> str:
    """A report, or a usage error when HTML is asked for without the reports extra."""
    try:
        return make()
    except ImportError as exc:
        raise UsageError(str(exc)) from None


def _emit(args: argparse.Namespace, built: Any, report: Callable[[], str]) -> int:
    """Write a mode's result as JSON or, by default, as its report (Markdown or HTML)."""
    if args.format == "json":
        data = card_converter().unstructure(built)
        _write(args.output, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        _write(args.output, _rendered(report))
    return 0


def report(args: argparse.Namespace) -> int:
    warn_plugin_failures(args.registry)
    chosen = chosen_frameworks(args)
    result = _read(args, args.profile, chosen or None)
    profile = result.profile
    assert profile is not None
    frameworks: list[Framework | str] = [*chosen] or [c.framework_id for c in result.cards]
    text = _rendered(
        lambda: render(
            profile,
            format=args.format,
            frameworks=frameworks,
            cards=result.cards,
            language=args.language,
            registry=args.registry,
        )
    )
    _write(args.output, text)
    return 0


def plan(args: argparse.Namespace) -> int:
    profile, framework, card = _scored_one(args, args.profile)
    built = development_plan(card, profile, framework=framework, target=args.target)
    return _emit(
        args,
        built,
        lambda: render(
            built,
            format=args.format,
            card=card,
            profile=profile,
            framework=framework,
            language=args.language,
            registry=args.registry,
        ),
    )


def progress(args: argparse.Namespace) -> int:
    if len(args.profiles) < 2:
        raise UsageError("give at least two profiles of the same city (baseline first, any order)")
    first_profile, framework, first_card = _scored_one(args, args.profiles[0])
    scored = [(first_profile, first_card)]
    for path in args.profiles[1:]:
        result = _read(args, path, [framework])
        assert result.profile is not None
        scored.append((result.profile, result.cards[0]))
    cards = [card for _, card in scored]
    try:
        built = track_progress(cards, framework=framework)
    except ValueError as exc:  # the profiles do not make a series: an input problem
        error(f"{', '.join(args.profiles)}: {exc}")
        return 1
    ordered = sorted(scored, key=lambda pair: pair[1].assessment_date)
    return _emit(
        args,
        built,
        lambda: render(
            built,
            format=args.format,
            profiles=[p for p, _ in ordered],
            cards=[c for _, c in ordered],
            framework=framework,
            language=args.language,
            registry=args.registry,
        ),
    )


def _text(path: str) -> str | None:
    """A file's text, to give warnings their lines (None if it cannot be read again)."""
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def peer_review_command(args: argparse.Namespace) -> int:
    """One profile, or the files of one review (one per reviewer, and the city's own
    self-assessment) merged; the merge's warnings go to standard error."""
    chosen = chosen_frameworks(args)
    if len(chosen) > 1:
        raise UsageError("give one framework (--framework or --framework-file), not several")
    profiles = []
    for path in args.profiles:
        result = _read(args, path, chosen or None)
        assert result.profile is not None
        profiles.append(result.profile)
    try:
        merged = merge_reviews(
            profiles, sources=args.profiles, texts=[_text(path) for path in args.profiles]
        )
    except ProfileError as exc:  # the files do not make one review: an input problem
        error(exc.format())
        return 1
    named = merged.profile.assessment.frameworks
    if not chosen and len(named) != 1:
        raise UsageError(
            f"the profiles name {len(named)} frameworks ({', '.join(named)}); "
            "choose one with --framework"
        )
    registry: Registry = args.registry
    framework = chosen[0] if chosen else registry.get_framework(named[0])
    card = score(merged.profile, framework, registry=registry)
    built = peer_review(merged, framework=framework, card=card, registry=registry)
    for warning in built.warnings:
        error(f"warning: {warning}")
    return _emit(
        args,
        built,
        lambda: render(
            built,
            format=args.format,
            profile=merged,
            card=card,
            framework=framework,
            language=args.language,
            registry=registry,
        ),
    )


def _bands(text: str) -> list[int]:
    try:
        return sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise UsageError(
            f"--bands expects whole numbers separated by commas, got {text!r}"
        ) from None


def _write_ranking(
    args: argparse.Namespace, ranking: Ranking, framework: Framework, cards: list[ScoreCard]
) -> None:
    """A ranking in the format asked for: a workbook, CSV, or its report (Markdown, HTML)."""
    if args.format == "xlsx":
        write_ranking_workbook(ranking, args.output)
    elif args.format == "csv" and args.csv_dialect not in (None, "plain"):
        columns, rows = ranking_values(ranking)
        text = outputs.csv_header(columns, args.csv_dialect)
        # Every number with two decimals, as the plain CSV of a ranking has them.
        _write(args.output, text + outputs.csv_text(rows, columns, args.csv_dialect, digits={}))
    elif args.format == "csv":
        _write(args.output, ranking.to_csv())
    else:
        text = _rendered(
            lambda: render(
                ranking,
                format=args.format,
                cards=cards,
                framework=framework,
                language=args.language,
                registry=args.registry,
            )
        )
        _write(args.output, text)


def compare(args: argparse.Namespace) -> int:
    if args.csv_dialect is not None and args.format != "csv":
        raise UsageError("--csv-dialect applies to --format csv")
    check_workbook_output(args)
    chosen = chosen_frameworks(args)
    if len(chosen) != 1:
        raise UsageError("give the framework to rank by: --framework ID or --framework-file PATH")
    framework = chosen[0]
    bands = _bands(args.bands)
    input_errors: list[str] = []
    entries = []
    sources: list[str | None] = []
    failed = skipped = 0
    peers = peer_rule(args)
    try:
        results = score_many(
            Inputs(args.paths, input_errors),
            [framework],
            keep_profiles=True,
            skip_unassessed=True,
            registry=args.registry,
            **run_options(args),
        )
    except AnalysisInputError as exc:
        raise UsageError(exc.format()) from None
    for result in results:
        if not result.ok:
            failed += 1
            assert result.error is not None
            error(result.error.format())
        elif result.cards:
            assert result.profile is not None
            entries.append((result.profile, result.cards[0]))
            sources.append(result.source)
        else:
            skipped += 1
    for message in input_errors:
        error(message)
    if skipped:
        error(f"{skipped} profile(s) do not assess {framework.id!r}: left out of the ranking")
    if not entries and not is_stdout(args.output) and not in_place(args.output):
        error(f"nothing ranked; {args.output} was not changed")  # a typo keeps the last ranking
        return 1
    try:
        intervals = _intervals(args.intervals_from, framework.id)
        ranking = rank_cities(
            entries, bands=bands, sources=sources, peers=peers, intervals=intervals
        )
    except ProfileError as exc:  # two assessments of one city on one date: the input is ambiguous
        error(exc.format())
        return 1
    _write_ranking(args, ranking, framework, [card for _, card in entries])
    return 1 if failed or input_errors else 0


def _intervals(path: str | None, framework_id: str) -> dict[str, tuple[int, int]] | None:
    """The cities' 5-95% rank intervals from an ``uncertainty --format json`` output (None
    without --intervals-from); a file that is not one is a usage error naming it."""
    if path is None:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"--intervals-from {path}: cannot read the file: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"--intervals-from {path}: not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("framework_id") != framework_id:
        found = data.get("framework_id") if isinstance(data, dict) else None
        raise UsageError(
            f"--intervals-from {path}: framework_id: expected {framework_id!r} (an uncertainty "
            f"--format json output for the framework ranked), got {found!r}"
        )
    intervals: dict[str, tuple[int, int]] = {}
    for index, city in enumerate(data.get("cities") or []):
        try:
            low, high = city["rank_low"], city["rank_high"]
            if not (isinstance(low, int) and isinstance(high, int) and 1 <= low <= high):
                raise ValueError(f"rank_low {low!r}, rank_high {high!r}")
            intervals[str(city["city_id"])] = (low, high)
        except (KeyError, TypeError, ValueError) as exc:
            raise UsageError(f"--intervals-from {path}: cities[{index}]: {exc}") from None
    return intervals
