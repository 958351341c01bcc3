"""The message catalogue: every word the reports, the command line and the web app show, in
English and French, read from TOML files, and a translator for one language.

Messages live in ``messages/<domain>.<language>.toml`` inside this package (``reports.en.toml``,
``reports.fr.toml``, ``cli.en.toml``...). A file's tables nest keys; a message's full key is its
domain then its path: ``[score] overall = "..."`` in ``reports.en.toml`` is
``reports.score.overall``. A message is a string with named parameters in braces
(``"Overall score: {score} / 100"``; ``{{`` and ``}}`` write braces), or a plural: a table of
CLDR plural forms with at least ``other`` (``{ one = "{count} item", other = "{count} items" }``),
chosen by the ``count`` parameter.

Parameters are only ever names: no attribute access, no index, no format specification, so a
message cannot reach into the values it is given. Numbers and dates are formatted for the
language before they are inserted (a whole number given as a parameter is, too).

Nothing here is global: a [`Catalogue`][integration_index._i18n.Catalogue] is an object, loaded
where it is needed, and a [`Translator`][integration_index._i18n.Translator] is one language of it.
"""

from __future__ import annotations

import datetime
import string
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import attrs
import tomli as tomllib  # the compiled tomli: about 3x faster than the stdlib's

from integration_index._i18n.formatting import LANGUAGES, Formatter, formatter_for

__all__ = ["Catalogue", "CatalogueError", "Message", "Translator", "plural_category"]

#: The CLDR plural categories a plural message may give (``other`` is required).
PLURAL_FORMS = frozenset({"zero", "one", "two", "few", "many", "other"})


class CatalogueError(ValueError):
    """A catalogue file that cannot be read, or a message that is malformed."""


def plural_category(language: str, count: int) -> str:
    """The CLDR plural category of a whole *count*: English says one for 1 only, French for 0
    and 1 (and "many" for exact millions, which the catalogue may give, else "other")."""
    if language == "fr":
        if count in (0, 1):
            return "one"
        return "many" if count != 0 and count % 1_000_000 == 0 else "other"
    return "one" if count == 1 else "other"


Piece = tuple[str, str | None]  # literal text, then the parameter after it (None at the end)


