"""The examples in the docs are true.

* Each ```console block is run and its output compared. A block holds one command line
  ``$ integration-index ...`` followed by the output it prints on standard output. Regenerate the
  outputs after a deliberate change with:

      python tests/test_doc_examples.py --update

* Each ```python block of docs/plugin-hooks.md is run as a plugin module of its own and
  registered, in order, in an empty registry: together they must implement every hook and
  register without an error. (docs/writing-a-plugin.md runs in tests/test_plugin_guide.py.)
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import types
from pathlib import Path

import pytest

import integration_index as ii
from integration_index import Registry, hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").rglob("*.md"))
BLOCK = re.compile(
    r"```console\n\$ (?P<command>integration-index[^\n]*)\n(?P<output>.*?)```", re.DOTALL
)
HOOK_DOC = ROOT / "docs" / "plugin-hooks.md"
PYTHON_BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


def run(command: str) -> str:
    args = shlex.split(command)
    assert args[0] == "integration-index", command
    env = {**os.environ, "CI": "true"}
    env.pop("INTEGRATION_INDEX_BLOCK_PLUGINS", None)
    result = subprocess.run(
        [sys.executable, "-m", "integration_index", *args[1:]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    return result.stdout


def normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def examples() -> list[tuple[Path, str, str]]:
    found = []
    for doc in DOCS:
        for match in BLOCK.finditer(doc.read_text(encoding="utf-8")):
            found.append((doc, match.group("command"), match.group("output")))
    return found


@pytest.mark.parametrize(
    ("doc", "command", "expected"), examples(), ids=lambda value: str(value)[-60:]
)
def test_console_example_output_is_current(doc: Path, command: str, expected: str) -> None:
    assert normalise(run(command)) == normalise(expected), (
        f"{doc.name}: `{command}` prints something else; run python tests/test_doc_examples.py --update"
    )


def hook_doc_modules() -> list[types.ModuleType]:
    """The Python blocks of docs/plugin-hooks.md, each run as a module of its own."""
    modules = []
    blocks = PYTHON_BLOCK.findall(HOOK_DOC.read_text(encoding="utf-8"))
    for number, block in enumerate(blocks, start=1):
        module = types.ModuleType(f"plugin_hooks_block_{number}")
        exec(compile(block, f"{HOOK_DOC.name} python block {number}", "exec"), module.__dict__)
        modules.append(module)
    return modules


def hooks_of(module: types.ModuleType) -> set[str]:
    return {name for name in vars(module) if name.startswith("integration_index_")}


def register_examples(modules: list[types.ModuleType]) -> Registry:
    registry = Registry(entry_points=False)
    for module in modules:
        if hooks_of(module):
            registry.register_plugin(module, name=module.__name__)
    return registry


MY_PROFILE = """
schema = 1
illustrative = true

[city]
id = "somewhere"
name = "Somewhere"

[assessment]
frameworks = ["my-framework"]
date = 2025-05-01
mode = "self-assessment"

[[evidence]]
criterion = "q1"
rating = "yes"
source = "document"

[[evidence]]
criterion = "q2"
rating = "no"
source = "document"
"""


def test_the_hook_examples_run_and_register_in_an_empty_registry() -> None:
    modules = hook_doc_modules()
    implemented = set().union(*(hooks_of(module) for module in modules))
    assert implemented == {name for name in hookspecs.__all__ if name.startswith("integration_")}
    registry = register_examples(modules)
    assert registry.errors() == ()
    assert all(info.status == "loaded" for info in registry.plugins())
    assert list(registry.scales()) == ["yes-no"]
    assert registry.aggregations()["harmonic_mean"].plugin.startswith("plugin_hooks_block_")
    assert [framework.id for framework in registry.frameworks()] == ["my-framework"]
    assert [crosswalk.id for crosswalk in registry.crosswalks()] == ["my-crosswalk"]
    # The example framework combines its questions by the example's harmonic mean: a zero gives
    # zero (a weighted mean would give 1/3).
    card = ii.score(ii.loads_profile(MY_PROFILE), registry=registry)
    assert card.score == 0.0


@pytest.mark.parametrize("reverse", [False, True], ids=["in-order", "reversed"])
def test_the_report_section_examples_keep_their_call_order(reverse: bool) -> None:
    modules = hook_doc_modules()
    sections_hook = "integration_index_report_sections"
    others = [module for module in modules if sections_hook not in hooks_of(module)]
    with_sections = [module for module in modules if sections_hook in hooks_of(module)]
    assert len(with_sections) == 2
    registry = register_examples(others + (with_sections[::-1] if reverse else with_sections))
    card = ii.score(ii.loads_profile(MY_PROFILE), registry=registry)
    framework = registry.get_framework("my-framework")
    sections, warnings = registry.report_sections("score", framework=framework, cards=[card])
    assert warnings == ()
    # Both say order=110; the tryfirst one comes first whichever was registered first.
    assert [(section.title, section.body) for section in sections] == [
        ("My framework: assessments", "1"),
        ("About my framework", "Two questions."),
    ]
    plan_sections, _ = registry.report_sections("plan", framework=framework, cards=[card])
    assert [section.title for section in plan_sections] == ["My framework: assessments"]


def update() -> None:
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        new = BLOCK.sub(
            lambda m: (
                f"```console\n$ {m.group('command')}\n{normalise(run(m.group('command')))}\n```"
            ),
            text,
        )
        if new != text:
            doc.write_text(new, encoding="utf-8")
            print(f"updated {doc.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        update()
    else:
        print(__doc__)
