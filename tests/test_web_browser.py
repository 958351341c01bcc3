"""The web app end to end in Debian's headless Chromium, as a city team uses it: create a
EUROCITIES profile, answer every question of two key factors with evidence, save, reload, and
check that the file on disk loads, holds exactly what was typed, and scores to the numbers the
page showed; in English and in French.

The browser may reach the app's own address only: any other request is blocked and recorded,
and fails the test. Screenshots go under the reports' artifact folder (tests/browser.py):
``test-artifacts/screenshots/web-*.png``.
"""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from browser import CHROMIUM, FLAGS, Page, require_browser
from webapp import require_web, server

import integration_index as ii
from integration_index.model import Evidence

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")
SOURCES = ("document", "interview", "statistics", "focus-group", "observation")


class Chromium:
    """A headless Chromium with a network (the app runs on the loopback address; the reports'
    browser is offline, for pages opened from files), driven from a thread of its own: the
    Playwright sync API allows one instance per thread, and the reports' tests hold the main
    thread's. Every call to the browser runs in that thread, through :meth:`run`."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
        self._thread.submit(self._start).result()

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=list(FLAGS)
        )

    def run(self, scenario: Callable[..., T], *args: Any) -> T:
        """Run *scenario(browser, *args)* in the browser's thread; return what it returns."""
        return self._thread.submit(scenario, self.browser, *args).result()

    def close(self) -> None:
        def stop() -> None:
            self.browser.close()
            self._playwright.stop()

        self._thread.submit(stop).result()
        self._thread.shutdown()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    require_web()
    require_browser()
    running = Chromium()
    try:
        yield running
    finally:
        running.close()


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


def _team_scenario(
    chromium: Any, base: str, framework: ii.Framework, language: str
) -> dict[str, Any]:
    """A team creates a profile, answers two key factors with evidence, saves, reloads; what the
    pages showed, for the test to compare with the file."""
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
    first, second = framework.criteria[0].id, framework.criteria[1].id
    raw.click(f'.factors a[href*="criterion={first}"]')
    entered = _answer_factor(page, framework, 0, language)
    raw.wait_for_selector(  # the live card moved before anything was saved
        f'#card[data-live] tr[data-criterion="{first}"]:not([data-score=""])'
    )
    live = _scores(page)
    page.screenshot(f"web-{language}-factor-live")
    raw.click("#save")
    raw.wait_for_selector("#saved")
    after_save = _scores(page)
    raw.click("#next")
    entered += _answer_factor(page, framework, 1, language)
    raw.click("#save")
    raw.wait_for_selector("#saved")
    raw.reload()
    result: dict[str, Any] = {
        "entered": entered,
        "live": live,
        "after_save": after_save,
        "shown": _scores(page),
        "visible": {c: _shown(page, c) for c in (first, second)},
    }
    page.screenshot(f"web-{language}-factor-saved")
    page.set_width(390)
    result["narrow_overflow"] = page.horizontal_overflow()
    page.screenshot(f"web-{language}-factor-phone")
    result["errors"] = list(page.console_errors)
    result["blocked"] = blocked
    raw.context.close()
    return result


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_city_team_answers_two_key_factors_and_the_file_holds_it(
    chromium: Chromium, tmp_path: Path, language: str
) -> None:
    framework = next(f for f in ii.list_frameworks() if f.id == "eurocities")
    folder = tmp_path / "profiles"
    with server(folder, language=language) as base:
        seen = chromium.run(_team_scenario, base, framework, language)
    profile = ii.load_profile(folder / "porto-alto-2025.toml")
    assert profile.evidence == tuple(seen["entered"])
    assert profile.city.name == "Porto Alto" and profile.city.population == 215000
    assert profile.assessment.assessors == ("Ana Lima", "Bo Berg")
    assert seen["after_save"] == seen["live"]  # the live card was the saved file's card
    card = ii.score(profile)
    for criterion in (framework.criteria[0].id, framework.criteria[1].id):
        value = card.node(criterion).adjusted.score
        assert value is not None
        assert seen["shown"][criterion] == repr(value)
        expected = f"{value:.1f}"
        shown = seen["visible"][criterion]
        assert shown == (expected.replace(".", ",") if language == "fr" else expected)
    assert seen["shown"]["overall"] == ("" if card.score is None else repr(card.score))
    assert seen["blocked"] == []
    assert seen["errors"] == []  # no script error, no refused resource (CSP reports there)
    assert seen["narrow_overflow"] == 0


