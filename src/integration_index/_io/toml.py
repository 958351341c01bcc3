"""Reading TOML: bytes to a dict, with errors that say where, and key paths back to lines."""

from __future__ import annotations

import datetime
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from integration_index._io import nesting
from integration_index.exceptions import IntegrationIndexError, Problem

try:  # The compiled tomli wheel parses about 3x faster than the stdlib's tomllib.
    import tomli as _toml
except ImportError:  # pragma: no cover - tomli is a dependency; tomllib is the fallback
    import tomllib as _toml  # type: ignore[no-redef]

#: Set to ``tomli`` to parse with tomli alone even when the [fast] extra is installed.
PARSER_VARIABLE = "INTEGRATION_INDEX_TOML_PARSER"

_fast_loads: Callable[[str], dict[str, Any]] | None
try:  # The [fast] extra: toml-rs (Rust), about 7x faster than the compiled tomli wheel.
    if os.environ.get(PARSER_VARIABLE, "").strip().lower() == "tomli":
        raise ImportError(f"{PARSER_VARIABLE}=tomli")
    from toml_rs import loads as _toml_rs_loads
except ImportError:
    _fast_loads = None
else:

    def _fast_loads(text: str) -> dict[str, Any]:
        return _toml_rs_loads(text, toml_version="1.0.0")


__all__ = [
    "DEFAULT_MAX_INPUT_BYTES",
    "FAST_PARSER_MAX_OPENERS",
    "MAX_INPUT_BYTES_VARIABLE",
    "PARSER_VARIABLE",
    "decode",
    "fast_parser",
    "locate",
    "max_input_bytes",
    "parse",
    "read_text",
    "shorten",
    "with_lines",
]

ErrorFactory = Callable[..., IntegrationIndexError]
_AT_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


#: The largest input file read, in bytes, unless the environment says otherwise.
DEFAULT_MAX_INPUT_BYTES = 16 * 1024 * 1024
#: The environment variable that sets another limit (a whole number of bytes).
MAX_INPUT_BYTES_VARIABLE = "INTEGRATION_INDEX_MAX_INPUT_BYTES"
_BOM = "\ufeff"


def max_input_bytes() -> int:
    """The size limit of input files: ``$INTEGRATION_INDEX_MAX_INPUT_BYTES``, else 16 MiB.

    Raises:
        ValueError: the variable is set but is not a positive whole number.
    """
    value = os.environ.get(MAX_INPUT_BYTES_VARIABLE, "").strip()
    if not value:
        return DEFAULT_MAX_INPUT_BYTES
    try:
        limit = int(value.replace("_", ""))
    except ValueError:
        limit = 0
    if limit <= 0:
        raise ValueError(
            f"{MAX_INPUT_BYTES_VARIABLE} must be a positive whole number of bytes, "
            f"got {shorten(value)}"
        )
    return limit


def read_text(path: str | Path, error: ErrorFactory) -> str:
    """Read a file as UTF-8 text; raise *error* naming the file (and the line of a bad byte).

    Only regular files are read: a FIFO, a device (``/dev/zero``) or a socket is refused rather
    than read forever, and so is a file larger than the size limit (16 MiB by default; the
    environment variable ``INTEGRATION_INDEX_MAX_INPUT_BYTES`` sets another, in bytes). At most
    limit + 1 bytes are ever read. A UTF-8 byte-order mark at the start is accepted (and dropped).
    """
    name = os.fspath(path)
    if not name:
        raise error("empty path, expected the path of a TOML file", path=None)
    try:
        limit = max_input_bytes()
    except ValueError as exc:
        raise error(str(exc), path=name) from None
    try:
        # Non-blocking: opening a FIFO with no writer must not wait (regular files ignore it).
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:
        raise error("is a directory, expected a TOML file", path=name) from None
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror or exc}", path=name) from None
    except ValueError:  # only a NUL character makes os.open refuse a str path so
        raise error("the path holds a NUL character, which no file name can", path=name) from None
    try:
        status = os.fstat(fd)
        mode = status.st_mode
        if stat.S_ISDIR(mode):
            raise error("is a directory, expected a TOML file", path=name)
        if not stat.S_ISREG(mode):
            raise error(f"not a regular file ({_file_kind(mode)}), expected a TOML file", path=name)
        data = _read_at_most(fd, limit + 1, status.st_size)
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror or exc}", path=name) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise error(
            f"the file is larger than the limit of {limit:,} bytes; set "
            f"{MAX_INPUT_BYTES_VARIABLE} to read larger files",
            path=name,
        )
    return decode(data, name, error)


