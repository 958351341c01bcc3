"""Uncertainty analysis benchmark: 1,000 cities x 10,000 draws, the target being under a minute
on a 2-core machine (issue 12), and the vectorised scoring path against the scalar engine.

Run from the project root with the ``analysis`` extra installed::

    python benchmarks/bench_uncertainty.py               # 1,000 cities, 10,000 draws
    python benchmarks/bench_uncertainty.py --quick       # 200 cities, 1,000 draws
    python benchmarks/bench_uncertainty.py --cities 1000 --draws 10000 --sources weights

It generates deterministic synthetic EUROCITIES-like profiles in memory (seeded: the same
profiles on every run): each city rates about 70 % of the framework's leaves, one to three
evidence items per rated leaf on the leaf's scale, with dates, so that every source of
uncertainty has something to vary. It prints, with the peak RSS of this process:

* the scalar engine: ``score`` of every profile (what the analysis starts from);
* ``score_arrays``: every node of every city at once from the cards;
* ``rank_uncertainty`` with the chosen sources (default all four), its runs and its base
  sample, and the rate in city-runs per second.
"""

from __future__ import annotations

import argparse
import datetime
import random
import resource
import sys
import time

from integration_index import default_registry, rank_uncertainty, score, score_arrays
from integration_index.analysis import SOURCES, UncertaintySources
from integration_index.model import Assessment, City, CityProfile, Evidence, Framework

FRAMEWORK_ID = "eurocities"
TARGET_SECONDS = 60.0
_DATES = (datetime.date(2022, 3, 1), datetime.date(2023, 6, 30), datetime.date(2024, 1, 15))


def synthetic_profiles(framework: Framework, count: int, seed: int = 12) -> list[CityProfile]:
    """*count* EUROCITIES-like profiles, the same for the same seed."""
    rng = random.Random(seed)
    levels = framework.rating_levels
    profiles = []
    for index in range(count):
        strength = rng.random()  # some cities do better than others, as in a real cohort
        evidence = []
        for leaf in framework.leaves:
            if rng.random() > 0.7:
                continue
            level_ids = list(levels[leaf.id] or ())
            for _ in range(rng.choice((1, 1, 2, 3))):
                position = min(
                    len(level_ids) - 1, int(rng.betavariate(1 + 4 * strength, 2) * len(level_ids))
                )
                evidence.append(
                    Evidence(
                        criterion=leaf.id,
                        rating=level_ids[position],
                        source="document",
                        date=rng.choice(_DATES),
                    )
                )
        profiles.append(
            CityProfile(
                city=City(id=f"city-{index:05d}", name=f"City {index}"),
                assessment=Assessment(frameworks=(FRAMEWORK_ID,), date=datetime.date(2024, 6, 1)),
                evidence=tuple(evidence),
            )
        )
    return profiles


def _sources(names: str) -> UncertaintySources:
    chosen = [name for name in names.split(",") if name]
    unknown = set(chosen) - set(SOURCES)
    if unknown:
        sys.exit(f"unknown sources: {', '.join(sorted(unknown))}")
    everything = UncertaintySources()
    return UncertaintySources(
        unassessed="unassessed" in chosen,
        weights=everything.weights if "weights" in chosen else None,
        aggregation=everything.aggregation if "aggregation" in chosen else None,
        evidence=everything.evidence if "evidence" in chosen else None,
    )


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cities", type=int, default=1000)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--sources", default=",".join(SOURCES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="200 cities, 1,000 draws")
    args = parser.parse_args(argv)
    if args.quick:
        args.cities, args.draws = 200, 1000
    registry = default_registry()
    framework = registry.get_framework(FRAMEWORK_ID)
    profiles = synthetic_profiles(framework, args.cities)
    print(f"{args.cities} cities, {len(framework.leaves)} leaves, {len(framework.nodes)} nodes")

    start = time.perf_counter()
    cards = [score(profile, framework, registry=registry) for profile in profiles]
    scalar = time.perf_counter() - start
    print(f"scalar engine, score():        {scalar:8.2f} s  ({args.cities / scalar:,.0f} cities/s)")

    start = time.perf_counter()
    arrays = score_arrays(cards, framework, registry=registry)
    vector = time.perf_counter() - start
    assert arrays.adjusted.score.shape[0] == args.cities
    print(
        f"vectorised, score_arrays():     {vector:8.2f} s  ({args.cities / vector:,.0f} cities/s)"
    )

    sources = _sources(args.sources)
    start = time.perf_counter()
    result = rank_uncertainty(
        profiles, framework, draws=args.draws, seed=args.seed, sources=sources, registry=registry
    )
    total = time.perf_counter() - start
    rate = result.runs * args.cities / total
    print(
        f"rank_uncertainty():             {total:8.2f} s  ({result.runs} runs, N = "
        f"{result.base_sample}, sources {', '.join(result.sources) or 'none'}; "
        f"{rate:,.0f} city-runs/s; scoring included)"
    )
    for source in result.sensitivity:
        print(f"  {source.source:12s} S1 {source.first_order:6.3f}  ST {source.total:6.3f}")
    print(f"peak RSS: {_rss_mb():.0f} MB")
    if args.cities == 1000 and args.draws == 10_000:
        verdict = "met" if total < TARGET_SECONDS else "MISSED"
        print(f"target: 1,000 x 10,000 under {TARGET_SECONDS:.0f} s: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
