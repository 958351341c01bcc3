"""Every hook is documented in docs/plugin-hooks.md, truthfully (in the spirit of datasette's
tests/test_docs.py): the heading of each hook's section gives the spec's arguments in order, the
section says since when the hook exists as its spec does, the examples under it implement that
hook with arguments the spec has, and the report kinds it lists are the spec's.

The checks are functions of the document's text, so that the last tests can show each of them
failing on a copy of the document with one thing wrong.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import get_args

import pytest

from integration_index import hookspecs

DOC = Path(__file__).resolve().parent.parent / "docs" / "plugin-hooks.md"
HEADING = re.compile(r"^## (integration_index_\w+)\((.*)\)[ \t]*$", re.MULTILINE)
SECTION_START = re.compile(r"^## ", re.MULTILINE)
PYTHON_BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
SINCE = re.compile(r"Since\s+(\d+\.\d+\.\d+)")
REPORT_HOOK = "integration_index_report_sections"


def hook_names() -> list[str]:
    return sorted(name for name in dir(hookspecs) if name.startswith("integration_index_"))


def spec_arguments(name: str) -> list[str]:
    return list(inspect.signature(getattr(hookspecs, name)).parameters)


def spec_since(name: str) -> str:
    found = SINCE.search(inspect.getdoc(getattr(hookspecs, name)) or "")
    assert found is not None, f"{name}: the hookspec does not say since when"
    return found.group(1)


def documented(text: str) -> dict[str, tuple[list[str], str]]:
    """Each documented hook: the arguments in its heading and the text of its section."""
    found: dict[str, tuple[list[str], str]] = {}
    for match in HEADING.finditer(text):
        name, arguments = match.groups()
        rest = text[match.end() :]
        end = SECTION_START.search(rest)
        body = rest[: end.start()] if end else rest
        found[name] = ([a.strip() for a in arguments.split(",") if a.strip()], body)
    return found


def example_problems(name: str, body: str) -> list[str]:
    """Problems of the hook implementations in the Python blocks of one hook's section."""
    problems = []
    allowed = set(spec_arguments(name))
    implementations = 0
    for block in PYTHON_BLOCK.findall(body):
        for node in ast.walk(ast.parse(block)):
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith(
                "integration_index_"
            ):
                continue
            implementations += 1
            if node.name != name:
                problems.append(f"{name}: its section has an example of {node.name}")
            arguments = node.args
            declared = [
                a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs
            ]
            declared = [a for a in declared if a != "self"]
            unknown = sorted(set(declared) - allowed)
            if unknown:
                problems.append(f"{name}: an example declares {unknown}, which the spec lacks")
            if arguments.vararg or arguments.kwarg:
                problems.append(f"{name}: an example takes *args or **kwargs")
    if not implementations:
        problems.append(f"{name}: no example implements the hook")
    return problems


def report_kind_problems(body: str) -> list[str]:
    kinds = set(re.findall(r'`"([a-z-]+)"`', body))
    expected = set(get_args(hookspecs.ReportKind))
    if kinds != expected:
        return [
            f"{REPORT_HOOK}: documents report kinds {sorted(kinds)}, the spec {sorted(expected)}"
        ]
    return []


def hook_problems(name: str, text: str) -> list[str]:
    """Everything the document gets wrong about one hook."""
    docs = documented(text)
    if name not in docs:
        return [f"{name} is not documented in docs/plugin-hooks.md"]
    arguments, body = docs[name]
    problems = []
    expected = spec_arguments(name)
    if arguments != expected:
        problems.append(f"{name}: documented as {arguments}, defined as {expected}")
    since = SINCE.findall(body)
    if since != [spec_since(name)]:
        problems.append(f"{name}: documented since {since}, the spec says {spec_since(name)}")
    problems += example_problems(name, body)
    if name == REPORT_HOOK:
        problems += report_kind_problems(body)
    return problems


def document_problems(text: str) -> list[str]:
    problems = [problem for name in hook_names() for problem in hook_problems(name, text)]
    extra = sorted(set(documented(text)) - set(hook_names()))
    problems += [f"{name} is documented but is not a hook" for name in extra]
    return problems


