"""The encoded frameworks checked against the source documents they encode.

Every check here reads the source text itself (the seed files named below) and asserts that the
encoding's French texts occur in it, in the source's order and in the right place, and that counts
(key factors, guiding questions, contextual factors, action ideas, table rows) match what the
source lists. Nothing is compared with a copy of the data.

Sources (``INTEGRATION_INDEX_SEEDS``, default ``/work/shared/seeds``):

- EUROCITIES, Integrating Cities toolkit "Promotion de la diversité culturelle" (French): encoded
  in ``frameworks/eurocities.toml``;
- EUROCITIES working group page on the Integrating Cities Charter (the four city roles);
- GFMD 2020 Roundtable 3.1 background paper (French, Annexes in English): encoded in
  ``frameworks/gfmd-arrival-cities.toml``, ``frameworks/engagement-spectrum.toml`` and
  ``frameworks/scales/engagement-spectrum.toml``.

The source files are PDF-to-text extractions. Before comparing, both the source and the encoded
text go through the same normalisation (:func:`canon`): runs of whitespace become one space
(lines joined, page breaks and blank lines removed); a hyphen that ends a line is joined to the next
line (kept, or dropped when it is a syllable hyphen), and so is a slash that ends a line; footnote
and endnote markers glued to words (``diverses.1``, ``migratoirexxxvi``, ``¹``) are removed; lines
holding nothing but a URL (page furniture of the GFMD paper) are ignored.
"""

from __future__ import annotations

import datetime
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import cast

import attrs
import pytest

import integration_index as ii
from integration_index.model import Criterion, Framework, Practice, ScoreCard, Text

SEEDS = Path(os.environ.get("INTEGRATION_INDEX_SEEDS", "/work/shared/seeds"))
EUROCITIES_FILE = "004_f30c555305270803.txt"
CHARTER_FILE = "003_1b3a6df5d6b0591b.txt"
GFMD_FILE = "001_cfd4806b11d413cf.txt"

KEY_FACTOR_IDS = [f"{n:02d}" for n in range(1, 14)]
CHARTER_ROLES = ("policy-maker", "service-provider", "employer", "buyer")

# ------------------------------------------------------------------------------------------------
# Normalisation of PDF-extracted text
# ------------------------------------------------------------------------------------------------

_SUPERSCRIPT_NOTES = str.maketrans("", "", "¹²³⁴⁵⁶⁷⁸⁹⁰")
# A hyphen that ends a line after a letter: PDF line-break hyphenation.
_LINE_END_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*\n\s*")
# A line broken after a slash: "funérailles/" + "inhumations".
_LINE_END_SLASH = re.compile(r"(?<=[^\W\d_])/[ \t]*\n\s*")
# A footnote number glued after a full stop: "diverses.1 Comme", "entreprises.2".
_ARABIC_NOTE = re.compile(r"(?<=\.)\d(?=\s|$)")
# An endnote marker (lowercase roman numeral) glued to a word, a full stop or a bracket:
# "migratoirexxxvi qui", "conséquence.xx À", "dynamizers)xliii.". Applied to both sides, so a word
# that itself ends in i/v/x/l loses those letters on both sides alike.
_ROMAN_NOTE = re.compile(r"(?<=[^\W\d_]|[.)])[ivxl]+(?=[\s.,;:]|$)")
_URL_LINE = re.compile(r"^[ \t]*https?://\S+[ \t]*$", re.MULTILINE)
_SPACE = re.compile(r"\s+")


def canon(text: str, *, roman_notes: bool = False, hyphen: str = "-") -> str:
    """Normalise a source or encoded text for comparison (see the module docstring)."""
    text = unicodedata.normalize("NFC", text).translate(_SUPERSCRIPT_NOTES)
    text = _LINE_END_HYPHEN.sub(hyphen, text)
    text = _LINE_END_SLASH.sub("/", text)
    text = _ARABIC_NOTE.sub("", text)
    if roman_notes:
        text = _ROMAN_NOTE.sub("", text)
    return _SPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Accent- and case-insensitive form, for proper names (the sources spell them both ways)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@attrs.frozen
