"""Framework and shared-scale definitions: TOML files to validated model objects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from integration_index._io.convert import StructureError, structure
from integration_index._io.toml import locate, parse, read_text, with_lines
from integration_index._model.framework import Framework, Scale
from integration_index.exceptions import FrameworkError

__all__ = ["SCHEMA", "framework_from_data", "load_framework_file", "load_scale_file"]

#: The definition format version this release reads.
SCHEMA = 1

ScaleLookup = Callable[[str], Scale | None]


def _check_schema(data: dict[str, Any], path: str | None, text: str | None) -> None:
    schema = data.pop("schema", None)
    if schema != SCHEMA:
        raise FrameworkError(
            f"expected schema = {SCHEMA}, got {schema!r}",
            path=path,
            key_path="schema",
            line=locate(text, "schema") if text else None,
        )


def _fail(error: StructureError | ValueError, path: str | None, text: str | None) -> FrameworkError:
    if isinstance(error, StructureError):
        problems = with_lines(error.problems, text)
        return FrameworkError(problems[0].message, path=path, problems=problems)
    return FrameworkError(str(error), path=path)


def framework_from_data(
    data: dict[str, Any],
    *,
    path: str | None = None,
    text: str | None = None,
    scales: ScaleLookup | None = None,
) -> Framework:
    """Build a Framework from parsed TOML data, copying in shared scales it refers to."""
    data = dict(data)
    _check_schema(data, path, text)
    defined = {scale.get("id") for scale in data.get("scales", []) if isinstance(scale, dict)}
    wanted = _scale_references(data)
    missing = sorted(wanted - defined)
    if missing:
        from integration_index._io.convert import model_converter

        data["scales"] = list(data.get("scales", []))
        for scale_id in missing:
            shared = scales(scale_id) if scales is not None else None
            if shared is None:
                continue  # reported by the framework's own check, with the criterion
            data["scales"].append(model_converter().unstructure(shared))
    try:
        return structure(data, Framework)
    except (StructureError, ValueError) as exc:
        raise _fail(exc, path, text) from None


def _scale_references(data: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    settings = data.get("settings")
    if isinstance(settings, dict) and isinstance(settings.get("scale"), str):
        found.add(settings["scale"])

    def visit(nodes: Any) -> None:
        if not isinstance(nodes, list):
            return
        for node in nodes:
            if isinstance(node, dict):
                if isinstance(node.get("scale"), str):
                    found.add(node["scale"])
                visit(node.get("children"))

    visit(data.get("criteria"))
    return found


def load_framework_file(path: str | Path, scales: ScaleLookup | None = None) -> Framework:
    """Read and validate a framework TOML file."""
    name = str(path)
    text = read_text(path, FrameworkError)
    return framework_from_data(
        parse(text, name, FrameworkError), path=name, text=text, scales=scales
    )


def load_scale_file(path: str | Path) -> Scale:
    """Read and validate a shared scale TOML file (keys schema, id, version, title, source, levels)."""
    name = str(path)
    text = read_text(path, FrameworkError)
    data = parse(text, name, FrameworkError)
    _check_schema(data, name, text)
    try:
        return structure(data, Scale)
    except (StructureError, ValueError) as exc:
        raise _fail(exc, name, text) from None
