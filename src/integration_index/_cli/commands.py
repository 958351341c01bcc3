"""The commands that inspect and prepare: frameworks, plugins, related, init, validate."""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from integration_index._api.core import related as _related
from integration_index._api.core import scoring_context
from integration_index._batch import check_file, expand_inputs
from integration_index._cli.common import (
    UsageError,
    chosen_frameworks,
    error,
    print_table,
    warn_plugin_failures,
)
from integration_index._cli.files import atomic_output, is_stdout
from integration_index._cli.templates import profile_template
from integration_index._model.criteria import Criterion
from integration_index._model.framework import Framework
from integration_index._plugins.registry import Registry
from integration_index.exceptions import IntegrationIndexError, ProfileError

__all__ = ["frameworks", "init", "plugins", "related", "safe_inputs", "validate"]


def frameworks(args: argparse.Namespace) -> int:
    registry: Registry = args.registry
    if args.framework is None and not args.framework_file:
        rows = [
            [f.id, f.version, str(len(f.criteria)), str(len(f.leaves)), f.title.get(args.language)]
            for f in registry.frameworks()
        ]
        print_table(["id", "version", "top-level", "rated", "title"], rows)
        warn_plugin_failures(registry)
        return 0
    shown = chosen_frameworks(args)
    if len(shown) != 1:
        raise UsageError("give one framework to show: an id or --framework-file PATH, not both")
    framework = shown[0]
    language = args.language
    print(f"{framework.title.get(language)} ({framework.id} {framework.version})")
    if framework.source is not None:
        print(f"Source: {framework.source.citation}")
    for scale in framework.scales:
        levels = ", ".join(f"{level.id} ({level.value:g})" for level in scale.levels)
        print(f"Scale {scale.id}: {levels}")
    print()
    for top in framework.criteria:
        _print_tree(top, "", language)
    if framework.contextual_factors:
        print("\nContextual factors:")
        for factor in framework.contextual_factors:
            print(f"  {factor.id}: {factor.title.get(language)}")
    return 0


def _print_tree(node: Criterion, indent: str, language: str) -> None:
    tags = f"  [{', '.join(node.tags)}]" if node.tags else ""
    weight = f"  (weight {node.weight:g})" if node.weight != 1.0 else ""
    print(f"{indent}{node.id}  {node.title.get(language)}{weight}{tags}")
    for child in node.children:
        _print_tree(child, indent + "    ", language)


def plugins(args: argparse.Namespace) -> int:
    registry: Registry = args.registry
    rows = [
        [
            info.name,
            info.status,
            info.distribution or "",
            ", ".join(h.removeprefix("integration_index_") for h in info.hooks),
        ]
        for info in registry.plugins()
    ]
    print_table(["plugin", "status", "distribution", "hooks"], rows)
    return 1 if warn_plugin_failures(registry) else 0


def related(args: argparse.Namespace) -> int:
    registry: Registry = args.registry
    try:
        relations = _related(args.framework, args.criterion, registry=registry)
    except IntegrationIndexError as exc:
        raise UsageError(str(exc)) from None
    if not relations:
        print(f"Nothing in the crosswalks relates to {args.framework}:{args.criterion}.")
        return 0
    rows = []
    for relation in relations:
        title = ""
        with contextlib.suppress(KeyError, IntegrationIndexError):
            title = registry.get_framework(relation.framework).node(relation.criterion).title.en
        note = relation.note.en if relation.note else ""
        rows.append([relation.relation, f"{relation.framework}:{relation.criterion}", title, note])
    print_table(["relation", "criterion", "title", "note"], rows)
    return 0


# -- init, validate ----------------------------------------------------------------------------


def init(args: argparse.Namespace) -> int:
    """Write a profile template to FILE (``-``: standard output). The command line has checked
    the target like any output (a folder that exists, not a directory, not an input); an
    existing regular file needs --force, a device or FIFO is written in place."""
    target = Path(args.file)
    to_stdout = is_stdout(args.file)
    if not to_stdout and target.is_file() and not args.force:
        raise UsageError(f"{target} exists; use --force to overwrite it")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", args.city_id):
        raise UsageError(f"--city-id {args.city_id!r}: expected lowercase letters, digits and '-'")
    chosen = chosen_frameworks(args)
    if not chosen:
        raise UsageError("give a framework with --framework ID or --framework-file PATH")
    fmt = args.format or ("xlsx" if target.suffix.lower() == ".xlsx" else "toml")
    if fmt == "xlsx":
        from integration_index._cli.workbooks import init_workbook  # only here: spreadsheets

        init_workbook(args.file, chosen, args)
        if not to_stdout:
            error(f"wrote {target}: a profile workbook for {', '.join(f.id for f in chosen)}")
        return 0
    if args.language is not None:
        raise UsageError("--language applies to --format xlsx (the TOML template is in English)")
    text = profile_template(chosen[0], args.city_id, args.city_name)
    for extra in chosen[1:]:
        text = _merge_template(text, extra)
    with atomic_output(args.file) as stream:
        stream.write(text)
    if not to_stdout:
        error(f"wrote {target}: a profile template for {', '.join(f.id for f in chosen)}")
    return 0


def _merge_template(text: str, framework: Framework) -> str:
    extra = profile_template(framework)
    body = extra.split("assessors = []\n", 1)[1]
    text = text.replace("frameworks = [", f'frameworks = ["{framework.id}", ', 1)
    body = body.replace('# criterion = "', f'# framework = "{framework.id}"\n# criterion = "')
    return text.rstrip("\n") + "\n" + body


def safe_inputs(paths: list[str], errors: list[str]) -> Iterator[str]:
    """The files the paths name; a path that names none is an error line, not the end."""
    for path in paths:
        try:
            yield from expand_inputs([path])
        except ProfileError as exc:
            errors.append(exc.format())


def validate(args: argparse.Namespace) -> int:
    registry: Registry = args.registry
    context = scoring_context(chosen_frameworks(args), registry=registry)
    input_errors: list[str] = []
    checked = failed = 0
    for path in safe_inputs(args.paths, input_errors):
        checked += 1
        try:
            check_file(path, context)
        except IntegrationIndexError as exc:
            failed += 1
            error(exc.format())
            continue
        print(f"{path}: ok")
    for message in input_errors:
        error(message)
    summary = f"validated {checked} profile(s): {checked - failed} ok, {failed} with problems"
    if input_errors:
        summary += f"; {len(input_errors)} input(s) matched no profile"
    error(summary)
    sys.stderr.flush()
    return 1 if failed or input_errors else 0
