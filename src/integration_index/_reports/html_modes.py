"""Self-contained HTML reports of development plans, progress and peer reviews (see html_doc for
the page and its safety)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from integration_index._analysis.peer_review import FactorReview, PeerReview
from integration_index._analysis.plan import DevelopmentPlan
from integration_index._analysis.progress import ProgressReport
from integration_index._i18n import Translator
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._reports import charts, modes
from integration_index._reports import plan as plans
from integration_index._reports.common import SectionSource, no_sections, value_word
from integration_index._reports.html_doc import Cell, Doc, Row, Table, value_of
from integration_index._reports.localise import localise_progress, localise_review

__all__ = ["peer_review_report", "plan_report", "progress_report"]

TICKS = (0, 25, 50, 75, 100)


def _text_table(
    doc: Doc, header: list[str], rows: list[list[str]], user: set[int], right: Sequence[int] = ()
) -> Table:
    """A table of plain-text rows; the columns in *user* hold text from profiles or frameworks."""
    return Table(
        header=header,
        rows=[
            Row(id=row[0], cells=[Cell(doc.u(c) if i in user else c) for i, c in enumerate(row)])
            for row in rows
        ],
        right=frozenset(right),
    )


# -- development plans -------------------------------------------------------------------------


def _objectives_figure(doc: Doc, plan: DevelopmentPlan, framework: Framework) -> None:
    tr = doc.tr
    if not plan.objectives:
        return
    bars = [
        charts.Bar(
            id=o.criterion,
            label=framework.node(o.criterion).title.get(tr.language),
            score=o.score,
            raw=None,
            lower=o.lower,
            upper=o.upper,
            coverage=1.0,
            score_text=tr.number(o.score),
            coverage_text=tr.number(o.target, 0),
            missing_text=tr.t("reports.html.not_scored"),
        )
        for o in plan.objectives
    ]
    targets = {o.target for o in plan.objectives}
    threshold = targets.pop() if len(targets) == 1 else None
    threshold_text = tr.number(threshold, 0) if threshold is not None else ""
    desc = tr.t("reports.html.chart_objectives_alt", count=len(bars))
    svg = charts.score_bars(
        bars,
        threshold=threshold,
        threshold_text=tr.t("reports.html.legend_target") + f" ({threshold_text})",
        title=tr.t("reports.html.chart_objectives"),
        desc=desc,
        ident=doc.chart_id(),
        ticks=[tr.integer(v) for v in TICKS],
    )
    legend = [
        ("bar", tr.t("reports.html.legend_score")),
        ("range", tr.t("reports.html.legend_bounds")),
    ]
    legend.append(("threshold", tr.t("reports.html.legend_target")))
    legend.append(("none", tr.t("reports.html.legend_target_column")))
    doc.figure("objectives", tr.t("reports.html.chart_objectives"), [svg], legend=legend, note=desc)


def _plan_objectives(doc: Doc, plan: DevelopmentPlan, framework: Framework) -> None:
    tr = doc.tr
    for index, objective in enumerate(plan.objectives, start=1):
        title = doc.u(framework.node(objective.criterion).title.get(tr.language))
        doc.h2(
            doc.m("reports.plan.objective", index=index, id=objective.criterion, title=title),
            anchor=f"objective-{index}",
        )
        for line in plans.objective_lines(objective, tr):
            doc.p(line)
        if objective.actions:
            header, rows = plans.objective_rows(objective, framework, tr)
            doc.table(_text_table(doc, header, rows, {1, 2}))
        examples = plans.example_items(objective.examples, tr, doc.u)
        items = [Markup("<strong>{}</strong>: {}").format(where, text) for where, text in examples]
        doc.items(items, title=tr.t("reports.plan.inspiration"))


def plan_report(
    plan: DevelopmentPlan,
    framework: Framework,
    card: ScoreCard,
    profile: CityProfile | None = None,
    *,
    tr: Translator,
    sections: SectionSource = no_sections,
) -> str:
    """A development plan as an HTML page."""
    doc = Doc(tr)
    intro = plans.plan_intro(plan, tr)
    _objectives_figure(doc, plan, framework)
    for kind, actions in plans.section_actions(plan):
        doc.h2(plans.section_heading(kind, len(actions), tr), anchor=kind)
        if not actions:
            doc.p(tr.t("reports.plan.none"))
            continue
        header, rows = plans.section_rows(kind, actions, framework, tr)
        doc.table(_text_table(doc, header, rows, {1, 2, 3}))
    _plan_objectives(doc, plan, framework)
    if plan.in_place:
        doc.p(
            doc.m(
                "reports.plan.shown_in_place",
                ids=Markup(plans.in_place_ids(plan, framework, tr, doc.u)),
            )
        )
    if plan.excluded:
        doc.h2(tr.t("reports.plan.excluded"), anchor="excluded")
        items = [
            Markup(item)
            for item in plans.excluded_items(
                plan, framework, tr, doc.u, lambda t: f"<strong>{t}</strong>"
            )
        ]
        doc.items(items, title=tr.t("reports.plan.excluded_intro"))
    doc.h2(tr.t("reports.plan.how"), anchor="method")
    doc.p(tr.t("reports.plan.method"))
    options = {"target": plan.target, "language": tr.language}
    doc.plugin_sections(sections, "plan", framework, [card], [profile] if profile else [], options)
    heading = doc.m(
        "reports.plan.title",
        city=doc.u(plan.city_name),
        framework=doc.u(framework.title.get(tr.language)),
    )
    notice = (
        tr.t("reports.common.illustrative")
        if profile is not None and profile.illustrative
        else None
    )
    return doc.page("plan", heading, lead=[intro[0], *intro[2:]], notice=notice)


# -- progress ----------------------------------------------------------------------------------


def _progress_table(doc: Doc, report: ProgressReport, dates: list[str]) -> Table:
    tr = doc.tr
    top = [n for n in report.nodes if n.depth == 1]
    header = [tr.t("reports.progress.col_id"), tr.t("reports.progress.col_criterion"), *dates]
    header += [tr.t("reports.progress.col_change"), tr.t("reports.progress.col_direction")]
    rows = []
    for node, texts in zip(top, modes.progress_rows(report, tr), strict=True):
        values = [None, None, *[value_of(s) for s in node.scores], value_of(node.delta), None]
        rows.append(
            Row(
                id=node.criterion,
                cells=[
                    Cell(doc.u(t) if i == 1 else t, v)
                    for i, (t, v) in enumerate(zip(texts, values, strict=True))
                ],
            )
        )
    return Table(header=header, rows=rows, right=frozenset(range(2, 3 + len(dates))))


def _progress_figure(doc: Doc, report: ProgressReport, first_line: str) -> None:
    tr = doc.tr
    dates = [tr.date(d) for d in report.dates]
    top = [n for n in report.nodes if n.depth == 1]
    desc = tr.t("reports.html.chart_progress_alt", count=len(top), dates=len(dates))
    note = []
    if report.counted_set_changed:
        note = _wrap(
            tr.t("reports.html.chart_progress_like", delta=tr.signed(report.like_for_like_delta)),
            92,
        )
    overall = charts.Series(
        id="",
        label=tr.t("reports.html.overall"),
        scores=tuple(report.overall),
        texts=tuple(tr.number(s) for s in report.overall),
    )
    big = charts.small_multiple(
        overall,
        dates,
        ident=doc.chart_id(),
        desc=first_line,
        width=720,
        height=170,
        note=note,
        overall=True,
    )
    doc.figure("overall", tr.t("reports.html.chart_overall"), [big])
    svgs = [
        charts.small_multiple(
            charts.Series(
                id=n.criterion,
                label=n.title,
                scores=tuple(n.scores),
                texts=tuple(tr.number(s) for s in n.scores),
            ),
            dates,
            ident=doc.chart_id(),
            desc=desc,
        )
        for n in top
    ]
    table = _progress_table(doc, report, dates)
    doc.figure(
        "progress",
        tr.t("reports.html.chart_progress"),
        svgs,
        table=table,
        note=desc,
        multiples=True,
    )


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def progress_report(
    report: ProgressReport,
    framework: Framework,
    tr: Translator,
    profiles: Sequence[CityProfile] = (),
    *,
    cards: Sequence[ScoreCard] = (),
    sections: SectionSource = no_sections,
) -> str:
    """Progress between assessments as an HTML page."""
    report = localise_progress(report, framework, tr)
    doc = Doc(tr)
    change = modes.overall_change(report, tr, doc.u)
    first, items = Markup(change[0]), [Markup(line[2:]) for line in change if line.startswith("- ")]
    if report.counted_set_changed:
        doc.items(items, title=tr.t("reports.progress.counted_differ"))
    _progress_figure(doc, report, str(first.striptags()))
    doc.h2(tr.t("reports.progress.what_moved"), anchor="moved")
    titles = {n.criterion: n.title for n in report.nodes}
    nothing = tr.t("common.nothing")
    for key, moved in (("up", report.moved_up), ("down", report.moved_down)):
        listed = Markup(", ").join(Markup("{} {}").format(i, doc.u(titles[i])) for i in moved)
        doc.p(doc.m(f"reports.progress.{key}", items=listed or nothing))
    leaves = [
        n for n in report.nodes if n.depth > 1 and n.direction in ("up", "down", "new", "lost")
    ]
    if leaves:
        doc.add("h3", text=tr.t("reports.progress.questions_changed"), cls=None)
        header = [tr.t(f"reports.progress.col_{n}") for n in ("id", "question", "change")]
        rows = [
            Row(
                id=n.criterion,
                cells=[
                    Cell(n.criterion),
                    Cell(doc.u(n.title)),
                    Cell(
                        tr.signed(n.delta)
                        if n.delta is not None
                        else value_word(tr, "direction", n.direction),
                        value_of(n.delta),
                    ),
                ],
            )
            for n in leaves
        ]
        doc.table(Table(header=header, rows=rows, right=frozenset({2})))
    doc.h2(tr.t("reports.progress.still_missing", date=tr.date(report.dates[-1])), anchor="missing")
    if report.still_missing:
        doc.items([Markup("{}: {}").format(i, doc.u(titles[i])) for i in report.still_missing])
    else:
        doc.p(tr.t("reports.progress.nothing_missing"))
    doc.plugin_sections(sections, "progress", framework, cards, profiles, {"language": tr.language})
    heading = doc.m(
        "reports.progress.title",
        city=doc.u(report.city_name),
        framework=doc.u(framework.title.get(tr.language)),
    )
    notice = tr.t("reports.common.illustrative") if any(p.illustrative for p in profiles) else None
    return doc.page("progress", heading, lead=[first], notice=notice)


# -- peer reviews ------------------------------------------------------------------------------


def _agreement_figure(doc: Doc, peer: PeerReview) -> None:
    tr = doc.tr
    factors = [f for f in peer.factors if f.questions]
    rows = []
    for f in factors:
        a = f.agreement
        text = tr.number(a.alpha, 3) if a.alpha is not None else tr.t("reports.html.alpha_missing")
        rows.append(charts.AlphaRow(id=f.criterion, label=f.title, alpha=a.alpha, text=text))
    desc = tr.t("reports.html.chart_agreement_alt", count=len(rows))
    svg = charts.alpha_chart(
        rows,
        title=tr.t("reports.html.chart_agreement"),
        desc=desc,
        ident=doc.chart_id(),
        tentative=tr.t("reports.html.legend_alpha_tentative"),
        firm=tr.t("reports.html.legend_alpha_firm"),
        ticks=[tr.number(-0.5), tr.integer(0), tr.number(0.5), tr.integer(1)],
    )
    header = [
        tr.t("reports.html.col_factor"),
        tr.t("reports.html.col_alpha"),
        tr.t("reports.html.col_units"),
    ]
    table_rows = [
        Row(
            id=f.criterion,
            cells=[
                Cell(Markup("{} {}").format(f.criterion, doc.u(f.title))),
                Cell(r.text, value_of(f.agreement.alpha, 3)),
                Cell(tr.integer(f.agreement.units), str(f.agreement.units)),
            ],
        )
        for f, r in zip(factors, rows, strict=True)
    ]
    legend = [
        ("bar", tr.t("reports.html.col_alpha")),
        ("weak", f"< {tr.number(0.667, 3)}"),
        ("threshold", tr.t("reports.html.legend_alpha_tentative")),
    ]
    doc.figure(
        "agreement",
        tr.t("reports.html.chart_agreement"),
        [svg],
        table=Table(header=header, rows=table_rows, right=frozenset({1, 2})),
        legend=legend,
        note=desc,
    )


def _disagreements(doc: Doc, peer: PeerReview) -> None:
    tr = doc.tr
    doc.h2(tr.t("reports.html.disagreements"), anchor="disagreements")
    flagged = [(f, q) for f in peer.factors for q in f.questions if q.disagreement]
    if not flagged:
        doc.p(tr.t("reports.html.no_disagreements"))
        return
    header = [tr.t(f"reports.peer.col_{n}") for n in ("id", "question", "ratings", "consensus")]
    rows = []
    for factor, question in flagged:
        (row,) = [r for r in modes.question_rows(factor, tr) if r[0] == question.criterion]
        rows.append(
            Row(
                id=question.criterion,
                cells=[Cell(row[0]), Cell(doc.u(row[1])), Cell(doc.u(row[2])), Cell(doc.u(row[3]))],
            )
        )
    doc.table(Table(header=header, rows=rows, cls="disagreements"))


def _factor_blocks(doc: Doc, factor: FactorReview, measured: frozenset[str]) -> None:
    tr = doc.tr
    doc.h2(
        Markup("{} {}").format(factor.criterion, doc.u(factor.title)),
        anchor=f"f-{factor.criterion}",
    )
    doc.p(modes.factor_line(factor, measured, tr))
    columns = ("id", "question", "ratings", "consensus", "flag")
    header = [tr.t(f"reports.peer.col_{n}") for n in columns]
    rows = [
        Row(
            id=r[0],
            cells=[
                Cell(r[0]),
                Cell(doc.u(r[1])),
                Cell(doc.u(r[2])),
                Cell(doc.u(r[3])),
                Cell(r[4], cls="flag" if r[4] else None),
            ],
        )
        for r in modes.question_rows(factor, tr)
    ]
    doc.table(Table(header=header, rows=rows))
    doc.items(
        [Markup(line) for line in modes.question_log(factor, tr, doc.u)],
        title=tr.t("reports.peer.evidence_log"),
    )
    doc.items([doc.u(f) for f in factor.findings], title=tr.t("reports.peer.findings"))
    doc.items(
        [doc.u(r) for r in factor.recommendations], title=tr.t("reports.peer.recommendations")
    )


def peer_review_report(
    peer: PeerReview,
    framework: Framework,
    card: ScoreCard,
    profile: CityProfile,
    tr: Translator,
    *,
    sections: SectionSource = no_sections,
) -> str:
    """A peer-review report as an HTML page."""
    peer = localise_review(peer, framework, tr)
    doc = Doc(tr)
    measured = frozenset(leaf.id for leaf in framework.leaves if leaf.goalposts is not None)
    lead: list[str] = []
    for paragraph in modes.review_head(peer, bool(measured), tr, doc.u):
        if isinstance(paragraph, list):
            doc.items(
                [Markup(w) for w in paragraph], title=tr.t("reports.peer.warnings"), cls="warning"
            )
        elif not lead:
            lead.append(Markup(paragraph))
        else:
            doc.p(Markup(paragraph))
    _agreement_figure(doc, peer)
    _disagreements(doc, peer)
    for factor in peer.factors:
        if factor.questions:
            _factor_blocks(doc, factor, measured)
    doc.plugin_sections(
        sections, "peer-review", framework, [card], [profile], {"language": tr.language}
    )
    heading = doc.m(
        "reports.peer.title",
        city=doc.u(peer.city_name),
        framework=doc.u(framework.title.get(tr.language)),
    )
    notice = tr.t("reports.common.illustrative") if profile.illustrative else None
    return doc.page("peer-review", heading, lead=lead, notice=notice)
