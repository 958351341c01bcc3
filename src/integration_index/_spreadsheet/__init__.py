"""Workbooks (.xlsx): city profiles to fill in and read back, and tables of scores.

The spreadsheet library is the optional ``xlsx`` extra; it is imported only when a workbook is
read or written (:class:`SpreadsheetUnavailable` says what to install when it is missing).
"""

from __future__ import annotations

from integration_index._spreadsheet.cells import (
    INSTALL_HINT,
    SpreadsheetUnavailable,
    openpyxl,
)
from integration_index._spreadsheet.profile_reader import profile_from_workbook
from integration_index._spreadsheet.profile_writer import (
    profile_to_workbook,
    save_profile_workbook,
)
from integration_index._spreadsheet.tables import TableWorkbook

__all__ = [
    "INSTALL_HINT",
    "SpreadsheetUnavailable",
    "TableWorkbook",
    "openpyxl",
    "profile_from_workbook",
    "profile_to_workbook",
    "save_profile_workbook",
]
