"""Cross-city analysis on the command line: ``--cohort``/``--cohort-stats``/``--weights`` for
``score`` and ``compare``, peer-group options for ``compare``, and the ``what-if`` and
``cohort-stats`` commands."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from typing import Any

from integration_index._analysis.peers import PeerRule
from integration_index._api import (
    cohort_stats,
    dumps_cohort_stats,
    load_cohort_stats,
    load_profile,
    load_weights,
    what_if,
)
from integration_index._cli.commands import safe_inputs
from integration_index._cli.common import UsageError, chosen_frameworks, error
from integration_index._cli.files import atomic_output
from integration_index._i18n import translator
from integration_index._io.cards import scorecard_to_dict
from integration_index.exceptions import IntegrationIndexError

__all__ = ["Inputs", "cohort_stats_command", "peer_rule", "run_options", "what_if_command"]

Command = Callable[[str, str], argparse.ArgumentParser]


class Inputs:
    """The files the paths name, walked anew at each iteration (a cohort needs two passes); a
    path that names none is reported once."""

    def __init__(self, paths: list[str], errors: list[str]) -> None:
        self.paths, self.errors, self.walked = paths, errors, False

    def __iter__(self) -> Iterator[str]:
        first, self.walked = not self.walked, True
        return safe_inputs(self.paths, self.errors if first else [])


def peer_rule(args: argparse.Namespace) -> PeerRule:
    """The peer rule the options give."""
    factors = tuple(f for f in args.similar_on.split(",") if f)
    try:
        return PeerRule(by=args.peers, k=args.k, factors=factors)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def run_options(args: argparse.Namespace) -> dict[str, Any]:
    """score_many's cohort= and weights= from the options (files read now: a bad one is a
    usage error naming its line)."""
    options: dict[str, Any] = {}
    if args.cohort and args.cohort_stats:
        raise UsageError("give --cohort or --cohort-stats, not both")
    try:
        if args.cohort_stats:
            options["cohort"] = load_cohort_stats(args.cohort_stats)
        elif args.cohort:
            options["cohort"] = Inputs(list(args.cohort), [])
        if args.weights:
            options["weights"] = load_weights(args.weights)
    except IntegrationIndexError as exc:
        raise UsageError(exc.format()) from None
    return options


def _one_framework(args: argparse.Namespace) -> Any:
    chosen = chosen_frameworks(args)
    if len(chosen) > 1:
        raise UsageError("give one framework")
    return chosen[0] if chosen else None


def what_if_command(args: argparse.Namespace) -> int:
    framework = _one_framework(args)
    options = run_options(args)
    try:
        profile = load_profile(args.profile)
        result = what_if(profile, args.scenario, framework, registry=args.registry, **options)
    except IntegrationIndexError as exc:
        error(exc.format())
        return 1
    if args.format == "json":
        data = {
            "scenario": result.scenario.title,
            "city_id": result.before.city_id,
            "rank_before": result.rank_before,
            "rank_after": result.rank_after,
            "cohort_size": result.cohort_size,
            "changes": [
                {"node": c.id, "before": c.before, "after": c.after, "change": c.change}
                for c in result.changes
            ],
            "after": scorecard_to_dict(result.after),
        }
        text = json.dumps(data, indent=2, default=str) + "\n"
    else:
        # Imported here: score, which shares this module's options, needs no report code.
        from integration_index._api.reports import render

        try:
            text = render(
                result, format=args.format, language=args.language, registry=args.registry
            )
        except ImportError as exc:  # html without the reports extra
            raise UsageError(str(exc)) from None
    with atomic_output(args.output) as stream:
        stream.write(text)
    return 0


def cohort_stats_command(args: argparse.Namespace) -> int:
    framework = _one_framework(args)
    if framework is None:
        raise UsageError("give the framework: --framework ID or --framework-file PATH")
    errors: list[str] = []
    stats = cohort_stats(Inputs(args.paths, errors), framework, registry=args.registry)
    for message in errors:
        error(message)
    if stats.size == 0:
        error(f"no profile assesses {framework.id!r}; nothing written")
        return 1
    with atomic_output(args.output) as stream:
        stream.write(dumps_cohort_stats(stats, format=args.format))
    tr = translator(getattr(args, "language", "en"))
    error(tr.t("cli.cohort_stats.summary", size=stats.size, indicators=len(stats.indicators)))
    return 1 if errors else 0
