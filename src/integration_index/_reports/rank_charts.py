"""Charts of a ranking's uncertainty, as inline SVG (see ``charts``): each city's rank interval
with its median and point rank, and bars of shares on 0-1 (P(top k), sensitivity indices).

Marks carry their values as ``data-`` attributes (``data-interval="2 3 5"``: the 5% quantile,
the median and the 95% quantile of the rank), which the browser tests compare with the result.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from integration_index._reports.charts import LABEL, RIGHT, ROW, WIDTH, _axis, _e, _f, _short, _svg

__all__ = ["RankRow", "ShareRow", "rank_chart", "share_bars"]


@attrs.frozen(kw_only=True)
class RankRow:
    """One city: its point rank, median rank and 5%-95% rank interval (1 = best)."""

    id: str
    label: str
    rank: int
    median: int
    low: int
    high: int
    text: str


def _rank_ticks(count: int) -> list[int]:
    step = max(1, -(-(count - 1) // 5))
    ticks = list(range(1, count + 1, step))
    return ticks if ticks[-1] == count else [*ticks, count]


def rank_chart(rows: Sequence[RankRow], *, title: str, desc: str, ident: str) -> str:
    """Cities in point-rank order, each a line from its 5% to its 95% rank quantile, a dot at
    its median rank and a diamond at its point rank; rank 1 on the left."""
    x0, x1 = LABEL, WIDTH - RIGHT
    top, count = 34, max(2, len(rows))
    height = top + ROW * len(rows) + 10

    def x(rank: float) -> float:
        return x0 + (x1 - x0) * (max(1.0, min(float(count), rank)) - 1) / (count - 1)

    body = _axis(x0, x1, top, height - 8, [(x(t), str(t)) for t in _rank_ticks(count)])
    for index, row in enumerate(rows):
        mid = top + index * ROW + ROW / 2
        a, b = x(row.low) - 1.5, x(row.high) + 1.5
        body.append(
            f'<g class="rank-row" data-id="{_e(row.id)}" '
            f'data-interval="{row.low} {row.median} {row.high}" data-rank="{row.rank}">'
            f"<title>{_e(row.label)}: {_e(row.text)}</title>"
            f'<text class="label" x="{_f(x0 - 8)}" y="{_f(mid + 4)}" text-anchor="end">'
            f"{_e(_short(row.label, 34))}</text>"
            f'<path class="range" d="M{_f(a)} {_f(mid - 5)}v10M{_f(a)} {_f(mid)}H{_f(b)}'
            f'M{_f(b)} {_f(mid - 5)}v10"/>'
            f'<circle class="point" cx="{_f(x(row.median))}" cy="{_f(mid)}" r="5"/>'
            f'<path class="raw" d="M{_f(x(row.rank))} {_f(mid - 6)}l4 6-4 6-4-6z"/>'
            f'<text class="value" x="{_f(x1 + 8)}" y="{_f(mid + 4)}">{_e(row.text)}</text></g>'
        )
    return _svg(WIDTH, height, title, desc, body, "ranks", ident)


@attrs.frozen(kw_only=True)
class ShareRow:
    """One row of bars on 0-1: one value (P(top k)) or two (first-order and total index);
    values outside [0, 1] are drawn at the edge, their text says the value."""

    id: str
    label: str
    values: tuple[float, ...]
    text: str


def share_bars(
    rows: Sequence[ShareRow], *, title: str, desc: str, ident: str, ticks: Sequence[str]
) -> str:
    """One row per city or source, its bars on 0-1 (the second of two drawn lighter)."""
    x0, x1 = LABEL, WIDTH - RIGHT
    top = 34
    height = top + ROW * len(rows) + 10

    def x(value: float) -> float:
        return x0 + (x1 - x0) * max(0.0, min(1.0, value))

    marks = [(x(v), t) for v, t in zip((0, 0.25, 0.5, 0.75, 1), ticks, strict=True)]
    body = _axis(x0, x1, top, height - 8, marks)
    for index, row in enumerate(rows):
        mid = top + index * ROW + ROW / 2
        values = " ".join(f"{v:.3f}" for v in row.values)
        body.append(
            f'<g class="share-row" data-id="{_e(row.id)}" data-values="{values}">'
            f"<title>{_e(row.label)}: {_e(row.text)}</title>"
            f'<text class="label" x="{_f(x0 - 8)}" y="{_f(mid + 4)}" text-anchor="end">'
            f"{_e(_short(row.label, 34))}</text>"
        )
        size = 14 / len(row.values)
        for k, value in enumerate(row.values):
            cls = "bar" if k == 0 else "bar weak"
            y = mid - 7 + k * size
            body.append(
                f'<rect class="{cls}" x="{_f(x0)}" y="{_f(y)}" width="{_f(x(value) - x0)}" '
                f'height="{_f(size)}" rx="1"/>'
            )
        body.append(
            f'<text class="value" x="{_f(x1 + 8)}" y="{_f(mid + 4)}">{_e(row.text)}</text></g>'
        )
    return _svg(WIDTH, height, title, desc, body, "shares", ident)
