"""Markdown reports of progress between assessments and of peer reviews, in the translator's
language."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from integration_index._analysis.agreement import Agreement
from integration_index._analysis.peer_review import FactorReview, PeerReview
from integration_index._analysis.progress import ProgressReport
from integration_index._i18n import Translator
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._reports.common import (
    SectionSource,
    md_text,
    no_sections,
    plugin_sections,
    reason_text,
    table,
    value_word,
)
from integration_index._reports.localise import localise_progress, localise_review

__all__ = [
    "overall_change",
    "peer_review_report",
    "progress_report",
    "progress_rows",
    "question_log",
    "review_head",
]


def _same(text: str) -> str:
    return text


def progress_rows(report: ProgressReport, tr: Translator) -> list[list[str]]:
    """The top-level criteria's scores per assessment, change and direction (plain text)."""
    return [
        [
            node.criterion,
            node.title,
            *[tr.number(s) for s in node.scores],
            tr.signed(node.delta) if node.delta is not None else "",
            value_word(tr, "direction", node.direction),
        ]
        for node in report.nodes
        if node.depth == 1
    ]


def progress_report(
    report: ProgressReport,
    framework: Framework,
    tr: Translator,
    profiles: Sequence[CityProfile] = (),
    *,
    cards: Sequence[ScoreCard] = (),
    sections: SectionSource = no_sections,
) -> str:
    """Progress between assessments as Markdown."""
    report = localise_progress(report, framework, tr)
    dates = [tr.date(d) for d in report.dates]
    title = tr.t(
        "reports.progress.title",
        city=md_text(report.city_name),
        framework=md_text(framework.title.get(tr.language)),
    )
    lines = [f"# {title}", ""]
    if any(p.illustrative for p in profiles):
        lines += ["> " + tr.t("reports.common.illustrative"), ""]
    lines += [*overall_change(report, tr, md_text), ""]
    header = [tr.t("reports.progress.col_id"), tr.t("reports.progress.col_criterion"), *dates]
    header += [tr.t("reports.progress.col_change"), tr.t("reports.progress.col_direction")]
    lines += table(header, progress_rows(report, tr)) + [""]
    lines += ["## " + tr.t("reports.progress.what_moved"), ""]
    titles = {n.criterion: md_text(n.title) for n in report.nodes}
    nothing = tr.t("common.nothing")
    for key, moved in (("up", report.moved_up), ("down", report.moved_down)):
        items = ", ".join(f"{i} {titles[i]}" for i in moved) or nothing
        lines.append("- " + tr.t(f"reports.progress.{key}", items=items))
    moved_leaves = [
        n for n in report.nodes if n.depth > 1 and n.direction in ("up", "down", "new", "lost")
    ]
    if moved_leaves:
        lines += ["", tr.t("reports.progress.questions_changed"), ""]
        header = [tr.t(f"reports.progress.col_{n}") for n in ("id", "question", "change")]
        changes = [
            tr.signed(n.delta) if n.delta is not None else value_word(tr, "direction", n.direction)
            for n in moved_leaves
        ]
        rows = [[n.criterion, n.title, c] for n, c in zip(moved_leaves, changes, strict=True)]
        lines += table(header, rows)
    lines += ["", "## " + tr.t("reports.progress.still_missing", date=dates[-1]), ""]
    if report.still_missing:
        lines += [f"- {i}: {titles[i]}" for i in report.still_missing]
    else:
        lines.append(tr.t("reports.progress.nothing_missing"))
    options = {"language": tr.language}
    lines += plugin_sections(tr, sections, "progress", framework, cards, profiles, options)
    return "\n".join(lines).rstrip() + "\n"


def overall_change(
    report: ProgressReport, tr: Translator, escape: Callable[[str], str] = _same
) -> list[str]:
    """The overall change and, when the factors counted differ, the change like for like and
    the factors that entered or left, with why: the first line, then list items (free text
    passed through *escape*, a function of one string, when given)."""
    esc = escape
    arrow = tr.t("reports.common.arrow", before="", after="")
    scores = arrow.join(tr.number(s) for s in report.overall)
    head = tr.t(
        "reports.progress.head",
        baseline=tr.date(report.dates[0]),
        latest=tr.date(report.dates[-1]),
        count=len(report.dates),
        scores=scores,
    )
    delta = tr.signed(report.overall_delta)
    if not report.counted_set_changed:
        return [tr.t("reports.progress.head_same", head=head, delta=delta)]
    count = len(report.counted)
    before, after = report.like_for_like
    like = (
        tr.t(
            "reports.progress.like",
            count=count,
            delta=tr.signed(report.like_for_like_delta),
            before=tr.number(before),
            after=tr.number(after),
        )
        if count
        else tr.t("reports.progress.like_none")
    )
    lines = [tr.t("reports.progress.head_changed", head=head, delta=delta, like=like), ""]
    lines += [tr.t("reports.progress.counted_differ"), ""]
    for key, factors in (("left_line", report.left), ("entered_line", report.entered)):
        lines += [
            "- "
            + tr.t(
                f"reports.progress.{key}",
                id=f.criterion,
                title=esc(f.title),
                why=value_word(tr, "why", f.why),
                date=tr.date(f.date),
                reason=esc(reason_text(tr, f.reason).rstrip(".")),
            )
            for f in factors
        ]
    return lines


