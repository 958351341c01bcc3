"""A headless Chromium for the tests: Debian's /usr/bin/chromium driven by Playwright, offline.

Nothing is downloaded: Playwright drives the installed Chromium (``executable_path``), with a
fresh profile directory per browser and the flags that keep it off the network (no background
networking, component updates, sync or QUIC). A page records every request it makes, so a test
can prove that a report opened from a file asks for nothing; it evaluates JavaScript, takes
screenshots and prints PDFs.

Use the ``browser`` fixture (tests/conftest.py) or ``launch()``. Outside CI a missing Playwright
or Chromium skips the browser tests; in CI (env ``CI`` set) it fails them.

Screenshots go under ``test-artifacts/screenshots/`` (git-ignored), or the folder named by
``INTEGRATION_INDEX_ARTIFACTS`` (then ``<it>/screenshots/``).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Playwright
    from playwright.sync_api import Page as PlaywrightPage

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("INTEGRATION_INDEX_CHROMIUM", "/usr/bin/chromium"))

#: Flags that keep Chromium quiet and offline (Playwright adds --headless itself).
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--no-default-browser-check",
    "--font-render-hinting=none",
)


def artifacts_dir() -> Path:
    """Where the tests keep what a person may want to look at (screenshots, PDFs)."""
    return Path(os.environ.get("INTEGRATION_INDEX_ARTIFACTS", ROOT / "test-artifacts"))


def screenshots_dir() -> Path:
    path = artifacts_dir() / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def require_browser() -> None:
    """Skip (outside CI) or fail (in CI) when Playwright or Chromium is missing."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright (the browser extra)")
    if not (CHROMIUM.exists() or shutil.which(str(CHROMIUM))):
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must install them", pytrace=False)
        pytest.skip(message)


class Page:
    """One open page: its requests, JavaScript, screenshots and PDF."""

    def __init__(self, page: PlaywrightPage, url: str) -> None:
        self._page = page
        self.url = url
        #: Every request the page made after its own document, as URLs, in order.
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", self._record)
        page.on("websocket", lambda socket: self.requests.append(socket.url))
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def _record(self, request: Any) -> None:
        if request.url != self.url:
            self.requests.append(request.url)

    @property
    def playwright(self) -> PlaywrightPage:
        """The Playwright page, for anything this wrapper does not offer."""
        return self._page

    def evaluate(self, script: str, arg: Any = None) -> Any:
        """Run *script* (a JavaScript expression or function) in the page and return its value."""
        return self._page.evaluate(script, arg)

    def resource_urls(self) -> list[str]:
        """What the page's Resource Timing saw loaded (a second witness beside ``requests``)."""
        urls: list[str] = self.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        return urls

    def set_width(self, width: int, height: int = 900) -> None:
        self._page.set_viewport_size({"width": width, "height": height})

    def horizontal_overflow(self) -> int:
        """How many pixels the document is wider than the viewport (0 when nothing overflows)."""
        width: int = self.evaluate(
            "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - document.documentElement.clientWidth"
        )
        return max(0, width)

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        """A PNG of the page under screenshots_dir(), *name* without extension."""
        path = screenshots_dir() / f"{name}.png"
        self._page.screenshot(path=str(path), full_page=full_page)
        return path

    def pdf(self, path: Path | None = None) -> bytes:
        """The page printed to PDF on A4, as Chromium prints it (print stylesheet applied)."""
        data = self._page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return data


def pdf_page_count(data: bytes) -> int:
    """The number of pages of a PDF Chromium wrote (its page objects, ``/Type /Page``)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


class Browser:
    """A running headless Chromium, with a fresh profile, offline."""

    def __init__(self, playwright: Playwright, profile: Path) -> None:
        self._context: BrowserContext = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=list(FLAGS),
            viewport={"width": 1280, "height": 900},
            offline=True,
            java_script_enabled=True,
        )

    @contextmanager
    def open(self, target: Path | str, *, width: int = 1280, height: int = 900) -> Iterator[Page]:
        """Open a file (a Path) or HTML text (written to a temporary file first, so that the
        page is opened from a file as a reader opens an attachment)."""
        with tempfile.TemporaryDirectory(prefix="ii-page-") as folder:
            if isinstance(target, str):
                path = Path(folder) / "page.html"
                path.write_text(target, encoding="utf-8")
            else:
                path = target.resolve()
            url = path.as_uri()
            page = self._context.new_page()
            page.set_viewport_size({"width": width, "height": height})
            wrapped = Page(page, url)
            try:
                page.goto(url, wait_until="load")
                yield wrapped
            finally:
                page.close()

    def close(self) -> None:
        self._context.close()


@contextmanager
def launch() -> Iterator[Browser]:
    """A headless Chromium for the duration of the block (skips or fails as require_browser)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="ii-chromium-") as profile, sync_playwright() as p:
        browser = Browser(p, Path(profile))
        try:
            yield browser
        finally:
            browser.close()