class SourceText:
    """A source document, normalised, with the operations the tests need.

    ``text`` is the primary form (line-end hyphens kept, URL-only lines dropped); ``variants`` adds
    the forms with syllable hyphens dropped and with URL-only lines kept.
    """

    raw: str
    roman_notes: bool
    text: str
    variants: tuple[str, ...]

    @classmethod
    def read(
        cls,
        name: str,
        *,
        roman_notes: bool = False,
        corrections: Mapping[str, str] | None = None,
    ) -> SourceText:
        path = SEEDS / name
        if not path.is_file():
            pytest.skip(f"source document not available: {path}")
        raw = path.read_text(encoding="utf-8")
        without_urls = _URL_LINE.sub("", raw)
        forms = [
            canon(base, roman_notes=roman_notes, hyphen=hyphen)
            for base in (without_urls, raw)
            for hyphen in ("-", "")
        ]
        for pattern, fixed in (corrections or {}).items():
            assert len(re.findall(pattern, forms[0])) == 1, f"misprint not in source: {pattern!r}"
            forms = [re.sub(pattern, fixed, form) for form in forms]
        return cls(raw, roman_notes, forms[0], tuple(forms))

    def norm(self, text: str) -> str:
        return canon(text, roman_notes=self.roman_notes)

    def contains(self, text: str) -> bool:
        needle = self.norm(text)
        return bool(needle) and any(needle in form for form in self.variants)

    def find(self, text: str, start: int = 0) -> int:
        """Position of a text in the primary form (-1 when absent)."""
        return self.text.find(self.norm(text), start)

    def section(self, start: str, end: str) -> str:
        """The normalised text from the first *start* up to the first *end* after it."""
        begin = self.text.index(self.norm(start))
        return self.text[begin : self.text.index(self.norm(end), begin)].strip()


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+(?=[A-ZÀ-Ý«“])", text) if s.strip()]


def missing_from(source: SourceText, text: str) -> list[str]:
    """Paragraphs of *text* that the source does not contain.

    A paragraph counts as found when it occurs whole, or when each of its sentences occurs, in
    order (an encoded text may join sentences that the source separates by an example or a
    footnote marker).
    """
    missing = []
    for paragraph in paragraphs(text):
        if source.contains(paragraph):
            continue
        parts = sentences(paragraph)
        if not (all(source.contains(p) for p in parts) and in_order(source.find(p) for p in parts)):
            missing.append(paragraph[:80])
    return missing


def texts_in(obj: object, path: str = "") -> Iterator[tuple[str, Text]]:
    """Every Text inside an attrs object, with its attribute path."""
    if isinstance(obj, Text):
        yield path, obj
    elif attrs.has(type(obj)):
        for field in attrs.fields(cast("type[attrs.AttrsInstance]", type(obj))):
            yield from texts_in(getattr(obj, field.name), f"{path}.{field.name}")
    elif isinstance(obj, tuple):
        for index, item in enumerate(obj):
            yield from texts_in(item, f"{path}[{index}]")


def fr(text: Text | None) -> str:
    assert text is not None, "missing text"
    assert text.fr, f"text without French: {text.en[:60]!r}"
    return text.fr


def in_order(positions: Iterable[int]) -> bool:
    values = list(positions)
    return all(p >= 0 for p in values) and values == sorted(values)


# Names the encoding gives in English (the `city` field) but the French source writes otherwise.
FRENCH_EXONYMS = {
    "Barcelona": "Barcelone",
    "Beirut": "Beyrouth",
    "Brussels": "Bruxelles",
    "Copenhagen": "Copenhague",
    "Greater Amman": "Grand Amman",
    "Lisbon": "Lisbonne",
    "London": "Londres",
    "Tangier": "Tanger",
}
# `city` fields that describe rather than name: the words the source uses for them.
DESCRIPTIVE_CITIES = {
    "Sedhiou region": "Sedhiou",
    "Calabarzon region": "Calabarzon",
    "Souss-Massa region": "Souss-Massa",
    "Pichincha province": "Pichincha",
    "Los Santos region": "Los Santos",
    "Calabarzon, Bicol and Western Visayas regions": "Calabarzon, Bicol et Western Visayas",
    "Uruguay (national government, with departmental and municipal authorities)": "Gouvernement uruguayen",
    "17 municipalities and 3 regions of Niger": "In Niger, 17 municipalities and 3 regions",
    "Over 40 Danish municipalities": "In Denmark, over 40 municipalities",
    "Selected local actors in Morocco": "selected local actors",
}


def names_in_source(city: str, language: str) -> set[str]:
    names = {city, DESCRIPTIVE_CITIES.get(city, city)}
    if language == "fr" and city in FRENCH_EXONYMS:
        names.add(FRENCH_EXONYMS[city])
    return names


def city_named(city: str, language: str, source: SourceText, *texts: str) -> bool:
    """Whether the source and every text name the city (accent- and case-insensitively)."""
    haystacks = [fold(source.text)] + [fold(source.norm(text)) for text in texts]
    return any(
        all(fold(source.norm(name)) in haystack for haystack in haystacks)
        for name in names_in_source(city, language)
    )


# ------------------------------------------------------------------------------------------------
# Sources and frameworks
# ------------------------------------------------------------------------------------------------


