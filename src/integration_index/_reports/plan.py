"""The Markdown report of a development plan, in English or French (docs/development-plans.md)."""

from __future__ import annotations

from collections.abc import Mapping

from integration_index._analysis.plan import DevelopmentPlan, Objective, PlanAction
from integration_index._model.criteria import Practice
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

__all__ = ["LABELS", "plan_report"]

#: The report's words, by language (English is the fallback). The message catalogue will take
#: these over; until then every label of the plan report lives here, in both languages.
LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "title": "Development plan: {city}, {framework}",
        "from": "From the assessment of {date}: overall score {score} / 100; target {target}.",
        "own target": "each criterion's own (framework default)",
        "how": "How this plan is built:",
        "nothing": "Every top-level criterion is shown in place: nothing to plan.",
        "quick-win": "Quick wins",
        "long-haul": "Long-haul work",
        "gather-evidence": "Gather evidence first",
        "none": "None.",
        "action": "action",
        "question": "question",
        "now": "now",
        "why": "why here",
        "section": "section",
        "priority": "priority",
        "weight x gap": "weight x gap",
        "weight x width": "weight x open width",
        "not assessed": "not assessed",
        "objective": "Objective {index}: {id} {title}",
        "score line": "Score {score} against target {target} (gap {gap}; weight {weight}; "
        "priority {priority}).",
        "status": "Status: {status}.",
        "in-place": "in place",
        "likely": "likely in place: {unrated} of {questions} questions unrated "
        "(bounds {lower}-{upper})",
        "not-shown": "not shown in place (lower bound {lower})",
        "shown in place": "Shown in place (lower bound at or above the target): {ids}.",
        "inspiration": "Inspiration from other cities:",
        "excluded": "Left out of this plan",
        "excluded intro": "Not applicable to this city, so not planned for:",
        "origin profile": "declared by the profile",
        "origin framework": "a framework rule",
        "excluded line": "- **{id} {title}** ({origin}): {reason}",
        "effort": "the city marks it {effort} effort",
        "low": "low",
        "medium": "medium",
        "high": "high",
        "overrides": ", which overrides the framework's {horizon}",
        "kind quick-win": "quick win",
        "kind long-haul": "long-haul",
        "medium prefix": "the city marks it medium effort, which decides neither way; ",
        "declared": "the framework: {reason} ({basis})",
        "source": "as its source says",
        "encoding": "this encoding's judgement",
        "gap reaches": "no horizon declared, so by the gap: the next level ({level}) reaches "
        "the target",
        "gap short": "no horizon declared, so by the gap: the next level ({level}) falls short "
        "of the target",
        "gap none": "no horizon declared, so by the gap: no level reaches the target",
        "unrated": "no evidence yet",
    },
    "fr": {
        "title": "Plan de développement : {city}, {framework}",
        "from": "D’après l’évaluation du {date} : score global {score} / 100 ; cible {target}.",
        "own target": "celle de chaque critère (par défaut, celle du cadre)",
        "how": "Construction du plan :",
        "method": "Un critère de premier niveau est en place quand sa borne inférieure (toute "
        "question non évaluée au bas de son échelle) atteint la cible ; il est probablement en "
        "place quand seul son score l’atteint, et non démontré sinon. Tout critère qui n’est pas "
        "en place est un objectif. Sous lui, une question évaluée sous la cible est un gain "
        "rapide ou un travail de longue haleine : la marque d’effort de la ville décide (faible : "
        "gain rapide ; élevé : longue haleine), sinon l’horizon que le cadre déclare pour la "
        "question, sinon l’écart (gain rapide quand le niveau suivant atteint la cible). Les "
        "questions non évaluées vont à « Réunir d’abord des preuves ». Gains rapides et travail "
        "de longue haleine sont classés par poids x écart, les preuves à réunir par poids x "
        "largeur de l’intervalle laissé ouvert ; le poids est la part de la question dans le "
        "score global.",
        "nothing": "Chaque critère de premier niveau est démontré en place : rien à planifier.",
        "quick-win": "Gains rapides",
        "long-haul": "Travail de longue haleine",
        "gather-evidence": "Réunir d’abord des preuves",
        "none": "Aucune.",
        "action": "action",
        "question": "question",
        "now": "niveau actuel",
        "why": "pourquoi ici",
        "section": "rubrique",
        "priority": "priorité",
        "weight x gap": "poids x écart",
        "weight x width": "poids x largeur ouverte",
        "not assessed": "non évalué",
        "objective": "Objectif {index} : {id} {title}",
        "score line": "Score {score} pour une cible de {target} (écart {gap} ; poids {weight} ; "
        "priorité {priority}).",
        "status": "Statut : {status}.",
        "in-place": "en place",
        "likely": "probablement en place : {unrated} questions sur {questions} non évaluées "
        "(bornes {lower}-{upper})",
        "not-shown": "non démontré en place (borne inférieure {lower})",
        "shown in place": "Démontrés en place (borne inférieure au moins égale à la cible) : "
        "{ids}.",
        "inspiration": "Inspiration d’autres villes :",
        "excluded": "Hors de ce plan",
        "excluded intro": "Non applicables à cette ville, donc non planifiés :",
        "origin profile": "déclaré par le profil",
        "origin framework": "règle du cadre",
        "excluded line": "- **{id} {title}** ({origin}) : {reason}",
        "effort": "la ville l’estime d’effort {effort}",
        "low": "faible",
        "medium": "moyen",
        "high": "élevé",
        "overrides": ", ce qui l’emporte sur « {horizon} » selon le cadre",
        "kind quick-win": "gain rapide",
        "kind long-haul": "longue haleine",
        "medium prefix": "la ville l’estime d’effort moyen, ce qui ne tranche pas ; ",
        "declared": "le cadre : {reason} ({basis})",
        "source": "selon sa source",
        "encoding": "jugement de cet encodage",
        "gap reaches": "pas d’horizon déclaré, donc selon l’écart : le niveau suivant ({level}) "
        "atteint la cible",
        "gap short": "pas d’horizon déclaré, donc selon l’écart : le niveau suivant ({level}) "
        "reste sous la cible",
        "gap none": "pas d’horizon déclaré, donc selon l’écart : aucun niveau n’atteint la cible",
        "unrated": "pas encore de preuves",
    },
}

