"""The cross-city options ``score``, ``compare`` and ``uncertainty`` share: ``--cohort``,
``--cohort-stats`` and ``--weights``.

Apart from :mod:`integration_index._cli.analysis` so that ``score`` imports none of the what-if
and cohort-statistics code unless an option asks for a file it reads.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from integration_index._cli.commands import safe_inputs
from integration_index._cli.common import UsageError
from integration_index.exceptions import IntegrationIndexError

__all__ = ["Inputs", "run_options"]


class Inputs:
    """The files the paths name, walked anew at each iteration (a cohort needs two passes); a
    path that names none is reported once."""

    def __init__(self, paths: list[str], errors: list[str]) -> None:
        self.paths, self.errors, self.walked = paths, errors, False

    def __iter__(self) -> Iterator[str]:
        first, self.walked = not self.walked, True
        return safe_inputs(self.paths, self.errors if first else [])


def run_options(args: argparse.Namespace) -> dict[str, Any]:
    """score_many's cohort= and weights= from the options (files read now: a bad one is a
    usage error naming its line)."""
    options: dict[str, Any] = {}
    if args.cohort and args.cohort_stats:
        raise UsageError("give --cohort or --cohort-stats, not both")
    try:
        if args.cohort_stats:
            from integration_index._api.cohort import load_cohort_stats

            options["cohort"] = load_cohort_stats(args.cohort_stats)
        elif args.cohort:
            options["cohort"] = Inputs(list(args.cohort), [])
        if args.weights:
            from integration_index._api.cohort import load_weights

            options["weights"] = load_weights(args.weights)
    except IntegrationIndexError as exc:
        raise UsageError(exc.format()) from None
    return options
