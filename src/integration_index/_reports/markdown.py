"""Markdown renderings of score cards, development plans, progress and peer reviews.

Each report ends with the sections that plugins add through ``integration_index_report_sections``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from integration_index._analysis.compare import Ranking
from integration_index._analysis.peer_review import PeerReview
from integration_index._analysis.plan import DevelopmentPlan
from integration_index._analysis.progress import ProgressReport
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard

__all__ = [
    "card_markdown",
    "compare_report",
    "peer_review_report",
    "plan_report",
    "profile_report",
    "progress_report",
]

ILLUSTRATIVE = "> Illustrative profile: invented for the examples, not a real assessment."


def _n(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()
) -> list[str]:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _plugin_sections(
    report: str,
    framework: Framework,
    cards: Sequence[ScoreCard],
    profiles: Sequence[CityProfile],
    options: dict[str, Any],
) -> list[str]:
    from integration_index._plugins.host import get_host

    sections, warnings = get_host().report_sections(report, framework, cards, profiles, options)
    lines: list[str] = []
    for section in sections:
        lines += ["", f"### {section.title}", "", section.body.rstrip()]
    for warning in warnings:
        lines += ["", f"> Warning: {warning}"]
    return lines


def card_markdown(
    card: ScoreCard, framework: Framework, *, language: str = "en", heading: str = "##"
) -> list[str]:
    """A score card as Markdown lines: the overall score, each top-level criterion, modifiers."""
    overall = card.overall
    lines = [
        f"{heading} {framework.title.get(language)} ({framework.id} {framework.version})",
        "",
        f"Overall score: **{_n(overall.adjusted.score)}** / 100 "
        f"(raw {_n(overall.raw.score)}; bounds {_n(overall.adjusted.lower)}-{_n(overall.adjusted.upper)}; "
        f"coverage {overall.adjusted.coverage:.0%}; {overall.evidence_count} evidence items)",
        "",
    ]
    rows = []
    for top in framework.criteria:
        result = card.node(top.id)
        adjusted = result.adjusted
        score = _n(adjusted.score) if adjusted.applicable else "not applicable"
        rows.append(
            [
                top.id,
                top.title.get(language),
                score,
                _n(result.raw.score),
                f"{_n(adjusted.lower)}-{_n(adjusted.upper)}" if adjusted.applicable else "",
                f"{adjusted.coverage:.0%}" if adjusted.applicable else "",
                str(result.evidence_count),
            ]
        )
    lines += _table(
        ["id", "criterion", "score", "raw", "bounds", "coverage", "evidence"],
        rows,
        right=(2, 3, 5, 6),
    )
    if card.modifiers:
        lines += ["", "Contextual modifiers applied:", ""]
        for modifier in card.modifiers:
            what = modifier.effect.replace("_", " ")
            factor = f" ({modifier.factor} = {modifier.factor_value!r})" if modifier.factor else ""
            lines.append(
                f"- {what} on {', '.join(modifier.criteria)}{factor}: {modifier.reason} [{modifier.origin}]"
            )
    recorded = [entry for entry in card.context if entry.value is not None]
    if recorded:
        lines += ["", "Context recorded beside the score:", ""]
        lines += [f"- {entry.title}: {entry.value}" for entry in recorded]
    if card.warnings:
        lines += ["", *[f"> Note: {warning}" for warning in card.warnings]]
    return lines


def profile_report(
    profile: CityProfile, cards: Sequence[tuple[Framework, ScoreCard]], *, language: str = "en"
) -> str:
    """One city through every framework it was scored against."""
    city = profile.city
    lines = [f"# {city.name}: integration-index report", ""]
    if profile.illustrative:
        lines += [ILLUSTRATIVE, ""]
    details = [f"assessed {profile.assessment.date.isoformat()}", profile.assessment.mode]
    if city.country:
        details.insert(0, city.country)
    if city.population is not None:
        details.insert(1 if city.country else 0, f"population {city.population:,}")
    lines += [", ".join(details) + ".", ""]
    if len(cards) > 1:
        rows = [[f.id, _n(c.score), _n(c.raw_score), f"{c.coverage:.0%}"] for f, c in cards]
        lines += _table(["framework", "score", "raw", "coverage"], rows, right=(1, 2, 3)) + [""]
    for framework, card in cards:
        lines += card_markdown(card, framework, language=language)
        lines += _plugin_sections("score", framework, [card], [profile], {"language": language})
        lines.append("")
    if len(cards) > 1:
        lines += _crosswalk_view(cards)
    return "\n".join(lines).rstrip() + "\n"


def _crosswalk_view(cards: Sequence[tuple[Framework, ScoreCard]]) -> list[str]:
    from integration_index._plugins.host import get_host

    scored = {framework.id: (framework, card) for framework, card in cards}
    rows = []
    for crosswalk in get_host().registry().crosswalks:
        for link in crosswalk.links:
            a_fw, _, a_id = link.from_.partition(":")
            b_fw, _, b_id = link.to.partition(":")
            if a_fw in scored and b_fw in scored:
                a = scored[a_fw][1].node(a_id).adjusted.score
                b = scored[b_fw][1].node(b_id).adjusted.score
                rows.append(
                    [
                        f"{a_fw}:{a_id} {_short(scored[a_fw][0].node(a_id).title.en)}",
                        _n(a),
                        link.relation,
                        f"{b_fw}:{b_id} {_short(scored[b_fw][0].node(b_id).title.en)}",
                        _n(b),
                    ]
                )
    if not rows:
        return []
    return [
        "## Across frameworks (crosswalk)",
        "",
        *_table(
            ["criterion", "score", "relation", "related criterion", "score"], rows, right=(1, 4)
        ),
        "",
    ]


def plan_report(
    plan: DevelopmentPlan,
    framework: Framework,
    card: ScoreCard,
    profile: CityProfile | None = None,
    *,
    language: str = "en",
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
        f"From the assessment of {plan.assessment_date.isoformat()}: overall score {_n(plan.score)} / 100; target {target}.",
        "",
        f"How this plan is built: {plan.method}",
        "",
    ]
    if not plan.objectives:
        lines += ["Every top-level criterion is at or above its target: nothing to plan.", ""]
    actions = {a.criterion: a for o in plan.objectives for a in o.actions}
    if plan.quick_wins:
        lines += ["## Quick wins", ""]
        lines += _table(
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
    for index, objective in enumerate(plan.objectives, start=1):
        title = framework.node(objective.criterion).title.get(language)
        lines += [
            f"## Objective {index}: {objective.criterion} {title}",
            "",
            f"Score {_n(objective.score)} against target {objective.target:g} (gap {objective.gap:.1f}; "
            f"weight {objective.weight:.3f}; priority {objective.priority:.2f}).",
            "",
        ]
        if objective.actions:
            rows = [
                [
                    a.criterion,
                    framework.node(a.criterion).title.get(language),
                    a.current_level or ("not assessed" if not a.assessed else _n(a.current)),
                    a.horizon,
                    f"{a.weight:.4f} x {a.gap:.1f} = {a.priority:.3f}",
                ]
                for a in objective.actions
            ]
            lines += _table(["action", "question", "now", "horizon", "weight x gap"], rows) + [""]
        if objective.examples:
            lines += ["Inspiration from other cities:", ""]
            for example in objective.examples:
                figures = f" ({'; '.join(example.figures)})" if example.figures else ""
                where = f"{example.city}" + (f", {example.country}" if example.country else "")
                lines.append(
                    f"- **{where}**: {' '.join(example.text.get(language).split())}{figures}"
                )
            lines.append("")
    lines += _plugin_sections(
        "plan",
        framework,
        [card],
        [profile] if profile else [],
        {"target": plan.target, "language": language},
    )
    return "\n".join(lines).rstrip() + "\n"


def progress_report(
    report: ProgressReport, framework: Framework, profiles: Sequence[CityProfile] = ()
) -> str:
    """Progress between assessments as Markdown."""
    dates = [d.isoformat() for d in report.dates]
    lines = [f"# Progress: {report.city_name}, {framework.title.en}", ""]
    if any(p.illustrative for p in profiles):
        lines += [ILLUSTRATIVE, ""]
    delta = f"{report.overall_delta:+.1f}" if report.overall_delta is not None else "n/a"
    lines += [
        f"Baseline {dates[0]}, latest {dates[-1]} ({len(dates)} assessments). Overall: "
        + " -> ".join(_n(s) for s in report.overall)
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
                *[_n(s) for s in node.scores],
                f"{node.delta:+.1f}" if node.delta is not None else "",
                node.direction,
            ]
        )
    lines += _table(["id", "criterion", *dates, "change", "direction"], rows) + [""]
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
        lines += _table(
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
    return "\n".join(lines).rstrip() + "\n"


def peer_review_report(
    peer: PeerReview, framework: Framework, card: ScoreCard, profile: CityProfile
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
        f"Consensus score {_n(peer.score)} / 100.",
        "",
        f"Inter-rater agreement: {agreement}. Disagreements of more than one level: {len(peer.disagreements)}"
        + (f" ({', '.join(peer.disagreements)})." if peer.disagreements else "."),
        "",
    ]
    for factor in peer.factors:
        if not factor.questions:
            continue
        in_place = (
            ""
            if factor.in_place is None
            else (" (in place)" if factor.in_place else " (not in place)")
        )
        fa = factor.agreement
        lines += [
            f"## {factor.criterion} {factor.title}",
            "",
            f"Consensus score {_n(factor.score)}{in_place}. Agreement: "
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
            rows.append(
                [question.criterion, question.title, ratings, question.consensus or "", flag]
            )
        lines += _table(["id", "question", "ratings (source)", "consensus", ""], rows)
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
    lines += _plugin_sections("peer-review", framework, [card], [profile], {})
    return "\n".join(lines).rstrip() + "\n"


def compare_report(ranking: Ranking, framework: Framework) -> str:
    """A ranking with peer groups as Markdown."""
    lines = [f"# Ranking: {framework.title.en}", ""]
    lines += [
        "Each city's latest assessment counts. Peer groups are population bands "
        f"(limits {', '.join(f'{b:,}' for b in ranking.bands)}).",
        "",
    ]
    rows = [
        [
            str(r.rank),
            r.city_name,
            r.country or "",
            f"{r.population:,}" if r.population is not None else "",
            r.band,
            f"{r.band_rank} of {r.band_size}",
            _n(r.score),
            f"{r.coverage:.0%}",
            r.assessment_date,
        ]
        for r in ranking.rows
    ]
    lines += _table(
        [
            "rank",
            "city",
            "country",
            "population",
            "peer group",
            "rank in group",
            "score",
            "coverage",
            "assessed",
        ],
        rows,
        right=(0, 3, 6, 7),
    )
    return "\n".join(lines).rstrip() + "\n"
