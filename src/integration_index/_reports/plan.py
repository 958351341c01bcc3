"""The Markdown report of a development plan, in English or French (docs/development-plans.md),
and the plain-text pieces the HTML report shares."""

from __future__ import annotations

from collections.abc import Callable

from integration_index._analysis.plan import DevelopmentPlan, Objective, PlanAction
from integration_index._i18n import Translator, translator
from integration_index._model.criteria import Practice
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._reports.common import (
    SectionSource,
    md_text,
    no_sections,
    plugin_sections,
    table,
)

__all__ = [
    "SECTIONS",
    "example_items",
    "excluded_items",
    "in_place_ids",
    "objective_lines",
    "objective_rows",
    "plan_intro",
    "plan_report",
    "section_actions",
    "section_heading",
    "section_rows",
]


def _words(tr: Translator) -> Callable[..., str]:
    """The plan report's messages (``reports.plan.*``): ``words("key", **params)``."""

    def words(key: str, /, **params: object) -> str:
        return tr.t("reports.plan." + key.replace(" ", "_"), **params)

    return words


def _g(tr: Translator, value: float) -> str:
    """A target as ``:g`` writes it (75, 62.5), in the report's language."""
    return tr.integer(int(value)) if float(value).is_integer() else tr.number(value, 1)


SECTIONS = ("quick-win", "long-haul", "gather-evidence")


def plan_report(
    plan: DevelopmentPlan,
    framework: Framework,
    card: ScoreCard,
    profile: CityProfile | None = None,
    *,
    language: str = "en",
    tr: Translator | None = None,
    sections: SectionSource = no_sections,
) -> str:
    """A development plan as Markdown: quick wins, long-haul work and evidence to gather, then
    the objectives with their status, then what the plan leaves out. *tr* (a translator) wins
    over *language*."""
    tr = tr or translator(language)
    words = _words(tr)
    lines = _header(plan, framework, profile, tr)
    for kind, actions in section_actions(plan):
        lines += [f"## {section_heading(kind, len(actions), tr)}", ""]
        if not actions:
            lines += [words("none"), ""]
            continue
        header, rows = section_rows(kind, actions, framework, tr)
        lines += [*table(header, rows), ""]
    for index, objective in enumerate(plan.objectives, start=1):
        lines += _objective(index, objective, framework, tr)
    if plan.in_place:
        lines += [words("shown in place", ids=in_place_ids(plan, framework, tr, md_text)), ""]
    lines += _excluded(plan, framework, tr)
    lines += plugin_sections(
        tr,
        sections,
        "plan",
        framework,
        [card],
        [profile] if profile else [],
        {"target": plan.target, "language": tr.language},
    )
    return "\n".join(lines).rstrip() + "\n"


def section_actions(plan: DevelopmentPlan) -> list[tuple[str, list[PlanAction]]]:
    """The three sections (SECTIONS) and their actions, in priority order."""
    actions = {a.criterion: a for o in plan.objectives for a in o.actions}
    chosen = (plan.quick_wins, plan.long_haul, plan.gather_evidence)
    return [(kind, [actions[i] for i in ids]) for kind, ids in zip(SECTIONS, chosen, strict=True)]


def section_heading(kind: str, count: int, tr: Translator) -> str:
    return _words(tr)("section heading", section=_words(tr)(kind), count=tr.integer(count))


def in_place_ids(
    plan: DevelopmentPlan, framework: Framework, tr: Translator, escape: Callable[[str], str]
) -> str:
    return "; ".join(
        f"{i} {escape(framework.node(i).title.get(tr.language))}" for i in plan.in_place
    )


def plan_intro(plan: DevelopmentPlan, tr: Translator) -> list[str]:
    """The plan's first paragraphs (plain text): where it comes from, how it is built, and
    whether there is anything to plan."""
    words = _words(tr)
    target = _g(tr, plan.target) if plan.target is not None else words("own target")
    paragraphs = [
        words(
            "from", date=tr.date(plan.assessment_date), score=tr.number(plan.score), target=target
        ),
        f"{words('how')} {words('method')}",
    ]
    if not plan.objectives:
        paragraphs.append(words("nothing"))
    return paragraphs


def _header(
    plan: DevelopmentPlan, framework: Framework, profile: CityProfile | None, tr: Translator
) -> list[str]:
    title = _words(tr)(
        "title",
        city=md_text(plan.city_name),
        framework=md_text(framework.title.get(tr.language)),
    )
    lines = [f"# {title}", ""]
    if profile is not None and profile.illustrative:
        lines += ["> " + tr.t("reports.common.illustrative"), ""]
    for paragraph in plan_intro(plan, tr):
        lines += [paragraph, ""]
    return lines


def section_rows(
    kind: str, actions: list[PlanAction], framework: Framework, tr: Translator
) -> tuple[list[str], list[list[str]]]:
    """A section's table (plain text): header, then one row per action."""
    words = _words(tr)
    key = "weight x width" if kind == "gather-evidence" else "weight x gap"
    header = [words("action"), words("question"), words("now"), words("why"), words(key)]
    rows = [
        [
            a.criterion,
            framework.node(a.criterion).title.get(tr.language),
            _now(a, framework, tr),
            _why(a, framework, tr),
            _priority(a, tr),
        ]
        for a in actions
    ]
    return header, rows


