"""Report sections that plugins contribute through ``integration_index_report_sections``."""

from __future__ import annotations

import attrs

from integration_index._model.validators import value_class

__all__ = ["ReportSection"]


def _check_title(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    """A single line of text: the report makes it a heading."""
    if not isinstance(value, str):
        raise TypeError(f"title must be a string, got {type(value).__name__} {value!r:.80}")
    if "\n" in value or "\r" in value:
        raise ValueError(f"title must be a single line, got {value!r:.80}")


def _check_text(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str):
        raise TypeError(
            f"{attribute.name} must be a string, got {type(value).__name__} {value!r:.80}"
        )


def _check_order(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    # Sections sort by order: a NaN would leave their order undefined, a bool reads as a mistake.
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"order must be an int, got {type(value).__name__} {value!r}")


@value_class(kw_only=True)
class ReportSection:
    """A section a plugin adds to a report.

    Attributes:
        title: The section's heading: one line of plain text (the report adds its heading).
        body: The section's Markdown body.
        order: Where it goes (an int): sections sort by order, then in pluggy's call order (default
            100; the report's own sections use 0-99).
        plugin: The plugin that contributed it (filled in by the registry).
    """

    title: str = attrs.field(validator=_check_title)
    body: str = attrs.field(validator=_check_text)
    order: int = attrs.field(default=100, validator=_check_order)
    plugin: str = attrs.field(default="", validator=_check_text)
