"""The [fast] extra's parser (toml-rs) against tomli: the same values, the same errors.

Differential: every TOML file the project ships, every TOML 1.0 case of the toml-test suite
(vendored under tests/data/toml-test, MIT licence there) and Hypothesis-generated documents must
parse to exactly what tomli gives: the same types (a datetime's tzinfo included), the same
values (a float's sign and NaN included). Every invalid TOML 1.0 case must be refused, and an
error read through ``parse`` must be tomli's, line and message.

The extra is optional: outside CI the module is skipped when toml-rs is not installed; in CI
(``CI`` set) it must be installed, so the comparison always runs there.
"""

from __future__ import annotations

import datetime
import math
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli
from hypothesis import given
from hypothesis import strategies as st

from integration_index._io import nesting, toml
from integration_index._io.toml_writer import dumps
from integration_index.exceptions import ProfileError

try:
    import toml_rs
except ImportError:  # pragma: no cover - CI installs the extra
    if os.environ.get("CI"):
        raise
    pytest.skip("the [fast] extra (toml-rs) is not installed", allow_module_level=True)
if toml.fast_parser() is None:  # pragma: no cover - turned off by the environment
    pytest.skip(f"{toml.PARSER_VARIABLE} asks for tomli alone", allow_module_level=True)

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "tests" / "data" / "toml-test"
CASES = (SUITE / "files-toml-1.0.0").read_text(encoding="utf-8").split()
VALID = sorted(name for name in CASES if name.startswith("valid/") and name.endswith(".toml"))
INVALID = sorted(name for name in CASES if name.startswith("invalid/") and name.endswith(".toml"))


def fast(text: str) -> dict[str, Any]:
    loads = toml._fast_loads
    assert loads is not None, "toml-rs is installed but the parser does not use it"
    return loads(text)


def same(a: Any, b: Any, where: str = "", *, ordered: bool = True) -> Iterator[str]:
    """Where *a* and *b* differ in type or value (floats by sign and NaN-ness too; tables by
    their keys' order too, unless not *ordered*)."""
    if type(a) is not type(b):
        yield f"{where}: {type(a).__name__} != {type(b).__name__}"
    elif isinstance(a, dict):
        if (list(a) if ordered else set(a)) != (list(b) if ordered else set(b)):
            yield f"{where}: keys {list(a)} != {list(b)}"
        else:
            for key in a:
                yield from same(a[key], b[key], f"{where}.{key}", ordered=ordered)
    elif isinstance(a, list):
        if len(a) != len(b):
            yield f"{where}: {len(a)} items != {len(b)}"
        for index, (x, y) in enumerate(zip(a, b, strict=False)):
            yield from same(x, y, f"{where}[{index}]", ordered=ordered)
    elif isinstance(a, float):
        if math.isnan(a) != math.isnan(b) or (not math.isnan(a) and a != b):
            yield f"{where}: {a!r} != {b!r}"
        elif math.copysign(1.0, a) != math.copysign(1.0, b) and not math.isnan(a):
            yield f"{where}: sign of {a!r} != {b!r}"
    elif isinstance(a, datetime.datetime | datetime.time):
        if a != b or type(a.tzinfo) is not type(b.tzinfo) or a.utcoffset() != b.utcoffset():
            yield f"{where}: {a!r} != {b!r}"
    elif a != b:
        yield f"{where}: {a!r} != {b!r}"


def assert_same_as_tomli(text: str) -> None:
    expected = tomli.loads(text)
    assert list(same(fast(text), expected)) == []
    # And through the project's own reader, which picks the parser (and refuses an empty file).
    if text.strip():
        assert list(same(toml.parse(text, "x.toml", ProfileError), expected)) == []


def test_the_reader_uses_the_fast_parser() -> None:
    assert toml.fast_parser() == "toml-rs"


# -- shipped files ------------------------------------------------------------------------------

SHIPPED = sorted(
    path
    for path in ROOT.rglob("*.toml")
    if SUITE not in path.parents and ".git" not in path.parts and "site" not in path.parts
)


def test_every_shipped_toml_file_parses_as_tomli_does() -> None:
    assert len(SHIPPED) > 20
    checked = 0
    for path in SHIPPED:
        try:
            text = path.read_text(encoding="utf-8")  # not UTF-8: refused before parsing
            tomli.loads(text)
        except (tomli.TOMLDecodeError, RecursionError, UnicodeError):
            continue  # tests/data/bad: see the error tests below
        assert_same_as_tomli(text)
        checked += 1
    assert checked > 20


