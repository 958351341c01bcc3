"""Errors raised by integration-index.

Every error that concerns an input says where: the file (when there is one), the line (when the
TOML parser or the locator can give one) and the key path inside the document (for example
``evidence[3].rating``), and what was expected.
"""

from __future__ import annotations

__all__ = [
    "AnalysisInputError",
    "FrameworkError",
    "IntegrationIndexError",
    "PluginError",
    "Problem",
    "ProfileError",
    "ScoreCardError",
    "ScoreCardSchemaWarning",
    "UnknownFrameworkError",
]


#: Invisible characters that reorder or hide text on a terminal: the bidirectional controls.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"\\x{code:02x}"
    if char in _BIDI:
        return f"\\u{code:04x}"
    return char


def _printable(text: str) -> str:
    """*text* safe for a terminal: every C0 and C1 control character, DEL and bidirectional
    control is shown as its escape (``\\x1b``, ``\\u202e``), so that no escape sequence, bell or
    reordering reaches the terminal raw. Private (not in the reference): error messages and the
    CLI use it."""
    if text.isprintable():  # the common case, and every character escaped here is unprintable
        return text
    return "".join(_escape(char) for char in text)


class Problem:
    """One thing wrong with an input: where it is and what was expected.

    Attributes:
        message: What was wrong and what was expected.
        key_path: Where in the document, as dotted keys with [index] for arrays ("" = the top).
        line: The 1-based line in the file, when known.
    """

    __slots__ = ("key_path", "line", "message")

    def __init__(self, message: str, key_path: str = "", line: int | None = None) -> None:
        self.message = message
        self.key_path = key_path
        self.line = line

    def __repr__(self) -> str:
        return f"Problem({self.message!r}, key_path={self.key_path!r}, line={self.line!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return (self.message, self.key_path, self.line) == (
            other.message,
            other.key_path,
            other.line,
        )

    def __hash__(self) -> int:
        return hash((self.message, self.key_path, self.line))

    def __reduce__(self) -> tuple[object, ...]:
        return (Problem, (self.message, self.key_path, self.line))

    def format(self, path: str | None = None) -> str:
        """Render as ``path:line: key.path: message`` (parts that are unknown are left out)."""
        # Names and values from the input are shown escaped: nothing raw reaches a terminal.
        where = [_printable(str(path))] if path else []
        if self.line is not None:
            where = [f"{where[0]}:{self.line}"] if where else [f"line {self.line}"]
        if self.key_path:
            where.append(_printable(self.key_path))
        return ": ".join([*where, _printable(self.message)])


class IntegrationIndexError(Exception):
    """The base of every error integration-index raises on purpose.

    Attributes:
        path: The file concerned, if any.
        problems: What was wrong, each with its key path and line; never empty.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        key_path: str = "",
        line: int | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        self.path = path
        self.problems = problems if problems else [Problem(message, key_path, line)]
        super().__init__(self.format())

    @property
    def key_path(self) -> str:
        """The key path of the first problem."""
        return self.problems[0].key_path

    @property
    def line(self) -> int | None:
        """The line of the first problem, when known."""
        return self.problems[0].line

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only constructors do not survive pickling by default (batches run in processes).
        return (_restore, (type(self), self.args, self.__dict__))

    def format(self) -> str:
        """One line per problem: ``path:line: key.path: what was wrong, what was expected``."""
        return "\n".join(problem.format(self.path) for problem in self.problems)


class ProfileError(IntegrationIndexError, ValueError):
    """A city profile could not be read, is invalid, or does not fit its frameworks."""


class FrameworkError(IntegrationIndexError, ValueError):
    """A framework definition could not be read or is invalid."""


class AnalysisInputError(IntegrationIndexError, ValueError):
    """A cohort, its saved statistics, a weights file or a scenario file could not be used: no
    cohort where a criterion needs one, statistics for another framework, an unknown node or a
    negative weight in an override, a scenario that does not fit its profile."""


class ScoreCardError(IntegrationIndexError, ValueError):
    """Score-card data could not be read: not a card, or written by a newer major schema."""


class ScoreCardSchemaWarning(UserWarning):
    """A score card written by a newer minor schema version carried keys that were left aside."""


class UnknownFrameworkError(IntegrationIndexError, LookupError):
    """No registered framework has the requested id."""


class PluginError(IntegrationIndexError):
    """A plugin failed to load, or registered something invalid.

    Attributes:
        plugin: The plugin's name.
    """

    def __init__(self, message: str, *, plugin: str) -> None:
        self.plugin = plugin
        super().__init__(f"plugin {plugin!r}: {message}")


def _restore(
    cls: type[IntegrationIndexError], args: tuple[object, ...], state: dict[str, object]
) -> IntegrationIndexError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error
