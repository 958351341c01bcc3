"""``integration-index init``: a profile template with every criterion as a commented entry."""

from __future__ import annotations

import datetime
import textwrap

from integration_index._io.toml_writer import format_value
from integration_index._model.framework import Criterion, Framework

__all__ = ["profile_template"]


def _comment(text: str, indent: str = "") -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in textwrap.wrap(" ".join(text.split()), 96)]


def profile_template(
    framework: Framework, city_id: str = "my-city", city_name: str = "My City"
) -> str:
    """A profile for *framework* that validates as it is and that a city officer fills in.

    Every rated criterion appears as an ``[[evidence]]`` entry whose rating line is commented
    out, with its question and the scale's levels beside it: uncomment and fill in what applies.
    """
    today = datetime.date.today().isoformat()
    lines = [
        f"# City profile for {framework.title.en} ({framework.id} {framework.version}).",
        "# Fill in the city and the assessment, then rate each criterion below: uncomment its",
        "# `rating` line and set one of the levels listed. Unrated criteria are simply left out of",
        "# the score (coverage says how much was assessed). Several [[evidence]] entries may rate",
        "# the same criterion (for example one per reviewer); copy the block to add one.",
        "# Format: docs/profile-format.md. Check it with `integration-index validate FILE`.",
        "schema = 1",
        "",
        "[city]",
        f"id = {format_value(city_id)}",
        f"name = {format_value(city_name)}",
        '# country = "..."',
        "# population = 250000",
        "",
        "[assessment]",
        f"frameworks = [{format_value(framework.id)}]",
        f"date = {today}",
        '# mode: "self-assessment", "peer-review" or "external"',
        'mode = "self-assessment"',
        "assessors = []",
    ]
    lines += _context_and_exclusions(framework)
    for top in framework.criteria:
        lines += ["", "# " + "=" * 94]
        lines += _comment(f"{top.id} {top.title.en}")
        if top.statement:
            lines += _comment(top.statement.en)
        lines.append("# " + "=" * 94)
        for leaf in (node for node in top.walk() if node.is_leaf):
            lines += _leaf_entry(framework, leaf)
    return "\n".join(lines) + "\n"


def _context_and_exclusions(framework: Framework) -> list[str]:
    """Commented entries for the contextual factors and the exclusions a framework allows."""
    lines: list[str] = []
    if framework.contextual_factors:
        lines += [
            "",
            "# Contextual factors: recorded and shown beside the score.",
            f"[context.{framework.id}]",
        ]
        for factor in framework.contextual_factors:
            lines.append("")
            lines += _comment(f"{factor.title.en}: expected {factor.expected()}.")
            if factor.description:
                lines += _comment(
                    factor.description.en[:400]
                    + ("..." if len(factor.description.en) > 400 else "")
                )
            lines.append(f'# {factor.id} = ""')
    if framework.competence_exclusions:
        lines += ["", "# Criteria outside the city's competence may be declared (with a reason):"]
        for rule in framework.competence_exclusions:
            lines += ["# [[exclusions]]", f"# criterion = {format_value(rule.criteria[0])}"]
            if rule.factor:
                lines.append(f"# factor = {format_value(rule.factor)}")
            lines += ['# reason = "..."']
    return lines


def _leaf_entry(framework: Framework, leaf: Criterion) -> list[str]:
    lines = ["", *_comment(f"{leaf.id}: {leaf.title.en}")]
    if leaf.goalposts is not None:
        posts = leaf.goalposts
        unit = f" {posts.unit}" if posts.unit else ""
        lines += _comment(
            f"Measured value{unit}, from {posts.min} to {posts.max} ({posts.direction} is better)."
        )
        example = "0.0"
    elif leaf.normalisation is not None:
        rule = leaf.normalisation
        unit = f" {rule.unit}" if rule.unit else ""
        lines += _comment(
            f"Measured value{unit}, normalised against the cohort by {rule.method} "
            f"({rule.direction} is better)."
        )
        example = "0.0"
    else:
        scale = framework.scale_of(leaf)
        assert scale is not None
        lines += _comment(
            "Levels: " + ", ".join(f"{level.id} ({level.label.en})" for level in scale.levels)
        )
        example = format_value(scale.levels[0].id)
    lines += [
        "# [[evidence]]",
        f"# criterion = {format_value(leaf.id)}",
        f"# rating = {example}",
        '# source = "document"   # document, interview, focus-group, statistics, observation, self-assessment',
        '# reference = ""',
    ]
    return lines
