"""Numbers, percentages and dates written for a language: 49.8 and 20 March 2024 in English,
49,8 and 20 mars 2024 in French.

Babel (the ``reports`` extra) does the work when it is installed. Without it a small built-in
formatter writes the same strings for what the reports show (fixed decimals, whole numbers with
thousands separators, whole or fixed-decimal percentages, signed changes, dates in the long form);
a property test proves the two agree. Both round as Babel does: the float's exact value, rounded
half to even, so 49.85 (stored as 49.850000000000001...) shows as 49.9, like ``f"{x:.1f}"``.
"""

from __future__ import annotations

import datetime
import decimal
import importlib.util
from collections.abc import Mapping
from typing import Protocol

__all__ = [
    "BUILTIN_SYMBOLS",
    "LANGUAGES",
    "BabelFormatter",
    "BuiltinFormatter",
    "Formatter",
    "babel_available",
    "formatter_for",
]

#: The languages reports are written in.
LANGUAGES = ("en", "fr")

#: The Babel (CLDR) locale each language is formatted with. English uses the British long date
#: (20 March 2024), as the European city networks that use the tool write it.
_LOCALES = {"en": "en_GB", "fr": "fr_FR"}

#: The built-in formatter's symbols per language, as CLDR gives them (checked against Babel).
BUILTIN_SYMBOLS: Mapping[str, Mapping[str, str]] = {
    "en": {"decimal": ".", "group": ",", "percent": "{}%", "minus": "-", "plus": "+"},
    # French groups thousands with a narrow no-break space and puts a no-break space before %.
    "fr": {"decimal": ",", "group": "\u202f", "percent": "{}\u00a0%", "minus": "-", "plus": "+"},
}

_MONTHS: Mapping[str, tuple[str, ...]] = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
}


class Formatter(Protocol):
    """Writes numbers and dates for one language."""

    language: str

    def decimal(self, value: float, digits: int = 1) -> str:
        """*value* with *digits* decimals and thousands separators: 1,234.5 / 1 234,5."""
        ...

    def signed(self, value: float, digits: int = 1) -> str:
        """*value* with its sign always written: +1.5, -0.3 / +1,5, -0,3."""
        ...

    def integer(self, value: int) -> str:
        """A whole number with thousands separators: 1,234,567 / 1 234 567."""
        ...

    def percent(self, fraction: float, digits: int = 0) -> str:
        """A fraction (0.5) as a percentage: 50% / 50 %."""
        ...

    def date(self, value: datetime.date) -> str:
        """A date in the long form: 20 March 2024 / 20 mars 2024."""
        ...


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: expected one of {', '.join(LANGUAGES)}")


def _exact(value: float | int) -> decimal.Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return decimal.Decimal(value)


class BuiltinFormatter:
    """The formatter used when Babel is not installed: the same strings for en and fr."""

    def __init__(self, language: str) -> None:
        _check_language(language)
        self.language = language
        self._symbols = BUILTIN_SYMBOLS[language]

    def _digits(self, value: decimal.Decimal, digits: int, scale: int = 0) -> tuple[bool, str]:
        """The sign and the grouped, rounded magnitude, as Babel's NumberPattern.apply makes
        them: scale, take the sign, then quantise the absolute value half to even."""
        if digits < 0:
            raise ValueError("digits must be 0 or more")
        value = value.scaleb(scale)
        negative = bool(value.is_signed())
        rounded = abs(value).normalize().quantize(decimal.Decimal(1).scaleb(-digits))
        whole, _, fraction = f"{rounded:f}".partition(".")
        groups: list[str] = []
        while len(whole) > 3:
            whole, groups = whole[:-3], [whole[-3:], *groups]
        text = self._symbols["group"].join([whole, *groups])
        if digits:
            text += self._symbols["decimal"] + fraction.ljust(digits, "0")
        return negative, text

    def decimal(self, value: float, digits: int = 1) -> str:
        negative, text = self._digits(_exact(value), digits)
        return self._symbols["minus"] + text if negative else text

    def signed(self, value: float, digits: int = 1) -> str:
        negative, text = self._digits(_exact(value), digits)
        return self._symbols["minus" if negative else "plus"] + text

    def integer(self, value: int) -> str:
        return self.decimal(value, 0)

    def percent(self, fraction: float, digits: int = 0) -> str:
        negative, text = self._digits(_exact(fraction), digits, scale=2)
        text = self._symbols["percent"].format(text)
        return self._symbols["minus"] + text if negative else text

    def date(self, value: datetime.date) -> str:
        return f"{value.day} {_MONTHS[self.language][value.month - 1]} {value.year}"


class BabelFormatter:
    """The formatter backed by Babel (the ``reports`` extra)."""

    def __init__(self, language: str) -> None:
        _check_language(language)
        from babel import Locale

        self.language = language
        self._locale = Locale.parse(_LOCALES[language])
        percent = self._locale.percent_formats[None].pattern
        self._percent_pattern = percent.split(";")[0]

    @staticmethod
    def _pattern(digits: int) -> str:
        if digits < 0:
            raise ValueError("digits must be 0 or more")
        return "#,##0" + ("." + "0" * digits if digits else "")

    def decimal(self, value: float, digits: int = 1) -> str:
        from babel.numbers import format_decimal

        return format_decimal(_exact(value), format=self._pattern(digits), locale=self._locale)

    def signed(self, value: float, digits: int = 1) -> str:
        from babel.numbers import format_decimal

        pattern = self._pattern(digits)
        return format_decimal(_exact(value), format=f"+{pattern};-{pattern}", locale=self._locale)

    def integer(self, value: int) -> str:
        return self.decimal(value, 0)

    def percent(self, fraction: float, digits: int = 0) -> str:
        from babel.numbers import format_percent

        pattern = self._percent_pattern.replace("#,##0", self._pattern(digits))
        return format_percent(_exact(fraction), format=pattern, locale=self._locale)

    def date(self, value: datetime.date) -> str:
        from babel.dates import format_date

        return format_date(value, format="long", locale=self._locale)


def babel_available() -> bool:
    """Whether Babel (the ``reports`` extra) is installed."""
    return importlib.util.find_spec("babel") is not None


def formatter_for(language: str, *, babel: bool | None = None) -> Formatter:
    """The formatter for *language*: Babel's when installed (or when *babel* is True), else the
    built-in one (or when *babel* is False).

    Raises:
        ValueError: an unknown language.
        ImportError: *babel* is True and Babel is not installed.
    """
    use_babel = babel_available() if babel is None else babel
    return BabelFormatter(language) if use_babel else BuiltinFormatter(language)
