"""The uncertainty and sensitivity of a ranking as a self-contained HTML page: each city's rank
interval and median (a chart and its table), its share of runs in the top k, and the
sensitivity of the ranks to each source with the convergence of the indices."""

from __future__ import annotations

from integration_index._i18n import Translator
from integration_index._reports import rank_charts
from integration_index._reports.html_doc import Cell, Doc, Row, Table, value_of
from integration_index._reports.uncertainty import (
    CITY_COLUMNS,
    city_rows,
    sensitivity_rows,
    sources_text,
    summary_text,
)
from integration_index._vector.results import RankUncertainty

__all__ = ["uncertainty_report"]

_CITY_RIGHT = frozenset({0, 2, 3, 4, 5, 6, 7, 8})


def _ranks(doc: Doc, result: RankUncertainty) -> None:
    tr, t = doc.tr, doc.tr.t
    texts = city_rows(result, tr)
    rows = [
        rank_charts.RankRow(
            id=c.city_id, label=c.city_name, rank=c.rank, median=c.median_rank,
            low=c.rank_low, high=c.rank_high,
            text=f"{c.median_rank} ({c.rank_low}–{c.rank_high})",
        )
        for c in result.cities
    ]  # fmt: skip
    desc = t("reports.uncertainty.chart_ranks_alt", count=len(rows))
    svg = rank_charts.rank_chart(
        rows, title=t("reports.uncertainty.chart_ranks"), desc=desc, ident=doc.chart_id()
    )
    header = [
        t(f"reports.uncertainty.col_{n}", **({"k": result.top_k} if n == "top" else {}))
        for n in CITY_COLUMNS
    ]
    body = []
    for c, text in zip(result.cities, texts, strict=True):
        values = [str(c.rank), None, value_of(c.score), str(c.median_rank), str(c.rank_low)]
        values += [str(c.rank_high), value_of(c.top_k, 4), value_of(c.mean_score, 2)]
        values.append(value_of(c.sd_score, 2))
        pairs = enumerate(zip(text, values, strict=True))
        cells = [Cell(doc.u(s) if i == 1 else s, v) for i, (s, v) in pairs]
        body.append(Row(id=c.city_id, cells=cells))
    legend = [
        ("range", t("reports.uncertainty.legend_interval")),
        ("reached", t("reports.uncertainty.legend_median")),
        ("raw", t("reports.uncertainty.legend_point")),
    ]
    table = Table(header=header, rows=body, right=_CITY_RIGHT)
    caption = t("reports.uncertainty.chart_ranks")
    doc.figure("uncertainty", caption, [svg], legend=legend, note=desc, table=table)


def _top_k(doc: Doc, result: RankUncertainty) -> None:
    tr, t, k = doc.tr, doc.tr.t, result.top_k
    rows = [
        rank_charts.ShareRow(
            id=c.city_id, label=c.city_name, values=(c.top_k,), text=tr.percent(c.top_k, 1)
        )
        for c in result.cities
    ]
    desc = t("reports.uncertainty.chart_top_alt", count=len(rows), k=k)
    title = t("reports.uncertainty.chart_top", k=k)
    ticks = [tr.percent(v) for v in (0, 0.25, 0.5, 0.75, 1)]
    svg = rank_charts.share_bars(rows, title=title, desc=desc, ident=doc.chart_id(), ticks=ticks)
    header = [t("reports.uncertainty.col_city"), t("reports.uncertainty.col_top", k=k)]
    body = [
        Row(id=c.city_id, cells=[Cell(doc.u(c.city_name)), Cell(r.text, value_of(c.top_k, 4))])
        for c, r in zip(result.cities, rows, strict=True)
    ]
    table = Table(header=header, rows=body, right=frozenset({1}))
    doc.figure("top-k", title, [svg], note=desc, table=table)


def _sensitivity(doc: Doc, result: RankUncertainty) -> None:
    tr, t = doc.tr, doc.tr.t
    texts = sensitivity_rows(result, tr)
    rows = [
        rank_charts.ShareRow(
            id=s.source, label=text[0], values=(s.first_order, s.total),
            text=f"{text[1]} / {text[2]}",
        )
        for s, text in zip(result.sensitivity, texts, strict=True)
    ]  # fmt: skip
    desc = t("reports.uncertainty.chart_sensitivity_alt", count=len(rows))
    title = t("reports.uncertainty.chart_sensitivity")
    ticks = [tr.number(v, 2) for v in (0, 0.25, 0.5, 0.75, 1)]
    svg = rank_charts.share_bars(rows, title=title, desc=desc, ident=doc.chart_id(), ticks=ticks)
    words = ("source", "base", "runs", "first", "total")
    header = [t(f"reports.uncertainty.col_{w}") for w in words]
    body = [
        Row(
            id=s.source,
            cells=[
                Cell(text[0]), Cell(str(p.base_sample), str(p.base_sample)),
                Cell(str(p.runs), str(p.runs)),
                Cell(tr.number(p.first_order, 3), value_of(p.first_order, 3)),
                Cell(tr.number(p.total, 3), value_of(p.total, 3)),
            ],
        )
        for s, text in zip(result.sensitivity, texts, strict=True)
        for p in s.convergence
    ]  # fmt: skip
    legend = [
        ("bar", t("reports.uncertainty.legend_first")),
        ("weak", t("reports.uncertainty.legend_total")),
    ]
    table = Table(header=header, rows=body, right=frozenset({1, 2, 3, 4}))
    doc.figure("sensitivity", title, [svg], legend=legend, note=desc, table=table)


def uncertainty_report(result: RankUncertainty, tr: Translator) -> str:
    """*result* as an HTML page in *tr*'s language."""
    doc = Doc(tr)
    t = doc.tr.t
    doc.h2(t("reports.uncertainty.ranks"), anchor="ranks")
    doc.p(t("reports.uncertainty.ranks_intro"))
    _ranks(doc, result)
    _top_k(doc, result)
    doc.h2(t("reports.uncertainty.sensitivity"), anchor="sensitivity")
    if result.sensitivity:
        shift = doc.tr.number(result.mean_rank_shift, 2)
        doc.p(t("reports.uncertainty.sensitivity_intro", shift=shift))
        _sensitivity(doc, result)
    else:
        doc.p(t("reports.uncertainty.no_sensitivity"))
    if result.scalar_nodes:
        nodes = ", ".join(result.scalar_nodes)
        doc.p(doc.m("reports.uncertainty.scalar_nodes", nodes=nodes))
    heading = doc.m("reports.uncertainty.title", framework=doc.u(result.framework_id))
    summary = doc.tr.t("reports.uncertainty.sources", sources=sources_text(result, doc.tr))
    return doc.page("uncertainty", heading, lead=[summary_text(result, doc.tr), summary])
