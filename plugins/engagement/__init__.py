"""The engagement spectrum (Inform, Consult, Involve, Collaborate, Empower), as a plugin.

It registers the spectrum as a shared scale (any framework may rate a criterion on it) and the
framework that rates a city's engagement with each stakeholder type of the GFMD 2020 paper.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

from integration_index import hookimpl

FRAMEWORK_ID = "engagement-spectrum"
_DATA = files("integration_index_frameworks")


@hookimpl
def integration_index_register_scales(register: Callable[[Path], None]) -> None:
    register(Path(str(_DATA.joinpath("scales", "engagement-spectrum.toml"))))


@hookimpl
def integration_index_register_frameworks(register: Callable[[Path], None]) -> None:
    register(Path(str(_DATA.joinpath("engagement-spectrum.toml"))))
