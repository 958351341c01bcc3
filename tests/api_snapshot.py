"""The public API as text: every public name, each callable's signature, each class's fields.

``tests/test_api_snapshot.py`` compares this text with the committed ``tests/api-snapshot.txt``.
After an intended change of the public API, regenerate the snapshot in the same commit::

    python tests/api_snapshot.py --update
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

SNAPSHOT = Path(__file__).resolve().parent / "api-snapshot.txt"

#: The modules whose ``__all__`` is the stable public API.
PUBLIC_MODULES = (
    "integration_index",
    "integration_index.analysis",
    "integration_index.exceptions",
    "integration_index.hookspecs",
    "integration_index.model",
    "integration_index.testing",
)


def _signature(function: Any) -> str:
    try:
        text = str(inspect.signature(function))
    except (TypeError, ValueError):
        return "(...)"
    # Hypothesis' composite strategies show evaluated annotations, spelt by its version.
    text = re.sub(r"ForwardRef\('([^']*)'\)", r"\1", text)
    return text.replace("hypothesis.strategies._internal.strategies.", "").replace(
        "hypothesis.strategies.", ""
    )


def _members(cls: type) -> Iterator[str]:
    """Public methods and properties defined by the class itself, sorted."""
    fields = {field.name for field in attrs.fields(cls)} if attrs.has(cls) else set()
    for name, value in sorted(vars(cls).items()):
        if inspect.ismemberdescriptor(value) and name not in fields and not name.startswith("_"):
            yield f"    cached_property {name}"  # attrs turns them into slots
            continue
        if name.startswith("_") and name not in ("__call__", "__init__"):
            continue
        if name == "__init__":
            continue  # shown under the class
        if isinstance(value, property):
            yield f"    property {name}"
        elif hasattr(value, "__set_name__") and hasattr(value, "func"):  # cached_property
            yield f"    cached_property {name}"
        elif isinstance(value, staticmethod | classmethod):
            yield f"    {type(value).__name__} {name}{_signature(value.__func__)}"
        elif inspect.isfunction(value):
            yield f"    def {name}{_signature(value)}"


def _describe_class(name: str, cls: type) -> Iterator[str]:
    bases = ", ".join(base.__name__ for base in cls.__bases__ if base is not object)
    bases = f"({bases})" if bases else ""
    if attrs.has(cls):
        fields = attrs.fields(cls)
        kw_only = all(field.kw_only for field in fields)
        frozen = getattr(cls.__setattr__, "__name__", "") == "_frozen_setattrs"
        flags = ", ".join(flag for flag, on in (("frozen", frozen), ("kw_only", kw_only)) if on)
        yield f"class {name}{bases} attrs[{flags}]"
        for field in fields:
            default = ""
            if field.default is not attrs.NOTHING:
                factory = getattr(field.default, "factory", None)
                default = f" = {factory.__name__}()" if factory else f" = {field.default!r}"
            # The annotation as written: attrs.resolve_types (cattrs calls it) swaps in objects.
            written = inspect.get_annotations(cls).get(field.name, field.type)
            annotation = written if isinstance(written, str) else repr(written)
            yield f"    {field.name}: {annotation}{default}"
    elif issubclass(cls, enum.Enum):
        yield f"enum {name}: {', '.join(repr(member.value) for member in cls)}"
        return
    else:
        yield f"class {name}{bases}"
        if "__init__" in vars(cls):
            yield f"    __init__{_signature(cls)}"
    yield from _members(cls)


def describe(module_name: str) -> Iterator[str]:
    module = importlib.import_module(module_name)
    yield f"module {module_name}"
    for name in sorted(module.__all__):
        value = getattr(module, name)
        ours = str(getattr(value, "__module__", "") or "").startswith("integration_index")
        if callable(value) and not ours:
            # Another library's object (pluggy's markers): its own signature is not ours.
            yield f"{name}: {type(value).__qualname__}"
        elif inspect.isclass(value):
            yield from _describe_class(name, value)
        elif callable(value):
            yield f"def {name}{_signature(value)}"
        else:
            yield (
                f"{name}: {type(value).__name__} = {value!r}"
                if not name.startswith("__")
                else f"{name}: {type(value).__name__}"
            )
    yield ""


def snapshot() -> str:
    return "\n".join(line for module in PUBLIC_MODULES for line in describe(module)) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        SNAPSHOT.write_text(snapshot(), encoding="utf-8")
        print(f"wrote {SNAPSHOT}")
    else:
        sys.stdout.write(snapshot())