def _parse(text: str, where: str) -> tuple[Piece, ...]:
    """A message's literal pieces and parameter names; CatalogueError for anything but names."""
    pieces: list[Piece] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise CatalogueError(f"{where}: {exc} in {text!r}") from None
    for literal, field, spec, conversion in parsed:
        if field is not None and (not field.isidentifier() or spec or conversion):
            shown = (
                "{"
                + field
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            raise CatalogueError(f"{where}: parameter {shown} is not a plain name (write {{name}})")
        pieces.append((literal, field))
    return tuple(pieces)


@attrs.frozen(kw_only=True)
class Message:
    """One message in one language: its forms (``other`` alone unless it is a plural)."""

    key: str
    forms: Mapping[str, tuple[Piece, ...]]
    plural: bool = False

    @property
    def params(self) -> frozenset[str]:
        """Every parameter any form uses (``count`` always, for a plural)."""
        names = {field for pieces in self.forms.values() for _, field in pieces if field}
        return frozenset(names | ({"count"} if self.plural else set()))

    def texts(self) -> tuple[str, ...]:
        """The literal text of each form, parameters left out (to search rendered reports)."""
        return tuple("".join(literal for literal, _ in pieces) for pieces in self.forms.values())


def _messages(domain: str, data: Mapping[str, Any], where: str) -> dict[str, Message]:
    found: dict[str, Message] = {}
    for name, value in data.items():
        key = f"{domain}.{name}"
        if isinstance(value, str):
            found[key] = Message(key=key, forms={"other": _parse(value, f"{where}: {key}")})
        elif isinstance(value, Mapping) and "other" in value and set(value) <= PLURAL_FORMS:
            forms = {}
            for form, text in value.items():
                if not isinstance(text, str):
                    raise CatalogueError(f"{where}: {key}.{form} must be a string")
                forms[form] = _parse(text, f"{where}: {key}.{form}")
            found[key] = Message(key=key, forms=forms, plural=True)
        elif isinstance(value, Mapping):
            found.update(_messages(key, value, where))
        else:
            raise CatalogueError(f"{where}: {key} must be a string or a table")
    return found


def _file_parts(name: str) -> tuple[str, str] | None:
    """(domain, language) of a catalogue file name such as ``reports.fr.toml``."""
    parts = name.split(".")
    if len(parts) != 3 or parts[2] != "toml" or not parts[0]:
        return None
    return parts[0], parts[1]


@attrs.frozen
class Catalogue:
    """Messages by language, then by full key (``reports.score.overall``)."""

    messages: Mapping[str, Mapping[str, Message]]

    @classmethod
    def from_texts(cls, files: Iterable[tuple[str, str]]) -> Catalogue:
        """A catalogue from (file name, TOML text) pairs, the names as ``reports.en.toml``.

        Raises:
            CatalogueError: a file name, its TOML or a message is malformed, or two files give
                the same domain and language.
        """
        by_language: dict[str, dict[str, Message]] = {}
        seen: set[tuple[str, str]] = set()
        for name, text in files:
            parts = _file_parts(name)
            if parts is None:
                raise CatalogueError(f"{name}: expected a name <domain>.<language>.toml")
            if parts in seen:
                raise CatalogueError(
                    f"{name}: the domain {parts[0]!r} is given twice in {parts[1]!r}"
                )
            seen.add(parts)
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                raise CatalogueError(f"{name}: {exc}") from None
            by_language.setdefault(parts[1], {}).update(_messages(parts[0], data, name))
        return cls(by_language)

    @classmethod
    def load(
        cls, *directories: Path | Traversable, languages: Iterable[str] | None = None
    ) -> Catalogue:
        """The package's catalogue (every ``messages/*.toml`` in this package), with the files
        of *directories* added (a web app's own domain, for instance); only *languages*' files
        when given (a command that writes one language reads half the files)."""
        sources: list[Traversable | Path] = [resources.files(__package__ or __name__) / "messages"]
        sources += directories
        wanted = None if languages is None else set(languages)
        files = [
            (entry.name, entry.read_text(encoding="utf-8"))
            for source in sources
            for entry in sorted(source.iterdir(), key=lambda e: e.name)
            if (parts := _file_parts(entry.name)) is not None
            and (wanted is None or parts[1] in wanted)
        ]
        return cls.from_texts(files)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.messages))

    def problems(self, languages: Iterable[str] = LANGUAGES) -> list[str]:
        """What keeps the catalogue from being complete in every one of *languages*: a key in
        some languages only, a message plural in one language and not another, or parameters
        that differ between languages. Empty when the catalogue is whole."""
        wanted = tuple(languages)
        found = []
        keys = sorted({key for lang in wanted for key in self.messages.get(lang, {})})
        for key in keys:
            present = {
                lang: self.messages[lang][key]
                for lang in wanted
                if key in self.messages.get(lang, {})
            }
            missing = [lang for lang in wanted if lang not in present]
            if missing:
                found.append(f"{key}: missing in {', '.join(missing)}")
                continue
            if len({m.plural for m in present.values()}) > 1:
                found.append(f"{key}: a plural in some languages only")
            params = {lang: sorted(m.params) for lang, m in present.items()}
            if len({tuple(p) for p in params.values()}) > 1:
                shown = "; ".join(f"{lang} {{{', '.join(p)}}}" for lang, p in params.items())
                found.append(f"{key}: parameters differ ({shown})")
        return found

    def translator(self, language: str, *, babel: bool | None = None) -> Translator:
        """This catalogue in *language* (``en`` or ``fr``), formatting numbers and dates with
        Babel when it is installed (*babel* forces one way or the other)."""
        return Translator(self, language, babel=babel)


