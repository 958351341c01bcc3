"""Fuzzing: hostile and broken profile texts raise only the library's documented exceptions.

Three kinds of generated text go through the public functions:

* mutations of the shipped example profiles (``examples/profiles/**/*.toml``): a line deleted or
  duplicated, a slice replaced by random text (control characters, quotes, brackets, ``=``,
  unicode), a value's type changed (a number made a string, a string an array, ...), the text
  truncated;
* random TOML documents built from Hypothesis' recursive data (tables, arrays, strings, integers,
  floats with inf and nan, booleans, dates and date-times), some of them profile-shaped
  (``schema``, ``[city]``, ``[assessment]`` and ``[[evidence]]`` present with random values) or
  an example profile's data with a few values replaced, deleted or added, written with the
  project's TOML writer;
* deep nesting: ``a = [[[...]]]`` and ``a = {b = {b = ...}}`` from 500 to 5,000 levels, and
  shallower nesting inside an otherwise valid profile.

For each text: ``loads_profile`` returns a profile or raises a documented exception; a profile
read is scored (``score``, and ``score(profile, framework)`` for each framework it names), and
each card goes through ``development_plan`` and ``plan_markdown``, the profile through
``profile_markdown``: each of them returns or raises a documented exception. ``score_many`` is
given the profile and, written to a temporary file, the text: it yields exactly one result and
never raises, and that result's error is never an internal error (an undocumented exception the
batch caught).

The documented exceptions are ``IntegrationIndexError`` and its subclasses (``ProfileError``,
``FrameworkError``, ``UnknownFrameworkError``, ``PluginError``, ``ScoreCardError``): the "Raises:"
sections of ``loads_profile`` and ``score`` name ProfileError, UnknownFrameworkError and
PluginError; ``development_plan``, ``plan_markdown`` and ``profile_markdown`` document no
exception (their ``ValueError`` for a card of another framework cannot happen here: every card
comes from the framework it is read with); the ``ValueError`` documented by ``track_progress``,
``merge_reviews`` and ``rank_cities`` concerns functions this file does not call.

Environment:
    INTEGRATION_INDEX_FUZZ_EXAMPLES: examples per test (default 60, a few seconds for the file);
        CI runs the default, a longer run sets it higher (for example 2000).
"""

from __future__ import annotations

import copy
import datetime
import os
import re
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import integration_index as ii
from integration_index._io.toml_writer import dumps, format_value
from integration_index.exceptions import IntegrationIndexError
from integration_index.model import CityProfile, ScoreCard

P = ParamSpec("P")
T = TypeVar("T")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "profiles"
EXAMPLE_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.rglob("*.toml"))]

#: What the public functions called here document that they raise.
DOCUMENTED: tuple[type[Exception], ...] = (IntegrationIndexError,)

REGISTRY = ii.default_registry()  # built once per process
FRAMEWORK_IDS = sorted(framework.id for framework in ii.list_frameworks(registry=REGISTRY))

