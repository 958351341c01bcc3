"""Markdown reports of the modes of use: development plans, progress and peer reviews."""

from __future__ import annotations

from collections.abc import Sequence

from integration_index._analysis.peer_review import FactorReview, PeerReview
from integration_index._analysis.plan import DevelopmentPlan, Objective
from integration_index._analysis.progress import ProgressReport
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._reports.common import (
    ILLUSTRATIVE,
    SectionSource,
    no_sections,
    number,
    plugin_sections,
    table,
)

__all__ = ["peer_review_report", "plan_report", "progress_report"]


def plan_report(
    plan: DevelopmentPlan,
    framework: Framework,
    card: ScoreCard,
    profile: CityProfile | None = None,
    *,
    language: str = "en",
    sections: SectionSource = no_sections,
) -> str:
    """A development plan as Markdown."""
    lines = [f"# Development plan: {plan.city_name}, {framework.title.get(language)}", ""]
    if profile is not None and profile.illustrative:
        lines += [ILLUSTRATIVE, ""]
    target = (
        f"{plan.target:g}"
        if plan.target is not None
        else "each criterion's own (framework default)"
    )
    lines += [
        f"From the assessment of {plan.assessment_date.isoformat()}: overall score {number(plan.score)} / 100; target {target}.",
        "",
        f"How this plan is built: {plan.method}",
        "",
    ]
    if not plan.objectives:
        lines += ["Every top-level criterion is at or above its target: nothing to plan.", ""]
    lines += _quick_wins(plan)
    for index, objective in enumerate(plan.objectives, start=1):
        lines += _objective(index, objective, framework, language)
    lines += plugin_sections(
        sections,
        "plan",
        framework,
        [card],
        [profile] if profile else [],
        {"target": plan.target, "language": language},
    )
    return "\n".join(lines).rstrip() + "\n"


def _quick_wins(plan: DevelopmentPlan) -> list[str]:
    lines: list[str] = []
    actions = {a.criterion: a for o in plan.objectives for a in o.actions}
    if plan.quick_wins:
        lines += ["## Quick wins", ""]
        lines += table(
            ["action", "question", "now", "next", "priority"],
            [
                [
                    a.criterion,
                    actions[a.criterion].title,
                    actions[a.criterion].current_level or "not assessed",
                    actions[a.criterion].next_level or "",
                    f"{actions[a.criterion].priority:.3f}",
                ]
                for a in (actions[c] for c in plan.quick_wins)
            ],
            right=(4,),
        ) + [""]
    return lines


def _objective(index: int, objective: Objective, framework: Framework, language: str) -> list[str]:
    lines: list[str] = []
    title = framework.node(objective.criterion).title.get(language)
    lines += [
        f"## Objective {index}: {objective.criterion} {title}",
        "",
        f"Score {number(objective.score)} against target {objective.target:g} (gap {objective.gap:.1f}; "
        f"weight {objective.weight:.3f}; priority {objective.priority:.2f}).",
        "",
    ]
    if objective.actions:
        rows = [
            [
                a.criterion,
                framework.node(a.criterion).title.get(language),
                a.current_level or ("not assessed" if not a.assessed else number(a.current)),
                a.horizon,
                f"{a.weight:.4f} x {a.gap:.1f} = {a.priority:.3f}",
            ]
            for a in objective.actions
        ]
        lines += table(["action", "question", "now", "horizon", "weight x gap"], rows) + [""]
    if objective.examples:
        lines += ["Inspiration from other cities:", ""]
        for example in objective.examples:
            figures = f" ({'; '.join(example.figures)})" if example.figures else ""
            where = f"{example.city}" + (f", {example.country}" if example.country else "")
            lines.append(f"- **{where}**: {' '.join(example.text.get(language).split())}{figures}")
        lines.append("")
    return lines


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
    lines = [f"# Progress: {report.city_name}, {framework.title.en}", ""]
    if any(p.illustrative for p in profiles):
        lines += [ILLUSTRATIVE, ""]
    delta = f"{report.overall_delta:+.1f}" if report.overall_delta is not None else "n/a"
    lines += [
        f"Baseline {dates[0]}, latest {dates[-1]} ({len(dates)} assessments). Overall: "
        + " -> ".join(number(s) for s in report.overall)
        + f" ({delta}).",
        "",
    ]
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
    titles = {n.criterion: n.title for n in report.nodes}
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


def peer_review_report(
    peer: PeerReview,
    framework: Framework,
    card: ScoreCard,
    profile: CityProfile,
    *,
    sections: SectionSource = no_sections,
) -> str:
    """A peer-review report as Markdown: per criterion, the evidence log, consensus, findings."""
    lines = [f"# Peer review: {peer.city_name}, {framework.title.en}", ""]
    if profile.illustrative:
        lines += [ILLUSTRATIVE, ""]
    alpha = peer.agreement
    agreement = (
        f"Krippendorff's alpha (ordinal) {alpha.alpha:.3f} over {alpha.units} questions"
        if alpha.alpha is not None
        else f"not computed ({alpha.reason})"
    )
    lines += [
        f"Review of {peer.assessment_date.isoformat()} by {', '.join(peer.reviewers) or 'unnamed reviewers'}. "
        f"Consensus score {number(peer.score)} / 100.",
        "",
        f"Inter-rater agreement: {agreement}. Disagreements of more than one level: {len(peer.disagreements)}"
        + (f" ({', '.join(peer.disagreements)})." if peer.disagreements else "."),
        "",
    ]
    for factor in peer.factors:
        if factor.questions:
            lines += _factor_review(factor)
    lines += plugin_sections(sections, "peer-review", framework, [card], [profile], {})
    return "\n".join(lines).rstrip() + "\n"


def _factor_review(factor: FactorReview) -> list[str]:
    lines: list[str] = []
    in_place = (
        "" if factor.in_place is None else (" (in place)" if factor.in_place else " (not in place)")
    )
    fa = factor.agreement
    lines += [
        f"## {factor.criterion} {factor.title}",
        "",
        f"Consensus score {number(factor.score)}{in_place}. Agreement: "
        + (
            f"alpha {fa.alpha:.3f} over {fa.units} questions."
            if fa.alpha is not None
            else f"not computed ({fa.reason})."
        ),
        "",
    ]
    rows = []
    for question in factor.questions:
        ratings = "; ".join(
            f"{r.assessor or 'unnamed'}: {r.rating} ({r.source})" for r in question.log
        )
        flag = "DISAGREE" if question.disagreement else ""
        rows.append([question.criterion, question.title, ratings, question.consensus or "", flag])
    lines += table(["id", "question", "ratings (source)", "consensus", ""], rows)
    lines += ["", "Evidence log:", ""]
    for question in factor.questions:
        for r in question.log:
            ref = f" ({r.reference})" if r.reference else ""
            date = f", {r.date.isoformat()}" if r.date else ""
            lines.append(
                f"- {question.criterion} {r.assessor or 'unnamed'}: {r.rating}, {r.source}{ref}{date}"
            )
    if factor.findings:
        lines += ["", "Findings:", "", *[f"- {finding}" for finding in factor.findings]]
    if factor.recommendations:
        lines += ["", "Recommendations:", "", *[f"- {item}" for item in factor.recommendations]]
    lines.append("")
    return lines
