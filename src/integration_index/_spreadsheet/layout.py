"""What the sheets of a profile workbook share: the header row, drop-down lists, formats."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from integration_index._spreadsheet.cells import openpyxl, set_cell

__all__ = ["DATE", "TEXT", "header_row", "list_validation", "quoted_list", "styles"]

_HEADER_FILL = "D9E1F2"
#: The number formats of text cells (what is typed stays text: "01.1" is not 1.1) and dates.
TEXT = "@"
DATE = "yyyy-mm-dd"


def styles() -> Any:
    """openpyxl's styles module."""
    return openpyxl().styles


def quoted_list(values: Sequence[str]) -> str | None:
    """A data validation's inline list, or None when Excel could not hold it."""
    text = ",".join(values)
    if len(text) > 250 or any("," in value or '"' in value for value in values):
        return None
    return f'"{text}"'


def list_validation(formula: str, message: str) -> Any:
    """A drop-down list (an inline list or a range) that refuses other values with *message*."""
    return openpyxl().worksheet.datavalidation.DataValidation(
        type="list", formula1=formula, allow_blank=True, showErrorMessage=True, error=message
    )


def header_row(sheet: Any, headers: Sequence[str], widths: Sequence[int]) -> None:
    """A bold, shaded, frozen first row, and the columns' widths."""
    style = styles()
    letter = openpyxl().utils.get_column_letter
    for index, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=1, column=index)
        set_cell(cell, text)
        cell.font = style.Font(bold=True)
        cell.fill = style.PatternFill("solid", fgColor=_HEADER_FILL)
        sheet.column_dimensions[letter(index)].width = width
    sheet.freeze_panes = "A2"