class Translator:
    """One language of a catalogue: messages by key, and numbers and dates for the language.

    Args:
        catalogue: the messages.
        language: ``en`` or ``fr``.
        babel: format with Babel (True), the built-in formatter (False), or Babel when it is
            installed (None).
    """

    def __init__(self, catalogue: Catalogue, language: str, *, babel: bool | None = None) -> None:
        self.format: Formatter = formatter_for(language, babel=babel)
        if language not in catalogue.messages:
            raise ValueError(f"the catalogue has no messages in {language!r}")
        self.language = language
        self.catalogue = catalogue
        self._messages = catalogue.messages[language]

    def __repr__(self) -> str:
        return f"Translator(language={self.language!r})"

    def has(self, key: str) -> bool:
        return key in self._messages

    def message(self, key: str) -> Message:
        try:
            return self._messages[key]
        except KeyError:
            raise KeyError(f"no message {key!r} in {self.language!r}") from None

    def t(self, key: str, /, **params: object) -> str:
        """The message *key* with *params* inserted.

        A string is inserted as it is (escaping is the renderer's: Markdown or HTML), a whole
        number and a date formatted for the language. A plural message chooses its form by the
        whole number ``count``.

        Raises:
            KeyError: no such message, or a parameter the message uses is not given.
            TypeError: a parameter the message does not use, or one of another type.
        """
        return self._render(key, params, None)

    def escaped(self, key: str, escape: Callable[[str], str], /, **params: object) -> str:
        """As [`t`][integration_index._i18n.Translator.t], with the message's own text and every
        string parameter passed through *escape* (``html.escape`` for HTML), except a parameter
        that is already markup (it has ``__html__``, as a ``markupsafe.Markup`` has)."""
        return self._render(key, params, escape)

    def _render(
        self, key: str, params: Mapping[str, object], escape: Callable[[str], str] | None
    ) -> str:
        message = self.message(key)
        unknown = set(params) - message.params
        if unknown:
            raise TypeError(f"{key}: unknown parameter(s) {', '.join(sorted(unknown))}")
        form = "other"
        if message.plural:
            count = params.get("count")
            if not isinstance(count, int) or isinstance(count, bool):
                raise TypeError(f"{key}: a plural message needs a whole number count")
            form = plural_category(self.language, count)
            form = form if form in message.forms else "other"
        out = []
        for literal, field in message.forms[form]:
            out.append(escape(literal) if escape else literal)
            if field is not None:
                if field not in params:
                    raise KeyError(f"{key}: parameter {field!r} is not given")
                value = params[field]
                markup = getattr(value, "__html__", None)
                if escape and callable(markup):
                    out.append(str(markup()))
                else:
                    text = self._value(key, field, value)
                    out.append(escape(text) if escape else text)
        return "".join(out)

    def _value(self, key: str, name: str, value: object) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return self.format.integer(value)
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return self.format.date(value)
        raise TypeError(
            f"{key}: parameter {name!r} is a {type(value).__name__}; give a string, a whole "
            "number or a date (format other numbers with number(), percent() or signed())"
        )

    # -- numbers and dates, "n/a" in the language for a missing value ---------------------------

    def _missing(self) -> str:
        return self.t("common.not_available")

    def number(self, value: float | None, digits: int = 1) -> str:
        """*value* with *digits* decimals (49.8 / 49,8)."""
        return self._missing() if value is None else self.format.decimal(value, digits)

    def signed(self, value: float | None, digits: int = 1) -> str:
        """A change, its sign always written (+1.5 / +1,5)."""
        return self._missing() if value is None else self.format.signed(value, digits)

    def integer(self, value: int | None) -> str:
        """A whole number with thousands separators (1,234,567 / 1 234 567)."""
        return self._missing() if value is None else self.format.integer(value)

    def percent(self, fraction: float | None, digits: int = 0) -> str:
        """A fraction as a percentage (50% / 50 %)."""
        return self._missing() if fraction is None else self.format.percent(fraction, digits)

    def date(self, value: datetime.date | None) -> str:
        """A date in the long form (20 March 2024 / 20 mars 2024)."""
        return self._missing() if value is None else self.format.date(value)
