"""A what-if result as a self-contained HTML page: the scenario, the city's rank before and
after within its cohort, and every node whose score changed (a sortable table)."""

from __future__ import annotations

from integration_index._analysis.whatif import WhatIf
from integration_index._i18n import Translator
from integration_index._reports.html_doc import Cell, Doc, Row, Table, value_of
from integration_index._reports.whatif import what_if_rank, what_if_rows

__all__ = ["what_if_report"]


def what_if_report(result: WhatIf, tr: Translator) -> str:
    """*result* as an HTML page in *tr*'s language."""
    doc = Doc(tr)
    rank = what_if_rank(result, tr)
    if rank is not None:
        doc.p(rank)
    rows = []
    for change, texts in zip(result.changes, what_if_rows(result, tr), strict=True):
        values = [None, value_of(change.before, 2), value_of(change.after, 2)]
        values.append(value_of(change.change, 2))
        cells = [Cell(doc.u(texts[0]))]
        cells += [Cell(text, value) for text, value in zip(texts[1:], values[1:], strict=True)]
        rows.append(Row(id=change.id, cells=cells))
    if not result.changes:
        rows.append(
            Row(cells=[Cell(tr.t("reports.whatif.no_change")), Cell(""), Cell(""), Cell("")])
        )
    header = [tr.t(f"reports.whatif.col_{c}") for c in ("node", "before", "after", "change")]
    doc.table(Table(header=header, rows=rows, right=frozenset({1, 2, 3})))
    heading = doc.m("reports.whatif.title", scenario=doc.u(result.scenario.title))
    lead = [doc.m("reports.whatif.city", city=doc.u(result.before.city_name))]
    return doc.page("what-if", heading, lead=lead)
