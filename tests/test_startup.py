"""What start-up does faster still gives the same answers: the nesting scan against the plain
character-by-character reference, and the converters the model classes use."""

from __future__ import annotations

import inspect
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from integration_index._io.nesting import deepest_nesting
from integration_index._model.criteria import Criterion
from integration_index._model.framework import Settings
from integration_index._model.scale import Goalposts, Level

_QUOTES = ('"""', "'''", '"', "'")


def _reference_nesting(text: str) -> tuple[int, int]:
    """The scan as first written: one character at a time, counting lines as it goes."""
    depth = deepest = 0
    line = deepest_line = 1
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char == "\n":
            line += 1
        elif char == "#":
            end = text.find("\n", i)
            i = size if end < 0 else end
            continue
        elif char in "\"'":
            quote = next(q for q in _QUOTES if text.startswith(q, i))
            end = _reference_string_end(text, i + len(quote), quote)
            line += text.count("\n", i, end)
            i = end
            continue
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        elif char in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return deepest, deepest_line


def _reference_string_end(text: str, start: int, quote: str) -> int:
    i = start
    while True:
        end = text.find(quote, i)
        if end < 0:
            return len(text)
        backslashes = 0
        while end - backslashes - 1 >= 0 and text[end - backslashes - 1] == "\\":
            backslashes += 1
        if quote[0] == "'" or backslashes % 2 == 0:
            return end + len(quote)
        i = end + 1


#: Texts made of the characters the scan cares about, and a few it skips.
_TEXTS = st.text(alphabet=st.sampled_from(list("[]{}\"'#\\\n ax=")), max_size=200) | st.lists(
    st.sampled_from(['"""', "'''", '"', "'", "\\", "\\\\", "[", "]", "{", "}", "#", "\n", "a"]),
    max_size=80,
).map("".join)


@settings(max_examples=1000)
@given(_TEXTS)
def test_deepest_nesting_equals_the_character_by_character_scan(text: str) -> None:
    # (property)
    assert deepest_nesting(text) == _reference_nesting(text)


def test_deepest_nesting_of_real_files_equals_the_reference() -> None:
    # The framework files, and the toml-test suite's valid and invalid documents.
    root = Path(__file__).resolve().parent.parent
    files = sorted(root.glob("frameworks/**/*.toml")) + sorted(root.glob("tests/data/**/*.toml"))
    assert len(files) > 100
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert deepest_nesting(text) == _reference_nesting(text), path


def test_float_fields_convert_as_float_and_keep_their_init_annotations() -> None:
    level = Level(id="a", value=1, label="A")  # type: ignore[arg-type]
    assert level.value == 1.0 and type(level.value) is float
    goalposts = Goalposts(min="0", max=10)  # type: ignore[arg-type]
    assert (goalposts.min, goalposts.max) == (0.0, 10.0)
    assert type(Criterion(id="c", title="C", weight=2).weight) is float  # type: ignore[arg-type]
    assert Settings(min_coverage=1).min_coverage == 1.0
    # As with the builtin float as converter, __init__ names no type for these parameters.
    for cls, name in ((Level, "value"), (Goalposts, "min"), (Criterion, "weight")):
        parameter = inspect.signature(cls).parameters[name]
        assert parameter.annotation is inspect.Parameter.empty, (cls, name)
