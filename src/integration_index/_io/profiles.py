"""City profiles: TOML text to validated CityProfile objects, and back to TOML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from integration_index._io.convert import StructureError, model_converter, structure
from integration_index._io.toml import locate, parse, read_text, with_lines
from integration_index._io.toml_writer import dumps
from integration_index._model.profile import CityProfile
from integration_index.exceptions import ProfileError

__all__ = ["SCHEMA", "dumps_profile", "load_profile_file", "profile_from_data", "profile_from_text"]

#: The profile format version this release reads.
SCHEMA = 1


def profile_from_data(
    data: dict[str, Any], *, path: str | None = None, text: str | None = None
) -> CityProfile:
    """Build a CityProfile from parsed TOML data; raise ProfileError listing every problem."""
    data = dict(data)
    schema = data.pop("schema", SCHEMA)
    if schema != SCHEMA:
        raise ProfileError(
            f"expected schema = {SCHEMA}, got {schema!r}",
            path=path,
            key_path="schema",
            line=locate(text, "schema") if text else None,
        )
    try:
        return structure(data, CityProfile)
    except StructureError as exc:
        problems = with_lines(exc.problems, text)
        raise ProfileError(problems[0].message, path=path, problems=problems) from None
    except ValueError as exc:
        raise ProfileError(str(exc), path=path) from None


def profile_from_text(text: str, path: str | None = None) -> CityProfile:
    """Parse and validate profile TOML text."""
    return profile_from_data(parse(text, path, ProfileError), path=path, text=text)


def load_profile_file(path: str | Path) -> tuple[CityProfile, str]:
    """Read, parse and validate a profile file; return the profile and its text."""
    name = str(path)
    text = read_text(path, ProfileError)
    return profile_from_text(text, name), text


def dumps_profile(profile: CityProfile) -> str:
    """Write a profile as TOML text that reads back to an equal profile."""
    data = model_converter().unstructure(profile)
    return dumps({"schema": SCHEMA, **data})
