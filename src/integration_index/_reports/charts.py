"""Charts for the HTML reports, drawn in Python as inline SVG from numbers.

Every chart is one ``<svg>`` string: no script, no external resource, every text escaped. Its
marks carry ``data-`` attributes with the values drawn (``data-score="57.3"``), which the browser
tests compare with the score card; the numbers are also in a table beside each chart, and the
chart's ``<title>`` and ``<desc>`` give its text alternative. Colours come from the report's CSS
classes, so the print stylesheet can change them.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import attrs

__all__ = [
    "AlphaRow",
    "Bar",
    "GridRow",
    "IntervalRow",
    "Series",
    "alpha_chart",
    "interval_chart",
    "level_grid",
    "score_bars",
    "small_multiple",
]

WIDTH = 720
LABEL = 260
RIGHT = 96
ROW = 26


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _f(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg(
    width: float, height: float, title: str, desc: str, body: list[str], cls: str, ident: str
) -> str:
    return (
        f'<svg class="chart {cls}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" width="{_f(width)}" height="{_f(height)}" '
        f'aria-labelledby="{ident}-t {ident}-d" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{ident}-t">{_e(title)}</title><desc id="{ident}-d">{_e(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _axis(
    x0: float, x1: float, top: float, bottom: float, ticks: Sequence[tuple[float, str]]
) -> list[str]:
    """Vertical grid lines with their labels above, for values mapped on [x0, x1]."""
    out = []
    for x, label in ticks:
        out.append(
            f'<line class="grid" x1="{_f(x)}" x2="{_f(x)}" y1="{_f(top)}" y2="{_f(bottom)}"/>'
        )
        out.append(
            f'<text class="tick" x="{_f(x)}" y="{_f(top - 6)}" text-anchor="middle">{_e(label)}</text>'
        )
    return out


@attrs.frozen(kw_only=True)
class Bar:
    """One criterion of the score card chart (scores on 0-100, None when not scored)."""

    id: str
    label: str
    score: float | None
    raw: float | None
    lower: float | None
    upper: float | None
    coverage: float
    score_text: str
    coverage_text: str
    missing_text: str


def _scale(x0: float, x1: float) -> Callable[[float], float]:
    """Scores on 0-100 (clamped) to x between *x0* and *x1*."""

    def x(value: float) -> float:
        return x0 + (x1 - x0) * max(0.0, min(100.0, value)) / 100

    return x


def _range(a: float, b: float, mid: float) -> str:
    """A lower-upper interval with end caps, from x *a* to *b* at height *mid*."""
    return (
        f'<path class="range" d="M{_f(a)} {_f(mid - 5)}v10M{_f(a)} {_f(mid)}H{_f(b)}'
        f'M{_f(b)} {_f(mid - 5)}v10"/>'
    )


def _bar_row(bar: Bar, mid: float, x: Callable[[float], float]) -> str:
    x0, x1 = x(0), x(100)
    score = "" if bar.score is None else f"{bar.score:.1f}"
    label = _short(f"{bar.id} {bar.label}", 34)
    out = [
        f'<g class="bar-row" data-id="{_e(bar.id)}" data-score="{score}" '
        f'data-coverage="{bar.coverage:.4f}">'
        f"<title>{_e(bar.id)} {_e(bar.label)}: {_e(bar.score_text)}</title>"
        f'<text class="label" x="{_f(x0 - 8)}" y="{_f(mid + 4)}" text-anchor="end">{_e(label)}</text>'
    ]
    if bar.score is None:
        out.append(
            f'<text class="missing" x="{_f(x0 + 6)}" y="{_f(mid + 4)}">{_e(bar.missing_text)}</text>'
        )
    else:
        out.append(
            f'<rect class="bar" x="{_f(x0)}" y="{_f(mid - 7)}" width="{_f(x(bar.score) - x0)}" '
            f'height="14" rx="2"/>'
        )
    if bar.lower is not None and bar.upper is not None and bar.upper - bar.lower >= 0.05:
        out.append(_range(x(bar.lower), x(bar.upper), mid))
    if bar.raw is not None and bar.score is not None and abs(bar.raw - bar.score) >= 0.05:
        out.append(f'<path class="raw" d="M{_f(x(bar.raw))} {_f(mid - 7)}l5 7-5 7-5-7z"/>')
    value = bar.score_text if bar.score is not None else ""
    out.append(
        f'<text class="value" x="{_f(x1 + 8)}" y="{_f(mid + 4)}">{_e(value)}</text>'
        f'<text class="coverage" x="{_f(WIDTH - 4)}" y="{_f(mid + 4)}" text-anchor="end">'
        f"{_e(bar.coverage_text)}</text></g>"
    )
    return "".join(out)


def score_bars(
    bars: Sequence[Bar],
    *,
    threshold: float | None,
    threshold_text: str,
    title: str,
    desc: str,
    ident: str,
    ticks: Sequence[str],
) -> str:
    """One horizontal bar per criterion, with its lower-upper range, its raw score where a
    modifier changed it, its coverage, and the in-place threshold as a dashed line."""
    top = 34
    height = top + ROW * len(bars) + 10
    x = _scale(LABEL, WIDTH - RIGHT)
    marks = [(x(v), t) for v, t in zip((0, 25, 50, 75, 100), ticks, strict=True)]
    body = _axis(LABEL, WIDTH - RIGHT, top, height - 8, marks)
    body += [_bar_row(bar, top + index * ROW + ROW / 2, x) for index, bar in enumerate(bars)]
    if threshold is not None:
        t = x(threshold)
        body.append(
            f'<line class="threshold" x1="{_f(t)}" x2="{_f(t)}" y1="{_f(top - 2)}" y2="{_f(height - 8)}"/>'
            f'<text class="threshold-label" x="{_f(t + 3)}" y="{_f(height - 1)}">{_e(threshold_text)}</text>'
        )
    return _svg(WIDTH, height + 4, title, desc, body, "score-bars", ident)


@attrs.frozen(kw_only=True)
class GridRow:
    """One item of a level grid: the index of the level reached (None when not rated)."""

    id: str
    label: str
    reached: int | None
    missing_text: str


def _grid_row(row: GridRow, mid: float, x0: float, step: float, levels: int) -> str:
    reached = "" if row.reached is None else str(row.reached)
    out = [
        f'<g class="grid-row" data-id="{_e(row.id)}" data-level="{reached}">'
        f"<title>{_e(row.label)}</title>"
        f'<text class="label" x="{_f(x0 - 8)}" y="{_f(mid + 4)}" text-anchor="end">'
        f"{_e(_short(row.label, 34))}</text>"
    ]
    if row.reached is None:
        out.append(
            f'<text class="missing" x="{_f(x0 + step / 2)}" y="{_f(mid + 4)}">'
            f"{_e(row.missing_text)}</text></g>"
        )
        return "".join(out)
    out.append(
        f'<line class="track" x1="{_f(x0 + step / 2)}" x2="{_f(x0 + step * (levels - 0.5))}" '
        f'y1="{_f(mid)}" y2="{_f(mid)}"/>'
    )
    for index in range(levels):
        cx = _f(x0 + step * (index + 0.5))
        if index == row.reached:
            out.append(f'<circle class="reached" cx="{cx}" cy="{_f(mid)}" r="8"/>')
        elif index == row.reached + 1:
            out.append(f'<circle class="next" cx="{cx}" cy="{_f(mid)}" r="7"/>')
        else:
            out.append(f'<circle class="dot" cx="{cx}" cy="{_f(mid)}" r="2.5"/>')
    return "".join(out) + "</g>"


def level_grid(
    rows: Sequence[GridRow], levels: Sequence[str], *, title: str, desc: str, ident: str
) -> str:
    """Items by the levels of a scale: a filled dot at the level reached, a ring at the next."""
    x0 = LABEL
    step = (WIDTH - x0 - 10) / max(1, len(levels))
    top = 40
    height = top + ROW * len(rows) + 8
    body = []
    for index, level in enumerate(levels):
        cx = x0 + step * (index + 0.5)
        body.append(
            f'<text class="tick level" x="{_f(cx)}" y="24" text-anchor="middle">{_e(_short(level, 16))}</text>'
        )
        body.append(
            f'<line class="grid" x1="{_f(cx)}" x2="{_f(cx)}" y1="{top}" y2="{_f(height - 6)}"/>'
        )
    for row_index, row in enumerate(rows):
        body.append(_grid_row(row, top + row_index * ROW + ROW / 2, x0, step, len(levels)))
    return _svg(WIDTH, height, title, desc, body, "level-grid", ident)


@attrs.frozen(kw_only=True)
class Series:
    """One criterion's scores across assessments (None where not scored)."""

    id: str
    label: str
    scores: tuple[float | None, ...]
    texts: tuple[str, ...]