def peer_review_report(
    peer: PeerReview,
    framework: Framework,
    card: ScoreCard,
    profile: CityProfile,
    tr: Translator,
    *,
    sections: SectionSource = no_sections,
) -> str:
    """A peer-review report as Markdown: the reviewers and their files, the merge's warnings,
    agreement (ordinal alpha; interval alpha when the framework has measured indicators), the
    ratings changed from the self-assessment, then per criterion the evidence log, consensus and
    findings."""
    peer = localise_review(peer, framework, tr)
    title = tr.t(
        "reports.peer.title",
        city=md_text(peer.city_name),
        framework=md_text(framework.title.get(tr.language)),
    )
    lines = [f"# {title}", ""]
    if profile.illustrative:
        lines += ["> " + tr.t("reports.common.illustrative"), ""]
    measured = frozenset(leaf.id for leaf in framework.leaves if leaf.goalposts is not None)
    for paragraph in review_head(peer, bool(measured), tr, md_text):
        if isinstance(paragraph, list):
            lines += [tr.t("reports.peer.warnings"), "", *[f"- {w}" for w in paragraph], ""]
        else:
            lines += [paragraph, ""]
    for factor in peer.factors:
        if factor.questions:
            lines += _factor_review(factor, measured, tr)
    options = {"language": tr.language}
    lines += plugin_sections(tr, sections, "peer-review", framework, [card], [profile], options)
    return "\n".join(lines).rstrip() + "\n"


def alpha_text(agreement: Agreement, tr: Translator, key: str) -> str:
    """Krippendorff's alpha with what it is over (*key*: alpha_questions or alpha_measured), or
    why it was not computed."""
    if agreement.alpha is None:
        return tr.t("reports.peer.not_computed", reason=reason_text(tr, agreement.reason or ""))
    return tr.t(f"reports.peer.{key}", alpha=tr.number(agreement.alpha, 3), units=agreement.units)


def review_head(
    peer: PeerReview, measured: bool, tr: Translator, escape: Callable[[str], str] = _same
) -> list[str | list[str]]:
    """Who reviewed, from which files, the warnings (a list), the agreement and the changes:
    paragraphs of plain text (free text passed through *escape* when given)."""
    esc = escape
    separator = tr.t("reports.common.list_separator")
    reviewers = separator.join(esc(reviewer) for reviewer in peer.reviewers)
    paragraphs: list[str | list[str]] = [
        tr.t(
            "reports.peer.review_by",
            date=tr.date(peer.assessment_date),
            reviewers=reviewers or tr.t("reports.peer.unnamed_reviewers"),
            score=tr.number(peer.score),
        )
    ]
    if len(peer.sources) > 1 or peer.self_assessment_source is not None:
        files = tr.t(
            "reports.peer.merged",
            count=len(peer.sources),
            files=separator.join(esc(source) for source in peer.sources),
        )
        if peer.self_assessment_source is not None and peer.self_assessment_date is not None:
            files += tr.t(
                "reports.peer.self_file",
                file=esc(peer.self_assessment_source),
                date=tr.date(peer.self_assessment_date),
            )
        paragraphs.append(files + ".")
    if peer.warnings:
        paragraphs.append([esc(warning) for warning in peer.warnings])
    listed = f" ({', '.join(peer.disagreements)})" if peer.disagreements else ""
    paragraphs.append(
        tr.t(
            "reports.peer.agreement",
            alpha=alpha_text(peer.agreement, tr, "alpha_questions"),
            count=tr.integer(len(peer.disagreements)),
            list=listed,
        )
    )
    if measured:
        interval = alpha_text(peer.measured_agreement, tr, "alpha_measured")
        paragraphs.append(tr.t("reports.peer.measured_agreement", alpha=interval))
    if peer.self_assessment_date is not None:
        paragraphs.append(_changes(peer, tr, esc))
    return paragraphs


