"""``integration-index uncertainty``: the uncertainty and sensitivity of the cities' ranks.

It reads profiles as ``compare`` does (a bad one is reported and left out), runs
:func:`integration_index.rank_uncertainty`, and writes a table, CSV (one row per city) or JSON
(everything, the convergence of the indices included), or a Markdown or HTML report (``render``,
with charts of the rank intervals in HTML). numpy is the ``analysis`` extra: without
it the command says what to install (a usage error, exit code 2).
"""

from __future__ import annotations

import argparse
import json

from integration_index._api import cohort_stats, load_cohort_stats, rank_uncertainty, score_many
from integration_index._api.reports import render as render_report
from integration_index._api.runs import enough, needs_cohort
from integration_index._cli import outputs
from integration_index._cli.analysis import Inputs
from integration_index._cli.common import UsageError, chosen_frameworks, error
from integration_index._cli.files import atomic_output, in_place, is_stdout
from integration_index._i18n import Translator, translator
from integration_index._model.cohort import CohortStats
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._reports.uncertainty import source_name, sources_text
from integration_index._vector import AnalysisUnavailable, require_numpy
from integration_index._vector.results import (
    SOURCES,
    AggregationSwitch,
    EvidenceSwitch,
    RankUncertainty,
    UncertaintySources,
    WeightNoise,
)

__all__ = ["CITY_COLUMNS", "city_values", "uncertainty"]

#: The CSV columns before the per-source indices.
CITY_COLUMNS = (
    "city_id",
    "city_name",
    "assessment_date",
    "score",
    "rank",
    "median_rank",
    "rank_low",
    "rank_high",
    "mean_rank",
    "top_k",
    "mean_score",
    "sd_score",
)
_DIGITS = {**outputs.DIGITS, "mean_rank": 2, "top_k": 3, "mean_score": 2, "sd_score": 2}


def _sources(args: argparse.Namespace) -> UncertaintySources:
    names = [n.strip() for n in args.sources.split(",") if n.strip()]
    if names == ["none"]:
        names = []
    unknown = [name for name in names if name not in SOURCES]
    if unknown:
        raise UsageError(
            f"--sources: unknown {', '.join(unknown)}; choose from {', '.join(SOURCES)} or none"
        )
    kind, _, value = args.weights.partition(":")
    try:
        noise = (
            WeightNoise(kind="uniform", spread=float(value or 0.25))
            if kind == "uniform"
            else WeightNoise(kind="dirichlet", concentration=float(value or 50))
            if kind == "dirichlet"
            else None
        )
        levels = tuple(int(d) for d in args.aggregation_levels.split(",") if d.strip())
        aggregation = AggregationSwitch(levels=levels)
        evidence = EvidenceSwitch(rules=tuple(r.strip() for r in args.evidence_rules.split(",")))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if noise is None:
        raise UsageError(
            f"--weights: expected uniform:SPREAD or dirichlet:CONCENTRATION, got {args.weights!r}"
        )
    return UncertaintySources(
        unassessed="unassessed" in names,
        weights=noise if "weights" in names else None,
        aggregation=aggregation if "aggregation" in names else None,
        evidence=evidence if "evidence" in names else None,
    )


def uncertainty(args: argparse.Namespace) -> int:
    try:
        require_numpy()
    except AnalysisUnavailable as exc:
        raise UsageError(str(exc)) from None
    chosen = chosen_frameworks(args)
    if len(chosen) != 1:
        raise UsageError("give the framework to rank by: --framework ID or --framework-file PATH")
    framework, sources = chosen[0], _sources(args)
    input_errors: list[str] = []
    profiles: list[CityProfile] = []
    failed = 0
    cohort = _cohort(args, framework)
    for result in score_many(
        Inputs(args.paths, input_errors), [framework], keep_profiles=True,
        skip_unassessed=True, registry=args.registry, cohort=cohort,
    ):  # fmt: skip
        if not result.ok:
            failed += 1
            assert result.error is not None
            error(result.error.format())
        elif result.cards and result.profile is not None:
            profiles.append(result.profile)
    for message in input_errors:
        error(message)
    if not profiles:
        kept = (
            ""
            if is_stdout(args.output) or in_place(args.output)
            else f"; {args.output} was not changed"
        )
        error(f"nothing to analyse: no profile assesses {framework.id!r}{kept}")
        return 1
    try:
        built = rank_uncertainty(
            profiles, framework, draws=args.draws, seed=args.seed, sources=sources,
            top_k=args.top_k, registry=args.registry, cohort=cohort,
        )  # fmt: skip
    except ValueError as exc:  # two assessments of one city on one date: an input problem
        error(str(exc))
        return 1
    with atomic_output(args.output) as stream:
        stream.write(render(built, args.format, getattr(args, "language", "en")))
    return 1 if failed or input_errors else 0