FUZZ = settings(
    max_examples=int(os.environ.get("INTEGRATION_INDEX_FUZZ_EXAMPLES", "60")),
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


# -- the checks ------------------------------------------------------------------------------


def _documented(call: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T | None:
    """The call's value, or None when it raised a documented exception (any other escapes)."""
    try:
        return call(*args, **kwargs)
    except DOCUMENTED:
        return None


def _check_batch(inputs: list[Any]) -> None:
    results = list(ii.score_many(inputs, registry=REGISTRY))
    assert len(results) == 1
    error = results[0].error
    assert error is None or isinstance(error, IntegrationIndexError)
    assert error is None or "internal error" not in str(error), str(error)


def _check_profile(profile: CityProfile) -> None:
    named = list(profile.assessment.frameworks)
    cards: list[ScoreCard] = []
    card = _documented(ii.score, profile, registry=REGISTRY)
    if card is not None:
        cards.append(card)
    if len(named) > 1:
        for framework in dict.fromkeys(named):
            card = _documented(ii.score, profile, framework, registry=REGISTRY)
            if card is not None:
                cards.append(card)
    _check_batch([profile])
    for card in cards:
        plan = _documented(ii.development_plan, card, profile, registry=REGISTRY)
        if plan is not None:
            _documented(ii.plan_markdown, plan, card, profile, registry=REGISTRY)
    _documented(ii.profile_markdown, profile, registry=REGISTRY)


def _check_file(text: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "profile.toml"
        with path.open("w", encoding="utf-8", errors="surrogatepass", newline="") as file:
            file.write(text)
        _check_batch([path])


def check_text(text: str) -> None:
    """Every check of this file on one generated text."""
    profile = _documented(ii.loads_profile, text)
    if profile is not None:
        assert isinstance(profile, CityProfile)
        _check_profile(profile)
    _check_file(text)


# -- mutations of the example profiles --------------------------------------------------------

HOSTILE = list("\x00\x01\x07\x08\t\n\r\x0b\x0c\x1b\x7f\x85\u2028\u202e\ufeff\"'[]{}=.,#\\")
JUNK = st.text(
    alphabet=st.sampled_from(HOSTILE)
    | st.characters(exclude_categories=["Cs"])
    | st.sampled_from(list("abc019-_ ")),
    max_size=40,
)
#: Replacement values for a changed value: other types, extremes, impossible dates.
ODD_VALUES = [
    '""',
    '"1"',
    "[]",
    '["a", 1]',
    "{}",
    "{ a = 1 }",
    "0",
    "-1",
    "1e400",
    "-0.0",
    "inf",
    "nan",
    "-inf",
    "9223372036854775807",
    "99999999999999999999999",
    "true",
    "2024-02-30",
    "0001-01-01",
    "9999-12-31",
    "2024-01-01T00:00:00Z",
    "00:00:00",
    "'''x'''",
    '"\\u0000"',
    '"\\u202e"',
]
_ASSIGNMENT = re.compile(r"^(\s*[^=\[#]+?\s*=\s*)(.+?)\s*$")


def _retype(value: str, choice: int) -> str:
    """A value of another type: a number quoted, a string made an array, or an odd value."""
    if re.fullmatch(r"[-+]?[\d_.eE:TZ+-]+", value) or value in ("true", "false"):
        quoted: str = format_value(value)
        return quoted
    if value.startswith(('"', "'")):
        return f"[{value}]" if choice % 2 else f"{{ x = {value} }}"
    if value.startswith("["):
        return value[1:-1] or "[]"
    return ODD_VALUES[choice % len(ODD_VALUES)]


@st.composite
def mutated_examples(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(EXAMPLE_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        kind = draw(
            st.sampled_from(["delete", "duplicate", "replace", "retype", "odd", "truncate"])
        )
        index = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, lines[index])
        elif kind in ("retype", "odd"):
            assignments = [i for i, line in enumerate(lines) if _ASSIGNMENT.match(line)]
            if assignments:
                index = draw(st.sampled_from(assignments))
                match = _ASSIGNMENT.match(lines[index])
                assert match is not None
                key, value = match.groups()
                choice = draw(st.integers(0, len(ODD_VALUES) - 1))
                new = _retype(value, choice) if kind == "retype" else ODD_VALUES[choice]
                lines[index] = key + new
        text = "\n".join(lines)
        if kind == "replace":
            start = draw(st.integers(0, len(text)))
            end = draw(st.integers(start, min(len(text), start + 60)))
            text = text[:start] + draw(JUNK) + text[end:]
        elif kind == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
    return text


@FUZZ
@given(mutated_examples())
def test_mutated_examples(text: str) -> None:
    check_text(text)


# -- random TOML documents --------------------------------------------------------------------

#: Whole-minute offsets: TOML has no seconds in an offset (the writer would write them).
ZONES = st.builds(
    lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes)),
    st.integers(-23 * 60 - 59, 23 * 60 + 59),
)
KEYS = st.sampled_from(
    ["id", "name", "framework", "criterion", "rating", "value", "date", "", "a.b", "x y"]
) | st.text(max_size=8)
SCALARS = (
    st.text(max_size=20)
    | st.integers()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats()
    | st.booleans()
    | st.dates()
    | st.datetimes()
    | st.datetimes(timezones=ZONES)
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=20,
)
TABLES = st.dictionaries(KEYS, VALUES, max_size=6)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a plausible value, one time in ten any value."""
    return st.integers(0, 9).flatmap(lambda n: VALUES if n == 9 else strategy)


@st.composite
def profile_shaped(draw: st.DrawFn) -> dict[str, Any]:
    """A document with a profile's keys, each holding a plausible or a random value."""
    frameworks = _maybe(
        st.lists(st.sampled_from([*FRAMEWORK_IDS, "nope", ""]), min_size=1, max_size=4)
        | st.just([])
    )
    city = draw(
        st.fixed_dictionaries(
            {
                "id": _maybe(st.sampled_from(["harbourton", "x", "", "A B"])),
                "name": _maybe(st.text(max_size=10)),
            },
            optional={
                "country": _maybe(st.text(max_size=10)),
                "population": _maybe(st.integers(-5, 10**9)),
                "metadata": _maybe(st.dictionaries(KEYS, SCALARS, max_size=3)),
            },
        )
    )
    assessment = draw(
        st.fixed_dictionaries(
            {"frameworks": frameworks, "date": _maybe(st.dates())},
            optional={
                "mode": _maybe(st.sampled_from(["self-assessment", "peer-review", "x"])),
                "assessors": _maybe(st.lists(st.text(max_size=6), max_size=3)),
            },
        )
    )
    evidence_item = st.fixed_dictionaries(
        {},
        optional={
            "framework": _maybe(st.sampled_from([*FRAMEWORK_IDS, "nope"])),
            "criterion": _maybe(st.sampled_from(["01", "01.1", "02.1", "07", "1", "x"])),
            "rating": _maybe(st.sampled_from(["fully", "largely", "partly", "not", "bogus"])),
            "value": _maybe(st.floats()),
            "source": _maybe(st.sampled_from(["document", "interview", "x"])),
            "reference": _maybe(st.text(max_size=10)),
            "date": _maybe(st.dates()),
            "assessor": _maybe(st.text(max_size=6)),
            "effort": _maybe(st.sampled_from(["quick-win", "long-haul", "x"])),
        },
    )
    document: dict[str, Any] = {"schema": draw(_maybe(st.just(1)))}
    document["city"] = city
    document["assessment"] = assessment
    document["evidence"] = draw(st.lists(evidence_item, max_size=4))
    document.update(draw(_maybe(st.just({})).filter(lambda extra: isinstance(extra, dict))))
    return document


EXAMPLE_DATA = [tomllib.loads(text) for text in EXAMPLE_TEXTS]


def _places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value inside *data* (keys and indexes), the top excluded."""
    places: list[tuple[Any, ...]] = []
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        places.append((*path, key))
        places.extend(_places(value, (*path, key)))
    return places


@st.composite
def perturbed_examples(draw: st.DrawFn) -> dict[str, Any]:
    """An example profile's data with a few values replaced, deleted or added."""
    data: dict[str, Any] = copy.deepcopy(draw(st.sampled_from(EXAMPLE_DATA)))
    for _ in range(draw(st.integers(1, 3))):
        places = _places(data)
        place = draw(st.sampled_from(places))
        parent: Any = data
        for key in place[:-1]:
            parent = parent[key]
        kind = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if kind == "replace":
            parent[place[-1]] = draw(VALUES)
        elif kind == "delete":
            del parent[place[-1]]
        elif isinstance(parent, dict):
            parent[draw(KEYS)] = draw(VALUES)
        else:
            parent.append(draw(VALUES))
    return data


@FUZZ
@given(TABLES | profile_shaped() | perturbed_examples())
def test_random_documents(document: dict[str, Any]) -> None:
    check_text(dumps(document))


# -- deep nesting -----------------------------------------------------------------------------

DEEP = st.integers(500, 5000)


@st.composite
def deep_documents(draw: st.DrawFn) -> str:
    depth = draw(DEEP)
    kind = draw(st.sampled_from(["arrays", "tables", "mixed", "unclosed", "in-profile"]))
    if kind == "arrays":
        value = "[" * depth + "]" * depth
    elif kind == "tables":
        value = "{b = " * depth + "1" + "}" * depth
    elif kind == "mixed":
        value = "[{b = " * (depth // 2) + "1" + "}]" * (depth // 2)
    elif kind == "unclosed":
        value = "[" * depth
    else:  # shallower nesting that the parser reads, inside an otherwise valid profile
        shallow = draw(st.integers(1, 400))
        value = "[" * shallow + "1" + "]" * shallow
        base = draw(st.sampled_from(EXAMPLE_TEXTS))
        return base.replace("\n[city]\n", f"\n[city]\nnested = {value}\n", 1)
    return f"a = {value}\n"


@FUZZ
@given(deep_documents())
def test_deep_nesting(text: str) -> None:
    check_text(text)


def test_documented_exceptions_cover_the_subclasses() -> None:
    # Every documented class is a subclass of the base the checks catch.
    from integration_index import exceptions

    names = ("ProfileError", "FrameworkError", "UnknownFrameworkError", "PluginError")
    for name in (*names, "ScoreCardError"):
        assert issubclass(getattr(exceptions, name), DOCUMENTED)
