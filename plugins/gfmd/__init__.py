"""The GFMD 2020 action ideas for arrival cities, as a plugin, with the crosswalk between the
three built-in frameworks.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

from integration_index import hookimpl

FRAMEWORK_ID = "gfmd-arrival-cities"
_DATA = files("integration_index_frameworks")


@hookimpl
def integration_index_register_frameworks(register: Callable[[Path], None]) -> None:
    register(Path(str(_DATA.joinpath("gfmd-arrival-cities.toml"))))


@hookimpl
def integration_index_register_crosswalks(register: Callable[[Path], None]) -> None:
    register(Path(str(_DATA.joinpath("crosswalk.toml"))))
