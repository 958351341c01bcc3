"""What importing the package, and starting the command line, load: only what is used.

``import integration_index`` and ``integration-index --version`` stay cheap because they import
none of the engine, the model's attrs classes, cattrs or pluggy; a name of the public API imports
its module when it is first used. These tests count modules (in a fresh interpreter), never time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import integration_index as ii
from integration_index._cli import parser

#: Modules that mean the engine, the model, the plugin host or a parser came along.
HEAVY = (
    "attr",
    "attrs",
    "cattrs",
    "pluggy",
    "tomli",
    "toml_rs",
    "importlib.metadata",
    "integration_index._api",
    "integration_index._batch",
    "integration_index._io.documents",
    "integration_index._model.profile",
    "integration_index._plugins.registry",
    "integration_index._scoring.engine",
    "integration_index.hookspecs",
)


EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "profiles"


def _loaded_after(code: str) -> set[str]:
    """The modules loaded in a fresh interpreter after running *code*."""
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_package_loads_no_engine_model_or_plugin_host() -> None:
    loaded = _loaded_after("import integration_index")
    assert sorted(name for name in HEAVY if name in loaded) == []
    assert {m for m in loaded if m.startswith("integration_index")} == {
        "integration_index",
        "integration_index._version",
    }


def test_the_version_option_loads_no_command_code() -> None:
    code = (
        "from integration_index._cli.main import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass"
    )
    loaded = _loaded_after(code)
    heavy = [name for name in HEAVY if name != "importlib.metadata" and name in loaded]
    assert heavy == []
    commands = {"commands", "outputs", "reports", "scoring", "workbooks"}
    assert {m for m in loaded if m.rpartition(".")[2] in commands} == set()


def test_a_public_name_loads_its_module_on_first_use() -> None:
    loaded = _loaded_after("import integration_index\nintegration_index.CityProfile")
    assert "integration_index._model.profile" in loaded
    assert "pluggy" not in loaded
    assert "integration_index._batch" not in loaded


def test_the_parsers_default_bands_are_the_apis() -> None:
    bands = ",".join(str(band) for band in ii.DEFAULT_POPULATION_BANDS)
    assert bands == parser._DEFAULT_BANDS
    args = parser.build_parser().parse_args(["compare", "x.toml"])
    assert args.bands == bands


def test_the_parsers_uncertainty_sources_are_the_apis() -> None:
    from integration_index._cli import choices
    from integration_index.analysis import SOURCES

    assert choices.UNCERTAINTY_SOURCES == SOURCES


def test_every_public_name_resolves_and_dir_lists_them() -> None:
    for name in ii.__all__:
        assert getattr(ii, name) is not None
    assert set(ii.__all__) <= set(dir(ii))


def test_the_facades_table_names_each_names_own_module() -> None:
    import importlib

    from integration_index import _api

    assert set(_api._MODULE_OF) == set(_api.__all__)
    for name, module in _api._MODULE_OF.items():
        assert name in importlib.import_module(f"integration_index._api.{module}").__all__, name


def test_score_imports_no_report_workbook_or_analysis_code(tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    loaded = _loaded_after(
        "from integration_index._cli.main import main\n"
        f"main(['score', {str(EXAMPLES)!r}, '--format', 'csv', '-o', {str(out)!r}])"
    )
    assert "integration_index._api.core" in loaded and out.exists()
    for name in ("_api.reports", "_api.workbooks", "_api.analysis", "_reports.html", "_vector"):
        assert f"integration_index.{name}" not in loaded, name
    # Nor, without --cohort-stats or --weights, the what-if and cohort-statistics code.
    for name in (
        "_cli.analysis",
        "_api.cohort",
        "_analysis.whatif",
        "_io.analysis_files",
        "_model.scenario",
    ):
        assert f"integration_index.{name}" not in loaded, name
    assert not {"jinja2", "openpyxl", "numpy"} & loaded


def test_the_model_modules_table_names_each_names_own_module() -> None:
    import importlib

    from integration_index import model

    assert set(model._MODULE_OF) == set(model.__all__)
    for name, module in model._MODULE_OF.items():
        assert getattr(importlib.import_module(module), name) is getattr(model, name), name
    assert set(model.__all__) <= set(dir(model))


def test_a_plugins_import_of_report_section_loads_only_its_module() -> None:
    # The built-in plugins import ReportSection at every start; the what-if scenarios and the
    # score cards stay unloaded.
    loaded = _loaded_after("from integration_index.model import ReportSection")
    assert "integration_index._model.report" in loaded
    for name in ("_model.scenario", "_model.scorecard", "_model.framework", "_scoring"):
        assert f"integration_index.{name}" not in loaded, name