def _changes(peer: PeerReview, tr: Translator, esc: Callable[[str], str]) -> str:
    """The ratings the consensus changed from the city's self-assessment."""
    assert peer.self_assessment_date is not None
    changes = [
        tr.t(
            "reports.peer.change_line",
            id=c.criterion,
            before=esc(c.self_assessed),
            after=esc(c.consensus),
            delta=tr.signed(c.change),
        )
        for c in peer.self_assessment_changes
    ]
    return tr.t(
        "reports.peer.changes",
        date=tr.date(peer.self_assessment_date),
        changes="; ".join(changes) or tr.t("common.none"),
    )


def factor_line(factor: FactorReview, measured: frozenset[str], tr: Translator) -> str:
    """A criterion's consensus score, whether it is in place, and agreement (plain text)."""
    in_place = ""
    if factor.in_place is not None:
        in_place = tr.t("reports.peer.in_place" if factor.in_place else "reports.peer.not_in_place")
    fa, fm = factor.agreement, factor.measured_agreement
    agreement = (
        tr.t("reports.peer.factor_alpha", alpha=tr.number(fa.alpha, 3), units=fa.units)
        if fa.alpha is not None
        else tr.t("reports.peer.factor_not_computed", reason=reason_text(tr, fa.reason or ""))
    )
    interval = ""
    if any(question.criterion in measured for question in factor.questions):
        text = (
            tr.t("reports.peer.factor_measured_alpha", alpha=tr.number(fm.alpha, 3), units=fm.units)
            if fm.alpha is not None
            else tr.t("reports.peer.factor_not_computed", reason=reason_text(tr, fm.reason or ""))
        )
        interval = tr.t("reports.peer.factor_measured", agreement=text)
    return tr.t(
        "reports.peer.consensus_line",
        score=tr.number(factor.score),
        in_place=in_place,
        agreement=agreement,
        measured=interval,
    )


def question_rows(factor: FactorReview, tr: Translator) -> list[list[str]]:
    """Per question: id, title, each rating with its source, the consensus, the flag."""
    rows = []
    unnamed = tr.t("reports.common.unnamed")
    for question in factor.questions:
        ratings = "; ".join(
            tr.t(
                "reports.peer.rating_entry",
                assessor=r.assessor or unnamed,
                rating=r.rating,
                source=r.source,
            )
            for r in question.log
        )
        consensus = question.consensus or (
            tr.t("reports.peer.consensus_value", value=tr.number(question.consensus_value, 0))
            if question.consensus_value is not None
            else ""
        )
        flag = tr.t("reports.peer.disagree") if question.disagreement else ""
        rows.append([question.criterion, question.title, ratings, consensus, flag])
    return rows


def question_log(
    factor: FactorReview, tr: Translator, escape: Callable[[str], str] = _same
) -> list[str]:
    """The evidence log of a criterion's questions, one line per rating (plain text)."""
    esc = escape
    unnamed = tr.t("reports.common.unnamed")
    lines = []
    for question in factor.questions:
        for r in question.log:
            lines.append(
                tr.t(
                    "reports.peer.log_line",
                    id=question.criterion,
                    assessor=esc(r.assessor or unnamed),
                    rating=esc(r.rating),
                    source=esc(r.source),
                    reference=f" ({esc(r.reference)})" if r.reference else "",
                    date=f", {tr.date(r.date)}" if r.date else "",
                )
            )
    return lines


def _factor_review(factor: FactorReview, measured: frozenset[str], tr: Translator) -> list[str]:
    lines = [
        f"## {factor.criterion} {md_text(factor.title)}",
        "",
        factor_line(factor, measured, tr),
        "",
    ]
    columns = ("id", "question", "ratings", "consensus", "flag")
    header = [tr.t(f"reports.peer.col_{name}") for name in columns]
    header[-1] = ""  # the flag column has no header in Markdown: the flag says it
    lines += table(header, question_rows(factor, tr))
    lines += ["", tr.t("reports.peer.evidence_log"), ""]
    lines += [f"- {line}" for line in question_log(factor, tr, md_text)]
    if factor.findings:
        lines += ["", tr.t("reports.peer.findings"), ""]
        lines += [f"- {md_text(finding)}" for finding in factor.findings]
    if factor.recommendations:
        lines += ["", tr.t("reports.peer.recommendations"), ""]
        lines += [f"- {md_text(item)}" for item in factor.recommendations]
    lines.append("")
    return lines
