"""HTML reports as text: self-contained, escaped, consistent with the score cards.

Every report kind, in English and French, on the shipped examples and on hostile inputs (a
third-party framework and profiles whose every free-text field carries script, event handlers,
SVG, ``javascript:`` links, ``</style>``, bidi controls and a 10,000-character word). The
browser tests (test_html_browser.py) open the same reports in Chromium.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import Cli
from report_cases import (
    EXAMPLES,
    KINDS,
    LANGUAGES,
    LONG_WORD,
    Case,
    example_cases,
    hostile_cases,
)

import integration_index as ii


def require_reports_extra() -> None:
    """Jinja2 and Babel, which CI installs (missing fails there); elsewhere skip."""
    for module in ("jinja2", "babel"):
        if os.environ.get("CI"):
            importlib.import_module(module)
        else:
            pytest.importorskip(module, reason="the reports extra is not installed")


require_reports_extra()


class Page(HTMLParser):
    """What a page is made of: its elements with their attributes, and its visible text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("style", "script", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]


@pytest.fixture(scope="module")
def examples() -> dict[str, Case]:
    return example_cases()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    return hostile_cases(tmp_path_factory.mktemp("hostile"))


def _self_contained(text: str) -> None:
    page = Page(text)
    tags = [tag for tag, _ in page.elements]
    # Nothing that loads: no image, frame, object, link, media; one style and one script, ours.
    for tag in (
        "img",
        "iframe",
        "frame",
        "object",
        "embed",
        "link",
        "video",
        "audio",
        "source",
        "image",
        "use",
        "foreignobject",
    ):
        assert tag not in tags, tag
    assert tags.count("style") == 1
    assert tags.count("script") == 1
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("src", "href", "xlink:href", "action", "formaction", "poster", "data"):
                assert tag == "a" and value == "#report", (tag, name, value)
            assert "javascript:" not in (value or ""), (tag, name)
            assert name != "style", (tag, "inline style attributes are refused by the CSP")
    css = text.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "url(" not in css and "@import" not in css and "@font-face" not in css


