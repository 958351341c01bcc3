"""How deep a TOML document nests, and which parser may take it.

Every parser is given documents nested at most ``MAX_DEPTH`` levels, so that what loads does not
depend on which parser (or which version of tomli) is installed. The compiled fast parser recurses
on the C stack, where running out kills the process: it is used on the main thread only, and only
for documents whose count of ``[`` and ``{`` fits the main thread's stack.
"""

from __future__ import annotations

import itertools
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


#: One token of a TOML text as the nesting sees it: a string (to the first closing quote not
#: escaped by an odd run of backslashes, or to the end of the text), a comment, a bracket
#: (captured) or the end of the text. Strings and comments are matched whole, in C, rather than
#: walked character by character in Python. After the skipped run, every character that stops it
#: starts an alternative that cannot fail, and the end of the text is one too: without that last
#: alternative, a long tail with no bracket, string or comment was skipped, backtracked and
#: skipped again from each of its characters (quadratic: 25 s for 40 KB).
_TOKENS = re.compile(
    r"""
    [^"'\#\[\]{}]*                          # what the nesting skips, then one of:
    (?:
      \"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:\"\"\"|\\?\Z)  # multi-line basic string
    | "[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)                    # basic string
    | '''[^']*(?:'(?!'')[^']*)*(?:'''|\Z)                  # multi-line literal string
    | '[^']*(?:'|\Z)                                       # literal string
    | \#[^\n]*                                              # comment
    | ([][{}])                                              # a bracket
    | \Z                                                    # the end of the text
    )
    """,
    re.DOTALL | re.VERBOSE,
)


def deepest_nesting(text: str) -> tuple[int, int]:
    """The deepest nesting of ``[`` and ``{`` outside strings and comments, and its line.

    Run before parsing on documents with more than MAX_DEPTH openers (framework files have
    several hundred), and after the parser gave up, so that the message states the document's
    depth. A regular expression skips strings and comments; a character-by-character walk cost
    milliseconds per framework file (tests/test_startup.py checks the two agree).
    """
    depth = deepest = 0
    deepest_token = -1
    for index, bracket in enumerate(_TOKENS.findall(text)):
        if not bracket:
            continue
        if bracket in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_token = depth, index
        else:
            depth = max(depth - 1, 0)
    if deepest_token < 0:
        return 0, 1
    match = next(itertools.islice(_TOKENS.finditer(text), deepest_token, None))
    return deepest, text.count("\n", 0, match.start(1)) + 1
