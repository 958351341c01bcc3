"""Tables written row by row into a workbook an analyst opens as it is: numbers as numbers,
dates as dates, an empty cell for a missing value, a bold frozen header row.

The workbook is openpyxl's write-only kind: each sheet's rows go to a temporary file as they
come, so memory stays flat however many rows a batch writes.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import IO, Any

from integration_index._spreadsheet.cells import encode_text, openpyxl, sheet_names

__all__ = ["TableWorkbook"]


class _Table:
    __slots__ = ("formats", "sheet")

    def __init__(self, sheet: Any, formats: tuple[str | None, ...]) -> None:
        self.sheet = sheet
        self.formats = formats


class TableWorkbook:
    """A workbook of tables, one per sheet, written a row at a time."""

    def __init__(self) -> None:
        self._xl = openpyxl()
        self._book = self._xl.Workbook(write_only=True)
        self._tables: dict[str, _Table] = {}
        self._titles: list[str] = []

    def __contains__(self, key: str) -> bool:
        return key in self._tables

    def add_table(
        self,
        key: str,
        title: str,
        columns: Sequence[str],
        *,
        formats: Mapping[str, str] | None = None,
        widths: Mapping[str, int] | None = None,
    ) -> str:
        """Start a sheet (named after *title*, made valid and distinct) whose header row is
        *columns*; *formats* gives number formats by column (for example ``"0.00"``). Returns
        the sheet's name."""
        (name,) = sheet_names([title], self._titles)
        self._titles.append(name)
        sheet = self._book.create_sheet(name)
        letter = self._xl.utils.get_column_letter
        for index, column in enumerate(columns, start=1):
            width = (widths or {}).get(column, max(10, min(40, len(column) + 3)))
            sheet.column_dimensions[letter(index)].width = width
        sheet.freeze_panes = "A2"
        bold = self._xl.styles.Font(bold=True)
        header = []
        for column in columns:
            cell = self._xl.cell.WriteOnlyCell(sheet, value=encode_text(column))
            cell.data_type = "s"
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        self._tables[key] = _Table(sheet, tuple((formats or {}).get(c) for c in columns))
        return name

    def append(self, key: str, values: Sequence[object]) -> None:
        """Add a row to the table *key*: text, numbers, booleans, dates; None (or empty text)
        leaves the cell empty."""
        table = self._tables[key]
        sheet = table.sheet
        row: list[object] = []
        for value, number_format in zip(values, table.formats, strict=True):
            if value is None or value == "":
                row.append(None)
            elif isinstance(value, str):
                cell = self._xl.cell.WriteOnlyCell(sheet, value=encode_text(value))
                cell.data_type = "s"  # never a formula
                row.append(cell)
            elif number_format is not None and isinstance(value, int | float | datetime.date):
                cell = self._xl.cell.WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                row.append(cell)
            else:
                row.append(value)
        sheet.append(row)

    def save(self, target: str | IO[bytes]) -> None:
        """Write the workbook (once: a write-only workbook cannot be saved twice)."""
        if not self._titles:
            self._book.create_sheet("Empty")
        self._book.save(target)
