"""Framework documents structured without cattrs' code generation: a start-up cost.

cattrs writes and compiles a structure function for each attrs class the first time it meets one;
a framework file reaches some twenty classes (criteria, scales, levels, practices, modifiers...),
and every run loads the registered frameworks, so that generation cost several milliseconds of
every command's start. :class:`ClassReader` does what those generated functions do (in their fast,
not detailed, form), reading each class's fields from attrs at run time:

- a key absent: the field's default; a key the class does not have: an error; the keys ``in``
  and ``from`` for the fields ``in_`` and ``from_``, as the converter's overrides say;
- each value through the hook the cattrs converter itself uses for the field's type (the
  project's hooks for strings, numbers, text, dates; cattrs' own for literals and unions), except
  for attrs classes, arrays of them (``tuple[X, ...]``) and optional ones (``X | None``), which
  this module reads in the same way, recursively.

Any exception means "not fast": ``_io.convert.structure`` then structures the data again with the
detailed converter, whose errors name every key path; so only data that the generated functions
accept is ever built here, into the same objects (tests/test_startup.py checks both, class by
class and on every framework file).
"""

from __future__ import annotations

import threading
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import cattrs

__all__ = ["ClassReader"]

Hook = Callable[[Any, Any], Any]


class ClassReader:
    """Structure hooks for attrs classes over one cattrs *converter*, which keeps its own hooks
    for the classes in *delegated* (those it has a hook of its own for). *renamed* gives, per
    class, the key that some fields have in the data (as the converter's overrides do)."""

    def __init__(
        self,
        converter: cattrs.Converter,
        *,
        delegated: frozenset[type],
        renamed: Mapping[type, Mapping[str, str]],
    ) -> None:
        self._converter = converter
        self._delegated = delegated
        self._renamed = renamed
        self._hooks: dict[Any, Hook] = {}
        self._making: set[Any] = set()
        self._lock = threading.RLock()  # hooks are made by one thread at a time

    def structure(self, data: Any, cls: type[Any]) -> Any:
        """*data* as a *cls*; any exception when the converter's generated code would fail."""
        return self.hook(cls)(data, cls)

    def hook(self, type_: Any) -> Hook:
        """The function structuring a value of *type_* (made once per type)."""
        found = self._hooks.get(type_)
        if found is not None:
            return found
        with self._lock:
            found = self._hooks.get(type_)
            if found is not None:
                return found
            if type_ in self._making:  # a class within itself (criteria's children): bound late
                return lambda value, kind: self._hooks[type_](value, kind)
            self._making.add(type_)
            try:
                found = self._hooks[type_] = self._make(type_)
            finally:
                self._making.discard(type_)
            return found

    def handles(self, type_: Any) -> bool:
        """Whether *type_* is read here rather than by one of the converter's hooks."""
        if attrs.has(type_) and isinstance(type_, type):
            return type_ not in self._delegated
        origin = typing.get_origin(type_)
        args = typing.get_args(type_)
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return self.handles(args[0])
        if origin in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
            return self.handles(args[0] if args[1] is type(None) else args[1])
        return False

    def _make(self, type_: Any) -> Hook:
        if not self.handles(type_):
            return self._converter_hook(type_)
        if attrs.has(type_):
            return self._class_hook(type_)
        args = typing.get_args(type_)
        if typing.get_origin(type_) is tuple:
            return _array_hook(self.hook(args[0]), args[0])
        other = args[0] if args[1] is type(None) else args[1]
        return _optional_hook(self.hook(other), other)

    def _converter_hook(self, type_: Any) -> Hook:
        hook: Hook = self._converter.get_structure_hook(type_)
        return hook

    def _class_hook(self, cls: type[Any]) -> Hook:
        fields = attrs.fields(attrs.resolve_types(cls))
        if any(not field.init or field.alias != field.name for field in fields):
            return self._converter_hook(cls)  # cattrs maps such fields: let it
        renamed = self._renamed.get(cls, {})
        # (key in the data, keyword, hook, type), optional fields first, as the generated code
        # reads them.
        plan = [
            (renamed.get(field.name, field.name), field.name, self.hook(field.type), field.type)
            for field in fields
        ]
        optional = [
            step
            for step, field in zip(plan, fields, strict=True)
            if field.default is not attrs.NOTHING
        ]
        required = [
            step for step, field in zip(plan, fields, strict=True) if field.default is attrs.NOTHING
        ]
        known = frozenset(key for key, *_ in plan)

        def structure(data: Any, _: Any) -> Any:
            values = {
                name: hook(data[key], kind) for key, name, hook, kind in optional if key in data
            }
            if not data.keys() <= known:
                raise ValueError(f"unknown keys for {cls.__name__}")
            for key, name, hook, kind in required:
                values[name] = hook(data[key], kind)
            return cls(**values)

        return structure


def _array_hook(item_hook: Hook, item_type: Any) -> Hook:
    """As ``_io.convert``'s array hook (fast form): a list or tuple, item by item, to a tuple."""

    def structure(value: Any, _: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise ValueError("expected an array")
        return tuple([item_hook(item, item_type) for item in value])

    return structure


def _optional_hook(hook: Hook, other: Any) -> Hook:
    """As cattrs' hook of ``X | None``: None stays None, anything else is an X."""

    def structure(value: Any, _: Any) -> Any:
        return None if value is None else hook(value, other)

    return structure