def objective_lines(objective: Objective, tr: Translator) -> tuple[str, str]:
    """An objective's score line and status line (plain text)."""
    words = _words(tr)
    status = words(
        objective.status,
        **(
            {}
            if objective.status == "in-place"
            else {"lower": tr.number(objective.lower)}
            if objective.status == "not-shown"
            else {
                "unrated": tr.integer(objective.unrated),
                "questions": tr.integer(objective.questions),
                "lower": tr.number(objective.lower),
                "upper": tr.number(objective.upper),
            }
        ),
    )
    score = words(
        "score line",
        score=tr.number(objective.score),
        target=_g(tr, objective.target),
        gap=tr.number(objective.gap, 1),
        weight=tr.number(objective.weight, 3),
        priority=tr.number(objective.priority, 2),
    )
    return score, words("status", status=status)


def objective_rows(
    objective: Objective, framework: Framework, tr: Translator
) -> tuple[list[str], list[list[str]]]:
    """An objective's actions (plain text): header, then one row per action."""
    words = _words(tr)
    header = [words(k) for k in ("action", "question", "now", "section", "priority")]
    rows = [
        [
            a.criterion,
            framework.node(a.criterion).title.get(tr.language),
            _now(a, framework, tr),
            words(a.horizon),
            _priority(a, tr),
        ]
        for a in objective.actions
    ]
    return header, rows


def _objective(index: int, objective: Objective, framework: Framework, tr: Translator) -> list[str]:
    title = md_text(framework.node(objective.criterion).title.get(tr.language))
    heading = _words(tr)("objective", index=tr.integer(index), id=objective.criterion, title=title)
    score, status = objective_lines(objective, tr)
    lines = [f"## {heading}", "", score, "", status, ""]
    if objective.actions:
        header, rows = objective_rows(objective, framework, tr)
        lines += [*table(header, rows), ""]
    examples = example_items(objective.examples, tr, md_text)
    if examples:
        lines += [_words(tr)("inspiration"), ""]
        lines += [f"- **{where}**: {text}" for where, text in examples]
        lines.append("")
    return lines


def example_items(
    examples: tuple[Practice, ...], tr: Translator, escape: Callable[[str], str]
) -> list[tuple[str, str]]:
    """Other cities' examples, in the report's language, as (where, text) pairs. A figure is
    quoted verbatim from one language of the source, so it is shown only when the text shown
    contains it: an English plan never quotes « 15 contrats »."""
    items = []
    for example in examples:
        text = " ".join(example.text.get(tr.language).split())
        shown = [f for f in example.figures if _flat(f) in _flat(text)]
        figures = f" ({'; '.join(escape(f) for f in shown)})" if shown else ""
        where = escape(example.city) + (f", {escape(example.country)}" if example.country else "")
        items.append((where, escape(text) + figures))
    return items


def _flat(text: str) -> str:
    """*text* with every run of whitespace (non-breaking spaces too) as one space, case folded."""
    return " ".join(text.split()).casefold()


def excluded_items(
    plan: DevelopmentPlan,
    framework: Framework,
    tr: Translator,
    escape: Callable[[str], str],
    strong: Callable[[str], str] = lambda text: text,
) -> list[str]:
    """The criteria the plan leaves out, with who left them out and why (one line each)."""
    words = _words(tr)
    lines = []
    for item in plan.excluded:
        title = escape(framework.node(item.criterion).title.get(tr.language))
        named = strong(f"{item.criterion} {title}")
        lines.append(
            words(
                "excluded line",
                id=named.partition(" ")[0],
                title=named.partition(" ")[2],
                origin=words(f"origin {item.origin}"),
                reason=escape(item.reason),
            )
        )
    return lines


def _excluded(plan: DevelopmentPlan, framework: Framework, tr: Translator) -> list[str]:
    if not plan.excluded:
        return []
    words = _words(tr)
    lines = [f"## {words('excluded')}", "", words("excluded intro"), ""]
    items = excluded_items(plan, framework, tr, md_text, lambda text: f"**{text}**")
    return [*lines, *[f"- {item}" for item in items], ""]


def _now(action: PlanAction, framework: Framework, tr: Translator) -> str:
    if not action.assessed:
        return _words(tr)("not assessed")
    return _level(action.current_level, framework, action.criterion, tr.language) or tr.number(
        action.current
    )


def _level(level: str | None, framework: Framework, criterion: str, language: str) -> str | None:
    """A level's label in *language* (None off a scale)."""
    scale = framework.scale_of(framework.node(criterion))
    if level is None or scale is None:
        return level
    return scale.level(level).label.get(language)


def _priority(action: PlanAction, tr: Translator) -> str:
    factor = action.width if action.width is not None else action.gap
    return _words(tr)(
        "priority formula",
        weight=tr.number(action.weight, 4),
        factor=tr.number(factor, 1),
        priority=tr.number(action.priority, 3),
    )


def _why(action: PlanAction, framework: Framework, tr: Translator) -> str:
    """Why the action lands in its section, in the report's language (the plan's
    ``horizon_reason`` says the same in English)."""
    words = _words(tr)
    declared = framework.node(action.criterion).horizon
    basis = action.horizon_basis
    if basis == "unrated":
        return words("unrated")
    if basis == "effort":
        why = words("effort", effort=words(action.effort or "medium"))
        if declared is not None and declared.kind != action.horizon:
            why += words("overrides", horizon=words(f"kind {declared.kind}"))
        return why
    prefix = words("medium prefix") if action.effort == "medium" else ""
    if basis in ("source", "encoding") and declared is not None:
        reason = declared.reason.get(tr.language)
        return prefix + words("declared", reason=reason, basis=words(basis))
    level = _level(action.next_level, framework, action.criterion, tr.language)
    if action.horizon == "quick-win":
        return prefix + words("gap reaches", level=level or "")
    if level:
        return prefix + words("gap short", level=level)
    return prefix + words("gap none")
