"""What a score card says about how it was computed, for the score reports (Markdown and HTML):
the cohort rules and statistics used, values imputed, criteria switched off, weights overridden.

Every word comes from the catalogue (``reports.notes``); the ids, units and file names are shown
as written.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from integration_index._i18n import Translator
from integration_index._model.scorecard import ScoreCard
from integration_index._reports.common import md_text, table, value_word

__all__ = ["NOTES_COLUMNS", "NOTES_RIGHT", "AnalysisNotes", "analysis_notes", "notes_markdown"]

#: The columns of the cohort table.
NOTES_COLUMNS = ("criterion", "rule", "measured", "unit", "n", "range", "mean", "sd")
#: Its right-aligned (numeric) columns, by index.
NOTES_RIGHT = (2, 4, 6, 7)


@attrs.frozen(kw_only=True)
class AnalysisNotes:
    """A card's analysis notes in one language.

    Attributes:
        cohort: The sentence before the cohort table (None: no cohort rule was used).
        header: The cohort table's header.
        rows: Its rows, plain text (to be escaped by the writer).
        sentences: The imputed values, switched-off criteria and weights overridden, one
            sentence each.
    """

    cohort: str | None
    header: list[str]
    rows: list[list[str]]
    sentences: list[str]


def short_number(tr: Translator, value: float, spec: str) -> str:
    """*value* with the format *spec* ("g", ".4g"), in the language's decimal mark."""
    text = format(value, spec)
    mark = tr.number(0.5)[1]
    return text.replace(".", mark) if mark != "." else text


def analysis_notes(
    card: ScoreCard, tr: Translator, message: Callable[..., str], free: Callable[[str], str]
) -> AnalysisNotes:
    """*card*'s notes: *message* renders a catalogue key (``tr.t`` or an HTML page's escaping
    ``m``), *free* wraps text shown as written (criteria's ids, file names)."""
    separator = tr.t("reports.common.list_separator")
    cohort = None
    rows = []
    if card.normalisation:
        source = value_word(tr, "cohort", card.normalisation[0].source)
        cohort = message("reports.notes.cohort", source=free(source))
        for used in card.normalisation:
            node = card.node(used.criterion)
            stats = used.stats
            low, high = short_number(tr, stats.min, "g"), short_number(tr, stats.max, "g")
            rows.append(
                [
                    used.criterion,
                    value_word(tr, "rule", used.method),
                    tr.number(node.measured, 2),
                    node.unit or "",
                    tr.integer(stats.n),
                    tr.t("reports.common.range", lower=low, upper=high),
                    short_number(tr, stats.mean, ".4g"),
                    short_number(tr, stats.sd, ".4g"),
                ]
            )
    sentences = []
    imputed = [
        tr.t("reports.notes.imputed_item", id=n.id, rule=value_word(tr, "missing", n.imputed))
        for n in card.nodes
        if n.imputed
    ]
    if imputed:
        sentences.append(message("reports.notes.imputed", items=free(separator.join(imputed))))
    off = [n.id for n in card.nodes if n.switched_off]
    if off:
        sentences.append(message("reports.notes.switched_off", criteria=free(separator.join(off))))
    if card.weight_overrides:
        changed = separator.join(
            tr.t(
                "reports.notes.weight_change",
                criterion=o.criterion,
                declared=short_number(tr, o.declared, "g"),
                used=short_number(tr, o.used, "g"),
            )
            for o in card.weight_overrides
        )
        source = value_word(tr, "weights", card.weights_source or "")
        sentences.append(
            message("reports.notes.weights", source=free(source), changes=free(changed))
        )
    header = [tr.t(f"reports.notes.col_{name}") for name in NOTES_COLUMNS]
    return AnalysisNotes(cohort=cohort, header=header, rows=rows, sentences=sentences)


def notes_markdown(card: ScoreCard, tr: Translator) -> list[str]:
    """*card*'s analysis notes as Markdown lines (none when it has none)."""
    notes = analysis_notes(card, tr, tr.t, md_text)
    lines: list[str] = []
    if notes.cohort is not None:
        lines += ["", notes.cohort, ""]
        lines += table(notes.header, notes.rows, right=NOTES_RIGHT)
    for sentence in notes.sentences:
        lines += ["", sentence]
    return lines