def _lines(points: Sequence[tuple[float, float] | None]) -> list[str]:
    """Polylines through the points, broken where a point is missing."""
    paths: list[list[str]] = []
    segment: list[str] = []
    for point in [*points, None]:
        if point is None:
            if len(segment) > 1:
                paths.append(segment)
            segment = []
        else:
            segment.append(f"{_f(point[0])} {_f(point[1])}")
    return [f'<path class="line" d="M{"L".join(segment)}"/>' for segment in paths]


def small_multiple(
    series: Series,
    dates: Sequence[str],
    *,
    ident: str,
    desc: str,
    width: float = 230,
    height: float = 120,
    note: Sequence[str] = (),
    overall: bool = False,
) -> str:
    """One criterion's line across assessments on 0-100, with each point's value."""
    left, right, top = 14.0, 14.0, 30.0
    bottom = height - 20
    plot_h = bottom - top
    n = len(series.scores)
    span = (width - left - right) / max(1, n - 1)

    def px(i: int) -> float:
        return left + span * i if n > 1 else width / 2

    def py(v: float) -> float:
        return bottom - plot_h * max(0.0, min(100.0, v)) / 100

    name = _short(f"{series.id} {series.label}", 80 if overall else 28)
    body = [f'<text class="small-title" x="{_f(left)}" y="14">{_e(name)}</text>']
    body += [
        f'<line class="grid{cls}" x1="{_f(left)}" x2="{_f(width - right)}" y1="{_f(y)}" y2="{_f(y)}"/>'
        for y, cls in ((bottom, ""), (py(50), " faint"), (py(100), " faint"))
    ]
    points = [None if v is None else (px(i), py(v)) for i, v in enumerate(series.scores)]
    body += _lines(points)

    for i, (value, text) in enumerate(zip(series.scores, series.texts, strict=True)):
        anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
        if value is not None:
            body.append(
                f'<circle class="point" cx="{_f(px(i))}" cy="{_f(py(value))}" r="3.5" data-score="{value:.1f}"/>'
                f'<text class="point-value" x="{_f(px(i))}" y="{_f(py(value) - 7)}" text-anchor="{anchor}">{_e(text)}</text>'
            )
        body.append(
            f'<text class="tick" x="{_f(px(i))}" y="{_f(height - 6)}" text-anchor="{anchor}">{_e(dates[i])}</text>'
        )
    body += [
        f'<text class="chart-note" x="{_f(left)}" y="{_f(height + 10 + 14 * k)}">{_e(line)}</text>'
        for k, line in enumerate(note)
    ]
    full = height + 14 * len(note) + (6 if note else 0)
    svg = _svg(width, full, f"{series.id} {series.label}", desc, body, "small-multiple", ident)
    return svg.replace(
        '<svg class="chart small-multiple"',
        f'<svg class="chart small-multiple" data-id="{_e(series.id)}"',
        1,
    )


