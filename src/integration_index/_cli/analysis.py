"""Cross-city analysis on the command line: ``--cohort``/``--cohort-stats``/``--weights`` for
``score`` and ``compare``, peer-group options for ``compare``, and the ``what-if`` and
``cohort-stats`` commands."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from integration_index._analysis.peers import PeerRule
from integration_index._api import (
    cohort_stats,
    dumps_cohort_stats,
    load_profile,
    what_if,
)
from integration_index._cli.common import UsageError, chosen_frameworks, error
from integration_index._cli.files import atomic_output
from integration_index._cli.run_inputs import Inputs, run_options
from integration_index._i18n import translator
from integration_index._io.cards import scorecard_to_dict
from integration_index.exceptions import IntegrationIndexError

__all__ = ["Inputs", "cohort_stats_command", "peer_rule", "run_options", "what_if_command"]

Command = Callable[[str, str], argparse.ArgumentParser]


def peer_rule(args: argparse.Namespace) -> PeerRule:
    """The peer rule the options give."""
    factors = tuple(f for f in args.similar_on.split(",") if f)
    try:
        return PeerRule(by=args.peers, k=args.k, factors=factors)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


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
