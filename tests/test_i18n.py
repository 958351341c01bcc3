"""The message catalogue and locale formatting (src/integration_index/_i18n/).

The catalogue is whole (every key in English and French, with the same parameters), messages
take only named parameters, plurals follow each language's rule, and numbers and dates read as
the language writes them. The built-in formatter, used without the ``reports`` extra, writes
exactly what Babel writes for the values reports show (property).
"""

from __future__ import annotations

import datetime
import html
import importlib
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integration_index._i18n import (
    LANGUAGES,
    BuiltinFormatter,
    Catalogue,
    CatalogueError,
    formatter_for,
    plural_category,
    translator,
)
from integration_index._i18n import formatting as formatting_module


def require_babel() -> None:
    """Babel, which CI installs (the reports extra; missing fails there); elsewhere skip."""
    if os.environ.get("CI"):
        importlib.import_module("babel")
    else:
        pytest.importorskip("babel", reason="the reports extra (Babel) is not installed")


def catalogue(**files: str) -> Catalogue:
    """A catalogue from keyword file names: reports_en="..." is reports.en.toml."""
    return Catalogue.from_texts(
        (name.replace("_", ".") + ".toml", text) for name, text in files.items()
    )


# -- the shipped catalogue ------------------------------------------------------------------------


def test_the_shipped_catalogue_is_whole_in_english_and_french() -> None:
    shipped = Catalogue.load()
    assert set(LANGUAGES) <= set(shipped.languages)
    assert shipped.problems() == []
    # Something is there: each language has the same, non-empty set of keys.
    assert shipped.messages["en"].keys() == shipped.messages["fr"].keys()
    assert "common.not_available" in shipped.messages["fr"]


def test_a_key_in_one_language_only_is_a_problem() -> None:
    found = catalogue(
        reports_en='title = "Report"\nextra = "Only in English"',
        reports_fr='title = "Rapport"',
    ).problems()
    assert found == ["reports.extra: missing in fr"]
    found = catalogue(reports_en='[a]\nb = "x"', reports_fr='[a]\nb = "x"\nc = "y"').problems()
    assert found == ["reports.a.c: missing in en"]


def test_parameters_must_agree_across_languages() -> None:
    found = catalogue(
        reports_en='score = "Score {score} of {city}"',
        reports_fr='score = "Score {score} de {ville}"',
    ).problems()
    assert found == ["reports.score: parameters differ (en {city, score}; fr {score, ville})"]
    found = catalogue(
        reports_en='n = { one = "one item", other = "{count} items" }',
        reports_fr='n = "{count} éléments"',
    ).problems()
    assert found == ["reports.n: a plural in some languages only"]


@pytest.mark.parametrize(
    "text",
    ["{city.name}", "{0}", "{}", "{score:.1f}", "{city!r}", "{items[0]}", "unclosed {brace"],
)
def test_messages_take_only_plain_named_parameters(text: str) -> None:
    with pytest.raises(CatalogueError, match=r"reports\.en\.toml: reports\.m"):
        catalogue(reports_en=f"m = {text!r}")


def test_malformed_files_name_themselves() -> None:
    with pytest.raises(CatalogueError, match=r"^reports\.en\.toml: "):
        catalogue(reports_en="m = ")
    with pytest.raises(CatalogueError, match="expected a name"):
        Catalogue.from_texts([("reports.toml", "")])
    with pytest.raises(CatalogueError, match=r"reports\.m must be a string or a table"):
        catalogue(reports_en="m = 3")


# -- translating ----------------------------------------------------------------------------------

PLURALS = catalogue(
    common_en='not_available = "n/a"',
    common_fr='not_available = "n.d."',
    reports_en="""
greeting = "Hello {city}, {{literally}}"
items = { one = "{count} evidence item", other = "{count} evidence items" }
""",
    reports_fr="""
greeting = "Bonjour {city}, {{littéralement}}"
items = { one = "{count} preuve", other = "{count} preuves" }
""",
)


def test_parameters_are_inserted_once_never_expanded_again() -> None:
    en = PLURALS.translator("en", babel=False)
    assert en.t("reports.greeting", city="Harbourton") == "Hello Harbourton, {literally}"
    # A value that looks like a parameter, or a format attack, is inserted as it is.
    hostile = "{city.__class__} {0} <script>"
    assert en.t("reports.greeting", city=hostile) == f"Hello {hostile}, {{literally}}"


def test_plurals_follow_each_language() -> None:
    en = PLURALS.translator("en", babel=False)
    fr = PLURALS.translator("fr", babel=False)
    assert [en.t("reports.items", count=n) for n in (0, 1, 2)] == [
        "0 evidence items",
        "1 evidence item",
        "2 evidence items",
    ]
    # French: 0 and 1 are singular; counts are grouped as French groups them.
    assert [fr.t("reports.items", count=n) for n in (0, 1, 2, 12345)] == [
        "0 preuve",
        "1 preuve",
        "2 preuves",
        "12\u202f345 preuves",
    ]
    assert plural_category("fr", 1_000_000) == "many"  # falls back to "other" when not given
    assert fr.t("reports.items", count=1_000_000) == "1\u202f000\u202f000 preuves"