# Question 03.3 begins "ans quelle mesure" in the source (its initial "D" is lost in the PDF); the
# encoding restores "Dans". The source is read with that one misprint corrected (and the reading
# fails if the misprint is not there exactly once).
EUROCITIES_MISPRINTS = {r"(?<!\w)ans quelle mesure votre ville": "Dans quelle mesure votre ville"}


@cache
def eurocities_source() -> SourceText:
    return SourceText.read(EUROCITIES_FILE, corrections=EUROCITIES_MISPRINTS)


@cache
def gfmd_source() -> SourceText:
    return SourceText.read(GFMD_FILE, roman_notes=True)


@cache
def charter_source() -> SourceText:
    return SourceText.read(CHARTER_FILE)


@pytest.fixture(scope="module")
def eurocities() -> Framework:
    return ii.get_framework("eurocities")


@pytest.fixture(scope="module")
def gfmd() -> Framework:
    return ii.get_framework("gfmd-arrival-cities")


@pytest.fixture(scope="module")
def engagement() -> Framework:
    return ii.get_framework("engagement-spectrum")


# ------------------------------------------------------------------------------------------------
# EUROCITIES: the source's key-factor pages
# ------------------------------------------------------------------------------------------------

# A new page of the extraction starts with one space, or is the running footer.
_PAGE_START = re.compile(r"^ \S")
_FOOTER = re.compile(r"^\d+\s+•\s+Integrating Cities")
_FACTOR_NUMBER = re.compile(r"\d\d")
_BULLET = re.compile(r"^\s*•")


@cache
def eurocities_pages() -> list[tuple[str, str]]:
    """The source's key-factor pages as (number, raw text), in source order.

    The key factors run from the Integrating Cities Standard to "Les facteurs contextuels", one
    page each. Each page carries its key-factor number on a line of its own; a page fragment with no
    number (the standard, a statement set apart by a text box) belongs to the next numbered page.
    """
    raw = eurocities_source().raw
    start = raw.index("LA NORME DES VILLES D’INTÉGRATION")
    end_match = re.search(r"^Les facteurs contextuels\s*$", raw, re.MULTILINE)
    assert end_match is not None
    chunks: list[list[str]] = [[]]
    for line in raw[start : end_match.start()].split("\n"):
        if _PAGE_START.match(line) or _FOOTER.match(line):
            chunks.append([])
        chunks[-1].append(line)
    pages: list[tuple[str, str]] = []
    pending: list[str] = []
    for chunk in chunks:
        pending += chunk
        numbers = [line.strip() for line in chunk if _FACTOR_NUMBER.fullmatch(line.strip())]
        assert len(numbers) <= 1, f"a page with two key-factor numbers: {numbers}"
        if numbers:
            pages.append((numbers[0], "\n".join(pending)))
            pending = []
    assert not any(_BULLET.match(line) for line in pending), "questions after the last key factor"
    return pages


def eurocities_page(number: str) -> str:
    """The normalised page of one key factor (with the 03.3 misprint corrected)."""
    page = canon(dict(eurocities_pages())[number])
    for pattern, fixed in EUROCITIES_MISPRINTS.items():
        page = re.sub(pattern, fixed, page)
    return page


def source_question_count(number: str) -> int:
    """Guiding questions the source lists on a key factor's page: its "•" bullets.

    Sub-items of a question (the "-" lists of 07) are not bullets and belong to their question.
    """
    return sum(1 for line in dict(eurocities_pages())[number].split("\n") if _BULLET.match(line))


def heading_pattern(title: str) -> re.Pattern[str]:
    """A key-factor heading as the source prints it: upper case, spaces possibly lost."""
    return re.compile(r"\s*".join(re.escape(word) for word in title.upper().split()))


# ------------------------------------------------------------------------------------------------
# EUROCITIES tests
# ------------------------------------------------------------------------------------------------


def test_eurocities_source_has_thirteen_key_factor_pages() -> None:
    assert [number for number, _ in eurocities_pages()] == KEY_FACTOR_IDS


def test_eurocities_has_exactly_thirteen_key_factors_in_order(eurocities: Framework) -> None:
    assert [c.id for c in eurocities.criteria] == KEY_FACTOR_IDS
    assert {c.kind for c in eurocities.criteria} == {"key-factor"}


def test_eurocities_key_factor_titles_appear_in_source_order(eurocities: Framework) -> None:
    source = eurocities_source()
    positions: list[int] = []
    for factor in eurocities.criteria:
        pattern = heading_pattern(fr(factor.title))
        assert pattern.search(eurocities_page(factor.id)), (
            f"{factor.id}: heading {fr(factor.title)!r} not on its page"
        )
        match = pattern.search(source.text, positions[-1] if positions else 0)
        assert match is not None, f"{factor.id}: heading not found after the previous one"
        positions.append(match.start())
    assert in_order(positions)