def _read_at_most(fd: int, most: int, size: int) -> bytes:
    """Up to *most* bytes of *fd*, asking first for its *size* (plus one, to see the end).

    Reading with a buffer of the size limit (``read(limit + 1)``) allocated 16 MiB per file and
    cost more than parsing with the fast parser; the file's size is the right first guess, and a
    file that grows meanwhile is read on in bounded steps.
    """
    parts: list[bytes] = []
    total = 0
    want = min(most, size + 1)
    while total < most:
        chunk = os.read(fd, want)
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        want = min(most - total, 1 << 16)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def decode(data: bytes, path: str | None, error: ErrorFactory) -> str:
    """Decode UTF-8 bytes; raise *error* with the line of the first invalid byte.

    A UTF-8 byte-order mark at the start is dropped (editors on Windows often write one).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(
            f"invalid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "expected a UTF-8 encoded TOML file",
            path=path,
            line=line,
        ) from None
    return text[1:] if text.startswith(_BOM) else text


_DATE_LIKE = re.compile(r"(?<![\w\"'.:-])\d{4}-\d{2}-\d{2}(?![\d.-])")


#: The fast parser is given only documents with at most this many ``[`` and ``{`` in all (fewer
#: when the main thread's stack is small, none off the main thread: see _io/nesting.py), since
#: toml-rs overflows its stack (the process dies) when nesting runs deep. Real profiles hold a few
#: hundred at most; other documents go to tomli.
FAST_PARSER_MAX_OPENERS = 1000


def fast_parser() -> str | None:
    """The name of the compiled parser used first (``toml-rs``), or None when only tomli is.

    The ``integration-index[fast]`` extra installs it; ``INTEGRATION_INDEX_TOML_PARSER=tomli`` in
    the environment (read at import) leaves it unused. Whatever it fails on is parsed again by
    tomli, so errors keep tomli's lines and messages; see docs/performance.md.
    """
    return "toml-rs" if _fast_loads is not None else None


def parse(text: str, path: str | None, error: ErrorFactory) -> dict[str, Any]:
    """Parse TOML text; raise *error* with the parser's line and message.

    A byte-order mark at the start is dropped; nesting too deep for the parser is an error.
    With the fast parser installed it parses first; on any failure tomli parses again, so the
    error (or, for an input toml-rs refuses and tomli accepts, the result) is tomli's.
    """
    if text.startswith(_BOM):
        text = text[1:]
    if not text or text.isspace():
        raise error("the file is empty, expected a TOML document", path=path, line=1)
    # Profiles seldom hold an inline table: "{" in text finds none at memchr's speed, a count
    # scans the whole text (about 3 us for 8 KiB).
    openers = text.count("[") + (text.count("{") if "{" in text else 0)
    deep = nesting.too_deep(text, openers)
    if deep is not None:
        raise error(nesting.too_deep_message(deep[0]), path=path, line=deep[1])
    if _fast_loads is not None and openers <= nesting.fast_parser_budget(FAST_PARSER_MAX_OPENERS):
        try:
            return _fast_loads(text)
        except Exception:  # tomli says what is wrong, with its line, or parses it after all
            pass
    try:
        return _toml.loads(text)
    except _toml.TOMLDecodeError as exc:
        message = str(getattr(exc, "msg", None) or exc)
        line = getattr(exc, "lineno", None)
        match = _AT_LINE.search(message)
        if match:
            line = line or int(match.group(1))
            message = message[: match.start()].strip()
        bad_date = _impossible_date(text, line)
        if bad_date is not None:
            message = (
                f"{bad_date} is not a valid date (expected year-month-day, such as 2024-03-01)"
            )
        raise error(f"invalid TOML: {message}", path=path, line=line) from None
    except RecursionError:  # not deeper than MAX_DEPTH, but called deep in a program's stack
        depth, line = nesting.deepest_nesting(text)
        raise error(nesting.too_deep_message(depth), path=path, line=line) from None


def _impossible_date(text: str, line: int | None) -> str | None:
    """A date-like value on *line* that is no date (2024-02-30, 2024-13-01), if there is one."""
    if line is None:
        return None
    lines = text.split("\n", line)
    if len(lines) < line:
        return None
    for match in _DATE_LIKE.finditer(lines[line - 1]):
        try:
            datetime.date.fromisoformat(match.group(0))
        except ValueError:
            return match.group(0)
    return None


def shorten(value: object, limit: int = 80) -> str:
    """The repr of *value*, cut to about *limit* characters (with its full length) when longer."""
    shown = repr(value)
    if len(shown) <= limit:
        return shown
    size = len(value) if isinstance(value, str) else len(shown)
    return f"{shown[:limit]}… ({size:,} characters)"


# Messages longer than this are cut in the middle: a value quoted in full (10 MB) is not echoed.
_MESSAGE_LIMIT = 400


def _short_message(message: str) -> str:
    if len(message) <= _MESSAGE_LIMIT:
        return message
    return f"{message[:240]}… ({len(message):,} characters) …{message[-120:]}"


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
    string: str | None = None  # the delimiter of the multi-line string open, if any
    for number, line in enumerate(text.splitlines(), start=1):
        if string is not None:
            string = _open_string(line, 0, string)
            continue
        header = _HEADER.match(line)
        key = _KEY.match(line)
        if header and not key:
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
        if key:
            names = _split_keys(key.group(1))
            full = ".".join([table, *names]) if table else ".".join(names)
            positions.setdefault(full, number)
        # A value (or an array's next line) may open a multi-line string.
        string = _open_string(line, key.end() if key else 0, None)
    return positions


# What matters on a line outside a string: a multi-line string's opening, a one-line string
# (skipped whole: it may hold ''' or \"\"\"), or a comment (the rest of the line).
_TOKEN = re.compile(r'"""|\'\'\'|"(?:[^"\\]|\\.)*"|\'[^\']*\'|#')
_BASIC_END = re.compile(r'\\.|"""')


def _open_string(line: str, start: int, string: str | None) -> str | None:
    """The multi-line string still open at the end of *line* (None: none), scanning from
    *start* with *string* open there."""
    position = start
    while True:
        if string is None:
            if '"' not in line and "'" not in line:
                return None
            token = _TOKEN.search(line, position)
            if token is None or token.group() == "#":
                return None
            position = token.end()
            if token.group() in ('"""', "'''"):
                string = token.group()
            continue
        if string == "'''":
            end = line.find(string, position)
            if end < 0:
                return string
            position = end + 3
        else:
            while True:
                found = _BASIC_END.search(line, position)
                if found is None:
                    return string
                position = found.end()
                if found.group() == '"""':
                    break
        # Up to two more quotes belong to the string ('''a'''' holds "a'").
        for _ in range(2):
            if line.startswith(string[0], position):
                position += 1
        string = None


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
        return [Problem(_short_message(p.message), p.key_path, p.line) for p in problems]
    positions = _positions(text)  # once: a file with many problems is scanned once
    return [
        Problem(
            _short_message(p.message),
            p.key_path,
            _lookup(positions, p.key_path) if p.key_path else p.line,
        )
        for p in problems
    ]
