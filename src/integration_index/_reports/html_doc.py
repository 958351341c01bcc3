"""Self-contained HTML reports: one file each, inline CSS and SVG charts, nothing loaded.

Jinja2 writes the page with autoescaping on; every string from a profile, a framework or a
plugin is escaped and isolated in ``<bdi>`` (so a bidi control cannot reorder the text around
it). A Content-Security-Policy allows only the page's own style and sorting script (by hash):
even a string that escaped escaping could neither run nor load anything. The reports are built
as a list of blocks (headings, paragraphs, tables, figures) that ``blocks.html.j2`` renders.

This module holds the document (its blocks, its words, its page); ``html`` renders score cards
and rankings with it, ``html_modes`` plans, progress and peer reviews.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Sequence
from importlib import metadata, resources
from typing import Any

import attrs
import jinja2
from markupsafe import Markup, escape

from integration_index._i18n import Translator
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._reports.common import SectionSource
from integration_index._reports.md_html import markdown_to_html

__all__ = ["Cell", "Doc", "Row", "Table", "value_of"]

Block = dict[str, Any]


@attrs.frozen
class Cell:
    """A table cell: its text (escaped unless Markup), and the number it shows, for sorting."""

    text: str
    value: str | None = None
    cls: str | None = None


@attrs.frozen
class Row:
    cells: list[Cell]
    id: str | None = None


@attrs.frozen
class Table:
    header: list[str]
    rows: list[Row]
    right: frozenset[int] = frozenset()
    sortable: bool = True
    caption: str | None = None
    cls: str | None = None


def _resource(name: str) -> str:
    return (
        resources.files(__package__ or "integration_index._reports") / "templates" / name
    ).read_text(encoding="utf-8")


def _version() -> str:
    try:
        return metadata.version("integration-index")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def value_of(number: float | None, digits: int = 1) -> str | None:
    """A number as the machine reads it (data-value attributes), None when missing."""
    return None if number is None else f"{number:.{digits}f}"


class Doc:
    """The words of one HTML report: messages as markup, user text isolated, blocks."""

    def __init__(self, tr: Translator) -> None:
        self.tr = tr
        self.blocks: list[Block] = []
        self._charts = 0

    # -- text ---------------------------------------------------------------------------------

    @staticmethod
    def u(text: str) -> Markup:
        """Text from a profile, framework or plugin: escaped, bidi-isolated."""
        return Markup("<bdi>{}</bdi>").format(text)

    def m(self, key: str, /, **params: object) -> Markup:
        """A catalogue message as markup: its text and string parameters escaped (a parameter
        that is Markup, such as ``u(...)``, is kept)."""
        return Markup(self.tr.escaped(key, _escape, **params))

    def chart_id(self) -> str:
        self._charts += 1
        return f"chart{self._charts}"

    # -- blocks -------------------------------------------------------------------------------

    def add(self, kind: str, **fields: Any) -> None:
        self.blocks.append({"kind": kind, **fields})

    def h2(self, text: str, anchor: str = "") -> None:
        self.add("h2", text=text, anchor=anchor or f"s{len(self.blocks)}")

    def p(self, text: str, cls: str | None = None) -> None:
        self.add("p", text=text, cls=cls)

    def items(self, items: Sequence[str], title: str | None = None, cls: str | None = None) -> None:
        if items:
            self.add("list", items=list(items), title=title, cls=cls)

    def table(self, table: Table) -> None:
        self.add("table", table=table)

    def figure(
        self,
        chart: str,
        caption: str,
        svgs: Sequence[str],
        *,
        table: Table | None = None,
        legend: Sequence[tuple[str, str]] = (),
        note: str | None = None,
        multiples: bool = False,
        key: str | None = None,
    ) -> None:
        self.add(
            "figure",
            chart=chart,
            caption=caption,
            svgs=[Markup(svg) for svg in svgs],
            table=table,
            legend=list(legend),
            note=note,
            multiples=multiples,
            key=key,
            data_label=self.tr.t("reports.html.data_table"),
        )

    def plugin_sections(
        self,
        sections: SectionSource,
        report: Any,
        framework: Framework,
        cards: Sequence[ScoreCard],
        profiles: Sequence[CityProfile],
        options: dict[str, Any],
    ) -> None:
        found, warnings = sections(
            report, framework=framework, cards=cards, profiles=profiles, options=options
        )
        for section in found:
            self.add("h3", text=self.u(section.title), cls="plugin-section-title")
            self.add("html", html=Markup(markdown_to_html(section.body)))
        for warning in warnings:
            self.p(self.m("reports.common.warning", text=self.u(warning)), cls="warning")

    # -- the page -----------------------------------------------------------------------------

    def page(
        self, kind: str, heading: str, *, lead: Sequence[str] = (), notice: str | None = None
    ) -> str:
        env = jinja2.Environment(
            loader=jinja2.FunctionLoader(_resource),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        css, script = _resource("report.css"), _resource("sort.js")
        csp = (
            f"default-src 'none'; style-src {_hash(css)}; script-src {_hash(script)}; "
            "img-src 'none'; base-uri 'none'; form-action 'none'"
        )
        plain_heading = html.unescape(str(Markup(heading).striptags()))
        return env.get_template("page.html.j2").render(
            lang=self.tr.language,
            csp=csp,
            version=_version(),
            title=plain_heading,
            css=Markup(css),
            script=Markup(script),
            skip=self.tr.t("reports.html.skip"),
            kind=kind,
            heading=heading,
            lead=list(lead),
            notice=notice,
            blocks=self.blocks,
            footer=self.tr.t("reports.common.generated_by", version=_version()),
        )


def _escape(text: str) -> str:
    return str(escape(text))