def test_wrong_parameters_are_errors() -> None:
    en = PLURALS.translator("en", babel=False)
    with pytest.raises(KeyError, match="parameter 'city' is not given"):
        en.t("reports.greeting")
    with pytest.raises(TypeError, match="unknown parameter"):
        en.t("reports.greeting", city="x", town="y")
    with pytest.raises(TypeError, match="is a float"):
        en.t("reports.greeting", city=49.8)
    with pytest.raises(TypeError, match="whole number count"):
        en.t("reports.items", count="3")
    with pytest.raises(KeyError, match=r"no message 'reports\.nothing' in 'en'"):
        en.t("reports.nothing")
    with pytest.raises(ValueError, match="unknown language 'de'"):
        PLURALS.translator("de")


def test_dates_and_numbers_as_each_language_writes_them() -> None:
    march = datetime.date(2024, 3, 20)
    for babel in (False, None):
        en, fr = translator("en", babel=babel), translator("fr", babel=babel)
        assert fr.number(49.8) == "49,8"
        assert en.number(49.8) == "49.8"
        assert fr.date(march) == "20 mars 2024"
        assert en.date(march) == "20 March 2024"
        assert fr.date(datetime.date(2025, 8, 1)) == "1 août 2025"
        assert en.percent(0.625) == "62%"  # half to even, as Babel rounds
        assert fr.percent(0.5) == "50\u00a0%"
        assert fr.integer(412000) == "412\u202f000"
        assert en.integer(412000) == "412,000"
        assert en.signed(2.25) == "+2.2"
        assert fr.signed(-3.0) == "-3,0"
        assert en.number(None) == "n/a"
        assert fr.number(None) == "n.d."
        assert fr.t("common.languages.fr") == "français"


def test_without_babel_the_built_in_formatter_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formatting_module, "babel_available", lambda: False)
    assert isinstance(formatter_for("fr"), BuiltinFormatter)
    assert translator("fr").number(49.75, 1) == "49,8"


# -- the built-in formatter writes exactly what Babel writes (property) ---------------------------

# What reports show: scores 0-100 and changes -100..100, populations up to tens of millions,
# coverage fractions 0-1, dates of assessments. Wider ranges are checked too.
finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
scores = st.floats(min_value=-100, max_value=100, allow_nan=False)
halves = st.integers(min_value=-20_000, max_value=20_000).map(lambda n: n / 200)  # exact ties
fractions = st.floats(min_value=0, max_value=1, allow_nan=False)
languages = st.sampled_from(LANGUAGES)
digits = st.integers(min_value=0, max_value=4)


@given(language=languages, value=st.one_of(finite, scores, halves), places=digits)
def test_builtin_decimals_are_babels(language: str, value: float, places: int) -> None:
    require_babel()
    babel, builtin = formatter_for(language, babel=True), formatter_for(language, babel=False)
    assert builtin.decimal(value, places) == babel.decimal(value, places)
    assert builtin.signed(value, places) == babel.signed(value, places)


@given(language=languages, value=st.integers(min_value=-(10**12), max_value=10**12))
def test_builtin_integers_are_babels(language: str, value: int) -> None:
    require_babel()
    assert formatter_for(language, babel=False).integer(value) == formatter_for(
        language, babel=True
    ).integer(value)


@given(
    language=languages,
    value=st.one_of(fractions, halves.map(lambda v: v / 100)),
    places=st.integers(0, 2),
)
def test_builtin_percentages_are_babels(language: str, value: float, places: int) -> None:
    require_babel()
    assert formatter_for(language, babel=False).percent(value, places) == formatter_for(
        language, babel=True
    ).percent(value, places)


@given(
    language=languages,
    day=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2200, 12, 31)),
)
def test_builtin_dates_are_babels(language: str, day: datetime.date) -> None:
    require_babel()
    assert formatter_for(language, babel=False).date(day) == formatter_for(
        language, babel=True
    ).date(day)


def test_escaped_messages_escape_their_text_and_strings_but_keep_markup() -> None:
    """The HTML reports' form of t(): the message's own text and string parameters escaped, a
    parameter that is already markup (has __html__) kept, numbers formatted."""

    class Markup(str):
        def __html__(self) -> str:
            return str(self)

    both = catalogue(reports_en='m = "A <b> & {x} {y} {n}"', reports_fr='m = "B {x} {y} {n}"')
    en = both.translator("en", babel=False)
    text = en.escaped("reports.m", html.escape, x="<i>", y=Markup("<em>ok</em>"), n=1234)
    assert text == "A &lt;b&gt; &amp; &lt;i&gt; <em>ok</em> 1,234"
    assert en.t("reports.m", x="<i>", y="<em>", n=1) == "A <b> & <i> <em> 1"
