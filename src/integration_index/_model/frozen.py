"""An immutable, hashable mapping, so that model objects hold no mutable container."""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

__all__ = ["FrozenDict", "freeze", "freeze_nested", "items_of"]

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

# FrozenDict refuses attribute assignment: it sets its own slots through object's __setattr__.
_set = object.__setattr__


class FrozenDict(Mapping[K, V]):
    """A read-only mapping that keeps insertion order, hashes by content and pickles.

    It equals any mapping with the same items (a plain dict included), and its hash does not
    depend on the order of its items, so equal FrozenDicts hash equal. ``fd | other`` (and
    ``other | fd``) gives a new FrozenDict; its attributes cannot be set.
    """

    # Slots, written only through object.__setattr__: _data once, _hash once computed.
    __slots__ = ("_data", "_hash")

    _data: dict[K, V]
    _hash: int | None

    def __init__(self, items: Mapping[K, V] | None = None, /) -> None:
        if hasattr(self, "_data"):  # fd.__init__(other) must not replace the items either
            raise TypeError("a FrozenDict cannot be changed")
        _set(self, "_data", dict(items) if items is not None else {})
        _set(self, "_hash", None)

    @classmethod
    def adopt(cls, data: dict[K, V]) -> FrozenDict[K, V]:
        """A FrozenDict over *data* itself, not a copy: for a dict nothing else holds."""
        frozen = object.__new__(cls)
        _set(frozen, "_data", data)
        _set(frozen, "_hash", None)
        return frozen

    if not TYPE_CHECKING:  # hidden from type checkers, which then flag any attribute assignment

        def __setattr__(self, name: str, value: object) -> None:
            raise AttributeError(f"a FrozenDict cannot be changed (setting {name!r})")

        def __delattr__(self, name: str) -> None:
            raise AttributeError(f"a FrozenDict cannot be changed (deleting {name!r})")

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __reversed__(self) -> Iterator[K]:
        return reversed(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    @overload
    def get(self, key: K, /) -> V | None: ...
    @overload
    def get(self, key: K, default: V, /) -> V: ...
    @overload
    def get(self, key: K, default: T, /) -> V | T: ...
    def get(self, key: K, default: object = None, /) -> object:
        # The engine looks context values up once per factor: skip Mapping.get's try/except.
        return self._data.get(key, default)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenDict):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        cached = self._hash
        if cached is None:
            cached = hash(frozenset(self._data.items()))
            _set(self, "_hash", cached)
        return cached

    def __or__(self, other: Mapping[K, V], /) -> FrozenDict[K, V]:
        """A FrozenDict of both mappings' items (*other*'s win), as ``dict | dict`` gives."""
        if not isinstance(other, Mapping):
            return NotImplemented
        return FrozenDict.adopt({**self._data, **other})

    def __ror__(self, other: Mapping[K, V], /) -> FrozenDict[K, V]:
        if not isinstance(other, Mapping):
            return NotImplemented
        return FrozenDict.adopt({**other, **self._data})

    def __repr__(self) -> str:
        return f"FrozenDict({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (self._data,))


def freeze(value: Mapping[K, V]) -> FrozenDict[K, V]:
    """*value* as a FrozenDict (itself when it already is one)."""
    return value if type(value) is FrozenDict else FrozenDict(value)


def freeze_nested(value: Mapping[K, Mapping[T, V]]) -> FrozenDict[K, FrozenDict[T, V]]:
    """A mapping of mappings as FrozenDicts all the way down (itself when it already is)."""
    if type(value) is FrozenDict:
        for inner in value._data.values():
            if type(inner) is not FrozenDict:
                break
        else:  # attrs.evolve passes a frozen value back through the converter: no copy then
            return cast("FrozenDict[K, FrozenDict[T, V]]", value)
    return FrozenDict.adopt({key: freeze(inner) for key, inner in value.items()})


def items_of(value: Mapping[K, V]) -> ItemsView[K, V]:
    """``value.items()``; for a FrozenDict, its dict's own view (the same items, in the same
    order), not Mapping's, which looks each value up again in Python: for hot paths."""
    if type(value) is FrozenDict:
        return value._data.items()
    return value.items()
