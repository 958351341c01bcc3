"""The EUROCITIES Integrating Cities benchmark (MIXITÉS diversity-promotion toolkit), as a plugin.

The framework's texts live in ``frameworks/eurocities.toml``; this plugin registers it and adds
the EUROCITIES-specific report sections (key factors in place, Charter roles, city examples).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

from integration_index import hookimpl

FRAMEWORK_ID = "eurocities"


@hookimpl
def integration_index_register_frameworks(register: Callable[[Path], None]) -> None:
    register(Path(str(files("integration_index_frameworks").joinpath("eurocities.toml"))))
