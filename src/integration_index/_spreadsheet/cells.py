"""What every workbook shares: the optional spreadsheet library, and cell values written and read
exactly (text with the characters XML cannot hold, numbers to the last digit, dates as dates).

The spreadsheet library (openpyxl) is an optional extra, imported on first use only: without it,
:func:`openpyxl` raises :class:`SpreadsheetUnavailable`, whose message says what to install.
"""

from __future__ import annotations

import datetime
import importlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

__all__ = [
    "EMPTY_TEXT",
    "INSTALL_HINT",
    "SpreadsheetUnavailable",
    "cell_value",
    "decode_text",
    "encode_text",
    "header_key",
    "openpyxl",
    "set_cell",
    "sheet_names",
    "text_of",
]

#: What to do when the spreadsheet library is missing.
INSTALL_HINT = 'install the spreadsheet extra: pip install "integration-index[xlsx]"'

#: A cell holding exactly this stands for the empty text (an empty cell is no value at all).
EMPTY_TEXT = '""'

#: Characters a workbook's XML cannot hold (or would turn into others: a carriage return comes
#: back as a line feed), and an underscore that would otherwise start an escape.
_TO_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_TO_ESCAPE_IN_LIST = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f\ufffe\uffff;]")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
#: Sheet names may not hold these, nor exceed 31 characters (Excel's rules).
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_MIDNIGHT = datetime.time()


class SpreadsheetUnavailable(ImportError):
    """The spreadsheet library (the ``xlsx`` extra) is not installed."""


def openpyxl() -> Any:
    """The openpyxl module, imported on first use.

    Raises:
        SpreadsheetUnavailable: it is not installed; the message says how to install it.
    """
    try:
        return importlib.import_module("openpyxl")
    except ImportError as exc:
        raise SpreadsheetUnavailable(INSTALL_HINT) from exc


def encode_text(text: str, *, list_item: bool = False) -> str:
    """*text* as a cell holds it: Excel's ``_xHHHH_`` escapes for the characters XML cannot hold
    (and for ``;`` in an item of a list, which ``;`` separates), ``""`` for the empty text."""
    if not text:
        return EMPTY_TEXT
    pattern = _TO_ESCAPE_IN_LIST if list_item else _TO_ESCAPE
    encoded = pattern.sub(lambda match: f"_x{ord(match.group()):04X}_", text)
    return "_x0022__x0022_" if encoded == EMPTY_TEXT else encoded


def decode_text(raw: str) -> str:
    """The text a cell written by :func:`encode_text` (or typed by hand) holds."""
    if raw == EMPTY_TEXT:
        return ""
    if "_x" not in raw:
        return raw
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), raw)


def set_cell(cell: Any, value: object) -> None:
    """Write *value* into an openpyxl cell so that :func:`cell_value` reads it back equal: text
    never becomes a formula, numbers keep every digit, dates stay dates (None leaves it empty)."""
    if value is None:
        return
    if isinstance(value, str):
        cell.value = encode_text(value)
        cell.data_type = "s"  # text starting with "=" is text, not a formula
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int | float):
        cell.value = value
        # openpyxl writes numbers with 16 significant digits and "5.0" as "5" (read back as an
        # int): write the shortest text that reads back as the same number of the same type.
        cell._value = repr(value)
    else:
        cell.value = value  # dates (with a date format), and anything openpyxl knows


def cell_value(value: object) -> Any:
    """A value as read from a cell, as the profile holds it: text decoded, a date-time at
    midnight as a date; numbers, booleans and None as they are."""
    if isinstance(value, str):
        return decode_text(value)
    if isinstance(value, datetime.datetime):
        if value.time() == _MIDNIGHT and value.tzinfo is None:
            return value.date()
        return value
    return value


def text_of(value: object) -> object:
    """A value that a text field holds, as text when a spreadsheet made it something else (a
    number typed into a text column, or a date); anything else as it is."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def header_key(text: object) -> str:
    """A header as compared: without accents, case or repeated spaces; '_' and '-' as spaces."""
    if not isinstance(text, str):
        return ""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return " ".join(plain.casefold().replace("_", " ").replace("-", " ").split())


def sheet_names(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Valid, distinct sheet names for *names* (at most 31 characters, none of ``[]:*?/\\``;
    Excel compares them without case), none of them among *taken*."""
    used = {name.casefold() for name in taken}
    result = []
    for name in names:
        base = _SHEET_NAME_BAD.sub("-", name).strip("'")[:31] or "Sheet"
        candidate, number = base, 1
        while candidate.casefold() in used:
            number += 1
            suffix = f" ({number})"
            candidate = base[: 31 - len(suffix)] + suffix
        used.add(candidate.casefold())
        result.append(candidate)
    return result
