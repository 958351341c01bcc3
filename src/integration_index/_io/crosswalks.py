"""Crosswalk definitions: TOML files to validated Crosswalk objects."""

from __future__ import annotations

from pathlib import Path

from integration_index._io.convert import StructureError, structure
from integration_index._io.toml import locate, parse, read_text, with_lines
from integration_index._model.crosswalk import Crosswalk
from integration_index.exceptions import FrameworkError

__all__ = ["load_crosswalk_file"]


def load_crosswalk_file(path: str | Path) -> Crosswalk:
    """Read and validate a crosswalk TOML file (keys schema, id, version, title, links)."""
    name = str(path)
    text = read_text(path, FrameworkError)
    data = parse(text, name, FrameworkError)
    if data.pop("schema", None) != 1:
        raise FrameworkError(
            "expected schema = 1", path=name, key_path="schema", line=locate(text, "schema")
        )
    try:
        return structure(data, Crosswalk)
    except StructureError as exc:
        problems = with_lines(exc.problems, text)
        raise FrameworkError(problems[0].message, path=name, problems=problems) from None
    except ValueError as exc:
        raise FrameworkError(str(exc), path=name) from None
