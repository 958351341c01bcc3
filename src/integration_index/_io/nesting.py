"""How deep a TOML document nests, and which parser may take it.

Every parser is given documents nested at most ``MAX_DEPTH`` levels, so that what loads does not
depend on which parser (or which version of tomli) is installed. The compiled fast parser recurses
on the C stack, where running out kills the process: it is used on the main thread only, and only
for documents whose count of ``[`` and ``{`` fits the main thread's stack.
"""

from __future__ import annotations

import re
import threading

__all__ = ["MAX_DEPTH", "deepest_nesting", "fast_parser_budget", "too_deep", "too_deep_message"]

#: The deepest nesting of arrays and inline tables read (real profiles nest 3 or 4 levels).
MAX_DEPTH = 256

#: Stack bytes allowed per ``[`` or ``{`` given to the fast parser: toml-rs used under 2 KiB per
#: level (999 levels passed in a 2 MiB thread); four times that, for safety.
_STACK_PER_OPENER = 8192
_DEFAULT_STACK = 8 * 1024 * 1024


def too_deep(text: str, openers: int) -> tuple[int, int] | None:
    """(depth, line) when *text* nests deeper than MAX_DEPTH; None otherwise.

    *openers* is the count of ``[`` and ``{``: no document with fewer can nest that deep, so the
    scan runs only for the rare long ones.
    """
    if openers <= MAX_DEPTH:
        return None
    depth, line = deepest_nesting(text)
    return (depth, line) if depth > MAX_DEPTH else None


def too_deep_message(depth: int) -> str:
    return (
        f"invalid TOML: nesting too deep (arrays or inline tables {depth} levels inside one "
        f"another; at most {MAX_DEPTH} are read)"
    )


def fast_parser_budget(limit: int) -> int:
    """The most ``[`` and ``{`` the fast parser may be given here: *limit*, or less when the main
    thread's stack (``ulimit -s``) is small; 0 off the main thread, whose stack may be tiny."""
    if threading.current_thread() is not threading.main_thread():
        return 0
    return min(limit, _main_stack() // _STACK_PER_OPENER)


def _main_stack() -> int:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX: the usual default
        return _DEFAULT_STACK
    soft, _ = resource.getrlimit(resource.RLIMIT_STACK)
    return _DEFAULT_STACK if soft == resource.RLIM_INFINITY or soft <= 0 else soft


_QUOTES = ('"""', "'''", '"', "'")
#: The characters that matter to the nesting: brackets, quotes and the start of a comment.
_SPECIAL = re.compile(r"[\[\]{}\"'#]")


def deepest_nesting(text: str) -> tuple[int, int]:
    """The deepest nesting of ``[`` and ``{`` outside strings and comments, and its line.

    Run before parsing on documents with more than MAX_DEPTH openers (framework files have a
    few hundred), and after the parser gave up, so that the message states the document's depth.
    It jumps from one character that matters to the next (brackets, quotes, ``#``) and counts
    the lines once, at the end: a character-by-character loop cost milliseconds per framework.
    """
    depth = deepest = 0
    deepest_at = -1
    i = 0
    search = _SPECIAL.search
    while (match := search(text, i)) is not None:
        at = match.start()
        char = text[at]
        if char == "#":
            end = text.find("\n", at)
            if end < 0:
                break
            i = end + 1
            continue
        if char in "\"'":
            quote = next(q for q in _QUOTES if text.startswith(q, at))
            i = _string_end(text, at + len(quote), quote)
            continue
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_at = depth, at
        else:
            depth = max(depth - 1, 0)
        i = at + 1
    line = text.count("\n", 0, deepest_at) + 1 if deepest_at >= 0 else 1
    return deepest, line


def _string_end(text: str, start: int, quote: str) -> int:
    """The index just after the string that opened with *quote* before *start*."""
    i = start
    while True:
        end = text.find(quote, i)
        if end < 0:
            return len(text)
        if quote[0] == "'" or not _escaped(text, end):
            return end + len(quote)
        i = end + 1


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1
