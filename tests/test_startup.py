"""What start-up does faster still gives the same answers: the nesting scan against the plain
character-by-character reference, and the converters the model classes use."""

from __future__ import annotations

import copy
import functools
import inspect
from pathlib import Path
from typing import Any

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


def test_a_long_tail_without_brackets_is_scanned_once() -> None:
    # A review found the scan quadratic in the text after the last bracket, string or comment
    # (25 s for a 40 KB tail, minutes for this one); now it is one match. Not timed: were it
    # quadratic again, this test would stall the suite for minutes.
    head = "".join(f"[t{i}]\nk = [[1], {{a = 2}}]\n" for i in range(300))
    tail = "".join(f"x{i} = {i}\n" for i in range(20_000))
    assert deepest_nesting(head + tail) == (2, 2)
    assert deepest_nesting(head + tail) == _reference_nesting(head + tail)


def test_float_fields_convert_as_float_and_keep_their_init_annotations() -> None:
    level = Level(id="a", value=1, label="A")  # type: ignore[arg-type]
    assert level.value == 1.0 and type(level.value) is float
    goalposts = Goalposts(min="0", max=10)
    assert (goalposts.min, goalposts.max) == (0.0, 10.0)
    assert type(Criterion(id="c", title="C", weight=2).weight) is float  # type: ignore[arg-type]
    assert Settings(min_coverage=1).min_coverage == 1.0
    # As with the builtin float as converter, __init__ names no type for these parameters.
    for cls, name in ((Level, "value"), (Goalposts, "min"), (Criterion, "weight")):
        parameter = inspect.signature(cls).parameters[name]
        assert parameter.annotation is inspect.Parameter.empty, (cls, name)


# -- framework documents read without cattrs' generated code ---------------------------------


@functools.cache
def _framework_documents() -> list[tuple[str, type[Any], dict[str, Any]]]:
    """(name, class, data as structure() gets it) of every framework, shared scale and crosswalk
    file the registry loads, after the same preparation (shared scales copied in)."""
    from integration_index._api.core import default_registry
    from integration_index._io.documents import _with_shared_scales
    from integration_index._io.toml import parse
    from integration_index._model.crosswalk import Crosswalk
    from integration_index._model.framework import Framework
    from integration_index._model.scale import Scale
    from integration_index.exceptions import FrameworkError

    root = Path(__file__).resolve().parent.parent
    prepare = _with_shared_scales(default_registry().scales().get)
    found: list[tuple[str, type[Any], dict[str, Any]]] = []
    paths = [*root.glob("frameworks/*.toml"), *root.glob("examples/*/src/*/*.toml")]
    for path in [*sorted(root.glob("frameworks/scales/*.toml")), *sorted(paths)]:
        data = parse(path.read_text(encoding="utf-8"), str(path), FrameworkError)
        data.pop("schema", None)
        cls: type[Any] = Scale if "levels" in data else Crosswalk if "links" in data else Framework
        found.append((path.name, cls, prepare(data) if cls is Framework else data))
    return found


def _both(data: Any, cls: type[Any]) -> tuple[object, object]:
    """What the ClassReader and the converter's generated code make of *data* (or the type of
    the exception each raised)."""
    from integration_index._io.convert import _class_reader, _fast_model_converter

    results: list[object] = []
    for structure in (_class_reader().structure, _fast_model_converter().structure):
        try:
            results.append(structure(data, cls))
        except Exception:
            results.append(Exception)
    return results[0], results[1]


def test_the_class_reader_reads_every_framework_file_as_the_generated_code_does() -> None:
    documents = _framework_documents()
    assert {cls.__name__ for _, cls, _ in documents} == {"Crosswalk", "Framework", "Scale"}
    for name, cls, data in documents:
        read, generated = _both(copy.deepcopy(data), cls)
        assert read is not Exception, name
        assert read == generated, name


_MUTATIONS = st.sampled_from(["unknown key", "drop key", "null", 7, 2.5, True, "x", [], {}, [{}]])


@settings(max_examples=400)
@given(st.data())
def test_the_class_reader_refuses_what_the_generated_code_refuses(data: st.DataObject) -> None:
    # (property) A valid document with one change anywhere: both give the same object, or both
    # fail (a failure then goes to the detailed converter, for its messages).
    documents = _framework_documents()
    _, cls, document = documents[data.draw(st.integers(0, len(documents) - 1))]
    document = copy.deepcopy(document)
    tables: list[dict[str, Any]] = []
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            tables.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    table = tables[data.draw(st.integers(0, len(tables) - 1))]
    mutation = data.draw(_MUTATIONS)
    if mutation == "unknown key":
        table[data.draw(st.sampled_from(["extra", "in_", "from_", "en", "in", "from"]))] = "x"
    elif table:
        key = data.draw(st.sampled_from(sorted(table)))
        if mutation == "drop key":
            del table[key]
        else:
            table[key] = None if mutation == "null" else mutation
    read, generated = _both(document, cls)
    assert read == generated


def test_the_class_reader_bypasses_no_hook_of_the_converters_own() -> None:
    # Each class it reads itself is one the converter would structure with generated code (a
    # class given a hook of its own in _io/convert.py must be delegated to it).
    from integration_index._io.convert import _class_reader, _fast_model_converter

    reader = _class_reader()
    converter = _fast_model_converter()
    for _, cls, data in _framework_documents():
        reader.structure(data, cls)
    read_here = [t for t in reader._hooks if isinstance(t, type) and reader.handles(t)]
    assert len(read_here) > 10
    for cls in read_here:
        hook = converter.get_structure_hook(cls)
        assert hook.__name__ == f"structure_{cls.__name__}", cls
