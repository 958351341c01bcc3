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


def test_the_example_readme_python_blocks_run_in_order(
    example_installed: importlib.metadata.Distribution, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    readme = EXAMPLE / "README.md"
    blocks = python_blocks(readme.read_text(encoding="utf-8"))
    assert len(blocks) == 2
    namespace: dict[str, object] = {"__name__": "oecd_readme"}
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"{readme} python block {number}", "exec"), namespace)
    card = namespace["card"]
    assert isinstance(card, ii.ScoreCard)
    assert card.score == pytest.approx(7300 / 144)  # see WESTHAVEN_BLOCKS below


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


# Westhaven's ratings (profiles/westhaven-2025.toml) on the checklist-status scale (0, 1/3, 2/3, 1),
# combined by hand: equal weights, two ratings of o5 combined by their median (the mean of the two),
# o11 unassessed, o12 outside the city's competence.
#   b1: o1 advanced 2/3, o2 initiated 1/3, o3 initiated 1/3 -> 4/9
#   b2: o4 advanced 2/3, o5 median(achieved 1, advanced 2/3) = 5/6 -> 3/4
#   b3: o6 initiated 1/3, o7 advanced 2/3, o8 not addressed 0 -> 1/3
#   b4: o9 advanced 2/3, o10 initiated 1/3, o11 unknown in [0, 1] -> 1/2, bounds [1/3, 2/3]
#   overall: (4/9 + 3/4 + 1/3 + 1/2) / 4 = 73/144, bounds 67/144 and 79/144, coverage 11/12
WESTHAVEN_BLOCKS = {
    "b1": (400 / 9, 400 / 9, 400 / 9, 1.0),
    "b2": (75.0, 75.0, 75.0, 1.0),
    "b3": (100 / 3, 100 / 3, 100 / 3, 1.0),
    "b4": (50.0, 100 / 3, 200 / 3, 2 / 3),
}


def test_the_westhaven_profile_scores_as_computed_by_hand(
    example_installed: importlib.metadata.Distribution,
) -> None:
    profile = ii.load_profile(PROFILE)
    assert profile.illustrative
    assert ii.check_profile(profile) == []
    card = ii.score(profile, FRAMEWORK_ID)
    overall = card.overall.adjusted
    assert overall.score == pytest.approx(7300 / 144)
    assert overall.lower == pytest.approx(6700 / 144)
    assert overall.upper == pytest.approx(7900 / 144)
    assert overall.coverage == pytest.approx(11 / 12)
    for block_id, expected in WESTHAVEN_BLOCKS.items():
        block = card.node(block_id).adjusted
        assert (block.score, block.lower, block.upper, block.coverage) == pytest.approx(expected)
    assert card.node("o12").adjusted.applicable is False
    assert card.node("o11").adjusted.score is None


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
    assert sections[0].body.splitlines() == [
        "| block | title | score | coverage |",
        "|---|---|---:|---:|",
        "| b1 | Multi-level governance: institutional and financial settings | 44.4 | 100% |",
        "| b2 | Time and space: keys for migrants and host communities to live together | 75.0 | 100% |",
        "| b3 | Local capacity for policy formulation and implementation | 33.3 | 100% |",
        "| b4 | Sectoral policies related to integration | 50.0 | 67% |",
    ]
    assert (
        plugin.integration_index_report_sections(
            report="plan", framework=framework, cards=[card], profiles=[profile], options={}
        )
        is None
    )


def test_the_report_section_comes_through_an_isolated_registry(
    example_installed: importlib.metadata.Distribution,
) -> None:
    import integration_index_oecd as plugin

    registry = ii.Registry(entry_points=False)
    assert registry.register_plugin(plugin, name=PLUGIN_NAME) == PLUGIN_NAME
    assert [f.id for f in registry.frameworks()] == [FRAMEWORK_ID]
    profile = ii.load_profile(PROFILE)
    card = ii.score(profile, registry=registry)
    framework = registry.get_framework(FRAMEWORK_ID)
    sections, warnings = registry.report_sections(
        "score", framework=framework, cards=[card], profiles=[profile]
    )
    assert warnings == ()
    assert [(s.title, s.order, s.plugin) for s in sections] == [
        ("OECD checklist blocks", 110, PLUGIN_NAME)
    ]
    assert registry.report_sections("plan", framework=framework, cards=[card]) == ((), ())
    report = ii.profile_markdown(profile, registry=registry)
    assert "### OECD checklist blocks" in report
    assert (
        "| b2 | Time and space: keys for migrants and host communities to live together | 75.0 | 100% |"
        in report
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
