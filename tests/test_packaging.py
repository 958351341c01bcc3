"""The wheel ships every subpackage, the built-in plugins and the framework data."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    listed = set(config["packages"])
    roots = {name: ROOT / path for name, path in config["package-dir"].items()}
    for name, path in roots.items():
        for init in path.rglob("__init__.py"):
            relative = init.parent.relative_to(path)
            package = ".".join([name, *relative.parts]) if relative.parts else name
            assert package in listed, f"{package} is not in [tool.setuptools] packages"
    assert (ROOT / "frameworks" / "scales").is_dir()
    assert "integration_index_frameworks.scales" in listed


def test_installed_data_is_readable() -> None:
    from importlib.resources import files

    data = files("integration_index_frameworks")
    names = {entry.name for entry in data.iterdir()}
    assert {
        "eurocities.toml",
        "engagement-spectrum.toml",
        "gfmd-arrival-cities.toml",
        "crosswalk.toml",
    } <= names
    assert data.joinpath("scales", "engagement-spectrum.toml").is_file()


def test_the_catalogue_and_the_report_templates_ship_as_package_data() -> None:
    """pyproject's package-data lists them: the catalogue per domain and language, and the
    HTML reports' templates, stylesheet and script."""
    import tomllib as toml
    from importlib.resources import files

    messages = {
        entry.name for entry in files("integration_index._i18n").joinpath("messages").iterdir()
    }
    for domain in ("common", "reports", "cli"):
        assert {f"{domain}.en.toml", f"{domain}.fr.toml"} <= messages
    templates = {
        entry.name for entry in files("integration_index._reports").joinpath("templates").iterdir()
    }
    assert {"page.html.j2", "blocks.html.j2", "report.css", "sort.js"} <= templates
    config = toml.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data = config["tool"]["setuptools"]["package-data"]
    assert data["integration_index._i18n"] == ["messages/*.toml"]
    assert data["integration_index._reports"] == ["templates/*"]
