"""The public functions of integration-index (re-exported by the package)."""

from __future__ import annotations

import functools
import importlib.metadata
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from integration_index._io.convert import StructureError, card_converter, structure
from integration_index._io.frameworks import load_framework_file
from integration_index._io.profiles import dumps_profile as _dumps_profile
from integration_index._io.profiles import load_profile_file, profile_from_text
from integration_index._model.crosswalk import Relation
from integration_index._model.framework import Framework
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index._plugins.host import PluginInfo, get_host
from integration_index._scoring.engine import score_profile
from integration_index._validate import check_profile as _check_profile
from integration_index.exceptions import Problem, ProfileError

__all__ = [
    "check_profile",
    "dumps_profile",
    "get_framework",
    "list_frameworks",
    "list_plugins",
    "load_framework",
    "load_profile",
    "loads_profile",
    "register_plugin",
    "related",
    "score",
    "scorecard_from_dict",
    "scorecard_from_json",
    "scorecard_to_dict",
    "scorecard_to_json",
    "unregister_plugin",
    "version",
]


@functools.cache
def version() -> str:
    """The installed integration-index version (read once from the package metadata)."""
    try:
        return importlib.metadata.version("integration-index")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - running from a bare tree
        return "0+unknown"


def load_framework(path: str | Path) -> Framework:
    """Read and validate a framework TOML file (it may use the registered shared scales).

    Raises:
        FrameworkError: the file cannot be read, is not valid TOML, or is not a valid framework;
            the error names the file, the line and the key path.
    """
    return load_framework_file(path, get_host().registry().scales.get)


def get_framework(framework_id: str) -> Framework:
    """The registered framework with this id.

    Raises:
        UnknownFrameworkError: no plugin registered a framework with this id.
    """
    return get_host().get_framework(framework_id)


def list_frameworks() -> list[Framework]:
    """Every registered framework, sorted by id."""
    frameworks = get_host().registry().frameworks
    return [frameworks[framework_id] for framework_id in sorted(frameworks)]


def list_plugins() -> list[PluginInfo]:
    """Every plugin the host knows (loaded, blocked or failed), sorted by name."""
    return get_host().plugins()


def register_plugin(plugin: object, name: str | None = None) -> str:
    """Register a plugin object (a module or an object with hookimpls) in this process.

    Returns the name it was registered under. Plugins found through the ``integration_index``
    entry-point group need no call: they are loaded on first use.
    """
    return get_host().register_plugin(plugin, name)


def unregister_plugin(name: str) -> None:
    """Remove a plugin registered under *name*."""
    get_host().unregister_plugin(name)


def load_profile(path: str | Path) -> CityProfile:
    """Read and validate a city profile TOML file (structure only; see :func:`check_profile`).

    Raises:
        ProfileError: with the file, the line and the key path of every problem.
    """
    return load_profile_file(path)[0]


def loads_profile(text: str) -> CityProfile:
    """Parse and validate city profile TOML text (structure only; see :func:`check_profile`).

    Raises:
        ProfileError: with the line and the key path of every problem.
    """
    return profile_from_text(text)


def dumps_profile(profile: CityProfile) -> str:
    """The profile as TOML text; ``loads_profile(dumps_profile(p)) == p``."""
    return _dumps_profile(profile)


def check_profile(
    profile: CityProfile, frameworks: Sequence[Framework] | None = None
) -> list[Problem]:
    """Every way a profile does not fit the frameworks it names (empty when it fits).

    *frameworks* defaults to the registered ones.
    """
    available = (
        {f.id: f for f in frameworks}
        if frameworks is not None
        else get_host().registry().frameworks
    )
    return _check_profile(profile, available)


def score(profile: CityProfile, framework: Framework | str | None = None) -> ScoreCard:
    """Score a profile against one framework; a pure, deterministic function.

    *framework* is a Framework, a registered framework id, or None when the profile names exactly
    one framework.

    Raises:
        ProfileError: the profile does not fit the framework (every problem is listed).
        UnknownFrameworkError: the framework id is not registered.
    """
    host = get_host()
    registry = host.registry()
    if framework is None:
        named = profile.assessment.frameworks
        if len(named) != 1:
            raise ProfileError(
                f"the profile names {len(named)} frameworks ({', '.join(named)}); say which to score",
                key_path="assessment.frameworks",
            )
        framework = named[0]
    if isinstance(framework, str):
        framework = host.get_framework(framework)
    return score_checked(profile, framework, registry.frameworks, None)


def score_checked(
    profile: CityProfile,
    framework: Framework,
    frameworks: Any,
    text: str | None,
    path: str | None = None,
) -> ScoreCard:
    """Check the profile against *framework*, then score it (shared by score and batches)."""
    from integration_index._io.toml import locate, with_lines

    if framework.id not in profile.assessment.frameworks:
        raise ProfileError(
            f"the profile does not assess framework {framework.id!r}; it names: "
            f"{', '.join(profile.assessment.frameworks)}",
            path=path,
            key_path="assessment.frameworks",
            line=locate(text, "assessment.frameworks") if text else None,
        )
    available = dict(frameworks)
    available[framework.id] = framework
    problems = _check_profile(profile, available)
    if problems:
        problems = with_lines(problems, text)
        raise ProfileError(problems[0].message, path=path, problems=problems)
    return score_profile(
        profile, framework, get_host().registry().aggregations, engine_version=version()
    )


def related(framework_id: str, criterion_id: str) -> list[Relation]:
    """What relates to one criterion in the other frameworks, through the registered crosswalks."""
    return get_host().related(framework_id, criterion_id)


def scorecard_to_dict(card: ScoreCard) -> dict[str, Any]:
    """A score card as plain JSON-ready data; :func:`scorecard_from_dict` reads it back exactly."""
    data: dict[str, Any] = card_converter().unstructure(card)
    return data


def scorecard_from_dict(data: dict[str, Any]) -> ScoreCard:
    """A score card from :func:`scorecard_to_dict` data.

    Raises:
        ValueError: the data is not a score card (the message lists every problem with its path).
    """
    try:
        return structure(data, ScoreCard, card_converter())
    except StructureError as exc:
        raise ValueError(
            "not a score card: " + "; ".join(p.format() for p in exc.problems)
        ) from None


def scorecard_to_json(card: ScoreCard, *, indent: int | None = None) -> str:
    """A score card as JSON text."""
    return json.dumps(scorecard_to_dict(card), ensure_ascii=False, indent=indent)


def scorecard_from_json(text: str) -> ScoreCard:
    """A score card from :func:`scorecard_to_json` text."""
    return scorecard_from_dict(json.loads(text))
