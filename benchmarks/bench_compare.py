"""Ranking benchmark: ``rank_cities`` on synthetic score cards, by population band, by country,
and by similarity (k nearest), with the naive quadratic rank for reference on small n.

Run from the project root with the project installed::

    python benchmarks/bench_compare.py                  # 10,000 cities; similarity on 2,000
    python benchmarks/bench_compare.py --n 1000 --similar 500 --repeat 3

The cards are built directly (no TOML, no scoring): the benchmark times the ranking alone, from
(profile, card) pairs to a Ranking, as ``integration-index compare`` runs it after scoring. Scores
are drawn on a 0.1 grid so that ties occur; each card has bounds around its score, so that the
bound ranks and overlap flags are computed as in real use. Prints the best of ``--repeat`` runs.
Figures depend on the machine: run it on a quiet one before quoting them (docs/performance.md).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import random
import time
from collections.abc import Callable

import integration_index as ii
from integration_index.analysis import PeerRule
from integration_index.model import (
    Assessment,
    City,
    CityProfile,
    NodeResult,
    NodeScore,
    ScoreCard,
)

DAY = datetime.date(2026, 1, 1)
COUNTRIES = [f"country-{i}" for i in range(25)]


def entries(n: int, seed: int = 12) -> list[tuple[CityProfile, ScoreCard]]:
    rng = random.Random(seed)
    made = []
    for i in range(n):
        score = round(rng.uniform(10, 90), 1)
        half = rng.choice([0.0, 0.0, 2.0, 5.0, 15.0])
        node = NodeScore(
            score=score,
            lower=max(0.0, score - half),
            upper=min(100.0, score + half),
            coverage=1.0 if half == 0 else 0.8,
            weight=1.0,
        )
        overall = NodeResult(
            id="overall", parent=None, depth=0, kind="framework", raw=node, adjusted=node
        )
        city_id = f"city-{i:06d}"
        profile = CityProfile(
            city=City(
                id=city_id,
                name=f"City {i}",
                country=rng.choice(COUNTRIES),
                population=rng.randrange(20_000, 3_000_000),
                metadata={"coastal": rng.random() < 0.3},
            ),
            assessment=Assessment(frameworks=("bench",), date=DAY),
        )
        card = ScoreCard(
            framework_id="bench",
            framework_version="1",
            city_id=city_id,
            city_name=f"City {i}",
            assessment_date=DAY,
            mode="self-assessment",
            overall=overall,
            nodes=(),
        )
        made.append((profile, card))
    return made


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def naive(scores: list[float]) -> list[int]:
    return [1 + sum(1 for other in scores if other > s) for s in scores]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="cities (default 10,000)")
    parser.add_argument("--similar", type=int, default=2_000, help="cities for --peers similar")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure (best shown)")
    args = parser.parse_args()
    cities = entries(args.n)
    print(f"integration-index {ii.version()}: ranking {args.n:,} cities")
    groupings: list[tuple[str, PeerRule | None]] = [
        ("population bands", None),
        ("by country", PeerRule(by="country")),
        ("by metadata.coastal", PeerRule(by="metadata.coastal")),
    ]
    for label, grouping in groupings:
        seconds = best_of(args.repeat, functools.partial(ii.rank_cities, cities, peers=grouping))
        print(f"  {label:<28} {seconds:8.3f} s")
    similar = cities[: args.similar]
    rule = PeerRule(by="similar", k=10, factors=("population", "metadata.coastal"))
    seconds = best_of(args.repeat, functools.partial(ii.rank_cities, similar, peers=rule))
    print(f"  {'similar (k=10), ' + format(len(similar), ',') + ' cities':<28} {seconds:8.3f} s")
    small = [card.score or 0.0 for _, card in cities[:2_000]]
    seconds = best_of(1, lambda: naive(small))
    label = f"naive quadratic rank, {len(small):,}"
    print(f"  {label:<28} {seconds:8.3f} s (the rank compare used before)")


if __name__ == "__main__":
    main()
