"""Report sections that plugins contribute through ``integration_index_report_sections``."""

from __future__ import annotations

import attrs

__all__ = ["ReportSection"]


@attrs.frozen
class ReportSection:
    """A section a plugin adds to a report.

    Attributes:
        title: The section's heading (plain text; the host adds the Markdown heading).
        body: The section's Markdown body.
        order: Where it goes: sections sort by order, then by plugin name (default 100; the
            report's own sections use 0-99).
        plugin: The plugin that contributed it (filled in by the host).
    """

    title: str
    body: str
    order: int = 100
    plugin: str = ""
