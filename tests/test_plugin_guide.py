"""The plugin guide (docs/writing-a-plugin.md) and the example plugin it walks through.

* Every ```python block of the guide runs, in order, in one namespace, from the repository root.
* The example distribution in examples/oecd-checklist/ is found through its entry point when it is
  installed (``pip install ./examples/oecd-checklist``); these tests skip when it is not.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

import integration_index as ii

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "writing-a-plugin.md"
EXAMPLE = ROOT / "examples" / "oecd-checklist"
PROFILE = EXAMPLE / "profiles" / "westhaven-2025.toml"
DISTRIBUTION = "integration-index-oecd-checklist"
ENTRY_POINT_GROUP = "integration_index"
PLUGIN_NAME = "oecd-checklist"
FRAMEWORK_ID = "oecd-checklist"

_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


def python_blocks(text: str) -> list[str]:
    """The ```python blocks of a Markdown text, in order."""
    return [match.group(1) for match in _FENCE.finditer(text)]


def _distribution() -> importlib.metadata.Distribution:
    try:
        return importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        pytest.skip(
            f"the example plugin distribution {DISTRIBUTION!r} is not installed; "
            "run: pip install ./examples/oecd-checklist"
        )


@pytest.fixture
def example_installed() -> importlib.metadata.Distribution:
    """The installed example distribution (skips the test when it is not installed)."""
    return _distribution()


def test_the_guide_has_python_blocks() -> None:
    blocks = python_blocks(GUIDE.read_text(encoding="utf-8"))
    assert len(blocks) >= 10
    assert all(block.strip() for block in blocks)


def test_the_guide_python_blocks_run_in_order(
    example_installed: importlib.metadata.Distribution, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("hypothesis")
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "writing_a_plugin"}
    for number, block in enumerate(python_blocks(GUIDE.read_text(encoding="utf-8")), start=1):
        code = compile(block, f"{GUIDE.name} python block {number}", "exec")
        failure = None
        try:
            exec(code, namespace)
        except (Exception, SystemExit):  # report any failure, assertion or exit, by block number
            failure = traceback.format_exc()
        if failure is not None:
            pytest.fail(f"python block {number} of {GUIDE.name} failed:\n{failure}", pytrace=False)
    # The guide cleans up what it registers in-process.
    assert "two-questions" not in {info.name for info in ii.list_plugins()}
    assert "demo-two-questions" not in {framework.id for framework in ii.list_frameworks()}


def test_the_entry_point_is_declared(example_installed: importlib.metadata.Distribution) -> None:
    entry_points = [ep for ep in example_installed.entry_points if ep.group == ENTRY_POINT_GROUP]
    assert [(ep.name, ep.value) for ep in entry_points] == [(PLUGIN_NAME, "integration_index_oecd")]
    found = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP, name=PLUGIN_NAME)
    assert len(found) == 1


def test_the_plugin_is_loaded_through_its_entry_point(
    example_installed: importlib.metadata.Distribution,
) -> None:
    info = {plugin.name: plugin for plugin in ii.list_plugins()}[PLUGIN_NAME]
    assert info.status == "loaded", info.error
    assert info.origin == "entry-point"
    assert info.distribution == f"{DISTRIBUTION} {example_installed.version}"
    assert set(info.hooks) == {
        "integration_index_register_frameworks",
        "integration_index_report_sections",
    }


def test_the_framework_is_registered_and_conforms(
    example_installed: importlib.metadata.Distribution,
) -> None:
    from integration_index.testing import check_framework

    framework = ii.get_framework(FRAMEWORK_ID)
    assert framework.version == "2018.1"
    assert framework.languages == ("en",)
    blocks = framework.criteria
    assert [block.id for block in blocks] == ["b1", "b2", "b3", "b4"]
    assert {block.kind for block in blocks} == {"block"}
    assert len(framework.leaves) == 12
    assert {leaf.kind for leaf in framework.leaves} == {"objective"}
    assert [leaf.id for leaf in framework.leaves] == [f"o{n}" for n in range(1, 13)]
    assert all(leaf.title.fr is None for leaf in framework.leaves)
    assert check_framework(framework) == []


def test_the_shipped_toml_matches_the_registered_framework(
    example_installed: importlib.metadata.Distribution,
) -> None:
    source = EXAMPLE / "src" / "integration_index_oecd" / "oecd-checklist.toml"
    assert ii.load_framework(source) == ii.get_framework(FRAMEWORK_ID)


def test_the_westhaven_profile_scores_within_bounds(
    example_installed: importlib.metadata.Distribution,
) -> None:
    profile = ii.load_profile(PROFILE)
    assert profile.illustrative
    assert ii.check_profile(profile) == []
    card = ii.score(profile, FRAMEWORK_ID)
    assert card.score is not None
    assert 0.0 <= card.score <= 100.0
    for block_id in ("b1", "b2", "b3", "b4"):
        block = card.node(block_id).adjusted
        assert block.score is None or 0.0 <= block.score <= 100.0


def test_the_report_section_is_added_only_for_score_reports_of_the_checklist(
    example_installed: importlib.metadata.Distribution,
) -> None:
    import integration_index_oecd as plugin

    framework = ii.get_framework(FRAMEWORK_ID)
    profile = ii.load_profile(PROFILE)
    card = ii.score(profile, framework)
    sections = plugin.integration_index_report_sections(
        report="score", framework=framework, cards=[card], profiles=[profile], options={}
    )
    assert sections is not None
    assert [section.title for section in sections] == ["OECD checklist blocks"]
    body = sections[0].body
    assert body.count("\n| b") == 4
    assert f"{card.node('b2').adjusted.score:.1f}" in body
    assert (
        plugin.integration_index_report_sections(
            report="plan", framework=framework, cards=[card], profiles=[profile], options={}
        )
        is None
    )


def test_the_console_script_scores_the_profile(
    example_installed: importlib.metadata.Distribution,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "integration_index", "score", str(PROFILE), "--format", "csv"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert FRAMEWORK_ID in result.stdout
