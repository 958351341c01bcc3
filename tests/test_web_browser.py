"""The web app end to end in Debian's headless Chromium, as a city team uses it: create a
profile of the first framework plugin's kind (the EUROCITIES toolkit), answer every question of
two key factors with evidence, save, reload, and check that the file on disk loads, holds exactly
what was typed, and scores to the numbers the page showed; in English and in French.

The browser may reach the app's own address only: any other request is blocked and recorded,
and fails the test. Screenshots go under the reports' artifact folder (tests/browser.py):
``test-artifacts/screenshots/web-*.png``.
"""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import CHROMIUM, FLAGS, Page, require_browser
from webapp import require_web, server

import integration_index as ii
from integration_index.model import Evidence

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("document", "interview", "statistics", "focus-group", "observation")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A headless Chromium with a network: the app runs on the loopback address (the reports'
    browser is offline, for pages opened from files)."""
    require_web()
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=list(FLAGS))
        try:
            yield browser
        finally:
            browser.close()


def _open(chromium: Any, base: str, width: int = 1280) -> tuple[Page, list[str]]:
    context = chromium.new_context(viewport={"width": width, "height": 900})
    blocked: list[str] = []

    def only_the_app(route: Any) -> None:
        if route.request.url.startswith(base + "/"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_app)
    raw = context.new_page()
    page = Page(raw, base + "/")
    raw.goto(base + "/")
    return page, blocked


def _scores(page: Page) -> dict[str, str]:
    """The card's scores as the page holds them (data-score, a Python float's repr)."""
    found: dict[str, str] = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('#card [data-criterion]')]"
        ".map(e => [e.dataset.criterion, e.dataset.score]))"
    )
    return found


def _shown(page: Page, criterion: str) -> str:
    text: str = page.evaluate(
        f"document.querySelector('#card tr[data-criterion=\"{criterion}\"] td.score').textContent"
    )
    return text.strip()


def _answer_factor(
    page: Page, framework: ii.Framework, index: int, language: str
) -> list[Evidence]:
    """Answer every question of the key factor on the page; return what was entered."""
    raw = page.playwright
    top = framework.criteria[index]
    entered = []
    for position, leaf in enumerate(node for node in top.walk() if node.is_leaf):
        scale = framework.scale_of(leaf)
        assert scale is not None
        level = scale.levels[(position + index) % len(scale.levels)]
        prefix = f"new[{position}]"
        source = SOURCES[position % len(SOURCES)]
        day = datetime.date(2025, 2, 1 + position)
        reference = (
            f"{'Délibération' if language == 'fr' else 'Council decision'} {top.id}/{position}"
        )
        note = f"« {leaf.id} » <b>not bold</b> & noted"
        raw.select_option(f'select[name="{prefix}.rating"]', level.id)
        raw.select_option(f'select[name="{prefix}.source"]', source)
        raw.fill(f'input[name="{prefix}.reference"]', reference)
        raw.fill(f'input[name="{prefix}.date"]', day.isoformat())
        raw.fill(f'input[name="{prefix}.assessor"]', "Ana Lima")
        raw.fill(f'textarea[name="{prefix}.note"]', note)
        entered.append(
            Evidence(
                criterion=leaf.id,
                rating=level.id,
                source=source,  # type: ignore[arg-type]
                reference=reference,
                date=day,
                assessor="Ana Lima",
                note=note,
            )
        )
    return entered


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_city_team_answers_two_key_factors_and_the_file_holds_it(
    chromium: Any, tmp_path: Path, language: str
) -> None:
    framework = next(f for f in ii.list_frameworks() if f.id == "eurocities")
    folder = tmp_path / "profiles"
    with server(folder, language=language) as base:
        page, blocked = _open(chromium, base)
        raw = page.playwright
        raw.click("#new-profile")
        raw.fill('input[name="file"]', "porto-alto-2025")
        raw.check('input[name="frameworks"][value="eurocities"]')
        raw.fill('input[name="city.id"]', "porto-alto")
        raw.fill('input[name="city.name"]', "Porto Alto")
        raw.fill('input[name="city.population"]', "215000")
        raw.fill('input[name="assessment.date"]', "2025-03-20")
        raw.fill('textarea[name="assessment.assessors"]', "Ana Lima\nBo Berg")
        raw.click("#create")
        raw.wait_for_selector("#saved")
        page.screenshot(f"web-{language}-profile-new")
        first = framework.criteria[0].id
        raw.click(f'.factors a[href*="criterion={first}"]')
        entered = _answer_factor(page, framework, 0, language)
        raw.wait_for_selector(  # the live card moved before anything was saved
            f'#card[data-live] tr[data-criterion="{first}"]:not([data-score=""])'
        )
        live = _scores(page)
        page.screenshot(f"web-{language}-factor-live")
        raw.click("#save")
        raw.wait_for_selector("#saved")
        assert _scores(page) == live
        raw.click("#next")
        entered += _answer_factor(page, framework, 1, language)
        raw.click("#save")
        raw.wait_for_selector("#saved")
        raw.reload()
        shown = _scores(page)
        second = framework.criteria[1].id
        visible = {c: _shown(page, c) for c in (first, second)}
        page.screenshot(f"web-{language}-factor-saved")
        page.set_width(390)
        narrow_overflow = page.horizontal_overflow()
        page.screenshot(f"web-{language}-factor-phone")
        errors = list(page.console_errors)
        raw.context.close()
    path = folder / "porto-alto-2025.toml"
    profile = ii.load_profile(path)
    assert profile.evidence == tuple(entered)
    assert profile.city.name == "Porto Alto" and profile.city.population == 215000
    assert profile.assessment.assessors == ("Ana Lima", "Bo Berg")
    card = ii.score(profile)
    for criterion in (first, second):
        value = card.node(criterion).adjusted.score
        assert value is not None
        assert shown[criterion] == repr(value)
        expected = f"{value:.1f}"
        assert visible[criterion] == (expected.replace(".", ",") if language == "fr" else expected)
    assert shown["overall"] == ("" if card.score is None else repr(card.score))
    assert blocked == []
    assert errors == []  # no script error, no refused resource (the CSP reports to the console)
    assert narrow_overflow == 0


def test_the_shipped_examples_open_in_the_browser(chromium: Any, tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    shutil.copytree(ROOT / "examples" / "profiles", folder)
    with server(folder) as base:
        page, blocked = _open(chromium, base)
        page.screenshot("web-en-index")
        rows = page.evaluate("document.querySelectorAll('table.profiles tbody tr').length")
        page.playwright.goto(base + "/profile?name=eurocities/rivermouth-2024.toml")
        shown = _scores(page)
        page.screenshot("web-en-profile-rivermouth")
        errors = list(page.console_errors)
        page.playwright.context.close()
    assert rows == len(list(folder.rglob("*.toml")))
    assert shown["overall"] == repr(
        ii.score(ii.load_profile(folder / "eurocities/rivermouth-2024.toml")).score
    )
    assert blocked == [] and errors == []
