"""A small TOML writer for the data this project writes (profiles and templates).

It handles strings, booleans, integers, floats, dates, times, datetimes, arrays, tables and arrays
of tables: what ``model_converter().unstructure`` produces for profiles. Floats are written with
``repr`` so they read back exactly. A datetime whose offset from UTC has seconds, and a time with
an offset, cannot be written as TOML: ValueError says so.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["dumps", "format_key", "format_value"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def format_key(key: str) -> str:
    """A key, quoted only when it must be."""
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _string(value: str) -> str:
    out = []
    for char in value:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def format_value(value: Any) -> str:
    """A scalar or an inline array or table."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, datetime.datetime):
        return _datetime(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        if value.tzinfo is not None and value.utcoffset() is not None:
            raise ValueError(
                f"cannot write the time {value.isoformat()} as TOML: a TOML time has no offset"
            )
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, Mapping):
        return (
            "{ "
            + ", ".join(f"{format_key(k)} = {format_value(v)}" for k, v in value.items())
            + " }"
        )
    if isinstance(value, Sequence):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _datetime(value: datetime.datetime) -> str:
    """RFC 3339 as TOML takes it; an offset must be whole minutes (TOML has no seconds there)."""
    offset = value.utcoffset()
    if offset is not None and (offset.seconds % 60 or offset.microseconds):
        raise ValueError(
            f"cannot write the datetime {value.isoformat()} as TOML: its offset from UTC has "
            "seconds, and a TOML offset is whole minutes (convert it to UTC first)"
        )
    if offset is None and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # a tzinfo without an offset: a local datetime
    return value.isoformat()


def _is_table_array(value: Any) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and bool(value)
        and all(isinstance(item, Mapping) for item in value)
    )


def _write_table(lines: list[str], prefix: str, table: Mapping[str, Any]) -> None:
    scalars = [
        (k, v) for k, v in table.items() if not isinstance(v, Mapping) and not _is_table_array(v)
    ]
    for key, value in scalars:
        lines.append(f"{format_key(key)} = {format_value(value)}")
    for key, value in table.items():
        name = f"{prefix}.{format_key(key)}" if prefix else format_key(key)
        if isinstance(value, Mapping):
            lines.append("")
            lines.append(f"[{name}]")
            _write_table(lines, name, value)
        elif _is_table_array(value):
            for item in value:
                lines.append("")
                lines.append(f"[[{name}]]")
                _write_table(lines, name, item)


def dumps(data: Mapping[str, Any]) -> str:
    """Write a mapping as a TOML document."""
    lines: list[str] = []
    _write_table(lines, "", data)
    return "\n".join(lines).lstrip("\n") + "\n"