@pytest.mark.parametrize("factor_id", KEY_FACTOR_IDS)
def test_eurocities_key_factor_is_complete(eurocities: Framework, factor_id: str) -> None:
    factor = eurocities.node(factor_id)
    for name in ("statement", "rationale"):
        text = getattr(factor, name)
        assert text is not None, f"{factor_id} has no {name}"
        assert text.en.strip() and fr(text).strip()
    questions = [c for c in factor.children if c.kind == "guiding-question"]
    assert questions, f"{factor_id} has no guiding question"
    assert questions == list(factor.children), f"{factor_id} has children that are not questions"
    assert factor.examples, f"{factor_id} has no example"


@pytest.mark.parametrize("factor_id", KEY_FACTOR_IDS)
def test_eurocities_statement_and_rationale_on_their_page(
    eurocities: Framework, factor_id: str
) -> None:
    factor = eurocities.node(factor_id)
    page = eurocities_page(factor_id)
    assert canon(fr(factor.statement)) in page
    assert canon(fr(factor.rationale)) in page


@pytest.mark.parametrize("factor_id", KEY_FACTOR_IDS)
def test_eurocities_guiding_questions_match_source(eurocities: Framework, factor_id: str) -> None:
    factor = eurocities.node(factor_id)
    page = eurocities_page(factor_id)
    texts = [canon(fr(q.title)) for q in factor.children]
    missing = [q.id for q, text in zip(factor.children, texts, strict=True) if text not in page]
    assert not missing, f"guiding questions not found on the page of {factor_id}: {missing}"
    assert in_order(page.find(text) for text in texts), "questions not in source order"
    assert len(factor.children) == source_question_count(factor_id)
    # Each question is one bullet: no encoded question runs into the next bullet.
    assert not any("•" in text for text in texts)


def test_eurocities_guiding_question_total(eurocities: Framework) -> None:
    counts = {number: source_question_count(number) for number in KEY_FACTOR_IDS}
    questions = [n for n in eurocities.leaves if n.kind == "guiding-question"]
    assert len(questions) == sum(counts.values()) == len(eurocities.leaves)
    # Also the bullets of the whole key-factor section, counted without the page split.
    source = eurocities_source()
    section = source.section("LA NORME DES VILLES D’INTÉGRATION", "Les facteurs contextuels Voici")
    assert section.count("• ") - section.count("8 • Integrating Cities") == len(questions)


@pytest.mark.parametrize("factor_id", KEY_FACTOR_IDS)
def test_eurocities_examples_appear_in_source(eurocities: Framework, factor_id: str) -> None:
    page = eurocities_page(factor_id)
    for example in eurocities.node(factor_id).examples:
        text = canon(fr(example.text))
        for paragraph in paragraphs(fr(example.text)):
            assert canon(paragraph) in page, f"{factor_id} {example.city}: {paragraph[:60]!r}"
        assert city_named(example.city, "fr", eurocities_source(), text, page), example.city
        for figure in example.figures:
            assert canon(figure) in text, f"{factor_id} {example.city}: figure {figure!r}"
        assert example.title is not None and example.title.fr


def test_eurocities_every_text_has_english_and_french(eurocities: Framework) -> None:
    assert tuple(eurocities.languages) == ("en", "fr")
    found = list(texts_in(eurocities))
    assert len(found) > 100
    incomplete = [path for path, text in found if not (text.en.strip() and (text.fr or "").strip())]
    assert not incomplete


def test_eurocities_key_factors_carry_charter_roles(eurocities: Framework) -> None:
    # The four roles, as the Charter page names them.
    charter = charter_source()
    sentence = (
        "in their roles as policy makers, service providers, employers and buyers of goods and "
        "services"
    )
    assert charter.contains(sentence)
    for role in CHARTER_ROLES:
        assert role.replace("-", " ") + "s" in sentence
    for factor in eurocities.criteria:
        roles = set(factor.tags) & set(CHARTER_ROLES)
        assert roles, f"{factor.id} carries no Charter role"
    assert "employer" in eurocities.node("07").tags
    assert "buyer" in eurocities.node("12").tags
    used = {tag for factor in eurocities.criteria for tag in factor.tags}
    assert used == set(CHARTER_ROLES), "every role is used, and only Charter roles are used"


def test_eurocities_charter_roles_text_quotes_the_charter(eurocities: Framework) -> None:
    text = next(t for t in eurocities.texts if t.id == "charter-roles")
    assert charter_source().contains(paragraphs(text.text.en)[0])


