"""Texts that a framework carries in English and, where the source is French, in French; and the
documents they come from."""

from __future__ import annotations

from integration_index._model.validators import value_class

__all__ = ["Source", "Text"]


@value_class(kw_only=True)
class Text:
    """A text in English, with the French original where the source has one.

    Attributes:
        en: The English text (a translation when the source is French).
        fr: The French original, or None when the source gives no French text.
    """

    en: str
    fr: str | None = None

    def get(self, language: str = "en") -> str:
        """Return the text in *language* ("en" or "fr"), falling back to English."""
        if language == "fr" and self.fr is not None:
            return self.fr
        return self.en

    def __str__(self) -> str:
        return self.en


@value_class(kw_only=True)
class Source:
    """The document a framework or a shared scale encodes.

    Attributes:
        citation: The full citation.
        publisher: Who published it.
        year: When.
        language: The language of the document the encoding was made from.
        url: Where it can be found.
    """

    citation: str
    publisher: str | None = None
    year: int | None = None
    language: str | None = None
    url: str | None = None
