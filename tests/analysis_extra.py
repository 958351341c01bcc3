"""The optional extras the analysis tests need: skipped outside CI when missing, failing in CI."""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest


def extra_module(module: str, extra: str) -> ModuleType:
    """*module* from the optional *extra*: skipped outside CI when missing, failing in CI."""
    if os.environ.get("CI"):
        return importlib.import_module(module)  # a missing extra fails in CI
    found: ModuleType = pytest.importorskip(
        module, reason=f"the {extra} extra ({module}) is not installed"
    )
    return found


def analysis_extra() -> ModuleType:
    """numpy (the analysis extra): in CI an ImportError fails the tests instead of skipping."""
    return extra_module("numpy", "analysis")


def notebook_extra(module: str = "pandas") -> ModuleType:
    """pandas or pyarrow (the notebook extra), as :func:`analysis_extra`."""
    return extra_module(module, "notebook")
