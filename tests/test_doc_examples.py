"""The console examples in the docs are true: each ```console block is run and its output compared.

A block holds one command line ``$ integration-index ...`` followed by the output it prints on standard
output. Regenerate the outputs after a deliberate change with:

    python tests/test_doc_examples.py --update
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").rglob("*.md"))
BLOCK = re.compile(
    r"```console\n\$ (?P<command>integration-index[^\n]*)\n(?P<output>.*?)```", re.DOTALL
)


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
