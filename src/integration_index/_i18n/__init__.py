"""Words and formats for the reader's language: the message catalogue (TOML files per domain and
language), a translator for one language, and numbers and dates formatted for it.

Low in the stack (it imports nothing else of the package), so that reports, the command line
and a web app can all use it.
"""

from __future__ import annotations

from integration_index._i18n.catalogue import (
    Catalogue,
    CatalogueError,
    Message,
    Translator,
    plural_category,
)
from integration_index._i18n.formatting import (
    LANGUAGES,
    BabelFormatter,
    BuiltinFormatter,
    Formatter,
    babel_available,
    formatter_for,
)

__all__ = [
    "LANGUAGES",
    "BabelFormatter",
    "BuiltinFormatter",
    "Catalogue",
    "CatalogueError",
    "Formatter",
    "Message",
    "Translator",
    "babel_available",
    "formatter_for",
    "plural_category",
    "translator",
]


def translator(language: str = "en", *, babel: bool | None = None) -> Translator:
    """The package's catalogue (loaded now, that language's files only) in *language*."""
    return Catalogue.load(languages=(language,)).translator(language, babel=babel)