def test_eurocities_contextual_factors_match_source(eurocities: Framework) -> None:
    source = eurocities_source()
    table = source.section(
        "FACTEUR CONTEXTUEL EXEMPLES DES IMPLICATIONS DU FACTEUR", "A propos de MIXITÉS"
    )
    rows = [row.strip() for row in table.split("•")[1:]]
    assert len(rows) == 7
    factors = eurocities.contextual_factors
    assert len(factors) == 7
    encoded = [canon(f"{fr(f.title)} {fr(f.description)}") for f in factors]
    assert encoded == rows, "contextual factors (title and implications) differ from the table"
    assert in_order(source.find(fr(f.title)) for f in factors)
    assert len({f.id for f in factors}) == 7


def test_eurocities_standard_and_modes_texts(eurocities: Framework) -> None:
    source = eurocities_source()
    texts = {t.id: t for t in eurocities.texts}
    standard = texts["standard"]
    assert source.contains(f"{fr(standard.title).upper()} {fr(standard.text)}"), (
        "the standard is not the text under LA NORME DES VILLES D’INTÉGRATION"
    )
    modes = ["mode-self-assessment", "mode-peer-review", "mode-development-plan"]
    positions = []
    for mode_id in modes:
        mode = texts[mode_id]
        assert mode.text.en.strip() and mode.title.en.strip()
        title_at = source.find(fr(mode.title))
        assert title_at >= 0, f"{mode_id}: title not in source"
        parts = paragraphs(fr(mode.text))
        # The mode's question stands just before its title, the body just after it.
        assert source.text[:title_at].rstrip().endswith(canon(parts[0]))
        assert source.text[title_at:].startswith(canon(f"{fr(mode.title)} {parts[1]}"))
        assert in_order(source.find(p, title_at) for p in parts[1:])
        positions.append(title_at)
    assert in_order(positions)


@pytest.mark.parametrize(
    "text_id",
    [
        "introduction",
        "benchmark",
        "contextual-factors-use",
        "how-to-use",
        "mode-self-assessment",
        "mode-peer-review",
        "mode-development-plan",
        "diversity-in-cities",
        "standard",
        "contextual-factors",
        "about-mixites",
        "eu-context",
    ],
)
def test_eurocities_source_texts_occur_in_source(eurocities: Framework, text_id: str) -> None:
    source = eurocities_source()
    text = next(t for t in eurocities.texts if t.id == text_id)
    missing = [p[:60] for p in paragraphs(fr(text.text)) if not source.contains(p)]
    assert not missing


def test_eurocities_in_place_scale(eurocities: Framework) -> None:
    scale = eurocities.scales_by_id["in-place"]
    assert eurocities.settings.scale == "in-place"
    assert len(scale.levels) == 5
    assert [level.value for level in scale.levels] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert [level.id for level in scale.levels] == [
        "not-in-place",
        "planned",
        "partly",
        "largely",
        "fully",
    ]
    assert all(level.label.en and level.label.fr for level in scale.levels)
    assert all(eurocities.scale_of(leaf) is scale for leaf in eurocities.leaves)


def test_eurocities_competence_exclusions_are_grounded(eurocities: Framework) -> None:
    # 07's exclusion rests on the toolkit's own remark on legal restrictions to hiring.
    source = eurocities_source()
    assert source.contains(
        "de nombreuses villes ont encore des difficultés à embaucher des non-ressortissants en "
        "raison de restrictions légales"
    )
    factors = {f.id for f in eurocities.contextual_factors}
    for exclusion in eurocities.competence_exclusions:
        assert exclusion.factor in factors
        assert set(exclusion.criteria) <= set(KEY_FACTOR_IDS)


# ------------------------------------------------------------------------------------------------
# Engagement spectrum (GFMD paper, section "Adopter une approche multipartite")
# ------------------------------------------------------------------------------------------------

ENGAGEMENT_LEVELS = ["inform", "consult", "involve", "collaborate", "empower"]
_TABLE_HEADER = "Informer Consulter Impliquer Collaborer Autonomiser"


@cache
def engagement_table() -> tuple[list[str], list[str]]:
    """The paper's engagement table as (labels, cell texts), rebuilt from the PDF columns.

    The extraction gives the table's five columns side by side: first the top of each column (each
    begins "Les villes"), then, after a page break with a footnote and page links, the rest of each
    column (each ends with a full stop). Each cell is the top and the rest of its column.
    """
    raw = gfmd_source().raw
    lines = [line for line in raw.split("\n") if line.strip()]
    header = next(i for i, line in enumerate(lines) if line.strip() == _TABLE_HEADER)
    labels = lines[header].split()
    end = next(i for i in range(header, len(lines)) if lines[i].startswith("Le type d’acteurs"))
    body = lines[header + 1 : end]
    footnote = next(i for i, line in enumerate(body) if re.match(r"\d+ \S", line))
    last_link = max(i for i, line in enumerate(body) if _URL_LINE.match(line))
    top: list[list[str]] = []
    for line in body[:footnote]:
        if line.startswith("Les villes"):
            top.append([])
        top[-1].append(line)
    rest: list[list[str]] = [[]]
    for line in body[last_link + 1 :]:
        rest[-1].append(line)
        if line.rstrip().endswith("."):
            rest.append([])
    rest = [cell for cell in rest if cell]
    assert len(top) == len(rest) == len(labels) == 5
    cells = [canon("\n".join(a + b)) for a, b in zip(top, rest, strict=True)]
    return labels, cells


