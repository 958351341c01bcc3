"""Rankings of cities on one framework, overall and within peer groups by population band."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import attrs

from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index.exceptions import ProfileError

__all__ = ["Ranking", "RankingRow", "population_band", "rank"]


@attrs.frozen(kw_only=True)
class RankingRow:
    """One city in a ranking.

    Attributes:
        city_id: The city.
        city_name: Its name.
        country: Its country.
        population: Its population.
        band: Its peer group (population band label).
        assessment_date: The assessment ranked (the latest per city).
        score: Its adjusted overall score (None when unscored: ranked last).
        coverage: Its overall coverage.
        rank: Its rank among all cities (1 = best; ties share a rank).
        band_rank: Its rank within its peer group.
        band_size: How many cities its peer group holds.
    """

    city_id: str
    city_name: str
    country: str | None
    population: int | None
    band: str
    assessment_date: str
    score: float | None
    coverage: float
    rank: int
    band_rank: int
    band_size: int


@attrs.frozen(kw_only=True)
class Ranking:
    """A ranking of cities on one framework.

    Attributes:
        framework_id: The framework.
        bands: The population band limits used.
        rows: The cities, best first.
    """

    framework_id: str
    bands: tuple[int, ...]
    rows: tuple[RankingRow, ...]

    def to_csv(self) -> str:
        """The ranking as CSV text with a header row."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        fields = [field.name for field in attrs.fields(RankingRow)]
        writer.writerow(fields)
        for row in self.rows:
            values = attrs.astuple(row)
            writer.writerow(
                ["" if v is None else f"{v:.2f}" if isinstance(v, float) else v for v in values]
            )
        return buffer.getvalue()


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


def _ranks(scores: list[float | None]) -> list[int]:
    ranks = []
    for score in scores:
        if score is None:
            ranks.append(1 + sum(1 for s in scores if s is not None))
        else:
            ranks.append(1 + sum(1 for s in scores if s is not None and s > score))
    return ranks


def rank(
    entries: Sequence[tuple[CityProfile, ScoreCard]],
    bands: Sequence[int],
    *,
    sources: Sequence[str | None] | None = None,
    refuse_ambiguous: bool = False,
) -> Ranking:
    """Rank cities by adjusted overall score; the latest assessment of each city counts.

    With *refuse_ambiguous*, two different assessments of one city on one date are an error
    (without it, the first one given counts); identical duplicates count once either way.
    *sources* names each entry (its file), for that error.

    Raises:
        ProfileError: (a ValueError) with *refuse_ambiguous*, two different assessments of one
            city bear the same date: which one counts would depend on their order.
    """
    latest: dict[str, tuple[CityProfile, ScoreCard]] = {}
    where: dict[str, int] = {}
    for index, (profile, card) in enumerate(entries):
        known = latest.get(card.city_id)
        if known is not None and card.assessment_date == known[1].assessment_date:
            if not refuse_ambiguous or (profile == known[0] and card.score == known[1].score):
                continue  # the same assessment given twice (or the first one given counts)
            raise _ambiguous(card, _source(sources, where[card.city_id]), _source(sources, index))
        if known is None or card.assessment_date > known[1].assessment_date:
            latest[card.city_id] = (profile, card)
            where[card.city_id] = index
    items = sorted(
        latest.values(),
        key=lambda pc: (pc[1].score is None, -(pc[1].score or 0.0), pc[1].city_id),
    )
    scores = [card.score for _, card in items]
    overall = _ranks(scores)
    labels = [population_band(profile.city.population, bands) for profile, _ in items]
    rows = []
    framework_id = items[0][1].framework_id if items else ""
    for index, (profile, card) in enumerate(items):
        peers = [i for i, label in enumerate(labels) if label == labels[index]]
        band_scores = [scores[i] for i in peers]
        band_rank = _ranks(band_scores)[peers.index(index)]
        rows.append(
            RankingRow(
                city_id=card.city_id,
                city_name=card.city_name,
                country=profile.city.country,
                population=profile.city.population,
                band=labels[index],
                assessment_date=card.assessment_date.isoformat(),
                score=card.score,
                coverage=card.coverage,
                rank=overall[index],
                band_rank=band_rank,
                band_size=len(peers),
            )
        )
    return Ranking(framework_id=framework_id, bands=tuple(bands), rows=tuple(rows))


def _source(sources: Sequence[str | None] | None, index: int) -> str:
    name = sources[index] if sources is not None and index < len(sources) else None
    return name or f"entry {index + 1}"


def _ambiguous(card: ScoreCard, first: str, second: str) -> ProfileError:
    date = card.assessment_date.isoformat()
    return ProfileError(
        f"ambiguous: two different assessments of city {card.city_id!r} on {date} "
        f"({first} and {second}); which one to rank would depend on their order. Keep one, "
        "or correct the date of the other",
        key_path="assessment.date",
    )
