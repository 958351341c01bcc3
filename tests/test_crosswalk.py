"""The declared crosswalk between the three built-in frameworks (``frameworks/crosswalk.toml``)."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path
from typing import Any, get_args

import pytest

import integration_index as ii
from integration_index._io.documents import load_crosswalk_file
from integration_index._model.crosswalk import RelationKind
from integration_index.model import Crosswalk, Link, Relation, Text

CROSSWALK_FILE = Path(__file__).resolve().parents[1] / "frameworks" / "crosswalk.toml"
CROSSWALK_ID = "integration-index-crosswalk"
FRAMEWORKS = ("eurocities", "engagement-spectrum", "gfmd-arrival-cities")
RELATIONS = ("related", "equivalent", "broader", "narrower")
INVERSE: dict[str, str] = {
    "related": "related",
    "equivalent": "equivalent",
    "broader": "narrower",
    "narrower": "broader",
}


def split(reference: str) -> tuple[str, str]:
    framework, _, criterion = reference.partition(":")
    return framework, criterion


@pytest.fixture(scope="module")
def crosswalk() -> Crosswalk:
    registry = ii.default_registry()
    found = [c for c in registry.crosswalks() if c.id == CROSSWALK_ID]
    problems = [str(e) for e in registry.errors() if CROSSWALK_ID in str(e)]
    assert not problems, problems
    assert len(found) == 1, "the crosswalk is not registered (or registered twice)"
    return found[0]


@pytest.fixture(scope="module")
def links(crosswalk: Crosswalk) -> tuple[Link, ...]:
    assert crosswalk.links
    return crosswalk.links


def raw_links() -> list[dict[str, Any]]:
    """The links of the repository file as plain TOML tables (read without the library)."""
    with CROSSWALK_FILE.open("rb") as file:
        links: list[dict[str, Any]] = tomllib.load(file)["links"]
    return links


def test_registered_crosswalk_is_the_repository_file(crosswalk: Crosswalk) -> None:
    assert load_crosswalk_file(CROSSWALK_FILE) == crosswalk
    expected = [
        (link["from"], link["to"], link["relation"], link["note"]["en"]) for link in raw_links()
    ]
    assert len(expected) == 22  # the file's [[links]] tables, counted by hand
    assert [
        (link.from_, link.to, link.relation, link.note.en if link.note else None)
        for link in crosswalk.links
    ] == expected


def test_relation_kinds_are_the_documented_ones() -> None:
    assert set(get_args(RelationKind)) == set(RELATIONS)


def test_every_endpoint_exists(links: tuple[Link, ...]) -> None:
    registry = ii.default_registry()
    for link in links:
        for reference in (link.from_, link.to):
            framework_id, criterion_id = split(reference)
            assert framework_id in FRAMEWORKS, f"{reference}: not a built-in framework"
            framework = registry.get_framework(framework_id)
            assert criterion_id in framework.nodes, f"{reference}: no such criterion"


def test_links_join_different_frameworks(links: tuple[Link, ...]) -> None:
    for link in links:
        assert split(link.from_)[0] != split(link.to)[0], f"{link.from_} -> {link.to}"


def test_no_duplicate_links(links: tuple[Link, ...]) -> None:
    pairs = Counter(frozenset((link.from_, link.to)) for link in links)
    duplicates = [sorted(pair) for pair, count in pairs.items() if count > 1]
    assert not duplicates, f"pairs linked more than once (in either direction): {duplicates}"


def test_relations_are_valid(links: tuple[Link, ...]) -> None:
    for link in links:
        assert link.relation in RELATIONS, f"{link.from_} -> {link.to}: {link.relation!r}"


def test_links_have_english_notes(links: tuple[Link, ...]) -> None:
    for link in links:
        assert link.note is not None and link.note.en.strip(), f"{link.from_} -> {link.to}"


def test_links_join_the_three_frameworks(links: tuple[Link, ...]) -> None:
    used = {split(ref)[0] for link in links for ref in (link.from_, link.to)}
    assert used == set(FRAMEWORKS)


def test_migrant_participation_relates_to_both_gfmd_frameworks() -> None:
    found = ii.related("eurocities", "04")
    assert found
    assert all(isinstance(r, Relation) and r.crosswalk == CROSSWALK_ID for r in found)
    frameworks = {r.framework for r in found}
    assert {"engagement-spectrum", "gfmd-arrival-cities"} <= frameworks
    targets = {(r.framework, r.criterion) for r in found}
    # The stakeholder row whose areas of collaboration include the participation of migrants in
    # policy-making, and the action idea on multi-stakeholder consultation mechanisms with migrants.
    assert ("engagement-spectrum", "diaspora-migrant-associations") in targets
    assert ("gfmd-arrival-cities", "g1-h1-a1") in targets
    for relation in found:
        assert relation.criterion in ii.get_framework(relation.framework).nodes


def test_related_follows_every_link_both_ways(links: tuple[Link, ...]) -> None:
    for link in links:
        from_framework, from_criterion = split(link.from_)
        to_framework, to_criterion = split(link.to)
        forward = {
            (r.framework, r.criterion, r.relation)
            for r in ii.related(from_framework, from_criterion)
        }
        backward = {
            (r.framework, r.criterion, r.relation) for r in ii.related(to_framework, to_criterion)
        }
        assert (to_framework, to_criterion, link.relation) in forward
        assert (from_framework, from_criterion, INVERSE[link.relation]) in backward


def test_relation_is_symmetric_over_every_criterion() -> None:
    """If A relates to B then B relates to A (broader/narrower inverted), for every criterion."""
    seen = 0
    for framework_id in FRAMEWORKS:
        for criterion_id in ii.get_framework(framework_id).nodes:
            for relation in ii.related(framework_id, criterion_id):
                seen += 1
                back = ii.related(relation.framework, relation.criterion)
                assert any(
                    r.framework == framework_id
                    and r.criterion == criterion_id
                    and r.relation == INVERSE[relation.relation]
                    and r.note == relation.note
                    for r in back
                ), f"{framework_id}:{criterion_id} -> {relation.framework}:{relation.criterion}"
    # Each link is seen once from each end.
    # Counted in the repository file itself, read with the standard library, not the loader.
    declared = sum(
        1
        for link in raw_links()
        if split(link["from"])[0] in FRAMEWORKS and split(link["to"])[0] in FRAMEWORKS
    )
    assert seen == 2 * declared > 0


@pytest.mark.parametrize(
    ("declared", "seen_from_target"),
    [
        ("related", "related"),
        ("equivalent", "equivalent"),
        ("broader", "narrower"),
        ("narrower", "broader"),
    ],
)
def test_inverse_relation_seen_from_the_other_side(
    declared: RelationKind, seen_from_target: RelationKind
) -> None:
    # The data declares only "related" links; the inversion is checked on a crosswalk built here.
    link = Link(from_="eurocities:04", to="gfmd-arrival-cities:g1-h1-a1", relation=declared)
    walk = Crosswalk(id="test", version="1", title=Text(en="test"), links=(link,))
    (forward,) = walk.related("eurocities", "04")
    (backward,) = walk.related("gfmd-arrival-cities", "g1-h1-a1")
    assert (forward.framework, forward.criterion, forward.relation) == (
        "gfmd-arrival-cities",
        "g1-h1-a1",
        declared,
    )
    assert (backward.framework, backward.criterion, backward.relation) == (
        "eurocities",
        "04",
        seen_from_target,
    )
