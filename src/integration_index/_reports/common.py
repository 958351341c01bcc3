"""What the reports share: words for enumerated values, Markdown escaping and tables, and the
sections plugins add."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from integration_index._analysis.compare import Ranking
from integration_index._i18n import Translator
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.report import ReportSection
from integration_index._model.scorecard import ScoreCard
from integration_index.hookspecs import ReportKind

__all__ = [
    "SectionSource",
    "band_label",
    "cell",
    "md_inline",
    "md_text",
    "no_sections",
    "peer_groups_text",
    "plugin_sections",
    "reason_text",
    "short",
    "table",
    "value_word",
]


def value_word(tr: Translator, group: str, value: str) -> str:
    """An enumerated value (a mode, a relation, a direction...) in the report's language: the
    catalogue's ``reports.values.<group>.<value>``, else the value itself (a plugin's own)."""
    key = f"reports.values.{group}.{value.replace(' ', '-')}"
    return tr.t(key) if tr.has(key) else value


#: The English reasons the analysis gives (agreement, progress), by catalogue key.
_REASONS = {
    "too little data: fewer than 2 units rated by at least 2 raters": "too-little-data",
    "no variation: every rating is the same level": "no-variation",
    "no variation: every measured value is the same": "no-variation-measured",
    "nothing rated beneath it": "nothing-rated",
    "not applicable": "not-applicable",
}
_COVERAGE_REASON = re.compile(r"(\d+)% of it rated, below the minimum coverage of (\d+)%")


_NO_EVIDENCE = re.compile(r"(\d+) of (\d+) rated criteria have no evidence")
_NO_SCORE = re.compile(
    r"overall coverage (\d+)% is below the framework's threshold (\d+)%: no overall score"
)


def reason_text(tr: Translator, reason: str) -> str:
    """A reason or warning the analysis or the scoring engine wrote in English, in the report's
    language when it is one of theirs (free text from frameworks and profiles is left as it is)."""
    if reason in _REASONS:
        return tr.t(f"reports.values.reason.{_REASONS[reason]}")
    if match := _NO_EVIDENCE.fullmatch(reason):
        unrated, count = (int(group) for group in match.groups())
        return tr.t("reports.values.reason.no-evidence", unrated=unrated, count=count)
    if match := _NO_SCORE.fullmatch(reason):
        coverage, minimum = (int(group) / 100 for group in match.groups())
        return tr.t(
            "reports.values.reason.no-score",
            coverage=tr.percent(coverage),
            minimum=tr.percent(minimum),
        )
    match = _COVERAGE_REASON.fullmatch(reason)
    if match:
        rated, minimum = (int(group) / 100 for group in match.groups())
        return tr.t(
            "reports.values.reason.below-coverage",
            rated=tr.percent(rated),
            minimum=tr.percent(minimum),
        )
    return reason


def band_label(tr: Translator, ranking: Ranking, label: str) -> str:
    """A ranking's peer-group label ("100,000-249,999", "unknown", "5 most similar") in the
    report's language; an attribute's value (a country, a region...) is shown as written."""
    if ranking.peers != "population":
        if label == "unknown":
            return tr.t("reports.compare.group_unknown")
        if ranking.peers.startswith("similar:"):
            k = ranking.peers.split(":")[1]
            if label == f"{k} most similar":
                return tr.t("reports.compare.group_similar", count=int(k))
        return label
    if label == "unknown population":
        return tr.t("reports.compare.band_unknown")
    limits = [0, *ranking.bands]
    for index, low in enumerate(limits):
        high = limits[index + 1] - 1 if index + 1 < len(limits) else None
        english = f"{low:,}-{high:,}" if high is not None else f"{low:,}+"
        if english == label:
            if high is None:
                return tr.t("reports.compare.band_above", low=tr.integer(low))
            return tr.t("reports.compare.band_between", low=tr.integer(low), high=tr.integer(high))
    return label


def peer_groups_text(
    ranking: Ranking, tr: Translator, message: Callable[..., str], free: Callable[[str], str]
) -> str:
    """How *ranking*'s peer groups were formed, as a catalogue message: *message* renders a
    catalogue key (``tr.t``, or an HTML page's escaping ``m``), *free* wraps text shown as
    written (metadata keys, factors' ids)."""
    peers = ranking.peers
    separator = tr.t("reports.common.list_separator")
    if peers == "population":
        limits = separator.join(tr.integer(b) for b in ranking.bands)
        return message("reports.compare.groups_population", limits=limits)
    if peers.startswith("similar:"):
        _, k, factors = peers.split(":", 2)
        names = separator.join(
            tr.t(f"reports.values.peers.{f}") if f == "population" else f
            for f in factors.split(",")
        )
        return message("reports.compare.groups_similar", count=int(k), factors=free(names))
    if peers in ("country", "region"):
        return message("reports.compare.groups_by", rule=tr.t(f"reports.values.peers.{peers}"))
    return message("reports.compare.groups_by", rule=free(peers))


def short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


#: Characters that start Markdown syntax wherever they stand (emphasis, code, links, escapes) or
#: HTML (tags, entities): each is shown as itself, never as markup.
_INLINE = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "[": "\\[",
    "]": "\\]",
    "~": "\\~",
    "|": "\\|",
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
}
_INLINE_RE = re.compile("[" + re.escape("".join(_INLINE)) + "]")

#: What makes a line a heading, a list item, a thematic break or a link definition when it starts
#: the line: #, -, +, = or [ (quotes, tables and HTML are inert already), or digits then . or )
#: and a space.
_LINE_START_RE = re.compile(r"[#\-+=\[]|\d{1,9}(?=[.)](?: |$))")


def md_inline(text: str) -> str:
    """Free text made inert inside a line of Markdown: one line (every run of whitespace, line
    breaks too, becomes one space), its Markdown punctuation escaped and its HTML written as
    entities, so that it renders as the text itself and never as markup."""
    return _INLINE_RE.sub(_inline_escape, " ".join(text.split()))


def _inline_escape(match: re.Match[str]) -> str:
    char, text, at = match.group(), match.string, match.start()
    if char == "_" and 0 < at < len(text) - 1 and text[at - 1].isalnum() and text[at + 1].isalnum():
        return char  # inside a word (snake_case, file_names) "_" cannot emphasise: left alone
    if char == "[" or (char == "]" and text[at + 1 : at + 2] not in ("(", "[")):
        return (
            char  # only "](" and "][" make a link (key paths such as evidence[1] stay as they are)
        )
    return _INLINE[char]


def md_text(text: str) -> str:
    """md_inline, and inert at the start of a line too: a leading ``#``, list marker (``-``,
    ``+``, ``1.``), ``=`` or ``!`` is escaped, so the text cannot become a heading or a list
    item wherever a report places it. For free text from profiles and plugins; not for numbers
    or the reports' own labels."""
    inline = md_inline(text)
    match = _LINE_START_RE.match(inline)
    if match is None:
        return inline
    at = match.end() if inline[0].isdigit() else 0  # "12\. x", "\# x": the punctuation
    return inline[:at] + "\\" + inline[at:]


def cell(text: str) -> str:
    """A table cell: inert Markdown (md_inline), on one line, its pipes escaped."""
    return md_inline(text)


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()
) -> list[str]:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|")
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


