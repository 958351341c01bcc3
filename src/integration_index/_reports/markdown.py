"""Markdown renderings of score cards, of one city through its frameworks, and of rankings, in
the translator's language.

Each report ends with the sections that plugins add through ``integration_index_report_sections``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from integration_index._analysis.compare import Ranking
from integration_index._i18n import Translator
from integration_index._model.crosswalk import Crosswalk
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._reports.common import (
    SectionSource,
    band_label,
    md_text,
    no_sections,
    peer_groups_text,
    plugin_sections,
    reason_text,
    short,
    table,
    value_word,
)
from integration_index._reports.notes import notes_markdown

__all__ = [
    "COMPARE_COLUMNS",
    "COMPARE_RIGHT",
    "card_markdown",
    "compare_columns",
    "compare_intro",
    "compare_report",
    "compare_rows",
    "has_intervals",
    "context_items",
    "profile_details",
    "profile_report",
]


def card_markdown(
    card: ScoreCard, framework: Framework, tr: Translator, *, heading: str = "##"
) -> list[str]:
    """A score card as Markdown lines: the overall score, each top-level criterion, modifiers."""
    language = tr.language
    overall = card.overall
    title = tr.t(
        "reports.score.framework_heading",
        title=md_text(framework.title.get(language)),
        id=framework.id,
        version=md_text(framework.version),
    )
    summary = tr.t(
        "reports.score.overall",
        score=f"**{tr.number(overall.adjusted.score)}**",
        raw=tr.number(overall.raw.score),
        lower=tr.number(overall.adjusted.lower),
        upper=tr.number(overall.adjusted.upper),
        coverage=tr.percent(overall.adjusted.coverage),
        evidence=tr.t("reports.score.evidence_items", count=overall.evidence_count),
    )
    lines = [f"{heading} {title}", "", summary, ""]
    rows = []
    for top in framework.criteria:
        result = card.node(top.id)
        adjusted = result.adjusted
        applicable = adjusted.applicable
        bounds = tr.t(
            "reports.common.range", lower=tr.number(adjusted.lower), upper=tr.number(adjusted.upper)
        )
        rows.append(
            [
                top.id,
                top.title.get(language),
                tr.number(adjusted.score) if applicable else tr.t("reports.score.not_applicable"),
                tr.number(result.raw.score),
                bounds if applicable else "",
                tr.percent(adjusted.coverage) if applicable else "",
                tr.integer(result.evidence_count),
            ]
        )
    columns = ("id", "criterion", "score", "raw", "bounds", "coverage", "evidence")
    header = [tr.t(f"reports.score.col_{name}") for name in columns]
    lines += table(header, rows, right=(2, 3, 5, 6))
    lines += _modifiers(card, tr)
    recorded = context_items(card, framework, tr)
    if recorded:
        lines += ["", tr.t("reports.score.context"), ""]
        lines += [
            "- " + tr.t("reports.score.context_line", title=md_text(title), value=md_text(value))
            for title, value in recorded
        ]
    lines += notes_markdown(card, tr)
    if card.warnings:
        lines += [""]
        lines += [
            "> " + tr.t("reports.common.note", text=md_text(reason_text(tr, w)))
            for w in card.warnings
        ]
    return lines


def context_items(card: ScoreCard, framework: Framework, tr: Translator) -> list[tuple[str, str]]:
    """The contextual factors the profile records, as (title in the report's language, value)."""
    factors = framework.factors_by_id
    return [
        (factors[e.factor].title.get(tr.language) if e.factor in factors else e.title, str(e.value))
        for e in card.context
        if e.value is not None
    ]


def _modifiers(card: ScoreCard, tr: Translator) -> list[str]:
    if not card.modifiers:
        return []
    lines = ["", tr.t("reports.score.modifiers"), ""]
    for modifier in card.modifiers:
        factor = (
            tr.t(
                "reports.score.modifier_factor",
                factor=md_text(modifier.factor),
                value=md_text(repr(modifier.factor_value)),
            )
            if modifier.factor
            else ""
        )
        line = tr.t(
            "reports.score.modifier_line",
            effect=value_word(tr, "effect", modifier.effect),
            criteria=", ".join(modifier.criteria),
            factor=factor,
            reason=md_text(modifier.reason),
            origin=md_text(modifier.origin),
        )
        lines.append(f"- {line}")
    return lines


def profile_details(profile: CityProfile, tr: Translator) -> list[str]:
    """The city's country, population, assessment date and mode, as plain text (not escaped)."""
    city = profile.city
    details = [
        tr.t("reports.profile.assessed", date=tr.date(profile.assessment.date)),
        value_word(tr, "mode", profile.assessment.mode),
    ]
    if city.population is not None:
        details.insert(0, tr.t("reports.profile.population", population=city.population))
    if city.country:
        details.insert(0, city.country)
    return details


def profile_report(
    profile: CityProfile,
    cards: Sequence[tuple[Framework, ScoreCard]],
    tr: Translator,
    *,
    sections: SectionSource = no_sections,
    crosswalks: Sequence[Crosswalk] = (),
) -> str:
    """One city through every framework it was scored against, with the *crosswalks*' links."""
    lines = ["# " + tr.t("reports.profile.title", city=md_text(profile.city.name)), ""]
    if profile.illustrative:
        lines += ["> " + tr.t("reports.common.illustrative"), ""]
    lines += [", ".join(md_text(d) for d in profile_details(profile, tr)) + ".", ""]
    if len(cards) > 1:
        rows = [
            [f.id, tr.number(c.score), tr.number(c.raw_score), tr.percent(c.coverage)]
            for f, c in cards
        ]
        header = [
            tr.t(f"reports.profile.col_{n}") for n in ("framework", "score", "raw", "coverage")
        ]
        lines += table(header, rows, right=(1, 2, 3)) + [""]
    for framework, card in cards:
        lines += card_markdown(card, framework, tr)
        lines += plugin_sections(
            tr, sections, "score", framework, [card], [profile], {"language": tr.language}
        )
        lines.append("")
    if len(cards) > 1:
        lines += _crosswalk_view(cards, crosswalks, tr)
    return "\n".join(lines).rstrip() + "\n"


def crosswalk_rows(
    cards: Sequence[tuple[Framework, ScoreCard]], crosswalks: Sequence[Crosswalk], tr: Translator
) -> list[list[str]]:
    """The crosswalk's links between the frameworks scored, as table rows (plain text)."""
    scored = {framework.id: (framework, card) for framework, card in cards}
    language = tr.language
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
                        f"{a_fw}:{a_id} {short(scored[a_fw][0].node(a_id).title.get(language))}",
                        tr.number(a),
                        value_word(tr, "relation", link.relation),
                        f"{b_fw}:{b_id} {short(scored[b_fw][0].node(b_id).title.get(language))}",
                        tr.number(b),
                    ]
                )
    return rows


