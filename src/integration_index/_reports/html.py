"""Self-contained HTML reports of score cards (a profile through its frameworks) and of
rankings; ``html_modes`` renders plans, progress and peer reviews, ``html_doc`` holds the page.

Each report is one file: inline CSS and SVG charts, nothing loaded, every string from a profile,
a framework or a plugin escaped (see html_doc).
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from integration_index._analysis.compare import Ranking
from integration_index._i18n import Translator
from integration_index._model.criteria import Criterion
from integration_index._model.crosswalk import Crosswalk
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scale import Scale
from integration_index._model.scorecard import ScoreCard
from integration_index._reports import charts
from integration_index._reports.common import (
    SectionSource,
    band_label,
    no_sections,
    peer_groups_text,
    reason_text,
    value_word,
)
from integration_index._reports.html_doc import Cell, Doc, Row, Table, value_of
from integration_index._reports.html_modes import (
    peer_review_report,
    plan_report,
    progress_report,
)
from integration_index._reports.html_uncertainty import uncertainty_report
from integration_index._reports.html_whatif import what_if_report
from integration_index._reports.markdown import (
    COMPARE_RIGHT,
    compare_columns,
    compare_rows,
    context_items,
    crosswalk_rows,
    has_intervals,
    profile_details,
)
from integration_index._reports.notes import NOTES_RIGHT, analysis_notes

__all__ = [
    "compare_report",
    "peer_review_report",
    "plan_report",
    "profile_report",
    "progress_report",
    "uncertainty_report",
    "what_if_report",
]


# -- score cards -------------------------------------------------------------------------------


def _card_summary(doc: Doc, card: ScoreCard) -> None:
    tr = doc.tr
    overall = card.overall.adjusted
    cards = [
        {
            "name": "score",
            "label": tr.t("reports.html.summary_score"),
            "text": tr.t("reports.common.out_of_100", score=tr.number(overall.score)),
            "value": value_of(overall.score),
        },
        {
            "name": "bounds",
            "label": tr.t("reports.html.summary_bounds"),
            "text": tr.t(
                "reports.common.range",
                lower=tr.number(overall.lower),
                upper=tr.number(overall.upper),
            ),
            "value": None,
        },
        {
            "name": "coverage",
            "label": tr.t("reports.html.summary_coverage"),
            "text": tr.percent(overall.coverage),
            "value": value_of(overall.coverage, 4),
        },
        {
            "name": "evidence",
            "label": tr.t("reports.html.summary_evidence"),
            "text": tr.integer(card.overall.evidence_count),
            "value": str(card.overall.evidence_count),
        },
    ]
    raw = card.overall.raw.score
    if raw != overall.score:
        cards.insert(
            1,
            {
                "name": "raw",
                "label": tr.t("reports.html.summary_raw"),
                "text": tr.number(raw),
                "value": value_of(raw),
            },
        )
    doc.add("cards", cards=cards)


def _score_table(doc: Doc, card: ScoreCard, framework: Framework) -> Table:
    tr = doc.tr
    columns = ("id", "criterion", "score", "raw", "bounds", "coverage", "evidence")
    rows = []
    for top in framework.criteria:
        result = card.node(top.id)
        adjusted = result.adjusted
        applicable = adjusted.applicable
        bounds = tr.t(
            "reports.common.range", lower=tr.number(adjusted.lower), upper=tr.number(adjusted.upper)
        )
        score_text = (
            tr.number(adjusted.score) if applicable else tr.t("reports.score.not_applicable")
        )
        rows.append(
            Row(
                id=top.id,
                cells=[
                    Cell(top.id),
                    Cell(doc.u(top.title.get(tr.language))),
                    Cell(score_text, value_of(adjusted.score) if applicable else None),
                    Cell(tr.number(result.raw.score), value_of(result.raw.score)),
                    Cell(bounds if applicable else "", value_of(adjusted.lower)),
                    Cell(
                        tr.percent(adjusted.coverage) if applicable else "",
                        value_of(adjusted.coverage, 4),
                    ),
                    Cell(tr.integer(result.evidence_count), str(result.evidence_count)),
                ],
            )
        )
    header = [tr.t(f"reports.score.col_{name}") for name in columns]
    return Table(header=header, rows=rows, right=frozenset({2, 3, 4, 5, 6}), cls="score-table")


def _bars(doc: Doc, card: ScoreCard, framework: Framework) -> list[charts.Bar]:
    tr = doc.tr
    bars = []
    for top in framework.criteria:
        result = card.node(top.id)
        adjusted = result.adjusted
        missing = (
            "reports.score.not_applicable" if not adjusted.applicable else "reports.html.not_scored"
        )
        bars.append(
            charts.Bar(
                id=top.id,
                label=top.title.get(tr.language),
                score=adjusted.score if adjusted.applicable else None,
                raw=result.raw.score,
                lower=adjusted.lower,
                upper=adjusted.upper,
                coverage=adjusted.coverage,
                score_text=tr.number(adjusted.score),
                coverage_text=tr.percent(adjusted.coverage) if adjusted.applicable else "",
                missing_text=tr.t(missing),
            )
        )
    return bars


def _score_figure(doc: Doc, card: ScoreCard, framework: Framework) -> None:
    tr = doc.tr
    bars = _bars(doc, card, framework)
    threshold = framework.settings.in_place_threshold
    threshold_text = tr.number(threshold, 0) if threshold is not None else ""
    desc = (
        tr.t("reports.html.chart_score_alt", count=len(bars), threshold=threshold_text)
        if threshold is not None
        else tr.t("reports.html.chart_score_alt_no_threshold", count=len(bars))
    )
    svg = charts.score_bars(
        bars,
        threshold=threshold,
        threshold_text=tr.t("reports.html.legend_threshold", threshold=threshold_text),
        title=tr.t("reports.html.chart_score"),
        desc=desc,
        ident=doc.chart_id(),
        ticks=[tr.integer(v) for v in (0, 25, 50, 75, 100)],
    )
    legend = [
        ("bar", tr.t("reports.html.legend_score")),
        ("range", tr.t("reports.html.legend_bounds")),
    ]
    if any(
        b.raw is not None and b.score is not None and abs(b.raw - b.score) >= 0.05 for b in bars
    ):
        legend.append(("raw", tr.t("reports.html.legend_raw")))
    if threshold is not None:
        legend.append(
            ("threshold", tr.t("reports.html.legend_threshold", threshold=threshold_text))
        )
    legend.append(("pct", tr.t("reports.html.legend_coverage")))
    table = _score_table(doc, card, framework)
    doc.figure(
        "score",
        tr.t("reports.html.chart_score"),
        [svg],
        table=table,
        legend=legend,
        note=desc,
        key=framework.id,
    )


def _level_grids(doc: Doc, card: ScoreCard, framework: Framework) -> None:
    """The level grid of each top-level group whose items are leaves on one scale (an
    engagement spectrum: stakeholders by level), for frameworks of a few such groups."""
    if len(framework.criteria) > 4:
        return
    for top in framework.criteria:
        leaves = top.children
        if not leaves or any(leaf.children for leaf in leaves):
            continue
        scales = {framework.scale_of(leaf) for leaf in leaves}
        scale = scales.pop() if len(scales) == 1 else None
        if scale is not None and 3 <= len(scale.levels) <= 7:
            _level_grid(doc, card, top, scale)


def _level_grid(doc: Doc, card: ScoreCard, top: Criterion, scale: Scale) -> None:
    tr = doc.tr
    ids = [level.id for level in scale.levels]
    labels = [level.label.get(tr.language) for level in scale.levels]
    unrated = tr.t("reports.html.spectrum_unrated")
    rows, table_rows = [], []
    for leaf in top.children:
        level = card.node(leaf.id).level
        reached = ids.index(level) if level in ids else None
        label = leaf.title.get(tr.language)
        rows.append(charts.GridRow(id=leaf.id, label=label, reached=reached, missing_text=unrated))
        now = labels[reached] if reached is not None else unrated
        nxt = "" if reached is None else tr.t("reports.html.spectrum_top")
        if reached is not None and reached + 1 < len(labels):
            nxt = labels[reached + 1]
        value = None if reached is None else str(reached)
        cells = [Cell(doc.u(label)), Cell(doc.u(now), value), Cell(doc.u(nxt))]
        table_rows.append(Row(id=leaf.id, cells=cells))
    title = tr.t("reports.html.chart_spectrum", title=top.title.get(tr.language))
    desc = tr.t(
        "reports.html.chart_spectrum_alt",
        count=len(rows),
        levels=len(labels),
        first=labels[0],
        last=labels[-1],
    )
    svg = charts.level_grid(rows, labels, title=title, desc=desc, ident=doc.chart_id())
    header = [tr.t(f"reports.html.spectrum_{k}") for k in ("item", "level", "next")]
    legend = [
        ("reached", tr.t("reports.html.legend_reached")),
        ("next", tr.t("reports.html.legend_next")),
    ]
    caption = doc.m("reports.html.chart_spectrum", title=doc.u(top.title.get(tr.language)))
    table = Table(header=header, rows=table_rows)
    doc.figure("levels", caption, [svg], table=table, legend=legend, note=desc)


def _card_blocks(doc: Doc, card: ScoreCard, framework: Framework) -> None:
    tr = doc.tr
    doc.h2(
        doc.m(
            "reports.score.framework_heading",
            title=doc.u(framework.title.get(tr.language)),
            id=framework.id,
            version=doc.u(framework.version),
        ),
        anchor=f"fw-{framework.id}",
    )
    _card_summary(doc, card)
    _score_figure(doc, card, framework)
    _level_grids(doc, card, framework)
    modifiers = [
        doc.m(
            "reports.score.modifier_line",
            effect=value_word(tr, "effect", m.effect),
            criteria=", ".join(m.criteria),
            factor=doc.m(
                "reports.score.modifier_factor",
                factor=doc.u(m.factor),
                value=doc.u(repr(m.factor_value)),
            )
            if m.factor
            else "",
            reason=doc.u(m.reason),
            origin=doc.u(m.origin),
        )
        for m in card.modifiers
    ]
    doc.items(modifiers, title=tr.t("reports.score.modifiers"))
    recorded = [
        doc.m("reports.score.context_line", title=doc.u(title), value=doc.u(value))
        for title, value in context_items(card, framework, tr)
    ]
    doc.items(recorded, title=tr.t("reports.score.context"))
    _notes(doc, card)
    for warning in card.warnings:
        doc.p(doc.m("reports.common.note", text=doc.u(reason_text(tr, warning))), cls="notice")


def _notes(doc: Doc, card: ScoreCard) -> None:
    """The cohort rules and statistics used, imputed values, switched-off criteria, weights."""
    notes = analysis_notes(card, doc.tr, doc.m, doc.u)
    if notes.cohort is not None:
        doc.p(notes.cohort)
        rows = [Row(cells=[Cell(text) for text in row]) for row in notes.rows]
        doc.table(Table(header=notes.header, rows=rows, right=frozenset(NOTES_RIGHT)))
    for sentence in notes.sentences:
        doc.p(sentence)


def profile_report(
    profile: CityProfile,
    cards: Sequence[tuple[Framework, ScoreCard]],
    tr: Translator,
    *,
    sections: SectionSource = no_sections,
    crosswalks: Sequence[Crosswalk] = (),
) -> str:
    """One city through every framework it was scored against, as an HTML page."""
    doc = Doc(tr)
    if len(cards) > 1:
        header = [
            tr.t(f"reports.profile.col_{n}") for n in ("framework", "score", "raw", "coverage")
        ]
        rows = [
            Row(
                id=f.id,
                cells=[
                    Cell(f.id),
                    Cell(tr.number(c.score), value_of(c.score)),
                    Cell(tr.number(c.raw_score), value_of(c.raw_score)),
                    Cell(tr.percent(c.coverage), value_of(c.coverage, 4)),
                ],
            )
            for f, c in cards
        ]
        doc.table(Table(header=header, rows=rows, right=frozenset({1, 2, 3})))
    for framework, card in cards:
        _card_blocks(doc, card, framework)
        doc.plugin_sections(
            sections, "score", framework, [card], [profile], {"language": tr.language}
        )
    if len(cards) > 1:
        rows_text = crosswalk_rows(cards, crosswalks, tr)
        if rows_text:
            doc.h2(tr.t("reports.crosswalk.title"), anchor="crosswalk")
            header = [
                tr.t(f"reports.crosswalk.col_{n}")
                for n in ("criterion", "score", "relation", "related", "score")
            ]
            rows = [
                Row(
                    cells=[Cell(doc.u(r[0])), Cell(r[1]), Cell(r[2]), Cell(doc.u(r[3])), Cell(r[4])]
                )
                for r in rows_text
            ]
            doc.table(Table(header=header, rows=rows, right=frozenset({1, 4})))
    heading = doc.m("reports.profile.title", city=doc.u(profile.city.name))
    lead = [Markup(", ").join(doc.u(d) for d in profile_details(profile, tr)) + "."]
    notice = tr.t("reports.common.illustrative") if profile.illustrative else None
    return doc.page("score", heading, lead=lead, notice=notice)


# -- rankings ----------------------------------------------------------------------------------


def _interval_rows(ranking: Ranking, tr: Translator) -> list[charts.IntervalRow]:
    """The ranking's cities under their peer groups, each with its bounds and overlap mark."""
    rows: list[charts.IntervalRow] = []
    for band in dict.fromkeys(r.band for r in ranking.rows):
        rows.append(charts.IntervalRow(id="", label=band_label(tr, ranking, band), heading=True))
        for r in sorted((r for r in ranking.rows if r.band == band), key=lambda r: r.band_rank):
            text = tr.number(r.score)
            rows.append(
                charts.IntervalRow(
                    id=r.city_id,
                    label=r.city_name,
                    score=r.score,
                    lower=r.lower,
                    upper=r.upper,
                    text=tr.t("reports.compare.rank_overlaps", rank=text) if r.overlaps else text,
                    overlaps=r.overlaps,
                )
            )
    return rows