_SECTIONS = ("quick-win", "long-haul", "gather-evidence")


def plan_report(
    plan: DevelopmentPlan,
    framework: Framework,
    card: ScoreCard,
    profile: CityProfile | None = None,
    *,
    language: str = "en",
    sections: SectionSource = no_sections,
) -> str:
    """A development plan as Markdown: quick wins, long-haul work and evidence to gather, then
    the objectives with their status, then what the plan leaves out."""
    words = LABELS.get(language, LABELS["en"])
    lines = _header(plan, framework, profile, language, words)
    actions = {a.criterion: a for o in plan.objectives for a in o.actions}
    chosen = (plan.quick_wins, plan.long_haul, plan.gather_evidence)
    for kind, ids in zip(_SECTIONS, chosen, strict=True):
        lines += _section(kind, [actions[i] for i in ids], framework, language, words)
    for index, objective in enumerate(plan.objectives, start=1):
        lines += _objective(index, objective, framework, language, words)
    if plan.in_place:
        shown = "; ".join(
            f"{i} {md_text(framework.node(i).title.get(language))}" for i in plan.in_place
        )
        lines += [words["shown in place"].format(ids=shown), ""]
    lines += _excluded(plan, framework, language, words)
    lines += plugin_sections(
        sections,
        "plan",
        framework,
        [card],
        [profile] if profile else [],
        {"target": plan.target, "language": language},
    )
    return "\n".join(lines).rstrip() + "\n"


def _header(
    plan: DevelopmentPlan,
    framework: Framework,
    profile: CityProfile | None,
    language: str,
    words: Mapping[str, str],
) -> list[str]:
    title = words["title"].format(
        city=md_text(plan.city_name), framework=md_text(framework.title.get(language))
    )
    lines = [f"# {title}", ""]
    if profile is not None and profile.illustrative:
        lines += [ILLUSTRATIVE, ""]
    target = f"{plan.target:g}" if plan.target is not None else words["own target"]
    date = plan.assessment_date.isoformat()
    lines += [
        words["from"].format(date=date, score=number(plan.score), target=target),
        "",
        f"{words['how']} {words.get('method', plan.method)}",
        "",
    ]
    if not plan.objectives:
        lines += [words["nothing"], ""]
    return lines


def _section(
    kind: str,
    actions: list[PlanAction],
    framework: Framework,
    language: str,
    words: Mapping[str, str],
) -> list[str]:
    lines = [f"## {words[kind]} ({len(actions)})", ""]
    if not actions:
        return [*lines, words["none"], ""]
    key = "weight x width" if kind == "gather-evidence" else "weight x gap"
    header = [words["action"], words["question"], words["now"], words["why"], words[key]]
    rows = [
        [
            a.criterion,
            framework.node(a.criterion).title.get(language),
            _now(a, framework, language, words),
            _why(a, framework, language, words),
            _priority(a),
        ]
        for a in actions
    ]
    return [*lines, *table(header, rows), ""]


