"""Texts that a framework carries in English and, where the source is French, in French."""

from __future__ import annotations

import attrs

__all__ = ["Text"]


@attrs.frozen
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
