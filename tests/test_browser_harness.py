"""The browser harness itself (tests/browser.py): it sees every request a page makes, runs
JavaScript, takes screenshots and prints PDFs, with Debian's Chromium and no network."""

from __future__ import annotations

from pathlib import Path

from browser import Browser, pdf_page_count, screenshots_dir

LEAKY = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="https://example.invalid/style.css">
</head><body><h1 id="t">Leaky</h1>
<img src="http://example.invalid/pixel.png" alt="">
<img src="sibling.png" alt="">
<script>window.answer = 6 * 7;</script>
</body></html>"""


def test_the_harness_records_every_request_a_page_makes(browser: Browser) -> None:
    with browser.open(LEAKY) as page:
        assert page.evaluate("document.getElementById('t').textContent") == "Leaky"
        assert page.evaluate("window.answer") == 42
        requested = page.requests
    assert "https://example.invalid/style.css" in requested
    assert "http://example.invalid/pixel.png" in requested
    assert any(url.startswith("file://") and url.endswith("/sibling.png") for url in requested)
    assert len(requested) == 3


def test_a_self_contained_page_makes_no_request(browser: Browser) -> None:
    html = (
        "<!doctype html><html><head><style>p{color:red}</style></head><body><p>Hi</p></body></html>"
    )
    with browser.open(html) as page:
        assert page.requests == []
        assert page.resource_urls() == []
        assert (
            page.evaluate("getComputedStyle(document.querySelector('p')).color") == "rgb(255, 0, 0)"
        )


def test_overflow_screenshot_and_pdf(browser: Browser, tmp_path: Path) -> None:
    wide = "<!doctype html><html><body style='margin:0'><div style='width:2000px'>x</div></body></html>"
    with browser.open(wide, width=1280) as page:
        assert page.horizontal_overflow() == 2000 - 1280
        shot = page.screenshot("harness-wide")
    assert shot.parent == screenshots_dir()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Three forced page breaks: three A4 pages.
    pages = "".join(f"<section style='break-after:page'>Page {i}</section>" for i in range(3))
    with browser.open(f"<!doctype html><html><body>{pages}</body></html>") as page:
        data = page.pdf(tmp_path / "three.pdf")
    assert data.startswith(b"%PDF")
    assert pdf_page_count(data) == 3