def _tomli_only_error(text: str, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(toml, "_fast_loads", None)
        with pytest.raises(ProfileError) as tomli_error:
            toml.parse(text, "x.toml", ProfileError)
    return tomli_error.value.format()


def test_bad_shipped_files_fail_with_tomlis_line_and_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failing = 0
    for path in (ROOT / "tests" / "data" / "bad").rglob("*.toml"):
        try:
            text = toml.decode(path.read_bytes(), str(path), ProfileError)
        except ProfileError:
            continue
        try:
            tomli.loads(text[1:] if text.startswith("\ufeff") else text)
        except (tomli.TOMLDecodeError, RecursionError):
            pass
        else:
            continue
        expected = _tomli_only_error(text, monkeypatch)
        with pytest.raises(ProfileError) as error:
            toml.parse(text, "x.toml", ProfileError)
        assert error.value.format() == expected
        failing += 1
    assert failing >= 3


# -- the toml-test suite ------------------------------------------------------------------------


def test_the_suite_is_vendored_whole() -> None:
    assert len(VALID) >= 200
    assert len(INVALID) >= 200
    assert (SUITE / "LICENSE").is_file()


@pytest.mark.parametrize("name", VALID)
def test_valid_toml_test_case(name: str) -> None:
    text = (SUITE / name).read_bytes().decode("utf-8")
    if text.startswith("\ufeff"):  # tomli refuses a byte-order mark; the reader drops it
        text = text[1:]
    assert_same_as_tomli(text)


def test_invalid_toml_test_cases_are_refused_with_tomlis_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # toml-rs is run as a TOML 1.0 parser and refuses every invalid TOML 1.0 case. tomli 2.3 and
    # later read TOML 1.1, which accepts a few of them (a time without seconds, a newline in an
    # inline table): the reader then gives tomli's result, as it gives tomli's error otherwise.
    accepted = []
    for name in INVALID:
        try:
            text = (SUITE / name).read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # refused before parsing (tests/test_batch_robustness.py)
        try:
            fast(text)
        except toml_rs.TOMLDecodeError:
            pass
        else:
            accepted.append(name)
            continue
        if text.startswith("\ufeff") or not text.strip():
            continue  # the reader's own messages
        try:
            expected: Any = tomli.loads(text)
        except (tomli.TOMLDecodeError, RecursionError):
            expected = _tomli_only_error(text, monkeypatch)
            with pytest.raises(ProfileError) as error:
                toml.parse(text, "x.toml", ProfileError)
            assert error.value.format() == expected, name
        else:
            assert list(same(toml.parse(text, "x.toml", ProfileError), expected)) == [], name
    assert accepted == []


# -- the reader's guards ------------------------------------------------------------------------


def test_deep_nesting_never_reaches_the_fast_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    # toml-rs overflows its stack (the process dies) some thousands of levels deep; the reader
    # gives it no document with more than FAST_PARSER_MAX_OPENERS brackets and braces.
    calls: list[str] = []

    def spy(text: str) -> dict[str, Any]:
        calls.append(text)
        return toml_rs.loads(text, toml_version="1.0.0")

    monkeypatch.setattr(toml, "_fast_loads", spy)
    limit = toml.FAST_PARSER_MAX_OPENERS
    # Many brackets, shallow: up to the limit the fast parser's, beyond it tomli's.
    toml.parse("a = [" + "[], " * (limit - 1) + "]", None, ProfileError)
    assert len(calls) == 1
    toml.parse("a = [" + "[], " * (limit + 1) + "]", None, ProfileError)
    assert len(calls) == 1
    for deep in ("a = " + "[" * 100_000, "a = " + "{b = " * (limit + 1)):
        with pytest.raises(ProfileError, match="invalid TOML"):
            toml.parse(deep, None, ProfileError)
    assert len(calls) == 1
    # Nested as deep as any parser is given (MAX_DEPTH), a document is the fast parser's.
    depth = nesting.MAX_DEPTH
    text = "a = " + "[" * depth + "]" * depth
    assert toml.parse(text, None, ProfileError) == tomli.loads(text)
    assert len(calls) == 2
    # Off the main thread (whose stack may be tiny: the process would die), tomli parses.
    worker = threading.Thread(target=toml.parse, args=(text, None, ProfileError))
    worker.start()
    worker.join()
    assert len(calls) == 2


def test_a_deep_document_in_a_small_thread_stack_does_not_kill_the_process() -> None:
    # Where toml-rs died (850 levels in a 1 MiB thread, 100 in 128 KiB), tomli reads it now.
    script = (
        "import threading\n"
        "from integration_index._io import toml\n"
        "from integration_index.exceptions import ProfileError\n"
        "threading.stack_size(128 * 1024)\n"
        "text = 'a = ' + '[' * 100 + ']' * 100\n"
        "out = []\n"
        "t = threading.Thread(target=lambda: out.append(toml.parse(text, None, ProfileError)))\n"
        "t.start(); t.join()\n"
        "print(toml.fast_parser(), len(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["toml-rs", "1"]


def test_the_fast_parser_budget_follows_the_main_threads_stack(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(nesting, "_main_stack", lambda: 1024 * 1024)
    assert nesting.fast_parser_budget(1000) == 128
    monkeypatch.setattr(nesting, "_main_stack", lambda: 64 * 1024 * 1024)
    assert nesting.fast_parser_budget(1000) == 1000


def test_what_the_fast_parser_refuses_is_parsed_again_by_tomli(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuses(text: str) -> dict[str, Any]:
        raise toml_rs.TOMLDecodeError("refused", text, 0)

    monkeypatch.setattr(toml, "_fast_loads", refuses)
    assert toml.parse('a = 1\nb = "x"\n', None, ProfileError) == {"a": 1, "b": "x"}
    with pytest.raises(ProfileError) as error:
        toml.parse("a = 1\nb = [1,,]\n", "p.toml", ProfileError)
    assert error.value.line == 2
    assert "invalid TOML" in str(error.value)


def test_an_empty_document_is_refused_before_either_parser() -> None:
    for text in ("", "  \n\t\n", "\ufeff"):
        with pytest.raises(ProfileError, match="the file is empty"):
            toml.parse(text, "p.toml", ProfileError)


# -- Hypothesis-generated documents ---------------------------------------------------------------

ZONES = st.builds(
    lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes)),
    st.integers(-23 * 60 - 59, 23 * 60 + 59),
) | st.just(datetime.UTC)
KEYS = st.text(max_size=6) | st.sampled_from(["a", "b-c", "d_e", "1", "a.b", "x y", "é"])
SCALARS = (
    st.text(max_size=12)
    | st.integers()
    | st.floats()
    | st.booleans()
    | st.dates()
    | st.times()
    | st.datetimes()
    | st.datetimes(timezones=ZONES)
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=16,
)


@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_generated_documents_parse_as_tomli_does(document: dict[str, Any]) -> None:
    text = dumps(document)
    # The writer round-trips (it writes a table's plain values before its subtables).
    assert list(same(tomli.loads(text), document, ordered=False)) == []
    assert_same_as_tomli(text)


#: Spellings the writer never uses: other integer bases, underscores, exponents, literal and
#: multi-line strings, dotted keys, inline tables, local times and datetimes with a space.
SPELLINGS = st.sampled_from(
    [
        "0x{h:x}",
        "0o{o:o}",
        "0b{b:b}",
        "{i:_}",
        "+{u}",
        "{f:e}",
        "{f:.3E}",
        "-{f!r}",
        "'{s}'",
        "'''\n{s}'''",
        '"""\n{s}\\\n  {s}"""',
        "{{ x = {i}, y.z = '{s}' }}",
        "[ {i}, {f!r}, [], [{i},], ]",
        "{d} {t}",
        "{d}T{t}Z",
        "{d}t{t}+05:30",
        "{t}",
        "inf",
        "-inf",
        "+nan",
        "-nan",
        "true",
    ]
)


@given(
    SPELLINGS,
    st.integers(0, 2**70),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=8).filter(
        lambda s: "'" not in s and '"' not in s and "\\" not in s
    ),
    st.dates(min_value=datetime.date(1, 1, 1)),
    st.times(),
)
def test_generated_spellings_parse_as_tomli_does(
    spelling: str,
    u: int,
    i: int,
    f: float,
    s: str,
    d: datetime.date,
    t: datetime.time,
) -> None:
    text = "k = " + spelling.format(h=u, o=u, b=u, u=u, i=i, f=f, s=s, d=d.isoformat(), t=t)
    try:
        tomli.loads(text)
    except tomli.TOMLDecodeError:
        with pytest.raises(toml_rs.TOMLDecodeError):
            fast(text)
        return
    assert_same_as_tomli(text)
    assert_same_as_tomli(f"[table]\n{text}\n[[items]]\n{text}\n[[items]]\n")


def test_the_environment_can_ask_for_tomli_alone() -> None:
    import subprocess
    import sys

    code = "from integration_index._io import toml; print(toml.fast_parser())"
    for value, expected in (("tomli", "None"), ("", "toml-rs")):
        env = {**os.environ, toml.PARSER_VARIABLE: value}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == expected