def _objective(
    index: int,
    objective: Objective,
    framework: Framework,
    language: str,
    words: Mapping[str, str],
) -> list[str]:
    title = md_text(framework.node(objective.criterion).title.get(language))
    status = words[objective.status].format(
        unrated=objective.unrated,
        questions=objective.questions,
        lower=number(objective.lower),
        upper=number(objective.upper),
    )
    lines = [
        "## " + words["objective"].format(index=index, id=objective.criterion, title=title),
        "",
        words["score line"].format(
            score=number(objective.score),
            target=f"{objective.target:g}",
            gap=f"{objective.gap:.1f}",
            weight=f"{objective.weight:.3f}",
            priority=f"{objective.priority:.2f}",
        ),
        "",
        words["status"].format(status=status),
        "",
    ]
    if objective.actions:
        header = [
            words["action"],
            words["question"],
            words["now"],
            words["section"],
            words["priority"],
        ]
        rows = [
            [
                a.criterion,
                framework.node(a.criterion).title.get(language),
                _now(a, framework, language, words),
                words[a.horizon],
                _priority(a),
            ]
            for a in objective.actions
        ]
        lines += [*table(header, rows), ""]
    lines += _examples(objective.examples, language, words)
    return lines


def _examples(examples: tuple[Practice, ...], language: str, words: Mapping[str, str]) -> list[str]:
    """Other cities' examples, in the report's language. A figure is quoted verbatim from one
    language of the source, so it is shown only when the text shown contains it: an English plan
    never quotes « 15 contrats »."""
    if not examples:
        return []
    lines = [words["inspiration"], ""]
    for example in examples:
        text = " ".join(example.text.get(language).split())
        shown = [f for f in example.figures if _flat(f) in _flat(text)]
        figures = f" ({'; '.join(md_text(f) for f in shown)})" if shown else ""
        where = md_text(example.city) + (f", {md_text(example.country)}" if example.country else "")
        lines.append(f"- **{where}**: {md_text(text)}{figures}")
    return [*lines, ""]


def _flat(text: str) -> str:
    """*text* with every run of whitespace (non-breaking spaces too) as one space, case folded."""
    return " ".join(text.split()).casefold()


def _excluded(
    plan: DevelopmentPlan, framework: Framework, language: str, words: Mapping[str, str]
) -> list[str]:
    if not plan.excluded:
        return []
    lines = [f"## {words['excluded']}", "", words["excluded intro"], ""]
    for item in plan.excluded:
        title = md_text(framework.node(item.criterion).title.get(language))
        origin = words[f"origin {item.origin}"]
        reason = md_text(item.reason)
        line = words["excluded line"].format(
            id=item.criterion, title=title, origin=origin, reason=reason
        )
        lines.append(line)
    return [*lines, ""]


def _now(action: PlanAction, framework: Framework, language: str, words: Mapping[str, str]) -> str:
    if not action.assessed:
        return words["not assessed"]
    return _level(action.current_level, framework, action.criterion, language) or number(
        action.current
    )


def _level(level: str | None, framework: Framework, criterion: str, language: str) -> str | None:
    """A level's label in *language* (None off a scale)."""
    scale = framework.scale_of(framework.node(criterion))
    if level is None or scale is None:
        return level
    return scale.level(level).label.get(language)


def _priority(action: PlanAction) -> str:
    factor = action.width if action.width is not None else action.gap
    return f"{action.weight:.4f} x {factor:.1f} = {action.priority:.3f}"


def _why(action: PlanAction, framework: Framework, language: str, words: Mapping[str, str]) -> str:
    """Why the action lands in its section, in the report's language (the plan's
    ``horizon_reason`` says the same in English)."""
    declared = framework.node(action.criterion).horizon
    basis = action.horizon_basis
    if basis == "unrated":
        return words["unrated"]
    if basis == "effort":
        why = words["effort"].format(effort=words[action.effort or "medium"])
        if declared is not None and declared.kind != action.horizon:
            why += words["overrides"].format(horizon=words[f"kind {declared.kind}"])
        return why
    prefix = words["medium prefix"] if action.effort == "medium" else ""
    if basis in ("source", "encoding") and declared is not None:
        reason = declared.reason.get(language)
        return prefix + words["declared"].format(reason=reason, basis=words[basis])
    level = _level(action.next_level, framework, action.criterion, language)
    if action.horizon == "quick-win":
        return prefix + words["gap reaches"].format(level=level)
    return prefix + words["gap short" if level else "gap none"].format(level=level)
