"""Every hook is documented in docs/plugin-hooks.md, with its true signature (as datasette does)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from integration_index import hookspecs

DOC = Path(__file__).resolve().parent.parent / "docs" / "plugin-hooks.md"
HEADING = re.compile(r"^## (integration_index_\w+)\((.*)\)\s*$", re.MULTILINE)


def documented() -> dict[str, list[str]]:
    return {
        name: [arg.strip() for arg in args.split(",") if arg.strip()]
        for name, args in HEADING.findall(DOC.read_text(encoding="utf-8"))
    }


def hook_names() -> list[str]:
    return sorted(name for name in dir(hookspecs) if name.startswith("integration_index_"))


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_is_documented_with_its_signature(name: str) -> None:
    docs = documented()
    assert name in docs, f"{name} is not documented in docs/plugin-hooks.md"
    expected = list(inspect.signature(getattr(hookspecs, name)).parameters)
    assert docs[name] == expected, f"{name}: documented as {docs[name]}, defined as {expected}"


def test_no_documented_hook_is_missing_from_the_specs() -> None:
    assert sorted(documented()) == hook_names()


@pytest.mark.parametrize("name", hook_names())
def test_every_hookspec_says_what_it_returns_and_since_when(name: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert "Returns" in doc
    assert re.search(r"Since \d+\.\d+\.\d+", doc)


def test_hookspecs_all_is_sorted_and_complete() -> None:
    assert hookspecs.__all__ == sorted(hookspecs.__all__)
    assert set(hook_names()) <= set(hookspecs.__all__)
