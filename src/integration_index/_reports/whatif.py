"""A what-if result as Markdown, and the texts its HTML page (``html_whatif``) shares: the
scenario, the city's rank before and after within its cohort, every node whose score changed."""

from __future__ import annotations

from integration_index._analysis.whatif import WhatIf
from integration_index._i18n import Translator

__all__ = ["what_if_markdown", "what_if_rank", "what_if_rows"]


def what_if_rows(result: WhatIf, tr: Translator) -> list[list[str]]:
    """The changed nodes as text (node, before, after, change), 2 decimals, in tr's language;
    the change is the difference of the values shown (``NodeChange.shown_change``)."""
    return [
        [c.id, tr.number(c.before, 2), tr.number(c.after, 2), tr.signed(c.shown_change, 2)]
        for c in result.changes
    ]


def what_if_rank(result: WhatIf, tr: Translator) -> str | None:
    """The sentence on the city's rank before and after (None without a cohort)."""
    if result.rank_before is None or result.rank_change is None:
        return None
    return tr.t(
        "reports.whatif.rank",
        size=result.cohort_size,
        before=result.rank_before,
        after=result.rank_after,
        change=f"{result.rank_change:+d}",
    )


def what_if_markdown(result: WhatIf, tr: Translator) -> str:
    """*result* as Markdown in *tr*'s language (names and ids shown as written, escaped)."""
    title = tr.t("reports.whatif.title", scenario=_md(result.scenario.title))
    lines = [f"# {title}", "", tr.t("reports.whatif.city", city=_md(result.before.city_name)), ""]
    rank = what_if_rank(result, tr)
    if rank is not None:
        lines += [rank, ""]
    columns = ("node", "before", "after", "change")
    lines.append("| " + " | ".join(tr.t(f"reports.whatif.col_{c}") for c in columns) + " |")
    lines.append("|---|---:|---:|---:|")
    lines += [f"| {_md(node)} | {' | '.join(cells)} |" for node, *cells in what_if_rows(result, tr)]
    if not result.changes:
        lines.append(f"| {tr.t('reports.whatif.no_change')} | | | |")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Free text inert in Markdown: one line, its markup characters and pipes escaped."""
    flat = " ".join(text.split())
    return "".join("\\" + ch if ch in "\\`*_{}[]<>()#+!|~" else ch for ch in flat)