def test_engagement_scale_levels_match_source_table(engagement: Framework) -> None:
    scale = engagement.scales_by_id["engagement-spectrum"]
    shared = ii.default_registry().scales()["engagement-spectrum"]
    assert scale == shared, "the framework uses the shared scale, not a copy of its own"
    assert engagement.settings.scale == "engagement-spectrum"
    assert [level.id for level in scale.levels] == ENGAGEMENT_LEVELS
    assert [level.value for level in scale.levels] == [0.0, 0.25, 0.5, 0.75, 1.0]
    labels, cells = engagement_table()
    assert [fr(level.label) for level in scale.levels] == labels
    assert [canon(fr(level.description)) for level in scale.levels] == cells
    for level in scale.levels:
        assert level.label.en and level.description is not None and level.description.en


STAKEHOLDER_TABLE_INTRO = (
    "Le tableau ci-dessous dresse une liste non exhaustive d’acteurs et de domaines de "
    "collaboration possibles :"
)


def stakeholder_table() -> str:
    """The stakeholder table, with the sentence that introduces it, normalised."""
    return gfmd_source().section(STAKEHOLDER_TABLE_INTRO, "*Adapté de Ma Boîte à outils")


def test_engagement_stakeholders_are_the_table_rows_in_order(engagement: Framework) -> None:
    group = engagement.node("stakeholders")
    stakeholders = list(group.children)
    assert len(stakeholders) == 6
    assert {s.kind for s in stakeholders} == {"stakeholder"}
    table = stakeholder_table()
    source = gfmd_source()
    rows = " ".join(f"{fr(s.title)} {fr(s.statement)}" for s in stakeholders)
    # The six rows, in order, are the whole table: nothing missing, nothing added.
    assert table == source.norm(f"{STAKEHOLDER_TABLE_INTRO} {rows}")
    assert [s.title.en for s in stakeholders] == [
        "Private sector",
        "Universities",
        "Schools",
        "Civil society",
        "Diaspora, migrant associations",
        "Media",
    ]


def test_engagement_framework_rates_every_leaf_on_the_spectrum(engagement: Framework) -> None:
    scale = engagement.scales_by_id["engagement-spectrum"]
    assert all(engagement.scale_of(leaf) is scale for leaf in engagement.leaves)
    assert [c.id for c in engagement.criteria] == ["stakeholders", "policy-areas"]


def example_source_language(example: Practice) -> str:
    """The language the source gives a practice in: Annex II is in English, the body in French."""
    annex = example.source_section == "Annex II" or "gfmd-annex-ii" in example.tags
    return "en" if annex else "fr"


def check_practice_against_source(practice: Practice, label: str) -> None:
    source = gfmd_source()
    language = example_source_language(practice)
    text = practice.text.en if language == "en" else fr(practice.text)
    missing = missing_from(source, text)
    assert not missing, f"{label}: text not in the source ({language}): {missing}"
    assert city_named(practice.city, language, source, text), (
        f"{label}: city {practice.city!r} is not named in its text / the source"
    )
    for figure in practice.figures:
        assert source.norm(figure) in source.norm(text), f"{label}: figure {figure!r}"
    assert practice.text.en and practice.text.fr


def test_engagement_examples_occur_in_source(engagement: Framework) -> None:
    examples = [(n.id, e) for n in engagement.nodes.values() for e in n.examples]
    assert examples
    for node_id, example in examples:
        check_practice_against_source(example, f"{node_id} {example.city}")


def test_engagement_texts_occur_in_source(engagement: Framework) -> None:
    source = gfmd_source()
    for text in engagement.texts:
        missing = missing_from(source, fr(text.text))
        assert not missing, f"{text.id}: {missing}"


def test_engagement_every_text_has_english_and_french(engagement: Framework) -> None:
    incomplete = [p for p, t in texts_in(engagement) if not (t.en.strip() and (t.fr or "").strip())]
    assert not incomplete


# ------------------------------------------------------------------------------------------------
# GFMD action ideas
# ------------------------------------------------------------------------------------------------

