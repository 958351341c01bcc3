"""Rankings of cities on one framework: overall, within peer groups (by population band, any
profile attribute, or the k most similar cities), with each city's bounds and the ranks they allow.

Ranks are competition ranks ("1224") on scores rounded to the reported precision (2 decimals);
sorting makes a ranking O(n log n). See docs/guides/analysts.md, "Compare".
"""

from __future__ import annotations

import bisect
import csv
import io
from collections.abc import Callable, Mapping, Sequence

import attrs

from integration_index._analysis.peers import PeerRule, peer_groups, population_band
from integration_index._model.profile import CityProfile
from integration_index._model.scorecard import ScoreCard
from integration_index.exceptions import ProfileError

__all__ = [
    "PRECISION",
    "Ranking",
    "RankingRow",
    "competition_ranks",
    "latest_assessments",
    "population_band",
    "rank",
]

#: Scores are compared (for ties) rounded to this many decimals, as rankings report them.
PRECISION = 2


@attrs.frozen(kw_only=True)
class RankingRow:
    """One city in a ranking.

    Attributes:
        city_id: The city.
        city_name: Its name.
        country: Its country.
        population: Its population.
        band: Its peer group's label (a population band, an attribute's value, or "k nearest").
        assessment_date: The assessment ranked (the latest per city).
        score: Its adjusted overall score (None when unscored: ranked last).
        coverage: Its overall coverage.
        rank: Its rank among all cities (1 = best; equal scores to 2 decimals share a rank,
            competition style: 1, 2, 2, 4).
        band_rank: Its rank within its peer group.
        band_size: How many cities its peer group holds.
        lower: Its overall lower bound (every unassessed criterion at its minimum).
        upper: Its overall upper bound.
        rank_best: The best rank its bounds allow: 1 + the cities whose lower bound is above its
            upper bound.
        rank_worst: The worst rank its bounds allow: 1 + the other cities whose upper bound
            reaches its lower bound.
        overlaps: True when its [lower, upper] interval (or its given rank interval) overlaps
            another city's: its order against that city is not established by the evidence.
        interval_lo: The low end of its rank interval from an uncertainty analysis, if given.
        interval_hi: The high end of that interval, if given.
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
    lower: float | None = None
    upper: float | None = None
    rank_best: int = 0
    rank_worst: int = 0
    overlaps: bool = False
    interval_lo: int | None = None
    interval_hi: int | None = None


@attrs.frozen(kw_only=True)
class Ranking:
    """A ranking of cities on one framework.

    Attributes:
        framework_id: The framework.
        bands: The population band limits used (for population peer groups).
        rows: The cities, best first.
        peers: How peer groups were formed ("population", "country", "region",
            "metadata.KEY", "context.FACTOR", or "similar:k:factor,...").
    """

    framework_id: str
    bands: tuple[int, ...]
    rows: tuple[RankingRow, ...]
    peers: str = "population"

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


def competition_ranks(scores: Sequence[float | None]) -> list[int]:
    """Competition ranks ("1224") of *scores*, best (highest) first, equal when equal rounded to
    ``PRECISION`` decimals; None ranks after every score (all None share the last rank).
    O(n log n)."""
    keys = [None if s is None else round(s, PRECISION) for s in scores]
    order = sorted(range(len(keys)), key=lambda i: (keys[i] is None, -(keys[i] or 0.0)))
    ranks = [0] * len(keys)
    for position, i in enumerate(order):
        previous = order[position - 1] if position else None
        if previous is not None and keys[previous] == keys[i]:
            ranks[i] = ranks[previous]
        else:
            ranks[i] = position + 1
    return ranks


def _bound_ranks(lowers: Sequence[float], uppers: Sequence[float]) -> tuple[list[int], list[int]]:
    """For each city, the best and worst rank its [lower, upper] interval allows (sorted bounds
    and bisection: O(n log n))."""
    sorted_lowers, sorted_uppers = sorted(lowers), sorted(uppers)
    n = len(lowers)
    best, worst = [], []
    for low, high in zip(lowers, uppers, strict=True):
        above = n - bisect.bisect_right(sorted_lowers, high)  # lower bound above my upper
        reaching = n - bisect.bisect_left(sorted_uppers, low)  # upper bound >= my lower (me too)
        best.append(1 + above)
        worst.append(max(1 + above, reaching))
    return best, worst


def rank(
    entries: Sequence[tuple[CityProfile, ScoreCard]],
    bands: Sequence[int],
    *,
    sources: Sequence[str | None] | None = None,
    refuse_ambiguous: bool = False,
    peers: PeerRule | None = None,
    intervals: Mapping[str, tuple[int, int]] | None = None,
) -> Ranking:
    """Rank cities by adjusted overall score; the latest assessment of each city counts.

    With *refuse_ambiguous*, two different assessments of one city on one date are an error
    (without it, the first one given counts); identical duplicates count once either way.
    *sources* names each entry (its file), for that error. *peers* forms the peer groups
    (population bands by default); *intervals* gives cities' rank intervals from an
    uncertainty analysis (city id -> (low, high)), shown and counted in ``overlaps``.

    Raises:
        ProfileError: (a ValueError) with *refuse_ambiguous*, two different assessments of one
            city bear the same date: which one counts would depend on their order.
    """
    items = latest_assessments(entries, sources, refuse_ambiguous=refuse_ambiguous)
    items.sort(key=lambda pc: (pc[1].score is None, -(pc[1].score or 0.0), pc[1].city_id))
    scores = [card.score for _, card in items]
    overall = competition_ranks(scores)
    labels, groups = peer_groups(items, peers or PeerRule(), bands)
    group_ranks = _group_ranks(groups, scores)
    lowers = [_bound(card.overall.adjusted.lower, 0.0) for _, card in items]
    uppers = [_bound(card.overall.adjusted.upper, 100.0) for _, card in items]
    best, worst = _bound_ranks(lowers, uppers)
    rows = [
        _row(
            profile,
            card,
            labels[index],
            (overall[index], group_ranks(index), len(groups[index])),
            (best[index], worst[index]),
            (intervals or {}).get(card.city_id),
        )
        for index, (profile, card) in enumerate(items)
    ]
    framework_id = items[0][1].framework_id if items else ""
    return Ranking(
        framework_id=framework_id,
        bands=tuple(bands),
        rows=tuple(rows),
        peers=(peers or PeerRule()).describe(),
    )


def _row(
    profile: CityProfile,
    card: ScoreCard,
    label: str,
    ranks: tuple[int, int, int],
    allowed: tuple[int, int],
    interval: tuple[int, int] | None,
) -> RankingRow:
    """One city's row: *ranks* are its rank, its rank in its group and the group's size;
    *allowed* the best and worst ranks its bounds allow."""
    return RankingRow(
        city_id=card.city_id,
        city_name=card.city_name,
        country=profile.city.country,
        population=profile.city.population,
        band=label,
        assessment_date=card.assessment_date.isoformat(),
        score=card.score,
        coverage=card.coverage,
        rank=ranks[0],
        band_rank=ranks[1],
        band_size=ranks[2],
        lower=card.overall.adjusted.lower,
        upper=card.overall.adjusted.upper,
        rank_best=allowed[0],
        rank_worst=allowed[1],
        overlaps=allowed[1] > allowed[0] or (interval is not None and interval[1] > interval[0]),
        interval_lo=interval[0] if interval else None,
        interval_hi=interval[1] if interval else None,
    )


def _bound(value: float | None, default: float) -> float:
    return default if value is None else value


def _group_ranks(groups: list[list[int]], scores: Sequence[float | None]) -> Callable[[int], int]:
    """Each entry's rank within its peer group (a group shared by several entries is ranked
    once)."""
    done: dict[int, dict[int, int]] = {}

    def rank_in_group(index: int) -> int:
        members = groups[index]
        ranks = done.get(id(members))
        if ranks is None:
            found = competition_ranks([scores[i] for i in members])
            ranks = dict(zip(members, found, strict=True))
            if len(members) > 1 and groups[members[1]] is members:
                done[id(members)] = ranks  # shared by its members: keep for them
        return ranks[index]

    return rank_in_group


def latest_assessments(
    entries: Sequence[tuple[CityProfile, ScoreCard]],
    sources: Sequence[str | None] | None = None,
    *,
    refuse_ambiguous: bool = False,
) -> list[tuple[CityProfile, ScoreCard]]:
    """The latest assessment of each city, in the order each city first appears (what
    :func:`rank` and what-if rank). With *refuse_ambiguous*, two different assessments of one
    city on one date are an error (without it, the first one given counts); identical
    duplicates count once either way. *sources* names each entry (its file), for that error.

    Raises:
        ProfileError: with *refuse_ambiguous*, two different assessments of one city share a
            date.
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
    return list(latest.values())


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
