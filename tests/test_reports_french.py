"""French reports are French throughout: no English catalogue string in any report kind, in
Markdown or HTML, nor in the terminal table.

An "English catalogue string" is the literal text of an English message (its parameters left
out) that the French catalogue does not also use: "Overall score", "Quick wins", "not
applicable"... The built-in plugins' sections are in French too. Free text from profiles and
frameworks (city names, English-only notes) is not the catalogue's: single words are searched
only where the catalogue writes (headings, table headers).
"""

from __future__ import annotations

import importlib
import itertools
import os
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import Cli
from report_cases import EXAMPLES, KINDS, ROOT, Case, cohort_reports, example_cases

from integration_index._i18n import Catalogue


def english_strings() -> set[str]:
    """The English catalogue's literal pieces that no French message contains."""
    catalogue = Catalogue.load()
    french = " ".join(
        text for message in catalogue.messages["fr"].values() for text in message.texts()
    )
    found = set()
    for message in catalogue.messages["en"].values():
        for form in message.forms.values():
            for literal, _ in form:
                piece = literal.strip(" .,:;()[]-/>")
                # Whole words only, and more than a short word: "id", "score", "n/a" are shared.
                if len(piece) >= 6 and re.search("[a-z]{3}", piece) and piece not in french:
                    found.add(piece)
    return found


ENGLISH = english_strings()


def test_the_search_has_something_to_find() -> None:
    assert {
        "Overall score",
        "Quick wins",
        "Still missing at",
        "The numbers behind the chart",
    } <= ENGLISH
    assert "score" not in ENGLISH


