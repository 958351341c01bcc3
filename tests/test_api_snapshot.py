"""The public API changes only on purpose: compare it with the committed snapshot.

An intended change regenerates the snapshot in the same commit
(``python tests/api_snapshot.py --update``) and says so in CHANGELOG.md.
"""

from __future__ import annotations

import difflib
import importlib

import pytest
from api_snapshot import PUBLIC_MODULES, SNAPSHOT, snapshot


def test_the_public_api_matches_the_committed_snapshot() -> None:
    current = snapshot()
    committed = SNAPSHOT.read_text(encoding="utf-8")
    if current != committed:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                current.splitlines(keepends=True),
                "tests/api-snapshot.txt (committed)",
                "the public API now",
            )
        )
        pytest.fail(
            "The public API differs from tests/api-snapshot.txt. If the change is intended, run "
            "`python tests/api_snapshot.py --update` and record it in CHANGELOG.md.\n" + diff
        )


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_all_is_sorted_and_every_name_exists(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert list(module.__all__) == sorted(module.__all__)
    assert len(set(module.__all__)) == len(module.__all__)
    for name in module.__all__:
        assert hasattr(module, name), f"{module_name}.__all__ names {name!r}, which is missing"


def test_the_snapshot_sees_a_change() -> None:
    """The comparison is not vacuous: a changed signature changes the snapshot."""
    import integration_index

    original = integration_index.score

    def score(profile: object, framework: object = None, *, registry: object = None) -> None:
        """A stand-in with a different signature."""

    integration_index.score = score  # type: ignore[assignment]
    try:
        assert snapshot() != SNAPSHOT.read_text(encoding="utf-8")
    finally:
        integration_index.score = original
