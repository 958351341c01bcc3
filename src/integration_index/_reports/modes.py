"""Markdown reports of progress between assessments and of peer reviews."""

from __future__ import annotations

from collections.abc import Sequence

from integration_index._analysis.agreement import Agreement
from integration_index._analysis.peer_review import FactorReview, PeerReview
from integration_index._analysis.progress import ProgressReport
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._reports.common import (
    ILLUSTRATIVE,
    SectionSource,
    md_text,
    no_sections,
    number,
    plugin_sections,
    table,
)

__all__ = ["peer_review_report", "progress_report"]


def progress_report(
    report: ProgressReport,
    framework: Framework,
    profiles: Sequence[CityProfile] = (),
    *,
    cards: Sequence[ScoreCard] = (),
    sections: SectionSource = no_sections,
) -> str:
    """Progress between assessments as Markdown."""
    dates = [d.isoformat() for d in report.dates]
    lines = [f"# Progress: {md_text(report.city_name)}, {md_text(framework.title.en)}", ""]
    if any(p.illustrative for p in profiles):
        lines += [ILLUSTRATIVE, ""]
    lines += _overall_change(report)
    rows = []
    for node in report.nodes:
        if node.depth != 1:
            continue
        rows.append(
            [
                node.criterion,
                node.title,
                *[number(s) for s in node.scores],
                f"{node.delta:+.1f}" if node.delta is not None else "",
                node.direction,
            ]
        )
    lines += table(["id", "criterion", *dates, "change", "direction"], rows) + [""]
    lines += ["## What moved", ""]
    titles = {n.criterion: md_text(n.title) for n in report.nodes}
    lines.append("- Up: " + (", ".join(f"{i} {titles[i]}" for i in report.moved_up) or "nothing"))
    lines.append(
        "- Down: " + (", ".join(f"{i} {titles[i]}" for i in report.moved_down) or "nothing")
    )
    moved_leaves = [
        n for n in report.nodes if n.depth > 1 and n.direction in ("up", "down", "new", "lost")
    ]
    if moved_leaves:
        lines += ["", "Questions that changed:", ""]
        lines += table(
            ["id", "question", "change"],
            [
                [n.criterion, n.title, f"{n.delta:+.1f}" if n.delta is not None else n.direction]
                for n in moved_leaves
            ],
        )
    lines += ["", f"## Still missing at {dates[-1]}", ""]
    if report.still_missing:
        lines += [f"- {i}: {titles[i]}" for i in report.still_missing]
    else:
        lines.append("Nothing: every rated criterion is at or above its target.")
    lines += plugin_sections(sections, "progress", framework, cards, profiles, {})
    return "\n".join(lines).rstrip() + "\n"


def _signed(value: float | None) -> str:
    return f"{value:+.1f}" if value is not None else "n/a"


def _overall_change(report: ProgressReport) -> list[str]:
    """The overall change and, when the factors counted differ, the change like for like and
    the factors that entered or left, with why."""
    dates = [d.isoformat() for d in report.dates]
    scores = " -> ".join(number(s) for s in report.overall)
    head = f"Baseline {dates[0]}, latest {dates[-1]} ({len(dates)} assessments). Overall: {scores}"
    if not report.counted_set_changed:
        return [f"{head} ({_signed(report.overall_delta)}).", ""]
    count = len(report.counted)
    before, after = report.like_for_like
    like = (
        f"like for like on the {count} factor{'' if count == 1 else 's'} counted both times: "
        f"{_signed(report.like_for_like_delta)} ({number(before)} -> {number(after)})"
        if count
        else "no factor is counted both times, so there is no like-for-like change"
    )
    lines = [f"{head} ({_signed(report.overall_delta)} reported); {like}.", ""]
    lines += ["The factors counted differ between the two assessments:", ""]
    for verb, factors in (("left", report.left), ("entered", report.entered)):
        lines += [
            f"- {f.criterion} {md_text(f.title)} {verb} the count: {md_text(f.why)} at "
            f"{f.date.isoformat()} ({md_text(f.reason.rstrip('.'))})."
            for f in factors
        ]
    return [*lines, ""]


def peer_review_report(
    peer: PeerReview,
    framework: Framework,
    card: ScoreCard,
    profile: CityProfile,
    *,
    sections: SectionSource = no_sections,
) -> str:
    """A peer-review report as Markdown: the reviewers and their files, the merge's warnings,
    agreement (ordinal alpha; interval alpha when the framework has measured indicators), the
    ratings changed from the self-assessment, then per criterion the evidence log, consensus and
    findings."""
    lines = [f"# Peer review: {md_text(peer.city_name)}, {md_text(framework.title.en)}", ""]
    if profile.illustrative:
        lines += [ILLUSTRATIVE, ""]
    measured = frozenset(leaf.id for leaf in framework.leaves if leaf.goalposts is not None)
    lines += _review_head(peer, bool(measured))
    for factor in peer.factors:
        if factor.questions:
            lines += _factor_review(factor, measured)
    lines += plugin_sections(sections, "peer-review", framework, [card], [profile], {})
    return "\n".join(lines).rstrip() + "\n"