class SectionSource(Protocol):
    """Where a report gets the sections plugins add (a registry's ``report_sections``)."""

    def __call__(
        self,
        report: ReportKind,
        *,
        framework: Framework,
        cards: Sequence[ScoreCard],
        profiles: Sequence[CityProfile] = (),
        options: Mapping[str, Any] | None = None,
    ) -> tuple[Sequence[ReportSection], Sequence[str]]: ...


def no_sections(
    report: ReportKind,
    *,
    framework: Framework,
    cards: Sequence[ScoreCard],
    profiles: Sequence[CityProfile] = (),
    options: Mapping[str, Any] | None = None,
) -> tuple[Sequence[ReportSection], Sequence[str]]:
    """A section source with no plugins."""
    return (), ()


def plugin_sections(
    tr: Translator,
    sections: SectionSource,
    report: ReportKind,
    framework: Framework,
    cards: Sequence[ScoreCard],
    profiles: Sequence[CityProfile],
    options: dict[str, Any],
) -> list[str]:
    found, warnings = sections(
        report, framework=framework, cards=cards, profiles=profiles, options=options
    )
    lines: list[str] = []
    for section in found:
        # A section's body is Markdown by contract; its title is plain text.
        lines += ["", f"### {md_text(section.title)}", "", section.body.rstrip()]
    for warning in warnings:
        lines += ["", "> " + tr.t("reports.common.warning", text=md_text(warning))]
    return lines