def _ranking_table(doc: Doc, ranking: Ranking) -> Table:
    table_rows = []
    intervals = has_intervals(ranking)
    for r, texts in zip(ranking.rows, compare_rows(ranking, doc.tr), strict=True):
        population = None if r.population is None else str(r.population)
        values = [str(r.rank), None, None, population, None, str(r.band_rank)]
        values += [value_of(r.score), value_of(r.lower), str(r.rank_best) if r.rank_best else None]
        values += [value_of(r.coverage, 4), r.assessment_date]
        values += [None if r.interval_lo is None else str(r.interval_lo)] if intervals else []
        cells = [
            Cell(doc.u(t) if i in (1, 2) else t, v)
            for i, (t, v) in enumerate(zip(texts, values, strict=True))
        ]
        table_rows.append(Row(id=r.city_id, cells=cells))
    header = [doc.tr.t(f"reports.compare.col_{name}") for name in compare_columns(ranking)]
    right = COMPARE_RIGHT | ({len(header) - 1} if intervals else set())
    return Table(header=header, rows=table_rows, right=frozenset(right))


def compare_report(ranking: Ranking, framework: Framework, tr: Translator) -> str:
    """A ranking with peer groups, bounds, the ranks they allow and overlap marks, as an HTML
    page."""
    doc = Doc(tr)
    desc = tr.t("reports.html.chart_compare_alt", count=len(ranking.rows))
    svg = charts.interval_chart(
        _interval_rows(ranking, tr),
        title=tr.t("reports.html.chart_compare"),
        desc=desc,
        ident=doc.chart_id(),
        ticks=[tr.integer(v) for v in (0, 25, 50, 75, 100)],
    )
    legend = [("reached", tr.t("reports.html.legend_score"))]
    if any(r.lower is not None and r.upper is not None for r in ranking.rows):
        legend.append(("range", tr.t("reports.html.legend_bounds")))
    if any(r.overlaps for r in ranking.rows):
        legend.append(("overlaps", tr.t("reports.html.legend_overlaps")))
    groups = peer_groups_text(ranking, tr, doc.m, doc.u)
    doc.p(doc.m("reports.compare.intro", groups=Markup(groups)))
    caption = tr.t("reports.html.chart_compare")
    table = _ranking_table(doc, ranking)
    doc.figure("compare", caption, [svg], legend=legend, note=desc, table=table)
    heading = doc.m("reports.compare.title", framework=doc.u(framework.title.get(tr.language)))
    return doc.page("compare", heading)
