"""The deepest nesting of a TOML document, for the message when the parser gives up."""

from __future__ import annotations

__all__ = ["deepest_nesting"]

_QUOTES = ('"""', "'''", '"', "'")


def deepest_nesting(text: str) -> tuple[int, int]:
    """The deepest nesting of ``[`` and ``{`` outside strings and comments, and its line.

    Only called after the parser gave up (its limit depends on its version and on the stack),
    so that the message states the document's depth rather than a guess at the parser's limit.
    """
    depth = deepest = 0
    line = deepest_line = 1
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char == "\n":
            line += 1
        elif char == "#":
            end = text.find("\n", i)
            i = size if end < 0 else end
            continue
        elif char in "\"'":
            quote = next(q for q in _QUOTES if text.startswith(q, i))
            end = _string_end(text, i + len(quote), quote)
            line += text.count("\n", i, end)
            i = end
            continue
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        elif char in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return deepest, deepest_line


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