# -- the document -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_is_documented_with_its_signature(doc: str, name: str) -> None:
    assert hook_problems(name, doc) == []


def test_no_documented_hook_is_missing_from_the_specs(doc: str) -> None:
    assert sorted(documented(doc)) == hook_names()
    assert document_problems(doc) == []


def test_the_hooks_are_the_five_known_ones() -> None:
    # A new hook must be documented; this list makes adding one a deliberate change.
    assert hook_names() == [
        "integration_index_register_aggregations",
        "integration_index_register_crosswalks",
        "integration_index_register_frameworks",
        "integration_index_register_scales",
        "integration_index_report_sections",
    ]
    assert spec_arguments(REPORT_HOOK) == ["report", "framework", "cards", "profiles", "options"]


@pytest.mark.parametrize("name", hook_names())
def test_every_hookspec_says_what_it_returns_and_since_when(name: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert "Returns" in doc
    assert re.search(r"Since \d+\.\d+\.\d+", doc)


def test_hookspecs_all_is_sorted_and_complete() -> None:
    assert hookspecs.__all__ == sorted(hookspecs.__all__)
    assert set(hook_names()) <= set(hookspecs.__all__)


# -- the checks fail on a wrong document ------------------------------------------------------


def altered(doc: str, old: str, new: str) -> str:
    assert doc.count(old) == 1, old
    return doc.replace(old, new)


@pytest.mark.parametrize(
    "arguments",
    [
        ["report", "framework", "cards", "options"],  # one left out
        ["report", "cards", "framework", "profiles", "options"],  # out of order
        ["report", "framework", "cards", "profiles", "options", "extra"],  # one too many
    ],
)
def test_a_wrong_signature_is_caught(doc: str, arguments: list[str]) -> None:
    heading = f"## {REPORT_HOOK}(report, framework, cards, profiles, options)"
    wrong = altered(doc, heading, f"## {REPORT_HOOK}({', '.join(arguments)})")
    assert hook_problems(REPORT_HOOK, wrong) == [
        f"{REPORT_HOOK}: documented as {arguments}, "
        "defined as ['report', 'framework', 'cards', 'profiles', 'options']"
    ]


def test_a_missing_or_unknown_hook_is_caught(doc: str) -> None:
    heading = "## integration_index_register_scales(register)"
    wrong = altered(doc, heading, "## integration_index_register_scale(register)")
    assert document_problems(wrong) == [
        "integration_index_register_scales is not documented in docs/plugin-hooks.md",
        "integration_index_register_scale is documented but is not a hook",
    ]


def test_a_stale_report_kind_is_caught(doc: str) -> None:
    kinds = '`"progress"` or `"peer-review"`'
    wrong = altered(doc, kinds, '`"progress"`, `"peer-review"` or `"profile"`')
    assert hook_problems(REPORT_HOOK, wrong) == [
        f"{REPORT_HOOK}: documents report kinds "
        "['peer-review', 'plan', 'profile', 'progress', 'score'], "
        "the spec ['peer-review', 'plan', 'progress', 'score']"
    ]


def test_a_wrong_version_is_caught(doc: str) -> None:
    body = documented(doc)["integration_index_register_crosswalks"][1]
    wrong = altered(doc, body, body.replace("Since 0.1.0", "Since 0.2.0"))
    assert hook_problems("integration_index_register_crosswalks", wrong) == [
        "integration_index_register_crosswalks: documented since ['0.2.0'], the spec says 0.1.0"
    ]


def test_a_wrong_example_is_caught(doc: str) -> None:
    example = "def integration_index_report_sections(report, framework):"
    wrong = altered(doc, example, "def integration_index_report_sections(report, framework, city):")
    assert hook_problems(REPORT_HOOK, wrong) == [
        f"{REPORT_HOOK}: an example declares ['city'], which the spec lacks"
    ]
    misplaced = altered(
        doc,
        "def integration_index_register_scales(register):",
        "def integration_index_register_frameworks(register):",
    )
    assert hook_problems("integration_index_register_scales", misplaced) == [
        "integration_index_register_scales: its section has an example of "
        "integration_index_register_frameworks"
    ]