@attrs.frozen(kw_only=True)
class AlphaRow:
    """One criterion's agreement: Krippendorff's alpha (None when not computed)."""

    id: str
    label: str
    alpha: float | None
    text: str


def alpha_chart(
    rows: Sequence[AlphaRow],
    *,
    title: str,
    desc: str,
    ident: str,
    tentative: str,
    firm: str,
    ticks: Sequence[str] = ("-0.5", "0", "0.5", "1"),
) -> str:
    """Alpha per criterion on [-0.5, 1] (lower values drawn at -0.5), with 0.667 and 0.8
    marked."""
    x0, x1 = LABEL, WIDTH - RIGHT
    low = -0.5
    top = 34
    height = top + ROW * len(rows) + 22

    def x(value: float) -> float:
        return x0 + (x1 - x0) * (max(low, min(1.0, value)) - low) / (1 - low)

    marks = [(x(v), t) for v, t in zip((-0.5, 0, 0.5, 1), ticks, strict=True)]
    body = _axis(x0, x1, top, height - 20, marks)
    for index, row in enumerate(rows):
        mid = top + index * ROW + ROW / 2
        alpha = "" if row.alpha is None else f"{row.alpha:.3f}"
        body.append(
            f'<g class="alpha-row" data-id="{_e(row.id)}" data-alpha="{alpha}"><title>{_e(row.id)} {_e(row.label)}: {_e(row.text)}</title>'
            f'<text class="label" x="{_f(x0 - 8)}" y="{_f(mid + 4)}" text-anchor="end">{_e(_short(f"{row.id} {row.label}", 34))}</text>'
        )
        if row.alpha is not None:
            a, b = sorted((x(0), x(row.alpha)))
            cls = "bar" if row.alpha >= 0.667 else "bar weak"
            body.append(
                f'<rect class="{cls}" x="{_f(a)}" y="{_f(mid - 7)}" width="{_f(max(1.0, b - a))}" height="14" rx="2"/>'
            )
            body.append(
                f'<text class="value" x="{_f(x1 + 8)}" y="{_f(mid + 4)}">{_e(row.text)}</text>'
            )
        else:
            body.append(
                f'<text class="missing" x="{_f(x(0) + 6)}" y="{_f(mid + 4)}">{_e(row.text)}</text>'
            )
        body.append("</g>")
    for value, cls in ((0.667, "threshold"), (0.8, "threshold firm")):
        body.append(
            f'<line class="{cls}" x1="{_f(x(value))}" x2="{_f(x(value))}" y1="{top - 2}" y2="{_f(height - 20)}"/>'
        )
    body.append(
        f'<text class="threshold-label" x="{_f(x0)}" y="{_f(height - 4)}">{_e(tentative)} · {_e(firm)}</text>'
    )
    return _svg(WIDTH, height, title, desc, body, "alpha-bars", ident)


