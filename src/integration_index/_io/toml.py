"""Reading TOML: bytes to a dict, with errors that say where, and key paths back to lines."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from integration_index.exceptions import IntegrationIndexError, Problem

try:  # The compiled tomli wheel parses about 3x faster than the stdlib's tomllib.
    import tomli as _toml
except ImportError:  # pragma: no cover - tomli is a dependency; tomllib is the fallback
    import tomllib as _toml  # type: ignore[no-redef]

__all__ = ["decode", "locate", "parse", "read_text", "with_lines"]

ErrorFactory = Callable[..., IntegrationIndexError]
_AT_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_text(path: str | Path, error: ErrorFactory) -> str:
    """Read a file as UTF-8 text; raise *error* naming the file (and the line of a bad byte)."""
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise error("is a directory, expected a TOML file", path=str(path)) from None
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from None
    return decode(data, str(path), error)


def decode(data: bytes, path: str | None, error: ErrorFactory) -> str:
    """Decode UTF-8 bytes; raise *error* with the line of the first invalid byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(
            f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "expected a UTF-8 encoded TOML file",
            path=path,
            line=line,
        ) from None


def parse(text: str, path: str | None, error: ErrorFactory) -> dict[str, Any]:
    """Parse TOML text; raise *error* with the parser's line and message."""
    if not text.strip():
        raise error("the file is empty, expected a TOML document", path=path, line=1)
    try:
        return _toml.loads(text)
    except _toml.TOMLDecodeError as exc:
        message = str(getattr(exc, "msg", None) or exc)
        line = getattr(exc, "lineno", None)
        match = _AT_LINE.search(message)
        if match:
            line = line or int(match.group(1))
            message = message[: match.start()].strip()
        raise error(f"invalid TOML: {message}", path=path, line=line) from None


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _split_keys(dotted: str) -> list[str]:
    parts: list[str] = []
    for match in re.finditer(r"""[A-Za-z0-9_-]+|"([^"]*)"|'([^']*)'""", dotted):
        parts.append(
            match.group(1)
            if match.group(1) is not None
            else match.group(2)
            if match.group(2) is not None
            else match.group(0)
        )
    return parts


def locate(text: str, key_path: str) -> int | None:
    """Best-effort: the 1-based line where *key_path* (``evidence[3].rating``) is written.

    Falls back to the line of the longest enclosing table or key that can be found; returns None
    when nothing of the path can be found (for example for the document's top).
    """
    if not key_path:
        return None
    return _lookup(_positions(text), key_path)


def _positions(text: str) -> dict[str, int]:
    """The line of every table, array-of-tables item and key written in *text*, by key path."""
    positions: dict[str, int] = {}
    resolved: dict[str, str] = {}
    counts: dict[str, int] = {}
    table = ""
    in_multiline = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                in_multiline = False
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            names = _split_keys(header.group(2))
            parent = ".".join(names[:-1])
            parent_path = resolved.get(parent, parent)
            base = f"{parent_path}.{names[-1]}" if parent_path else names[-1]
            if header.group(1) == "[[":
                positions.setdefault(base, number)
                index = counts.get(base, 0)
                counts[base] = index + 1
                table = f"{base}[{index}]"
            else:
                table = base
            resolved[".".join(names)] = table
            positions.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            names = _split_keys(key.group(1))
            full = ".".join([table, *names]) if table else ".".join(names)
            positions.setdefault(full, number)
            rest = line[key.end() :]
            if rest.count('"""') % 2 == 1 or rest.count("'''") % 2 == 1:
                in_multiline = True
    return positions


def _lookup(positions: dict[str, int], key_path: str) -> int | None:
    parts: list[str] = []
    for match in _PATH_PART.finditer(key_path):
        if match.group(1) is not None:
            parts.append(("." if parts else "") + match.group(1))
        else:
            parts.append(f"[{match.group(2)}]")
    for end in range(len(parts), 0, -1):
        candidate = "".join(parts[:end])
        if candidate in positions:
            return positions[candidate]
    return None


def with_lines(problems: list[Problem], text: str | None) -> list[Problem]:
    """The problems with their lines looked up in *text* (unchanged when there is no text)."""
    if not text:
        return problems
    positions = _positions(text)  # once: a file with many problems is scanned once
    return [
        Problem(p.message, p.key_path, _lookup(positions, p.key_path) if p.key_path else None)
        for p in problems
    ]