def _cohort(args: argparse.Namespace, framework: Framework) -> CohortStats | None:
    """The statistics every profile is scored against, once for both passes (None when the
    framework needs none): --cohort-stats, else those of --cohort, else of the profiles ranked."""
    if args.cohort and args.cohort_stats:
        raise UsageError("give --cohort or --cohort-stats, not both")
    if not needs_cohort(framework):
        return None
    if args.cohort_stats:
        return load_cohort_stats(args.cohort_stats)
    paths = Inputs(list(args.cohort or args.paths), [])
    stats = cohort_stats(paths, framework, registry=args.registry)
    return enough({framework.id: stats})[framework.id]


def city_values(result: RankUncertainty) -> tuple[tuple[str, ...], list[list[outputs.Value]]]:
    """The CSV columns (CITY_COLUMNS, then each source's indices) and one typed row per city."""
    per_source = [
        f"{what}_{source}"
        for source in result.sources
        for what in ("rank_s1", "rank_st", "score_s1", "score_st")
    ]
    rows: list[list[outputs.Value]] = []
    for c in result.cities:
        indices: list[outputs.Value] = []
        for source in result.sources:
            indices += [c.rank_first_order[source], c.rank_total[source]]
            indices += [c.score_first_order[source], c.score_total[source]]
        rows.append(
            [c.city_id, c.city_name, c.assessment_date, c.score, c.rank, c.median_rank,
             c.rank_low, c.rank_high, c.mean_rank, c.top_k, c.mean_score, c.sd_score, *indices]
        )  # fmt: skip
    return (*CITY_COLUMNS, *per_source), rows


def render(result: RankUncertainty, fmt: str, language: str = "en") -> str:
    """The result as a table (its words and decimal marks in *language*), CSV (one row per
    city), JSON, or a Markdown or HTML report in *language*."""
    if fmt in ("markdown", "html"):
        try:
            return render_report(
                result, format="html" if fmt == "html" else "markdown", language=language
            )
        except ImportError as exc:  # html without the reports extra
            raise UsageError(str(exc)) from None
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    columns, rows = city_values(result)
    digits = {**_DIGITS, **dict.fromkeys(columns[len(CITY_COLUMNS) :], 3)}
    if fmt == "csv":
        return outputs.csv_header(columns) + outputs.csv_text(rows, columns, digits=digits)
    return _table(result, columns, rows, digits, translator(language))


def _table(
    result: RankUncertainty,
    columns: tuple[str, ...],
    rows: list[list[outputs.Value]],
    digits: dict[str, int],
    tr: Translator,
) -> str:
    sources = sources_text(result, tr, domain="cli.uncertainty")
    lines = [
        tr.t(
            "cli.uncertainty.summary", framework=result.framework_id, count=len(result.cities),
            runs=str(result.runs), sample=str(result.base_sample), seed=str(result.seed),
        ),
        tr.t("cli.uncertainty.sources", sources=sources),
        "",
    ]  # fmt: skip
    names = ("rank", "city", "score", "median", "low", "high", "top", "mean", "sd")
    header = tuple(
        tr.t(f"cli.uncertainty.col_{name}", **({"k": result.top_k} if name == "top" else {}))
        for name in names
    )
    mark = tr.number(0.5)[1]
    picked = (
        "rank",
        "city_name",
        "score",
        "median_rank",
        "rank_low",
        "rank_high",
        "top_k",
        "mean_score",
        "sd_score",
    )
    cells = [outputs.text_cells(row, columns, digits=digits) for row in rows]
    table = [
        [cell[columns.index(name)] if i == 1 else cell[columns.index(name)].replace(".", mark)
         for i, name in enumerate(picked)]
        for cell in cells
    ]  # fmt: skip
    lines += _aligned(header, table, left=(1,))
    if result.sensitivity:
        lines += ["", tr.t("cli.uncertainty.sensitivity")]
        sens = [
            [source_name(tr, s.source, "cli.uncertainty"), f"{s.first_order:.3f}", f"{s.total:.3f}",
             "  ".join(f"{p.base_sample}:{p.first_order:.2f}/{p.total:.2f}" for p in s.convergence)]
            for s in result.sensitivity
        ]  # fmt: skip
        sens = [[row[0], *(cell.replace(".", mark) for cell in row[1:])] for row in sens]
        words = ("source", "first", "total", "convergence")
        lines += _aligned(tuple(tr.t(f"cli.uncertainty.col_{w}") for w in words), sens, (0, 3))
    return "\n".join(lines) + "\n"


def _aligned(header: tuple[str, ...], rows: list[list[str]], left: tuple[int, ...]) -> list[str]:
    """Aligned lines: the *left* columns padded on the right, the others on the left."""
    widths = [max([len(header[i]), *(len(r[i]) for r in rows)]) for i in range(len(header))]
    return [
        "  ".join(
            cell.ljust(width) if i in left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in [list(header), *rows]
    ]