def _csp_allows_only_the_page_itself(text: str) -> None:
    (meta,) = [
        m for m in Page(text).tags("meta") if m.get("http-equiv") == "Content-Security-Policy"
    ]
    policy = meta["content"] or ""
    css = text.split("<style>", 1)[1].split("</style>", 1)[0]
    script = text.split("<script>", 1)[1].split("</script>", 1)[0]

    def digest(body: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"

    assert policy.startswith("default-src 'none';")
    assert f"style-src {digest(css)};" in policy
    assert f"script-src {digest(script)};" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_report_is_one_self_contained_page(
    examples: dict[str, Case], kind: str, language: str
) -> None:
    text = examples[kind].render("html", language)
    assert text.startswith("<!doctype html>")
    assert f'<html lang="{language}"' in text
    _self_contained(text)
    _csp_allows_only_the_page_itself(text)
    page = Page(text)
    assert len(page.tags("h1")) == 1
    assert examples[kind].city in "".join(page.text)


@pytest.mark.parametrize("kind", KINDS)
def test_the_chart_shows_the_cards_values(examples: dict[str, Case], kind: str) -> None:
    """The main chart has one mark per first-level criterion (or city), carrying the value the
    card (or ranking, review) gives, with one decimal (three for alpha)."""
    case = examples[kind]
    text = case.render("html", "en")
    chart = text.split(f'data-chart="{case.marks.split("=")[1].split("]")[0]}"', 1)[1]
    chart = chart.split("</figure>", 1)[0]  # the first such chart: the first framework's
    attributes = {"peer-review": "data-alpha", "uncertainty": "data-interval"}
    attribute = attributes.get(kind, "data-score")
    if kind == "progress":
        marks = re.findall(r'<svg class="chart small-multiple" data-id="([^"]*)"', chart)
        drawn = {}
        for mark in marks:
            svg = chart.split(f'data-id="{mark}"', 1)[1].split("</svg>", 1)[0]
            points = re.findall(r'data-score="([^"]*)"', svg)
            last = re.findall(r'<text class="tick"', svg)
            drawn[mark] = points[-1] if points and len(points) == len(last) else None
    else:
        pattern = rf'<g class="[a-z-]+-row" data-id="([^"]*)" {attribute}="([^"]*)"'
        drawn = {mark: value or None for mark, value in re.findall(pattern, chart)}
    assert len(drawn) == case.count
    assert drawn == case.values


def test_the_card_figures_are_the_hand_checked_ones(examples: dict[str, Case]) -> None:
    """Harbourton's EUROCITIES card as docs/frameworks/eurocities.md shows it: 01 at 87.5,
    07 outside competence, 12 at 8.3 (French: 87,5 and 8,3 in the table)."""
    case = examples["report"]
    assert case.values["01"] == "87.5" and case.values["07"] is None and case.values["12"] == "8.3"
    french = case.render("html", "fr")
    assert '<td class="num" data-value="87.5">87,5</td>' in french
    assert "15 novembre 2024" in french
    assert "540\u202f000" in french


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_hostile_strings_are_escaped_everywhere(
    hostile: dict[str, Case], kind: str, language: str
) -> None:
    text = hostile[kind].render("html", language)
    _self_contained(text)
    _csp_allows_only_the_page_itself(text)
    page = Page(text)
    visible = "".join(page.text)
    # The payload is shown as text, never as markup.
    assert "<script>window.pwned=1</script>" in visible
    assert "<img src=x onerror=window.pwned=2>" in visible
    assert "[md](javascript:window.pwned=5)" in visible or kind == "compare"
    assert "&lt;script&gt;" in text
    assert "</style><style>body" not in text
    assert text.count("</style>") == 1 and text.count("</script>") == 1
    # Bidi controls never leak out of the text they came with: each sits right inside an
    # isolate (<bdi>) or an SVG text, title or description, a paragraph of its own.
    for match in re.finditer("\u202e", text):
        tag = text[text.rfind("<", 0, match.start()) :].split(">", 1)[0]
        assert tag.split()[0] in ("<bdi", "<text", "<title", "<desc"), tag
    assert LONG_WORD in visible


def test_hostile_plugin_sections_become_inert_html(hostile: dict[str, Case]) -> None:
    text = hostile["report"].render("html", "en")
    section = text.split('<div class="plugin-section">', 1)[1].split("</div>\n", 1)[0]
    assert "<table" in section and "<ul>" in section  # its Markdown structure is kept
    assert "&lt;script&gt;window.pwned=7&lt;/script&gt;" in section
    assert not re.search(r"<a[\s>]", section)  # no link, only text
    assert "javascript:window.pwned=6" in section  # shown as text


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_markdown_stays_inert(hostile: dict[str, Case], kind: str) -> None:
    """Every field is inert in the Markdown reports too, in French; a plugin section's body is
    Markdown by contract (the plugin's to keep inert), so it is left out here."""
    text = hostile[kind].render("markdown", "fr")
    text = re.sub(r"(?ms)^### Section.*?(?=^## |\Z)", "", text)
    for raw in ("<script", "<img", "<svg", "<iframe", "<style"):
        assert raw not in text, raw
    assert not re.search(r"(?<!\\)\]\(javascript:", text)  # "[md\](...": no link


def test_html_needs_the_reports_extra(
    monkeypatch: pytest.MonkeyPatch, examples: dict[str, Case]
) -> None:
    """Without Jinja2, HTML says which extra to install; Markdown still works, in French."""
    import sys

    import integration_index._reports as reports

    for module in [m for m in sys.modules if m.startswith("integration_index._reports.html")]:
        monkeypatch.delitem(sys.modules, module)
        monkeypatch.delattr(reports, module.rpartition(".")[2], raising=False)
    monkeypatch.setitem(sys.modules, "jinja2", None)  # "import jinja2" raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'integration-index\[reports\]'"):
        examples["compare"].render("html", "en")
    assert examples["compare"].render("markdown", "fr").startswith("# Classement")


def test_render_refuses_what_it_cannot_write(examples: dict[str, Case]) -> None:
    profile = ii.load_profile(EXAMPLES / "eurocities" / "rivermouth-2024.toml")
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        ii.render(profile, format="pdf")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown language 'de'"):
        ii.render(profile, language="de")
    card = ii.score(profile)
    plan = ii.development_plan(card, profile)
    with pytest.raises(ValueError, match="give card="):
        ii.render(plan)
    review = ii.peer_review(profile)
    with pytest.raises(ValueError, match="give profile="):
        ii.render(review)
    with pytest.raises(TypeError, match="cannot render a ScoreCard"):
        ii.render(card)  # type: ignore[arg-type]


# -- the command line ----------------------------------------------------------------------------


def test_the_command_line_writes_html_reports(cli: Cli, tmp_path: Path) -> None:
    """The done criteria: report and plan (French) as HTML pages, and the other kinds too."""
    euro = EXAMPLES / "eurocities"
    runs: dict[str, list[str | Path]] = {
        "harbourton.html": [
            "report",
            EXAMPLES / "all-three" / "harbourton-2024.toml",
            "--format",
            "html",
        ],
        "plan.html": [
            "plan",
            euro / "rivermouth-2024.toml",
            "--language",
            "fr",
            "--format",
            "html",
        ],
        "progress.html": [
            "progress",
            euro / "rivermouth-2022.toml",
            euro / "rivermouth-2024.toml",
            "--format",
            "html",
            "--language",
            "fr",
        ],
        "review.html": [
            "peer-review",
            *sorted((EXAMPLES.parent / "peer-review" / "ostavia-2023").glob("*.toml")),
            "--format",
            "html",
        ],
        "ranking.html": [
            "compare",
            euro,
            "--framework",
            "eurocities",
            "--format",
            "html",
            "--language",
            "fr",
        ],
    }
    for name, args in runs.items():
        result = cli(*args, "--output", tmp_path / name)
        assert result.returncode == 0, (name, result.stderr)
        text = (tmp_path / name).read_text(encoding="utf-8")
        _self_contained(text)
        _csp_allows_only_the_page_itself(text)
    assert (
        "<h1><bdi>Harbourton</bdi>: integration-index report</h1>"
        in (tmp_path / "harbourton.html").read_text()
    )
    plan = (tmp_path / "plan.html").read_text(encoding="utf-8")
    assert '<html lang="fr"' in plan and "Gains rapides" in plan and "20 mars 2024" in plan
    ranking = (tmp_path / "ranking.html").read_text(encoding="utf-8")
    # The ranking's rows carry the bounds: the chart draws each city's.
    assert ranking.count('<path class="range"') >= 2


def test_html_without_the_extra_is_a_usage_error(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    import integration_index._reports as reports

    for module in [m for m in sys.modules if m.startswith("integration_index._reports.html")]:
        monkeypatch.delitem(sys.modules, module)
        monkeypatch.delattr(reports, module.rpartition(".")[2], raising=False)
    monkeypatch.setitem(sys.modules, "jinja2", None)
    result = cli("report", EXAMPLES / "all-three" / "harbourton-2024.toml", "--format", "html")
    assert result.returncode == 2
    assert "pip install 'integration-index[reports]'" in result.stderr
    assert result.stdout == ""


def test_the_ranking_chart_draws_each_rows_bounds_and_marks_overlaps() -> None:
    """The bounds come from the ranking's rows (no cards given). On the shipped examples
    (docs/guides/analysts.md): Porto Verde 73.9-73.9, Ostavia 29.8-76.0, Rivermouth 48.9-51.7,
    Lindenburg 42.8-45.4. Ostavia's interval holds every other city's score, so all four
    overlap; Porto Verde's interval is a point, drawn as a dot alone."""
    require_reports_extra()
    paths = sorted((EXAMPLES / "eurocities").glob("*.toml"))
    entries = [(p, ii.score(p, "eurocities")) for p in map(ii.load_profile, paths)]
    ranking = ii.rank_cities(entries)
    for language, porto in (("en", "73.9 ≈"), ("fr", "73,9 ≈")):
        page = ii.render(ranking, format="html", language=language)
        rows = re.findall(
            r'<g class="city-row" data-id="([^"]*)" data-score="[^"]*"( data-overlaps="true")?>'
            r"(.*?)</g>",
            page,
            re.S,
        )
        assert {city for city, overlaps, _ in rows if overlaps} == {
            "porto-verde",
            "ostavia",
            "rivermouth",
            "lindenburg",
        }
        ranged = {city for city, _, body in rows if '<path class="range"' in body}
        assert ranged == {"ostavia", "rivermouth", "lindenburg"}
        porto_row = next(body for city, _, body in rows if city == "porto-verde")
        assert '<text class="value"' in porto_row and f">{porto}</text>" in porto_row
        assert 'class="k-overlaps"' in page  # the legend explains the mark


def test_uncertainty_with_no_source_draws_every_city_at_its_point_rank() -> None:
    """With every source off each run is the point ranking: each city's interval is its point
    rank three times, P(top 2) is 100% for ranks 1-2 and 0% after, and no sensitivity chart."""
    from integration_index.analysis import UncertaintySources

    profiles = [ii.load_profile(p) for p in sorted((EXAMPLES / "eurocities").glob("*.toml"))]
    result = ii.rank_uncertainty(
        profiles, "eurocities", draws=16, sources=UncertaintySources.none(), top_k=2
    )
    text = ii.render(result, format="html", language="en")
    _self_contained(text)
    drawn = re.findall(r'<g class="rank-row" data-id="([^"]*)" data-interval="([^"]*)"', text)
    scores = {c.city_id: c.score for c in result.cities}
    by_score = sorted(scores, key=lambda city: -(scores[city] or 0))
    assert drawn == [(city, f"{i} {i} {i}") for i, city in enumerate(by_score, start=1)]
    top = text.split('data-chart="top-k"', 1)[1].split("</figure>", 1)[0]
    shares = re.findall(r'data-id="([^"]*)" data-values="([^"]*)"', top)
    assert shares == [(city, "1.000" if i <= 2 else "0.000") for i, city in enumerate(by_score, 1)]
    assert 'data-chart="sensitivity"' not in text
    assert "No source of uncertainty is switched on" in text


def test_what_if_renders_in_both_languages() -> None:
    cohort = EXAMPLES.parent / "cohort"
    framework = ii.load_framework(cohort / "framework.toml")
    profile = ii.load_profile(cohort / "profiles" / "barholby.toml")
    paths = sorted(str(p) for p in (cohort / "profiles").glob("*.toml"))
    scenario = ii.load_scenario(cohort / "scenario.toml")
    result = ii.what_if(profile, scenario, framework, cohort=paths)
    french = ii.render(result, language="fr")
    assert french.splitlines()[0].startswith("# Et si : ")
    assert "| nœud | avant | après | écart |" in french
    assert "| overall | 49,36 | 64,72 | +15,36 |" in french
    assert "| overall | 49.36 | 64.72 | +15.36 |" in ii.render(result)