def _alpha(agreement: Agreement, metric: str, units: str) -> str:
    if agreement.alpha is None:
        return f"not computed ({agreement.reason})"
    return f"Krippendorff's alpha ({metric}) {agreement.alpha:.3f} over {agreement.units} {units}"


def _review_head(peer: PeerReview, measured: bool) -> list[str]:
    """Who reviewed, from which files, the warnings, the agreement and the changes."""
    reviewers = ", ".join(md_text(reviewer) for reviewer in peer.reviewers)
    lines = [
        f"Review of {peer.assessment_date.isoformat()} by {reviewers or 'unnamed reviewers'}. "
        f"Consensus score {number(peer.score)} / 100.",
        "",
    ]
    if len(peer.sources) > 1 or peer.self_assessment_source is not None:
        count = len(peer.sources)
        files = f"Merged from {count} reviewer file{'s' if count > 1 else ''}: {', '.join(md_text(source) for source in peer.sources)}"
        if peer.self_assessment_source is not None and peer.self_assessment_date is not None:
            files += f"; the city's self-assessment: {md_text(peer.self_assessment_source)} ({peer.self_assessment_date.isoformat()})"
        lines += [files + ".", ""]
    if peer.warnings:
        lines += ["Warnings:", "", *[f"- {md_text(warning)}" for warning in peer.warnings], ""]
    lines += [
        f"Inter-rater agreement: {_alpha(peer.agreement, 'ordinal', 'questions')}. Disagreements of more than one level: {len(peer.disagreements)}"
        + (f" ({', '.join(peer.disagreements)})." if peer.disagreements else "."),
        "",
    ]
    if measured:
        interval = _alpha(peer.measured_agreement, "interval", "measured indicators")
        lines += [f"Agreement on measured indicators: {interval}.", ""]
    if peer.self_assessment_date is not None:
        changes = [
            f"{c.criterion} {md_text(c.self_assessed)} -> {md_text(c.consensus)} ({c.change:+.1f})"
            for c in peer.self_assessment_changes
        ]
        lines += [
            f"Ratings changed from the self-assessment of {peer.self_assessment_date.isoformat()}: "
            + ("; ".join(changes) or "none")
            + ".",
            "",
        ]
    return lines


def _factor_review(factor: FactorReview, measured: frozenset[str]) -> list[str]:
    lines: list[str] = []
    in_place = (
        "" if factor.in_place is None else (" (in place)" if factor.in_place else " (not in place)")
    )
    fa, fm = factor.agreement, factor.measured_agreement
    interval = ""
    if any(question.criterion in measured for question in factor.questions):
        interval = " Measured indicators: " + (
            f"interval alpha {fm.alpha:.3f} over {fm.units} indicators."
            if fm.alpha is not None
            else f"not computed ({fm.reason})."
        )
    lines += [
        f"## {factor.criterion} {md_text(factor.title)}",
        "",
        f"Consensus score {number(factor.score)}{in_place}. Agreement: "
        + (
            f"alpha {fa.alpha:.3f} over {fa.units} questions."
            if fa.alpha is not None
            else f"not computed ({fa.reason})."
        )
        + interval,
        "",
    ]
    rows = []
    for question in factor.questions:
        ratings = "; ".join(
            f"{r.assessor or 'unnamed'}: {r.rating} ({r.source})" for r in question.log
        )
        flag = "DISAGREE" if question.disagreement else ""
        consensus = question.consensus or (
            f"{question.consensus_value:.0f}/100" if question.consensus_value is not None else ""
        )
        rows.append([question.criterion, question.title, ratings, consensus, flag])
    lines += table(["id", "question", "ratings (source)", "consensus", ""], rows)
    lines += ["", "Evidence log:", ""]
    for question in factor.questions:
        for r in question.log:
            ref = f" ({md_text(r.reference)})" if r.reference else ""
            date = f", {r.date.isoformat()}" if r.date else ""
            lines.append(
                f"- {question.criterion} {md_text(r.assessor or 'unnamed')}: {md_text(r.rating)}, "
                f"{md_text(r.source)}{ref}{date}"
            )
    if factor.findings:
        lines += ["", "Findings:", "", *[f"- {md_text(finding)}" for finding in factor.findings]]
    if factor.recommendations:
        lines += [
            "",
            "Recommendations:",
            "",
            *[f"- {md_text(item)}" for item in factor.recommendations],
        ]
    lines.append("")
    return lines
