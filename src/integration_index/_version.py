"""The installed version, read from the package metadata on first use (and only then)."""

from __future__ import annotations

import functools

__all__ = ["version"]


@functools.cache
def version() -> str:
    """The installed integration-index version (read once from the package metadata)."""
    import importlib.metadata  # here, not at import time: only a version() call needs it

    try:
        return importlib.metadata.version("integration-index")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a bare tree
        return "0+unknown"