ACTOR_TAGS = (
    "cities",
    "national-authorities",
    "international-organisations",
    "development-banks",
    "city-networks",
    "businesses",
    "civil-society",
)
# How the source's French names each actor in an action idea.
ACTOR_WORDING = {
    "cities": r"\bles villes (?:pourraient|se sont engagées)",
    "national-authorities": r"autorités nationales|gouvernements nationaux|organismes nationaux",
    "international-organisations": (
        r"organisations internationales|communauté internationale|\bOIM\b|internationaux"
    ),
    "development-banks": r"banques multilatérales de développement",
    "city-networks": r"réseaux de villes",
    "businesses": r"\bentreprises\b",
    "civil-society": r"société civile",
}
ACTION_IDEAS_START = "Des recommandations spécifiques sont présentées ci-dessous :"


def actions(framework: Framework) -> list[Criterion]:
    return [n for n in framework.nodes.values() if n.kind == "action"]


def test_gfmd_tree_is_goals_headings_actions(gfmd: Framework) -> None:
    assert [g.id for g in gfmd.criteria] == ["goal-1", "goal-2"]
    for goal in gfmd.criteria:
        assert goal.kind == "goal"
        for heading in goal.children:
            assert heading.kind == "heading"
            assert heading.children
            assert all(a.kind == "action" and a.is_leaf for a in heading.children)
    assert list(gfmd.leaves) == actions(gfmd)


def test_gfmd_action_ideas_match_source(gfmd: Framework) -> None:
    source = gfmd_source()
    # The action ideas are the "- " items between the recommendations' introduction and the
    # guiding questions.
    raw = source.raw
    begin = raw.index(ACTION_IDEAS_START)
    section = raw[begin : raw.index("Questions directrices :", begin)]
    items = [line for line in section.split("\n") if re.match(r"^\s*- \S", line)]
    assert len(actions(gfmd)) == len(items) == 17
    # Goals, headings and actions appear in the source in tree order, each action under its own
    # heading and each heading under its own goal.
    start = source.find(ACTION_IDEAS_START)
    marks: list[tuple[int, str]] = []
    for node in (n for top in gfmd.criteria for n in top.walk()):
        wording = fr(node.title) if node.kind == "action" else f"{fr(node.title)} :"
        position = source.find(wording, start)
        assert position >= 0, f"{node.id}: not found in the action ideas: {fr(node.title)[:60]!r}"
        marks.append((position, node.id))
    assert [node_id for _, node_id in sorted(marks)] == [node_id for _, node_id in marks]
    for action in actions(gfmd):
        assert source.contains(fr(action.title)), action.id
        assert action.title.en.strip()


def test_gfmd_every_action_has_actor_tags(gfmd: Framework) -> None:
    for action in actions(gfmd):
        assert action.tags, f"{action.id} has no actor tag"
        assert set(action.tags) <= set(ACTOR_TAGS), f"{action.id}: {action.tags}"
        wording = fr(action.title)
        for tag in action.tags:
            assert re.search(ACTOR_WORDING[tag], wording, re.IGNORECASE), (
                f"{action.id} is tagged {tag!r} but its text does not name that actor"
            )
        # The "cities" tag decides the enabling environment: set exactly where the action is
        # addressed to cities.
        addressed_to_cities = re.search(ACTOR_WORDING["cities"], wording, re.IGNORECASE)
        assert bool(addressed_to_cities) == ("cities" in action.tags), action.id


def test_gfmd_enabling_environment_covers_non_city_actions(gfmd: Framework) -> None:
    rules = [m for m in gfmd.modifiers if m.id == "enabling-environment"]
    assert len(rules) == 1
    rule = rules[0]
    assert rule.effect == "not_applicable"
    assert rule.when is None, "the rule always applies"
    expected = [a.id for a in actions(gfmd) if "cities" not in a.tags]
    assert sorted(rule.criteria) == sorted(expected)
    assert len(rule.criteria) == len(set(rule.criteria))
    assert any("cities" in a.tags for a in actions(gfmd))
    assert fr(rule.reason)


def test_gfmd_practice_categories(gfmd: Framework) -> None:
    source = gfmd_source()
    categories = gfmd.practice_categories
    assert len(categories) == 4
    # The four kinds of city solutions: French headings in the body, English ones in Annex II.
    body = [source.find(f"{fr(c.title)} :") for c in categories]
    annex = [source.find(f"{c.title.en}:", source.find("ANNEX II")) for c in categories]
    assert in_order(body)
    assert in_order(annex)
    for category in categories:
        assert category.description is not None
        # The section's own sentences, with its city examples left out.
        assert not missing_from(source, fr(category.description)), category.id


