"""Peer groups for rankings: cities sharing an attribute (population band, country, region, a
metadata key, a contextual factor), or each city's k most similar cities on chosen factors.

Similarity (docs/guides/analysts.md, "Compare"): each factor is a number (a boolean counts as
0/1; population as its base-10 logarithm), standardised over the cities that have it (mean 0,
sample standard deviation 1; a factor with no spread is left out); the distance of two cities is
the root mean square of their standardised differences over the factors both have (infinite when
they share none). Ties in distance are broken by city id. This compares every pair: O(n^2 x
factors), for peer groups of a few thousand cities.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard

__all__ = ["PeerRule", "peer_groups", "population_band"]

ATTRIBUTES = ("population", "country", "region")


@attrs.frozen(kw_only=True)
class PeerRule:
    """How a ranking forms peer groups.

    Attributes:
        by: "population" (bands), "country", "region", "metadata.KEY", "context.FACTOR" (the
            card's value of a contextual factor), or "similar" (each city's *k* nearest).
        k: For "similar": how many other cities form a city's peer group.
        factors: For "similar": what similarity is measured on ("population", "metadata.KEY",
            "context.FACTOR").
    """

    by: str = "population"
    k: int = 5
    factors: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        known = self.by in (*ATTRIBUTES, "similar") or self.by.startswith(("metadata.", "context."))
        if not known:
            raise ValueError(
                f"unknown peer grouping {self.by!r}; expected population, country, region, "
                "metadata.KEY, context.FACTOR or similar"
            )
        if self.by == "similar" and (self.k < 1 or not self.factors):
            raise ValueError("similar peer groups need k >= 1 and at least one factor")

    def describe(self) -> str:
        """A short label of the rule ("similar:5:population,context.x" for similarity)."""
        if self.by == "similar":
            return f"similar:{self.k}:{','.join(self.factors)}"
        return self.by


Entry = tuple[CityProfile, ScoreCard]


def population_band(population: int | None, bands: Sequence[int]) -> str:
    """The label of a population band, for example "100,000-249,999" or "1,000,000+"."""
    if population is None:
        return "unknown population"
    lower = 0
    for limit in bands:
        if population < limit:
            return f"{lower:,}-{limit - 1:,}"
        lower = limit
    return f"{lower:,}+"


def _attribute(entry: Entry, key: str, bands: Sequence[int]) -> object:
    profile, card = entry
    if key == "population":
        return population_band(profile.city.population, bands)
    if key in ("country", "region"):
        return getattr(profile.city, key)
    if key.startswith("metadata."):
        return profile.city.metadata.get(key.split(".", 1)[1])
    factor = key.split(".", 1)[1]
    return next((c.value for c in card.context if c.factor == factor), None)


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def _factor_values(entries: Sequence[Entry], factor: str) -> list[float | None]:
    if factor == "population":
        return [math.log10(p.city.population) if p.city.population else None for p, _ in entries]
    return [_number(_attribute(entry, factor, ())) for entry in entries]


def _standardised(values: list[float | None]) -> list[float | None] | None:
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return None
    mean = math.fsum(present) / len(present)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in present) / (len(present) - 1))
    if sd <= 0.0:
        return None
    return [None if v is None else (v - mean) / sd for v in values]


def _similar(entries: Sequence[Entry], rule: PeerRule) -> list[list[int]]:
    columns = [_standardised(_factor_values(entries, f)) for f in rule.factors]
    usable = [c for c in columns if c is not None]
    ids = [card.city_id for _, card in entries]
    groups = []
    for i in range(len(entries)):
        distances = []
        for j in range(len(entries)):
            if j == i:
                continue
            squares = [
                (c[i] - c[j]) ** 2  # type: ignore[operator]
                for c in usable
                if c[i] is not None and c[j] is not None
            ]
            distance = math.sqrt(math.fsum(squares) / len(squares)) if squares else math.inf
            distances.append((distance, ids[j], j))
        distances.sort()
        groups.append([i, *(j for _, _, j in distances[: rule.k])])
    return groups


def peer_groups(
    entries: Sequence[Entry], rule: PeerRule, bands: Sequence[int]
) -> tuple[list[str], list[list[int]]]:
    """Each entry's peer-group label and members (indexes into *entries*, itself included);
    entries of one attribute group share one list."""
    if rule.by == "similar":
        return [f"{rule.k} most similar"] * len(entries), _similar(entries, rule)
    labels = []
    members: dict[str, list[int]] = {}
    for index, entry in enumerate(entries):
        value = _attribute(entry, rule.by, bands)
        label = "unknown" if value is None else str(value)
        labels.append(label)
        members.setdefault(label, []).append(index)
    return labels, [members[label] for label in labels]
