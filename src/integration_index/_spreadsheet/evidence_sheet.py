"""The Evidence sheet of a profile workbook: each framework's rated criteria in order, grouped
by key factor, one row per evidence item (or an empty row to fill in), with drop-downs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from integration_index._model.criteria import Criterion
from integration_index._model.framework import Framework
from integration_index._model.profile import EFFORTS, SOURCE_KINDS, CityProfile
from integration_index._model.profile import Evidence as EvidenceItem
from integration_index._spreadsheet import labels
from integration_index._spreadsheet.cells import openpyxl, set_cell
from integration_index._spreadsheet.labels import EVIDENCE_COLUMNS
from integration_index._spreadsheet.layout import (
    DATE,
    TEXT,
    header_row,
    list_validation,
    quoted_list,
    styles,
)

__all__ = ["write_evidence"]

_GROUP_FILL = "F2F2F2"
#: The Evidence columns that hold text: formatted as text so that "01.1" typed stays "01.1".
_TEXT_COLUMNS = ("framework", "criterion", "reference", "assessor", "note", "source", "effort")
_WRAPPED = ("key_factor", "question", "expected", "reference", "note")
#: Far enough down for rows added by hand to keep the drop-downs of the whole columns.
_LAST_ROW = 10_000


@attrs.frozen
class _Row:
    """One row of the Evidence sheet: a rated criterion, with one evidence item or none."""

    framework: Framework | None
    leaf: Criterion | None
    item: EvidenceItem | None
    order: int | None
    framework_cell: str | None


def _evidence_rows(profile: CityProfile, used: Sequence[Framework]) -> list[_Row]:
    """Each framework's rated criteria in order, one row per evidence item or an empty row;
    then the evidence that fits none of them."""
    several = len(profile.assessment.frameworks) > 1
    by_leaf: dict[tuple[str | None, str], list[int]] = {}
    for index, item in enumerate(profile.evidence):
        by_leaf.setdefault((profile.framework_of(item), item.criterion), []).append(index)
    rows: list[_Row] = []
    evidence = profile.evidence
    for framework in used:
        for leaf in framework.leaves:
            indexes = by_leaf.pop((framework.id, leaf.id), [])
            rows += [
                _Row(framework, leaf, evidence[i], i + 1, evidence[i].framework) for i in indexes
            ] or [_Row(framework, leaf, None, None, framework.id if several else None)]
    rest = sorted(index for indexes in by_leaf.values() for index in indexes)
    rows += [_Row(None, None, evidence[i], i + 1, evidence[i].framework) for i in rest]
    return rows


def _expected(framework: Framework, leaf: Criterion, language: str) -> str:
    posts = leaf.goalposts
    if posts is not None:
        unit = f" ({posts.unit})" if posts.unit else ""
        better = labels.word(posts.direction, language)
        return labels.word("measured", language, unit, posts.min, posts.max, better)
    rule = leaf.normalisation
    if rule is not None:  # against the cohort: no fixed range to show
        return f"{rule.unit or 'a number'} ({labels.word(rule.direction, language)})"
    scale = framework.scale_of(leaf)
    return ", ".join(level.id for level in scale.levels) if scale is not None else ""


def _row_values(row: _Row, language: str) -> dict[str, object]:
    values: dict[str, object] = {"framework": row.framework_cell, "order": row.order}
    if row.framework is not None and row.leaf is not None:
        top = row.framework.node(row.framework.top_level_of(row.leaf.id))
        values["key_factor"] = f"{top.id} {top.title.get(language)}"
        values["criterion"] = row.leaf.id
        values["question"] = row.leaf.title.get(language)
        values["expected"] = _expected(row.framework, row.leaf, language)
    item = row.item
    if item is not None:
        for name in ("criterion", "rating", "source", "reference", "date", "assessor", "note"):
            values[name] = getattr(item, name)
        values["effort"] = item.effort
    return values


def write_evidence(
    sheet: Any,
    profile: CityProfile,
    used: Sequence[Framework],
    lists: Mapping[tuple[str, str], str],
    language: str,
) -> None:
    style = styles()
    keys = [column.key for column in EVIDENCE_COLUMNS]
    header_row(
        sheet, [c.header(language) for c in EVIDENCE_COLUMNS], [c.width for c in EVIDENCE_COLUMNS]
    )
    letters = {key: openpyxl().utils.get_column_letter(i) for i, key in enumerate(keys, start=1)}
    validations = _EvidenceValidations(sheet, lists, letters, language)
    wrap = style.Alignment(wrap_text=True, vertical="top")
    top = style.Alignment(vertical="top")
    group_fill = style.PatternFill("solid", fgColor=_GROUP_FILL)
    rows = _evidence_rows(profile, used)
    groups: list[object] = []
    for number, row in enumerate(rows, start=2):
        values = _row_values(row, language)
        group = values.get("key_factor")
        if not groups or groups[-1] != group:
            groups.append(group)
        shaded = len(groups) % 2 == 0
        for column, key in enumerate(keys, start=1):
            cell = sheet.cell(row=number, column=column)
            set_cell(cell, values.get(key))
            cell.alignment = wrap if key in _WRAPPED else top
            if key in _TEXT_COLUMNS:
                cell.number_format = TEXT
            elif key == "date":
                cell.number_format = DATE
            if shaded:
                cell.fill = group_fill
        validations.add(row, number)
    last = len(rows) + 1
    sheet.auto_filter.ref = f"A1:{letters[keys[-1]]}{max(last, 2)}"
    validations.columns(last)


class _EvidenceValidations:
    """The Evidence sheet's drop-downs: a rating's scale levels (a number for a measured
    criterion), the kinds of source and the efforts."""

    def __init__(
        self,
        sheet: Any,
        lists: Mapping[tuple[str, str], str],
        letters: Mapping[str, str],
        language: str,
    ) -> None:
        self.sheet, self.lists, self.letters, self.language = sheet, lists, letters, language
        self.by_scale: dict[tuple[str, str], Any] = {}
        self.measured: Any = None

    def add(self, row: _Row, number: int) -> None:
        if row.framework is None or row.leaf is None:
            return
        where = f"{self.letters['rating']}{number}"
        scale = row.framework.scale_of(row.leaf)
        if scale is None:
            self._measured().add(where)
            return
        self.sheet[where].number_format = TEXT
        key = (row.framework.id, scale.id)
        if key not in self.by_scale:
            message = labels.word("not a level", self.language)
            self.by_scale[key] = list_validation(self.lists[key], message)
            self.sheet.add_data_validation(self.by_scale[key])
        self.by_scale[key].add(where)

    def _measured(self) -> Any:
        if self.measured is None:
            self.measured = openpyxl().worksheet.datavalidation.DataValidation(
                type="decimal",
                operator="between",
                formula1="-1E+300",
                formula2="1E+300",
                allow_blank=True,
                showErrorMessage=True,
                error=labels.word("not a number", self.language),
            )
            self.sheet.add_data_validation(self.measured)
        return self.measured

    def columns(self, last: int) -> None:
        """Drop-downs over the whole source and effort columns (rows added by hand too)."""
        for key, values, message in (
            ("source", SOURCE_KINDS, "not a source"),
            ("effort", EFFORTS, "not an effort"),
        ):
            formula = quoted_list(values)
            assert formula is not None
            validation = list_validation(formula, labels.word(message, self.language))
            letter = self.letters[key]
            validation.add(f"{letter}2:{letter}{max(last, _LAST_ROW)}")
            self.sheet.add_data_validation(validation)