def _crosswalk_view(
    cards: Sequence[tuple[Framework, ScoreCard]], crosswalks: Sequence[Crosswalk], tr: Translator
) -> list[str]:
    rows = crosswalk_rows(cards, crosswalks, tr)
    if not rows:
        return []
    columns = ("criterion", "score", "relation", "related", "score")
    header = [tr.t(f"reports.crosswalk.col_{name}") for name in columns]
    return ["## " + tr.t("reports.crosswalk.title"), "", *table(header, rows, right=(1, 4)), ""]


COMPARE_COLUMNS = (
    "rank",
    "city",
    "country",
    "population",
    "band",
    "band_rank",
    "score",
    "bounds",
    "possible_ranks",
    "coverage",
    "assessed",
)
"""The columns of a ranking's table; ``interval`` follows when the ranking has rank intervals."""

#: The right-aligned columns of a ranking's table (numbers), by index in COMPARE_COLUMNS.
COMPARE_RIGHT = frozenset({0, 3, 6, 7, 8, 9})


def compare_columns(ranking: Ranking) -> tuple[str, ...]:
    """The columns of *ranking*'s table: COMPARE_COLUMNS, then ``interval`` if it has any."""
    return (*COMPARE_COLUMNS, "interval") if has_intervals(ranking) else COMPARE_COLUMNS


def compare_rows(ranking: Ranking, tr: Translator) -> list[list[str]]:
    """A ranking's rows as plain text, in compare_columns(ranking) order."""
    intervals = has_intervals(ranking)
    rows = []
    for r in ranking.rows:
        ranks = tr.integer(r.rank_best)
        if r.rank_worst > r.rank_best:
            ranks = tr.t("reports.compare.rank_range", best=r.rank_best, worst=r.rank_worst)
        row = [
            tr.t("reports.compare.rank_overlaps", rank=r.rank)
            if r.overlaps
            else tr.integer(r.rank),
            r.city_name,
            r.country or "",
            tr.integer(r.population) if r.population is not None else "",
            band_label(tr, ranking, r.band),
            tr.t("reports.compare.band_rank", rank=r.band_rank, size=r.band_size),
            tr.number(r.score),
            tr.t("reports.common.range", lower=tr.number(r.lower), upper=tr.number(r.upper))
            if r.lower is not None and r.upper is not None
            else "",
            ranks if r.rank_best else "",
            tr.percent(r.coverage),
            _date_text(tr, r.assessment_date),
        ]
        if intervals:
            row.append(
                tr.t("reports.compare.rank_range", best=r.interval_lo, worst=r.interval_hi)
                if r.interval_lo is not None
                else ""
            )
        rows.append(row)
    return rows


def _date_text(tr: Translator, iso: str) -> str:
    try:
        return tr.date(datetime.date.fromisoformat(iso))
    except ValueError:
        return iso


def compare_intro(ranking: Ranking, tr: Translator) -> str:
    """The Markdown sentence before a ranking's table: its peer groups, ties, bounds, overlaps."""
    groups = peer_groups_text(ranking, tr, tr.t, md_text)
    return tr.t("reports.compare.intro", groups=groups)


def compare_report(ranking: Ranking, framework: Framework, tr: Translator) -> str:
    """A ranking with peer groups, bounds and the ranks they allow, as Markdown."""
    title = tr.t("reports.compare.title", framework=md_text(framework.title.get(tr.language)))
    lines = [f"# {title}", "", compare_intro(ranking, tr), ""]
    header = [tr.t(f"reports.compare.col_{name}") for name in compare_columns(ranking)]
    lines += table(header, compare_rows(ranking, tr), right=tuple(sorted(COMPARE_RIGHT)))
    return "\n".join(lines).rstrip() + "\n"


def has_intervals(ranking: Ranking) -> bool:
    """Whether some row of *ranking* carries a rank interval from an uncertainty analysis."""
    return any(r.interval_lo is not None for r in ranking.rows)
