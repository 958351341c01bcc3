"""Crosswalks: declared links between criteria of different frameworks."""

from __future__ import annotations

from typing import Literal

import attrs

from integration_index._model.text import Text
from integration_index._model.validators import value_class

__all__ = ["Crosswalk", "Link", "Relation"]

RelationKind = Literal["related", "equivalent", "broader", "narrower"]
_INVERSE: dict[str, RelationKind] = {
    "related": "related",
    "equivalent": "equivalent",
    "broader": "narrower",
    "narrower": "broader",
}


def _check_reference(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    framework, _, criterion = value.partition(":")
    if not framework or not criterion:
        raise ValueError(f"expected 'framework-id:criterion-id', got {value!r}")


@value_class(kw_only=True)
class Link:
    """One declared link between two criteria.

    Attributes:
        from_: ``framework-id:criterion-id`` (``from`` in TOML).
        to: ``framework-id:criterion-id``.
        relation: How ``from_`` relates to ``to``: "related", "equivalent", "broader" (from_ is
            broader than to) or "narrower".
        note: Why they are linked.
    """

    from_: str = attrs.field(validator=_check_reference)
    to: str = attrs.field(validator=_check_reference)
    relation: RelationKind = "related"
    note: Text | None = None


@value_class(kw_only=True)
class Relation:
    """A criterion related to the one asked about, seen from that one.

    Attributes:
        framework: The related criterion's framework id.
        criterion: The related criterion's id.
        relation: How the criterion asked about relates to this one.
        note: Why they are linked.
        crosswalk: The crosswalk that declares the link.
    """

    framework: str
    criterion: str
    relation: RelationKind
    note: Text | None
    crosswalk: str


@value_class(kw_only=True)
class Crosswalk:
    """A versioned set of links between frameworks.

    Attributes:
        id: Its id.
        version: Its version.
        title: Its name.
        links: The links.
    """

    id: str
    version: str
    title: Text
    links: tuple[Link, ...] = ()

    def related(self, framework_id: str, criterion_id: str) -> list[Relation]:
        """The criteria linked to one criterion, in either direction, in declaration order."""
        key = f"{framework_id}:{criterion_id}"
        found: list[Relation] = []
        for link in self.links:
            if link.from_ == key:
                other, relation = link.to, link.relation
            elif link.to == key:
                other, relation = link.from_, _INVERSE[link.relation]
            else:
                continue
            framework, _, criterion = other.partition(":")
            found.append(
                Relation(
                    framework=framework,
                    criterion=criterion,
                    relation=relation,
                    note=link.note,
                    crosswalk=self.id,
                )
            )
        return found
