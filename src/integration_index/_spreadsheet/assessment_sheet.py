"""The Assessment sheet of a profile workbook: one row per item of the city and the
assessment (its label, its key, its values), contextual values and exclusions included."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from integration_index._model.framework import Framework
from integration_index._model.profile import ASSESSMENT_MODES, CityProfile
from integration_index._spreadsheet import labels
from integration_index._spreadsheet.cells import encode_text, openpyxl, set_cell
from integration_index._spreadsheet.labels import ASSESSMENT_COLUMNS
from integration_index._spreadsheet.layout import (
    DATE,
    header_row,
    list_validation,
    quoted_list,
    styles,
)

__all__ = ["write_assessment"]


@attrs.frozen
class _Entry:
    """One row of the Assessment sheet: its label, its key and its values."""

    label: str
    key: str
    values: tuple[object, ...] = ()
    listed: bool = False


def _assessment_entries(
    profile: CityProfile, used: Sequence[Framework], language: str
) -> Iterator[_Entry]:
    city, assessment = profile.city, profile.assessment
    for name in ("id", "name", "country", "population", "region"):
        key = f"city.{name}"
        yield _Entry(labels.field_label(key, language), key, (getattr(city, name),))
    for name, value in city.metadata.items():
        label = labels.field_label("city.metadata", language, name)
        yield _Entry(label, f"city.metadata.{name}", (value,))
    for name in ("frameworks", "date", "mode", "assessors", "title", "notes"):
        key = f"assessment.{name}"
        value = getattr(assessment, name)
        values = value if isinstance(value, tuple) else (value,)
        yield _Entry(labels.field_label(key, language), key, values, isinstance(value, tuple))
    yield _Entry(
        labels.field_label("illustrative", language), "illustrative", (profile.illustrative,)
    )
    yield from _context_entries(profile, used, language)
    yield from _exclusion_entries(profile, used, language)


def _context_entries(
    profile: CityProfile, used: Sequence[Framework], language: str
) -> Iterator[_Entry]:
    """A row per contextual factor of each framework (empty when the profile gives no value),
    then any other value the profile holds."""
    written: set[tuple[str, str]] = set()
    for framework in used:
        values: Mapping[str, object] = profile.context.get(framework.id, {})
        for factor in framework.contextual_factors:
            written.add((framework.id, factor.id))
            label = labels.field_label(
                "context", language, framework.id, factor.title.get(language)
            )
            yield _Entry(label, f"context.{framework.id}.{factor.id}", (values.get(factor.id),))
    for framework_id, values in profile.context.items():
        for factor_id, value in values.items():
            if (framework_id, factor_id) not in written:
                label = labels.field_label("context", language, framework_id, factor_id)
                yield _Entry(label, f"context.{framework_id}.{factor_id}", (value,))


def _exclusion_entries(
    profile: CityProfile, used: Sequence[Framework], language: str
) -> Iterator[_Entry]:
    """Rows for each declared exclusion, then empty ones to fill in if a framework allows any."""
    several = len(profile.assessment.frameworks) > 1
    fields = ("criterion", "reason", *(("framework",) if several else ()), "factor")
    for index, exclusion in enumerate(profile.exclusions):
        for name in ("criterion", "reason", "framework", "factor"):
            value = getattr(exclusion, name)
            if value is not None or name in fields:
                label = labels.field_label(f"exclusions.{name}", language, index + 1)
                yield _Entry(label, f"exclusions[{index}].{name}", (value,))
    if any(framework.competence_exclusions for framework in used):
        index = len(profile.exclusions)
        for name in fields:
            label = labels.field_label(f"exclusions.{name}", language, index + 1)
            yield _Entry(label, f"exclusions[{index}].{name}")


def write_assessment(
    sheet: Any, profile: CityProfile, used: Sequence[Framework], language: str
) -> None:
    style = styles()
    headers = [column.header(language) for column in ASSESSMENT_COLUMNS]
    header_row(sheet, headers, [column.width for column in ASSESSMENT_COLUMNS])
    validations = _assessment_validations(sheet, used, language)
    grey = style.Font(color="808080")
    for row, entry in enumerate(_assessment_entries(profile, used, language), start=2):
        set_cell(sheet.cell(row=row, column=1), entry.label)
        key_cell = sheet.cell(row=row, column=2)
        set_cell(key_cell, entry.key)
        key_cell.font = grey
        for column, value in enumerate(entry.values or (None,), start=3):
            cell = sheet.cell(row=row, column=column)
            if entry.listed and isinstance(value, str):
                cell.value = encode_text(value, list_item=True)
                cell.data_type = "s"
            else:
                set_cell(cell, value)
            if entry.key == "assessment.date":
                cell.number_format = DATE
        validation = validations.get(entry.key)
        if validation is not None:
            validation.add(f"C{row}")
    for column in range(4, 8):
        sheet.column_dimensions[openpyxl().utils.get_column_letter(column)].width = 24


def _assessment_validations(sheet: Any, used: Sequence[Framework], language: str) -> dict[str, Any]:
    """Drop-downs of the Assessment rows that take one of a few values, by key."""
    lists = {"assessment.mode": ASSESSMENT_MODES, "illustrative": ("TRUE", "FALSE")}
    for framework in used:
        for factor in framework.contextual_factors:
            key = f"context.{framework.id}.{factor.id}"
            if factor.kind == "choice":
                lists[key] = factor.choices
            elif factor.kind == "boolean":
                lists[key] = ("TRUE", "FALSE")
    validations = {}
    for key, values in lists.items():
        formula = quoted_list(values)
        if formula is not None:
            validation = list_validation(formula, labels.word("not a level", language))
            sheet.add_data_validation(validation)
            validations[key] = validation
    return validations