@attrs.frozen(kw_only=True)
class IntervalRow:
    """One city of a ranking: its score and bounds (None when unknown), whether its interval
    overlaps another city's (drawn dashed, its value marked), or a group heading."""

    id: str
    label: str
    score: float | None = None
    lower: float | None = None
    upper: float | None = None
    text: str = ""
    heading: bool = False
    overlaps: bool = False


def interval_chart(
    rows: Sequence[IntervalRow], *, title: str, desc: str, ident: str, ticks: Sequence[str]
) -> str:
    """Cities ordered by score, each a dot with its lower-upper bounds, under peer-group
    headings."""
    x0, x1 = LABEL, WIDTH - RIGHT
    top = 34
    height = top + ROW * len(rows) + 10

    def x(value: float) -> float:
        return x0 + (x1 - x0) * max(0.0, min(100.0, value)) / 100

    body = _axis(
        x0,
        x1,
        top,
        height - 8,
        [(x(v), t) for v, t in zip((0, 25, 50, 75, 100), ticks, strict=True)],
    )
    for index, row in enumerate(rows):
        mid = top + index * ROW + ROW / 2
        if row.heading:
            body.append(
                f'<text class="group" x="8" y="{_f(mid + 4)}">{_e(_short(row.label, 90))}</text>'
            )
            continue
        score = "" if row.score is None else f"{row.score:.1f}"
        marked = ' data-overlaps="true"' if row.overlaps else ""
        body.append(
            f'<g class="city-row" data-id="{_e(row.id)}" data-score="{score}"{marked}><title>{_e(row.label)}: {_e(row.text)}</title>'
            f'<text class="label" x="{_f(x0 - 8)}" y="{_f(mid + 4)}" text-anchor="end">{_e(_short(row.label, 34))}</text>'
        )
        if row.lower is not None and row.upper is not None and row.upper - row.lower >= 0.05:
            a, b = x(row.lower), x(row.upper)
            body.append(
                f'<path class="range" d="M{_f(a)} {_f(mid - 5)}v10M{_f(a)} {_f(mid)}H{_f(b)}M{_f(b)} {_f(mid - 5)}v10"/>'
            )
        if row.score is not None:
            body.append(f'<circle class="point" cx="{_f(x(row.score))}" cy="{_f(mid)}" r="5"/>')
        body.append(
            f'<text class="value" x="{_f(x1 + 8)}" y="{_f(mid + 4)}">{_e(row.text)}</text></g>'
        )
    return _svg(WIDTH, height, title, desc, body, "intervals", ident)
