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
