"""Building value objects without their ``__init__``, for hot paths whose values are checked.

A profile holds dozens of evidence items and a score card some 75 node results; attrs' keyword
``__init__`` of a frozen class sets each field through ``object.__setattr__``, which costs about
twice what setting the slots directly does. :func:`builder` returns a function that takes the
fields' values in order and sets the slots. It runs no converter and no validator, so its callers
pass exactly what those would have let through (``_io.convert`` checks evidence as the model
does; the engine builds results from numbers it computed). A class whose fields gain a converter
or a validator that the caller did not declare handled is refused when the builder is made, at
import time, so a change to the model cannot silently bypass its checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import attrs

__all__ = ["builder", "slot_setters"]

T = TypeVar("T")


def builder(cls: type[T], handled: Sequence[str] = ()) -> Callable[..., T]:
    """A function ``build(value, ...)`` taking every field of *cls* positionally, in order.

    *handled* names the fields whose converter the caller applies itself (or whose values it
    guarantees unchanged by it).

    Raises:
        TypeError: *cls* is not a slotted attrs class, or has a validator, a converter not in
            *handled*, or an ``__attrs_post_init__``.
    """
    setters = slot_setters(cls, handled)
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    lines = [f"def build({', '.join(f'v{i}' for i in range(len(setters)))}):", "    o = new(cls)"]
    for i, setter in enumerate(setters):
        scope[f"set{i}"] = setter
        lines.append(f"    set{i}(o, v{i})")
    lines.append("    return o")
    exec("\n".join(lines), scope)  # unrolled, as attrs writes its own __init__
    build: Callable[..., T] = scope["build"]
    build.__qualname__ = f"build_{cls.__name__}"
    return build


def slot_setters(
    cls: type[Any], handled: Sequence[str] = ()
) -> tuple[Callable[[Any, Any], None], ...]:
    """The ``__set__`` of each field's slot of *cls*, in field order, for code that builds
    objects inline (``object.__new__(cls)``, then each setter) as :func:`builder`'s function
    does; refused in the same cases.

    Raises:
        TypeError: as :func:`builder`.
    """
    fields = attrs.fields(cls)
    problems = [
        f"{field.name} has a validator" for field in fields if field.validator is not None
    ] + [
        f"{field.name} has a converter"
        for field in fields
        if field.converter is not None and field.name not in handled
    ]
    if hasattr(cls, "__attrs_post_init__") or "__slots__" not in cls.__dict__:
        problems.append("it has __attrs_post_init__ or no slots")
    if problems:
        raise TypeError(f"cannot build {cls.__name__} without its __init__: {'; '.join(problems)}")
    return tuple(cls.__dict__[field.name].__set__ for field in fields)  # member descriptors
