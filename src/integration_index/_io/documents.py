"""Documents: TOML text to validated model objects (frameworks, shared scales, crosswalks,
profiles) and back to TOML.

Every kind goes through one sequence, :func:`load_document`: read the file, parse it, check its
schema, structure it with the project's converter, run the kind's own checks, and turn every
problem found into one error that names the file and each problem's line and key path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any, TypeVar

from integration_index._io.convert import StructureError, model_converter, plain_data, structure
from integration_index._io.toml import locate, parse, read_text, with_lines
from integration_index._io.toml_writer import dumps
from integration_index._model.crosswalk import Crosswalk
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scale import Scale
from integration_index.exceptions import (
    FrameworkError,
    IntegrationIndexError,
    Problem,
    ProfileError,
)

__all__ = [
    "SCHEMA",
    "dumps_framework",
    "dumps_profile",
    "framework_from_text",
    "load_crosswalk_file",
    "load_document",
    "load_framework_file",
    "load_profile_file",
    "load_scale_file",
    "profile_from_text",
]

T = TypeVar("T")

#: The format version of every document this release reads and writes.
SCHEMA = 1

ScaleLookup = Callable[[str], Scale | None]
Prepare = Callable[[dict[str, Any]], dict[str, Any]]
CheckData = Callable[[dict[str, Any]], list[Problem]]


def load_document(
    text: str,
    cls: type[T],
    error: type[IntegrationIndexError],
    *,
    path: str | None = None,
    schema_required: bool = True,
    prepare: Prepare | None = None,
    check_data: CheckData | None = None,
) -> T:
    """Parse TOML *text* into a validated *cls*; raise *error* listing every problem.

    *prepare* adjusts the parsed data before it is structured; *check_data* returns problems of
    the data that the model's own validation does not see (reported beside the model's).
    """
    data = parse(text, path, error)
    schema = data.pop("schema", None if schema_required else SCHEMA)
    if schema != SCHEMA:
        raise error(
            f"expected schema = {SCHEMA}, got {schema!r}",
            path=path,
            key_path="schema",
            line=locate(text, "schema"),
        )
    if prepare is not None:
        data = prepare(data)
    problems = check_data(data) if check_data is not None else []
    try:
        document = structure(data, cls)
    except StructureError as exc:
        problems = [*exc.problems, *problems]
    except IntegrationIndexError as exc:  # a model's own cross-reference checks
        problems = [*exc.problems, *problems]
    except ValueError as exc:
        problems = [Problem(str(exc)), *problems]
    if problems:
        # In the order of the file (stable: problems on one line keep their order).
        located = sorted(with_lines(problems, text), key=lambda p: p.line or 0)
        raise error(located[0].message, path=path, problems=located)
    return document


def _read(path: str | os.PathLike[str], error: type[IntegrationIndexError]) -> tuple[str, str]:
    name = os.fspath(path)
    return name, read_text(name, error)


# -- frameworks and scales ---------------------------------------------------------------------


def _with_shared_scales(scales: ScaleLookup | None) -> Prepare:
    """Copy into the data the shared scales it refers to but does not define."""

    def prepare(data: dict[str, Any]) -> dict[str, Any]:
        defined = {s.get("id") for s in data.get("scales", []) if isinstance(s, dict)}
        missing = sorted(_scale_references(data) - defined)
        found = [scales(scale_id) for scale_id in missing] if scales is not None else []
        shared = [plain_data(scale) for scale in found if scale is not None]
        if shared and isinstance(data.get("scales", []), list):
            data = {**data, "scales": [*data.get("scales", []), *shared]}
        return data  # a scale still missing is reported by the framework's own check

    return prepare


def _scale_references(data: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    settings = data.get("settings")
    if isinstance(settings, dict) and isinstance(settings.get("scale"), str):
        found.add(settings["scale"])
    stack = [data.get("criteria")]
    while stack:
        nodes = stack.pop()
        for node in nodes if isinstance(nodes, list) else ():
            if isinstance(node, dict):
                if isinstance(node.get("scale"), str):
                    found.add(node["scale"])
                stack.append(node.get("children"))
    return found


def _known_aggregations(names: Collection[str] | None) -> CheckData:
    """The uses of aggregation methods in framework data that are not registered."""

    def check(data: dict[str, Any]) -> list[Problem]:
        if names is None:
            return []
        expected = f"expected one of: {', '.join(sorted(names))}"
        problems = []
        settings = data.get("settings")
        used = [("settings", settings)] if isinstance(settings, dict) else []
        used += list(_criteria(data.get("criteria"), "criteria"))
        for key_path, table in used:
            name = table.get("aggregation")
            if isinstance(name, str) and name not in names:
                problems.append(
                    Problem(f"unknown aggregation {name!r}; {expected}", f"{key_path}.aggregation")
                )
        return problems

    return check


def _criteria(nodes: Any, prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for index, node in enumerate(nodes if isinstance(nodes, list) else ()):
        if isinstance(node, dict):
            key_path = f"{prefix}[{index}]"
            yield key_path, node
            yield from _criteria(node.get("children"), f"{key_path}.children")


def framework_from_text(
    text: str,
    *,
    path: str | None = None,
    scales: ScaleLookup | None = None,
    aggregations: Collection[str] | None = None,
) -> Framework:
    """Parse and validate framework TOML text, with the shared *scales* it may use and the names
    of the *aggregations* it may use (None: any name)."""
    return load_document(
        text,
        Framework,
        FrameworkError,
        path=path,
        prepare=_with_shared_scales(scales),
        check_data=_known_aggregations(aggregations),
    )


def load_framework_file(
    path: str | os.PathLike[str],
    *,
    scales: ScaleLookup | None = None,
    aggregations: Collection[str] | None = None,
) -> Framework:
    """Read and validate a framework TOML file (see :func:`framework_from_text`)."""
    name, text = _read(path, FrameworkError)
    return framework_from_text(text, path=name, scales=scales, aggregations=aggregations)


def dumps_framework(framework: Framework) -> str:
    """A framework as TOML text that reads back to an equal framework."""
    return dumps({"schema": SCHEMA, **model_converter().unstructure(framework)})


def load_scale_file(path: str | os.PathLike[str]) -> Scale:
    """Read and validate a shared scale TOML file (keys schema, id, version, title, source, levels)."""
    name, text = _read(path, FrameworkError)
    return load_document(text, Scale, FrameworkError, path=name)


def load_crosswalk_file(path: str | os.PathLike[str]) -> Crosswalk:
    """Read and validate a crosswalk TOML file (keys schema, id, version, title, links)."""
    name, text = _read(path, FrameworkError)
    return load_document(text, Crosswalk, FrameworkError, path=name)


# -- profiles ----------------------------------------------------------------------------------


def profile_from_text(text: str, path: str | None = None) -> CityProfile:
    """Parse and validate profile TOML text (``schema`` may be left out)."""
    return load_document(text, CityProfile, ProfileError, path=path, schema_required=False)


def load_profile_file(path: str | os.PathLike[str]) -> tuple[CityProfile, str]:
    """Read, parse and validate a profile file; return the profile and its text."""
    name, text = _read(path, ProfileError)
    return profile_from_text(text, name), text


def dumps_profile(profile: CityProfile) -> str:
    """A profile as TOML text that reads back to an equal profile."""
    return dumps({"schema": SCHEMA, **model_converter().unstructure(profile)})
