"""Evidence rules: how several ratings of one leaf combine into one value."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["combine_ratings"]


def combine_ratings(values: Sequence[float], rule: str, dates: Sequence[object] = ()) -> float:
    """Combine several ratings of one leaf (each in [0, 1]) by an evidence rule.

    "latest" keeps the items with the latest date (undated items count as oldest) and takes
    their median, so the result never depends on the order of the items.
    """
    if len(values) == 1:
        return values[0]
    if rule == "latest" and dates:
        dated = [
            (date, value) for date, value in zip(dates, values, strict=True) if date is not None
        ]
        if dated:
            newest = max(date for date, _ in dated)  # type: ignore[type-var]
            values = [value for date, value in dated if date == newest]
        rule = "median"
    if rule == "mean":
        return math.fsum(values) / len(values)
    if rule == "min":
        return min(values)
    if rule == "max":
        return max(values)
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
