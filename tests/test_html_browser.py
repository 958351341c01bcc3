"""Every HTML report kind, in English and French, opened in a real browser (Debian's Chromium).

For the shipped examples: the headings are there, the main chart has one mark per first-level
criterion (or city) and shows the values of the score card (and of its own data table), nothing
overflows horizontally at 1280 px or at 390 px, the page makes no request at all, runs without
an error, and prints to a sensible number of A4 pages. For hostile inputs: nothing the payloads
carry runs (window.pwned stays undefined), no element they describe exists, and the layout holds.

Screenshots of each report are written under test-artifacts/screenshots/ (or
$INTEGRATION_INDEX_ARTIFACTS/screenshots/), with the printed PDFs beside them in pdf/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser import Browser, Page, artifacts_dir, pdf_page_count
from report_cases import KINDS, LANGUAGES, Case, example_cases, hostile_cases
from test_html_reports import require_reports_extra

require_reports_extra()

#: A4 pages a report may take when printed: at least one, and no runaway (a chart split into
#: slivers or a table one word wide would take far more).
PAGES = {
    "report": (3, 25),
    "plan": (4, 40),
    "progress": (2, 12),
    "peer-review": (3, 25),
    "compare": (1, 2),
    "uncertainty": (1, 4),
}


@pytest.fixture(scope="module")
def cases() -> dict[str, Case]:
    return example_cases()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    return hostile_cases(tmp_path_factory.mktemp("hostile"))


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.html"
    path.write_text(text, encoding="utf-8")
    return path


CHART_VALUES = """(selector) => {
  const marks = Array.from(document.querySelectorAll(selector));
  return marks.map(m => {
    if (m.matches('svg.small-multiple')) {
      const points = m.querySelectorAll('circle.point');
      const ticks = m.querySelectorAll('text.tick');
      const last = points.length === ticks.length && points.length ? points[points.length - 1] : null;
      return [m.dataset.id, last ? last.dataset.score : null];
    }
    const value = m.dataset.interval !== undefined ? m.dataset.interval
      : m.dataset.alpha !== undefined ? m.dataset.alpha : m.dataset.score;
    return [m.dataset.id, value === '' ? null : value];
  });
}"""

TABLE_VALUES = """(chart) => {
  const figure = document.querySelector(`[data-chart=${chart}]`);
  const table = figure && figure.querySelector('details table');
  if (!table) return null;
  const heads = Array.from(table.tHead.rows[0].cells).map(c => c.textContent.trim());
  return Array.from(table.tBodies[0].rows).map(r => [r.dataset.id, Array.from(r.cells).map(c => c.dataset.value === undefined ? null : c.dataset.value)]);
}"""


def _dom(page: Page, case: Case) -> dict[str, Any]:
    marks: list[list[str | None]] = page.evaluate(CHART_VALUES, case.marks)
    return {
        "h1": page.evaluate("document.querySelectorAll('h1').length"),
        "h1_text": page.evaluate("document.querySelector('h1').textContent"),
        "h2": page.evaluate("document.querySelectorAll('h2').length"),
        "lang": page.evaluate("document.documentElement.lang"),
        "marks": {m[0]: m[1] for m in marks},
        "count": len(marks),
        "described": page.evaluate(
            "Array.from(document.querySelectorAll('svg.chart')).every(s => s.querySelector('title') && s.querySelector('desc') && s.querySelector('desc').textContent.length > 20)"
        ),
    }


#: Which column of the chart's data table holds the value the chart draws.
TABLE_COLUMN = {"report": 2, "compare": 6, "peer-review": 1}
#: For the uncertainty report: the table's 5%, median and 95% rank columns, in the chart's order.
INTERVAL_COLUMNS = (4, 3, 5)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_reports_in_the_browser(
    browser: Browser, cases: dict[str, Case], kind: str, language: str, tmp_path: Path
) -> None:
    case = cases[kind]
    path = _write(tmp_path, f"{kind}-{language}", case.render("html", language))
    with browser.open(path, width=1280) as page:
        dom = _dom(page, case)
        assert dom["h1"] == 1
        assert case.city in (
            dom["h1_text"]
            if kind not in ("compare", "uncertainty")
            else page.evaluate("document.body.innerText")
        )
        assert dom["h2"] >= (0 if kind == "compare" else 1) and dom["lang"] == language
        assert dom["described"]
        # One mark per first-level criterion (or city), carrying the card's values.
        assert dom["count"] == case.count
        assert dom["marks"] == case.values
        chart = case.marks.split("=")[1].split("]")[0]
        if kind in TABLE_COLUMN:
            rows = page.evaluate(TABLE_VALUES, chart)
            table = {row_id: cells[TABLE_COLUMN[kind]] for row_id, cells in rows}
            drawn = {k: v for k, v in dom["marks"].items() if v is not None}
            assert {k: table[k] for k in drawn} == drawn
        if kind == "uncertainty":
            rows = page.evaluate(TABLE_VALUES, chart)
            table = {i: " ".join(cells[c] for c in INTERVAL_COLUMNS) for i, cells in rows}
            assert table == dom["marks"]
        assert page.horizontal_overflow() == 0
        page.screenshot(f"{kind}-{language}-1280")
        page.set_width(390)
        assert page.horizontal_overflow() == 0
        page.screenshot(f"{kind}-{language}-390")
        assert page.requests == []
        assert page.resource_urls() == []
        assert page.console_errors == []
        pdf = page.pdf(artifacts_dir() / "pdf" / f"{kind}-{language}.pdf")
        assert _charts_fit_a_page(page) == []
    low, high = PAGES[kind]
    assert low <= pdf_page_count(pdf) <= high


#: An A4 page's printable box at 96 px per inch, inside the print stylesheet's margins
#: (210 x 297 mm less 12 + 12 mm and 14 + 14 mm).
PRINT_WIDTH, PRINT_HEIGHT = round((210 - 24) / 25.4 * 96), round((297 - 28) / 25.4 * 96)


def _charts_fit_a_page(page: Page) -> list[str]:
    """The charts (figure and legend, as printed) taller than an A4 page: those could split."""
    page.playwright.emulate_media(media="print")
    page.set_width(PRINT_WIDTH, PRINT_HEIGHT)
    tall: list[str] = page.evaluate(
        f"Array.from(document.querySelectorAll('figure.chart-figure, .multiples svg'))"
        f".filter(f => f.getBoundingClientRect().height > {PRINT_HEIGHT})"
        ".map(f => f.closest('[data-chart]').dataset.chart)"
    )
    page.playwright.emulate_media(media="screen")
    return tall


def test_the_tables_sort_with_a_click(
    browser: Browser, cases: dict[str, Case], tmp_path: Path
) -> None:
    path = _write(tmp_path, "compare", cases["compare"].render("html", "en"))
    with browser.open(path) as page:
        table = "[data-chart=compare] details table"
        scores = f"Array.from(document.querySelectorAll('{table} tbody tr')).map(r => Number(r.cells[6].dataset.value))"
        before = page.evaluate(scores)
        assert before == sorted(before, reverse=True)  # ranked best first
        page.playwright.click(f"{table} thead th:nth-child(7)")
        assert page.evaluate(scores) == sorted(before)
        page.playwright.click(f"{table} thead th:nth-child(7)")
        assert page.evaluate(scores) == sorted(before, reverse=True)
        assert page.console_errors == []


def test_the_report_reads_without_javascript(
    browser: Browser, cases: dict[str, Case], tmp_path: Path
) -> None:
    """The page is complete as HTML: with scripts blocked by its own policy removed, the same
    headings, charts and tables are there."""
    text = cases["report"].render("html", "fr")
    bare = text.split("<script>", 1)[0] + text.split("</script>", 1)[1]
    with browser.open(_write(tmp_path, "bare", bare)) as page:
        assert page.evaluate("document.querySelectorAll('svg.chart').length") >= 3
        assert page.evaluate("document.querySelectorAll('table').length") >= 3
        assert page.horizontal_overflow() == 0


HOSTILE_DOM = """() => ({
  pwned: typeof window.pwned,
  injected: document.querySelectorAll('img, iframe, object, embed, a[href^="javascript"], svg:not(.chart) , svg [onload], style ~ style').length,
  scripts: document.scripts.length,
  handlers: Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length,
  hidden: getComputedStyle(document.body).display,
})"""


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_payloads_stay_inert_in_the_browser(
    browser: Browser, hostile: dict[str, Case], kind: str, tmp_path: Path
) -> None:
    case = hostile[kind]
    for language in LANGUAGES:
        path = _write(tmp_path, f"hostile-{kind}-{language}", case.render("html", language))
        with browser.open(path, width=390) as page:
            state = page.evaluate(HOSTILE_DOM)
            assert state == {
                "pwned": "undefined",
                "injected": 0,
                "scripts": 1,
                "handlers": 0,
                "hidden": "block",
            }
            assert page.requests == [] and page.resource_urls() == []
            # The 10,000-character word wraps: nothing overflows at 390 px nor at 1280 px.
            assert page.horizontal_overflow() == 0
            page.set_width(1280)
            assert page.horizontal_overflow() == 0
            assert page.evaluate(CHART_VALUES, case.marks).__len__() == case.count
            if language == "en":
                page.screenshot(f"hostile-{kind}-1280", full_page=False)
