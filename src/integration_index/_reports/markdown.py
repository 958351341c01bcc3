"""Markdown renderings of score cards, of one city through its frameworks, and of rankings.

Each report ends with the sections that plugins add through ``integration_index_report_sections``.
"""

from __future__ import annotations

from collections.abc import Sequence

from integration_index._analysis.compare import Ranking
from integration_index._model.crosswalk import Crosswalk
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
    short,
    table,
)

__all__ = ["card_markdown", "compare_report", "profile_report"]


def card_markdown(
    card: ScoreCard, framework: Framework, *, language: str = "en", heading: str = "##"
) -> list[str]:
    """A score card as Markdown lines: the overall score, each top-level criterion, modifiers."""
    overall = card.overall
    lines = [
        f"{heading} {md_text(framework.title.get(language))} ({framework.id} {framework.version})",
        "",
        f"Overall score: **{number(overall.adjusted.score)}** / 100 "
        f"(raw {number(overall.raw.score)}; bounds {number(overall.adjusted.lower)}-{number(overall.adjusted.upper)}; "
        f"coverage {overall.adjusted.coverage:.0%}; {overall.evidence_count} evidence items)",
        "",
    ]
    rows = []
    for top in framework.criteria:
        result = card.node(top.id)
        adjusted = result.adjusted
        score = number(adjusted.score) if adjusted.applicable else "not applicable"
        rows.append(
            [
                top.id,
                top.title.get(language),
                score,
                number(result.raw.score),
                f"{number(adjusted.lower)}-{number(adjusted.upper)}" if adjusted.applicable else "",
                f"{adjusted.coverage:.0%}" if adjusted.applicable else "",
                str(result.evidence_count),
            ]
        )
    lines += table(
        ["id", "criterion", "score", "raw", "bounds", "coverage", "evidence"],
        rows,
        right=(2, 3, 5, 6),
    )
    if card.modifiers:
        lines += ["", "Contextual modifiers applied:", ""]
        for modifier in card.modifiers:
            what = modifier.effect.replace("_", " ")
            factor = (
                f" ({modifier.factor} = {md_text(repr(modifier.factor_value))})"
                if modifier.factor
                else ""
            )
            lines.append(
                f"- {what} on {', '.join(modifier.criteria)}{factor}: {md_text(modifier.reason)} "
                f"[{md_text(modifier.origin)}]"
            )
    recorded = [entry for entry in card.context if entry.value is not None]
    if recorded:
        lines += ["", "Context recorded beside the score:", ""]
        lines += [f"- {md_text(entry.title)}: {md_text(str(entry.value))}" for entry in recorded]
    lines += _analysis_notes(card)
    if card.warnings:
        lines += ["", *[f"> Note: {md_text(warning)}" for warning in card.warnings]]
    return lines


def _analysis_notes(card: ScoreCard) -> list[str]:
    """The cohort rules and statistics used, imputed values, switched-off criteria and weights
    overridden, when the card has any."""
    lines: list[str] = []
    if card.normalisation:
        lines += ["", f"Normalised against a cohort ({md_text(card.normalisation[0].source)}):", ""]
        rows = [
            [
                used.criterion,
                used.method,
                number(card.node(used.criterion).measured, 2),
                md_text(card.node(used.criterion).unit or ""),
                str(used.stats.n),
                f"{used.stats.min:g}-{used.stats.max:g}",
                f"{used.stats.mean:.4g}",
                f"{used.stats.sd:.4g}",
            ]
            for used in card.normalisation
        ]
        header = ["criterion", "rule", "measured", "unit", "n", "range", "mean", "sd"]
        lines += table(header, rows, right=(2, 4, 6, 7))
    imputed = [f"{n.id} ({n.imputed})" for n in card.nodes if n.imputed]
    if imputed:
        lines += ["", f"Missing values imputed: {md_text(', '.join(imputed))}."]
    off = [n.id for n in card.nodes if n.switched_off]
    if off:
        lines += ["", f"Switched off (weight 0, shown but not counted): {md_text(', '.join(off))}."]
    if card.weight_overrides:
        changed = ", ".join(
            f"{o.criterion} {o.declared:g} to {o.used:g}" for o in card.weight_overrides
        )
        lines += [
            "",
            f"Weights overridden ({md_text(card.weights_source or '')}): {md_text(changed)}.",
        ]
    return lines