def _examples_scenario(chromium: Any, base: str) -> dict[str, Any]:
    page, blocked = _open(chromium, base)
    page.screenshot("web-en-index")
    rows = page.evaluate("document.querySelectorAll('table.profiles tbody tr').length")
    page.playwright.goto(base + "/profile?name=eurocities/rivermouth-2024.toml")
    shown = _scores(page)
    page.screenshot("web-en-profile-rivermouth")
    page.playwright.click("#report")
    page.playwright.wait_for_load_state()
    bars = page.evaluate("document.querySelectorAll('svg').length")
    page.screenshot("web-en-report-rivermouth")
    errors = list(page.console_errors)
    page.playwright.context.close()
    return {"rows": rows, "shown": shown, "errors": errors, "blocked": blocked, "svg": bars}


def test_the_shipped_examples_open_in_the_browser(chromium: Chromium, tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    shutil.copytree(ROOT / "examples" / "profiles", folder)
    with server(folder) as base:
        seen = chromium.run(_examples_scenario, base)
    assert seen["rows"] == len(list(folder.rglob("*.toml")))
    card = ii.score(ii.load_profile(folder / "eurocities/rivermouth-2024.toml"))
    assert seen["shown"]["overall"] == repr(card.score)
    assert seen["blocked"] == [] and seen["errors"] == []
    assert seen["svg"] > 0  # the HTML report opened from the app, charts and all


HOSTILE = (
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '<svg onload="window.__pwned=1"></svg>',
    "</style><script>window.__pwned=1</script>",
    '"><iframe src="javascript:parent.__pwned=1">',
)


def _hostile_scenario(chromium: Any, base: str) -> dict[str, Any]:
    page, blocked = _open(chromium, base)
    pwned = {}
    for url in (
        "/",
        "/profile?name=hostile.toml",
        "/settings?name=hostile.toml",
        "/factor?name=hostile.toml&framework=eurocities&criterion=01",
        "/report?name=hostile.toml",
        "/plan?name=hostile.toml&framework=eurocities",
    ):
        page.playwright.goto(base + url)
        page.playwright.wait_for_load_state()
        pwned[url] = page.evaluate("typeof window.__pwned")
    page.screenshot("web-en-hostile-plan")
    page.playwright.context.close()
    return {"pwned": pwned, "blocked": blocked}


def test_hostile_strings_run_nothing_in_the_browser(chromium: Chromium, tmp_path: Path) -> None:
    import httpx
    from webapp import hidden

    folder = tmp_path / "hostile"
    payload = " ".join(HOSTILE)
    with server(folder) as base:
        with httpx.Client(base_url=base, follow_redirects=True) as http:
            token = hidden(http.get("/new").text, "csrf")
            http.post(
                "/new",
                data={
                    "csrf": token,
                    "file": "hostile",
                    "frameworks": "eurocities",
                    "city.id": "hostile",
                    "city.name": payload,
                    "assessment.date": "2025-01-01",
                    "assessment.assessors": payload,
                },
            )
            page = http.get(
                "/factor",
                params={"name": "hostile.toml", "framework": "eurocities", "criterion": "01"},
            )
            saved = http.post(
                "/factor",
                data={
                    "csrf": token,
                    "name": "hostile.toml",
                    "version": hidden(page.text, "version"),
                    "framework": "eurocities",
                    "criterion": "01",
                    "new[0].criterion": "01.1",
                    "new[0].rating": "fully",
                    "new[0].source": "document",
                    "new[0].note": payload,
                    "new[0].reference": payload,
                    "new[0].assessor": payload,
                },
            )
            assert 'id="saved"' in saved.text
        seen = chromium.run(_hostile_scenario, base)
    assert ii.load_profile(folder / "hostile.toml").evidence[0].note == payload
    assert set(seen["pwned"].values()) == {"undefined"}, seen["pwned"]
    assert seen["blocked"] == []