class Visible(HTMLParser):
    """A page's visible text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        hidden = tag in ("style", "script")
        if self._hidden or hidden:
            self._hidden.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._hidden and self._hidden[-1] == tag:
            self._hidden.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


#: Phrases (two words or more) are searched in the whole text. Single words ("coverage",
#: "priority") are common in free text from profiles and frameworks, which may be English in a
#: French report: they are searched where only the catalogue writes, in headers and headings.
PHRASES = {piece for piece in ENGLISH if " " in piece}
WORDS = ENGLISH - PHRASES


def _leaks(text: str, labels: list[str] = ()) -> list[str]:  # type: ignore[assignment]
    found = {piece for piece in PHRASES if piece in text}
    found |= {label for label in labels if label.strip() in WORDS}
    return sorted(found)


def _markdown_labels(text: str) -> list[str]:
    """Table header cells and headings of a Markdown report."""
    lines = text.splitlines()
    labels = [line.lstrip("#").strip() for line in lines if line.startswith("#")]
    for header, rule in itertools.pairwise(lines):
        if rule.startswith("|--"):
            labels += [cell.strip() for cell in header.strip("|").split("|")]
    return labels


@pytest.fixture(scope="module")
def cases() -> dict[str, Case]:
    return example_cases()


@pytest.mark.parametrize("kind", KINDS)
def test_french_markdown_reports_hold_no_english_catalogue_string(
    cases: dict[str, Case], kind: str
) -> None:
    text = cases[kind].render("markdown", "fr")
    assert _leaks(text, _markdown_labels(text)) == []
    assert _leaks(cases[kind].render("markdown", "en"))  # the search finds English in English


def require_reports_extra() -> None:
    for module in ("jinja2", "babel"):
        if os.environ.get("CI"):
            importlib.import_module(module)
        else:
            pytest.importorskip(module, reason="the reports extra is not installed")


@pytest.mark.parametrize("kind", KINDS)
def test_french_html_reports_hold_no_english_catalogue_string(
    cases: dict[str, Case], kind: str
) -> None:
    require_reports_extra()
    page = Visible(cases[kind].render("html", "fr"))
    visible = " ".join(page.parts)
    assert _leaks(visible) == []
    assert _leaks(" ".join(Visible(cases[kind].render("html", "en")).parts))


#: What each cohort report must show in English (so that the French test searches the new
#: messages: the analysis notes, peer groups, bounds, possible ranks, overlaps, rank intervals).
COHORT_SHOWS = {
    "report-weights": ["Normalised against a cohort", "Missing values imputed", "overridden"],
    "report-switched-off": ["Switched off (weight 0, shown but not counted)"],
    "compare-country": ["possible ranks", "rank interval", "Peer groups: by country", "≈"],
    "compare-similar": ["each city with its 3 most similar cities", "3 most similar"],
}


@pytest.fixture(scope="module")
def cohort() -> dict[str, Callable[[str, str], str]]:
    return cohort_reports()


@pytest.mark.parametrize("name", sorted(COHORT_SHOWS))
def test_french_cohort_reports_hold_no_english_catalogue_string(
    cohort: dict[str, Callable[[str, str], str]], name: str
) -> None:
    english = cohort[name]("markdown", "en")
    assert all(shown in english for shown in COHORT_SHOWS[name]), english
    assert _leaks(english)
    text = cohort[name]("markdown", "fr")
    assert _leaks(text, _markdown_labels(text)) == []
    require_reports_extra()
    page = cohort[name]("html", "en")
    assert all(shown in " ".join(Visible(page).parts) for shown in COHORT_SHOWS[name])
    assert _leaks(" ".join(Visible(cohort[name]("html", "fr")).parts)) == []


def test_the_french_terminal_table(cli: Cli) -> None:
    result = cli("score", EXAMPLES / "eurocities" / "rivermouth-2024.toml", "--language", "fr")
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()[:2]
    assert header.split() == ["ville", "cadre", "date", "score", "brut", "min.", "max.", "couv."]
    # 49.76 in English: 49,76 with the French decimal comma (two decimals, as in CSV).
    assert "49,76" in row and "49.76" not in row
    english = cli("score", EXAMPLES / "eurocities" / "rivermouth-2024.toml")
    assert english.stdout.splitlines()[0].split()[:2] == ["city", "framework"]
    markdown = cli("score", EXAMPLES / "eurocities", "--format", "markdown", "--language", "fr")
    assert markdown.stdout.startswith("| ville | cadre | date | score | brut |")


def test_what_if_in_french_markdown_and_html(cli: Cli, tmp_path: Path) -> None:
    cohort = ROOT / "examples" / "cohort"
    args: list[str | Path] = [
        "what-if",
        cohort / "profiles" / "barholby.toml",
        cohort / "scenario.toml",
        "--framework-file",
        cohort / "framework.toml",
        "--cohort",
        cohort / "profiles",
    ]
    english = cli(*args)
    assert english.returncode == 0, english.stderr
    # The figures of docs/guides/analysts.md: rank 13 -> 3 of 36; plan 50 -> 100.
    assert "Rank in the cohort of 36: 13 -> 3 (+10 places)" in english.stdout
    assert "| plan | 50.00 | 100.00 | +50.00 |" in english.stdout
    french = cli(*args, "--language", "fr")
    assert french.returncode == 0, french.stderr
    text = french.stdout
    assert text.startswith("# Et si : ")
    assert "Rang dans la cohorte de 36 : 13 → 3 (+10 places)" in text
    assert "| plan | 50,00 | 100,00 | +50,00 |" in text
    assert _leaks(text, _markdown_labels(text)) == [] and _leaks(english.stdout)
    require_reports_extra()
    page = tmp_path / "what-if.html"
    assert cli(*args, "--language", "fr", "--format", "html", "-o", page).returncode == 0
    visible = " ".join(Visible(page.read_text(encoding="utf-8")).parts)
    assert "Rang dans la cohorte de 36 : 13 → 3 (+10 places)" in visible
    assert "100,00" in visible and _leaks(visible) == []


def test_the_uncertainty_table_in_french(cli: Cli) -> None:
    if os.environ.get("CI"):
        importlib.import_module("numpy")
    else:
        pytest.importorskip("numpy", reason="the analysis extra is not installed")
    args: list[str | Path] = [
        "uncertainty",
        EXAMPLES,
        "--framework",
        "eurocities",
        "--draws",
        "100",
    ]
    english = cli(*args)
    french = cli(*args, "--language", "fr")
    assert english.returncode == french.returncode == 0, french.stderr
    assert (
        english.stdout.splitlines()[0] == "framework eurocities: 5 cities, 96 runs (N = 16), seed 0"
    )
    assert (
        french.stdout.splitlines()[0]
        == "cadre eurocities : 5 villes, 96 tirages (N = 16), graine 0"
    )
    header = french.stdout.splitlines()[3]
    assert header.split()[:3] == ["rang", "ville", "score"] and header.endswith("écart type")
    # The same figures, with the decimal comma: Porto Verde's 73.88 is 73,88.
    english_row = next(line for line in english.stdout.splitlines() if "Porto Verde" in line)
    french_row = next(line for line in french.stdout.splitlines() if "Porto Verde" in line)
    assert french_row.split() == [cell.replace(".", ",") for cell in english_row.split()]
    assert "73,88" in french_row
    # The sources, their settings and the sensitivity table's source column are French too.
    assert french.stdout.splitlines()[1] == (
        "sources : non évalués, pondérations (uniforme ±0,25), agrégation (niveaux 0), "
        "preuves (médiane, moyenne, minimum, maximum)"
    )
    rows = french.stdout.split("par source :\n", 1)[1].splitlines()[1:]
    assert [row.split("  ")[0].strip() for row in rows] == [
        "non évalués",
        "pondérations",
        "agrégation",
        "preuves",
    ]
    assert _leaks(french.stdout, [row.split("  ")[0] for row in rows]) == []
    assert english.stdout.splitlines()[1] == (
        "sources: unassessed, weights (uniform +-0.25), aggregation (levels 0), "
        "evidence (median, mean, min, max)"
    )


def test_the_summary_lines_in_french(cli: Cli, tmp_path: Path) -> None:
    """score's and cohort-stats' summary lines (standard error) follow --language."""
    count = len(list((EXAMPLES / "eurocities").glob("*.toml")))  # one profile a file
    run = cli("score", EXAMPLES / "eurocities", "--language", "fr", "-o", tmp_path / "s.csv")
    assert run.returncode == 0, run.stderr
    assert (
        run.stderr.splitlines()[-1]
        == f"{count} profil(s) évalué(s) ; 0 en échec ; écrit dans {tmp_path / 's.csv'}"
    )
    english = cli("score", EXAMPLES / "eurocities", "-o", tmp_path / "s.csv")
    assert (
        english.stderr.splitlines()[-1]
        == f"scored {count} profile(s); 0 failed; wrote {tmp_path / 's.csv'}"
    )
    cohort = ROOT / "examples" / "cohort"
    args: list[str | Path] = ["cohort-stats", cohort / "profiles", "--framework-file"]
    args += [cohort / "framework.toml", "-o", tmp_path / "c.toml"]
    french = cli(*args, "--language", "fr")
    assert french.returncode == 0, french.stderr
    assert french.stderr.strip() == "cohorte de 36 profil(s) ; statistiques de 6 indicateur(s)"
    assert cli(*args).stderr.strip() == "cohort of 36 profile(s); statistics for 6 indicator(s)"