def profile_report(
    profile: CityProfile,
    cards: Sequence[tuple[Framework, ScoreCard]],
    *,
    language: str = "en",
    sections: SectionSource = no_sections,
    crosswalks: Sequence[Crosswalk] = (),
) -> str:
    """One city through every framework it was scored against, with the *crosswalks*' links."""
    city = profile.city
    lines = [f"# {md_text(city.name)}: integration-index report", ""]
    if profile.illustrative:
        lines += [ILLUSTRATIVE, ""]
    details = [f"assessed {profile.assessment.date.isoformat()}", md_text(profile.assessment.mode)]
    if city.country:
        details.insert(0, md_text(city.country))
    if city.population is not None:
        details.insert(1 if city.country else 0, f"population {city.population:,}")
    lines += [", ".join(details) + ".", ""]
    if len(cards) > 1:
        rows = [[f.id, number(c.score), number(c.raw_score), f"{c.coverage:.0%}"] for f, c in cards]
        lines += table(["framework", "score", "raw", "coverage"], rows, right=(1, 2, 3)) + [""]
    for framework, card in cards:
        lines += card_markdown(card, framework, language=language)
        lines += plugin_sections(
            sections, "score", framework, [card], [profile], {"language": language}
        )
        lines.append("")
    if len(cards) > 1:
        lines += _crosswalk_view(cards, crosswalks)
    return "\n".join(lines).rstrip() + "\n"


def _crosswalk_view(
    cards: Sequence[tuple[Framework, ScoreCard]], crosswalks: Sequence[Crosswalk]
) -> list[str]:
    scored = {framework.id: (framework, card) for framework, card in cards}
    rows = []
    for crosswalk in crosswalks:
        for link in crosswalk.links:
            a_fw, _, a_id = link.from_.partition(":")
            b_fw, _, b_id = link.to.partition(":")
            if a_fw in scored and b_fw in scored:
                a = scored[a_fw][1].node(a_id).adjusted.score
                b = scored[b_fw][1].node(b_id).adjusted.score
                rows.append(
                    [
                        f"{a_fw}:{a_id} {short(scored[a_fw][0].node(a_id).title.en)}",
                        number(a),
                        link.relation,
                        f"{b_fw}:{b_id} {short(scored[b_fw][0].node(b_id).title.en)}",
                        number(b),
                    ]
                )
    if not rows:
        return []
    return [
        "## Across frameworks (crosswalk)",
        "",
        *table(
            ["criterion", "score", "relation", "related criterion", "score"], rows, right=(1, 4)
        ),
        "",
    ]


def compare_report(ranking: Ranking, framework: Framework) -> str:
    """A ranking with peer groups, bounds and the ranks they allow, as Markdown."""
    lines = [f"# Ranking: {md_text(framework.title.en)}", ""]
    if ranking.peers == "population":
        groups = f"population bands (limits {', '.join(f'{b:,}' for b in ranking.bands)})"
    else:
        groups = f"by {md_text(ranking.peers)}"
    lines += [
        f"Each city's latest assessment counts. Peer groups: {groups}. Equal scores (to 2 "
        'decimals) share a rank (1, 2, 2, 4). "possible ranks" are the ranks the bounds allow; '
        '"≈" marks a city whose interval overlaps another\'s: their order is not established.',
        "",
    ]
    rows = [
        [
            str(r.rank) + (" ≈" if r.overlaps else ""),
            r.city_name,
            r.country or "",
            f"{r.population:,}" if r.population is not None else "",
            r.band,
            f"{r.band_rank} of {r.band_size}",
            number(r.score),
            f"{number(r.lower)}-{number(r.upper)}",
            f"{r.rank_best}-{r.rank_worst}" if r.rank_worst > r.rank_best else str(r.rank_best),
            f"{r.coverage:.0%}",
            r.assessment_date,
        ]
        + (
            [f"{r.interval_lo}-{r.interval_hi}" if r.interval_lo is not None else ""]
            if _intervals(ranking)
            else []
        )
        for r in ranking.rows
    ]
    header = [
        "rank",
        "city",
        "country",
        "population",
        "peer group",
        "rank in group",
        "score",
        "bounds",
        "possible ranks",
        "coverage",
        "assessed",
    ]
    if _intervals(ranking):
        header.append("rank interval")
    lines += table(header, rows, right=(0, 3, 6, 7, 8, 9))
    return "\n".join(lines).rstrip() + "\n"


def _intervals(ranking: Ranking) -> bool:
    return any(r.interval_lo is not None for r in ranking.rows)
