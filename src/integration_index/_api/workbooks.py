"""The public functions for profile workbooks (.xlsx): write one to fill in, read one back.

They need the spreadsheet library, the optional ``xlsx`` extra
(``pip install "integration-index[xlsx]"``); without it they raise ImportError saying so.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import BinaryIO

from integration_index._api.core import scoring_context
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._plugins.registry import Registry
from integration_index._spreadsheet import profile_from_workbook, save_profile_workbook

__all__ = ["read_workbook", "write_workbook"]


def _name(path: str | os.PathLike[str] | BinaryIO) -> str | None:
    return os.fspath(path) if isinstance(path, str | os.PathLike) else None


def write_workbook(
    profile: CityProfile,
    path: str | os.PathLike[str] | BinaryIO,
    *,
    frameworks: Sequence[Framework | str] | None = None,
    registry: Registry | None = None,
    language: str = "en",
) -> None:
    """Write a profile as a workbook: instructions, the assessment's details, and one row per
    rated criterion of each framework it names (with a drop-down of its scale's levels), its
    evidence in place. A profile with no evidence gives the template a city team fills in.

    The frameworks it names are the registry's and *frameworks* given as objects. *path* is a
    file path or a binary file; *language* ("en" or "fr") is that of the headers and texts.

    Raises:
        ImportError: the spreadsheet library (the ``xlsx`` extra) is not installed.
    """
    context = scoring_context(frameworks or (), registry=registry)
    target = os.fspath(path) if isinstance(path, str | os.PathLike) else path
    save_profile_workbook(profile, context.frameworks, target, language=language)


def read_workbook(
    path: str | os.PathLike[str] | BinaryIO,
    *,
    frameworks: Sequence[Framework | str] | None = None,
    registry: Registry | None = None,
) -> CityProfile:
    """Read a profile workbook, edited by hand or not, and check it against the frameworks it
    names (the registry's and *frameworks* given as objects).

    The workbook is one [`write_workbook`][integration_index.write_workbook] wrote, or
    ``integration-index init --format xlsx``; ``read_workbook(w)`` after
    ``write_workbook(p, w)`` gives a profile equal to ``p``. Columns are found by their headers
    (English or French): rows sorted, columns widened, moved or added by hand still read.

    Raises:
        ProfileError: every problem, each with the profile's key path and a message that
            starts with its sheet and cell (``Evidence!F14: rating 'partially' is not ...``).
        ImportError: the spreadsheet library (the ``xlsx`` extra) is not installed.
    """
    context = scoring_context(frameworks or (), registry=registry)
    source = os.fspath(path) if isinstance(path, str | os.PathLike) else path
    return profile_from_workbook(source, context.frameworks, name=_name(path))