def test_gfmd_practices_occur_in_source(gfmd: Framework) -> None:
    categories = {c.id for c in gfmd.practice_categories}
    assert gfmd.practices
    ids = [p.id for p in gfmd.practices]
    assert len(ids) == len(set(ids))
    for practice in gfmd.practices:
        assert practice.category in categories, practice.id
        assert set(practice.criteria) <= set(gfmd.nodes), practice.id
        check_practice_against_source(practice, practice.id or practice.city)
    assert {p.category for p in gfmd.practices} == categories


def test_gfmd_guiding_questions_match_source(gfmd: Framework) -> None:
    source = gfmd_source()
    questions = [t for t in gfmd.texts if t.id.startswith("guiding-question-")]
    assert [t.id for t in questions] == [f"guiding-question-{n}" for n in range(1, 7)]
    section = source.section("Questions directrices :", "i Département des affaires")
    items = [canon(item) for item in section.split(" - ")[1:]]
    assert [source.norm(fr(q.text)) for q in questions] == items
    start = source.find("Questions directrices :")
    assert in_order(source.find(fr(q.text), start) for q in questions)
    assert all(q.text.en.strip() for q in questions)


def test_gfmd_texts_occur_in_source(gfmd: Framework) -> None:
    source = gfmd_source()
    for text in gfmd.texts:
        language = "en" if text.id.startswith("annex-ii") else "fr"
        body = text.text.en if language == "en" else fr(text.text)
        missing = missing_from(source, body)
        assert not missing, f"{text.id}: {missing}"


def test_gfmd_every_text_has_english_and_french(gfmd: Framework) -> None:
    incomplete = [p for p, t in texts_in(gfmd) if not (t.en.strip() and (t.fr or "").strip())]
    assert not incomplete


# ------------------------------------------------------------------------------------------------
# Scoring the enabling-environment rule
# ------------------------------------------------------------------------------------------------

_PROFILE_HEAD = """\
schema = 1
illustrative = true

[city]
id = "test-city"
name = "Test City"
country = "Nowhere"

[assessment]
frameworks = ["gfmd-arrival-cities"]
date = 2024-01-31
mode = "self-assessment"
assessors = ["pytest"]
"""


def score_gfmd(gfmd: Framework, city_level: int, other_level: int) -> ScoreCard:
    """Score a profile rating city actions at one level index and all others at another."""
    blocks = []
    for action in actions(gfmd):
        scale = gfmd.scale_of(action)
        assert scale is not None
        level = scale.levels[city_level if "cities" in action.tags else other_level]
        blocks.append(
            f'[[evidence]]\ncriterion = "{action.id}"\nrating = "{level.id}"\n'
            'source = "self-assessment"\n'
        )
    profile = ii.loads_profile(_PROFILE_HEAD + "\n" + "\n".join(blocks))
    assert profile.assessment.date == datetime.date(2024, 1, 31)
    assert ii.check_profile(profile) == []
    return ii.score(profile, gfmd)


def plain_score(node: Criterion, values: Mapping[str, float]) -> float:
    """Weighted mean of the leaves' values on 0-100, nothing left out (the raw score)."""
    if node.is_leaf:
        return 100.0 * values[node.id]
    total = sum(child.weight for child in node.children)
    return sum(child.weight * plain_score(child, values) for child in node.children) / total


def test_enabling_environment_rule_scores_the_city_on_its_own_actions(gfmd: Framework) -> None:
    card = score_gfmd(gfmd, city_level=-1, other_level=0)
    others = sorted(a.id for a in actions(gfmd) if "cities" not in a.tags)

    adjusted = card.overall.adjusted.score
    raw = card.overall.raw.score
    assert adjusted == pytest.approx(100.0)
    assert raw is not None
    assert adjusted is not None
    assert raw < adjusted
    values = {a.id: 1.0 if "cities" in a.tags else 0.0 for a in actions(gfmd)}
    assert raw == pytest.approx(plain_score(gfmd.root, values))

    applied = [m for m in card.modifiers if m.id == "enabling-environment"]
    assert len(applied) == 1
    assert applied[0].effect == "not_applicable"
    assert applied[0].origin == "framework"
    assert sorted(applied[0].criteria) == others
    for action_id in others:
        assert card.node(action_id).adjusted.applicable is False
        assert card.node(action_id).raw.applicable is True
    # goal-2 has no action addressed to cities: it drops out of the adjusted score entirely.
    assert card.node("goal-2").adjusted.applicable is False
    assert card.node("goal-1").adjusted.score == pytest.approx(100.0)


def test_enabling_environment_never_counts_for_the_city_either(gfmd: Framework) -> None:
    card = score_gfmd(gfmd, city_level=0, other_level=-1)
    assert card.overall.adjusted.score == pytest.approx(0.0)
    raw = card.overall.raw.score
    assert raw is not None and raw > 0.0
    assert [m.id for m in card.modifiers] == ["enabling-environment"]
