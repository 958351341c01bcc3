"""What the commands share: usage errors, choosing frameworks, printing tables and errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from integration_index.exceptions import IntegrationIndexError

if TYPE_CHECKING:
    from integration_index._model.framework import Framework
    from integration_index._plugins.registry import Registry

__all__ = [
    "Failed",
    "UsageError",
    "chosen_frameworks",
    "error",
    "print_table",
    "warn_plugin_failures",
]


class UsageError(Exception):
    """The command was called wrongly (exit code 2)."""


class Failed(Exception):
    """The command's input failed; the reason was printed already (exit code 1)."""


def error(message: str) -> None:
    print(message, file=sys.stderr)


def _registry(args: argparse.Namespace) -> Registry:
    registry: Registry = args.registry
    return registry


def chosen_frameworks(args: argparse.Namespace) -> list[Framework]:
    """The frameworks given with ``--framework ID`` and ``--framework-file PATH``, in order."""
    from integration_index._api.core import load_framework

    registry = _registry(args)
    ids = getattr(args, "framework", None) or []
    chosen: list[Framework] = []
    for framework_id in [ids] if isinstance(ids, str) else ids:
        try:
            chosen.append(registry.get_framework(framework_id))
        except IntegrationIndexError as exc:
            raise UsageError(str(exc)) from None
    registered = {framework.id: framework for framework in registry.frameworks()}
    for path in getattr(args, "framework_file", None) or []:
        try:
            loaded = load_framework(path, registry=registry)
        except IntegrationIndexError as exc:
            raise UsageError(f"--framework-file {path}:\n{exc.format()}") from None
        if registered.get(loaded.id, loaded) != loaded:
            owner = registry.framework_plugin(loaded.id)
            raise UsageError(
                f"--framework-file {path} defines framework {loaded.id!r}, which plugin "
                f"{owner!r} registers differently; give the file's framework another id"
            )
        chosen.append(loaded)
    unique = {framework.id: framework for framework in chosen}
    return list(unique.values())


def warn_plugin_failures(registry: Registry) -> int:
    """Print a warning per plugin failure; return how many there were."""
    for failure in registry.errors():
        error(f"warning: {failure}")
    return len(registry.errors())


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """An aligned plain-text table on standard output (the last column is not padded)."""
    widths = [max([len(header[i]), *(len(row[i]) for row in rows)]) for i in range(len(header))]
    widths[-1] = 0
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
