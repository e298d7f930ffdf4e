"""Geometry of the inline SVG charts: Python computes every coordinate, the templates only draw them.

Keeping the arithmetic here (not in Jinja) makes it testable and keeps the templates to markup. All
charts use a fixed ``viewBox`` and scale to the page width; colours come from CSS classes (``cls``), so
the stylesheet, not the data, decides them, and no ``style`` attribute is needed (the CSP forbids them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Callable, Sequence

#: Width of every chart's viewBox; heights vary.
WIDTH = 640


@dataclass(frozen=True)
class Segment:
    """One coloured piece of a horizontal bar."""

    x: float
    w: float
    cls: str
    title: str


@dataclass(frozen=True)
class BarRow:
    """One labelled horizontal bar; ``key`` is what clicking it filters the entry table by (may be empty)."""

    label: str
    key: str
    y: float
    h: float
    segments: tuple[Segment, ...]
    total: str
    total_x: float


@dataclass(frozen=True)
class BarChart:
    """Labelled horizontal stacked bars with a legend."""

    width: float
    height: float
    label_width: float
    rows: tuple[BarRow, ...]
    legend: tuple[tuple[str, str], ...]


def bar_chart(
    rows: Sequence[tuple[str, str, Sequence[tuple[str, float, str]]]],
    *,
    legend: Sequence[tuple[str, str]] = (),
    label_width: float = 170,
    row_height: float = 22,
    total: Callable[[float], str] = lambda v: f"{v:,.0f}",
) -> BarChart:
    """Stacked bars: ``rows`` are ``(label, key, [(css class, value, tooltip), ...])``, all on one scale.

    Room is kept right of the longest bar for its total.
    """
    plot = WIDTH - label_width - 60
    biggest = max((sum(v for _, v, _ in segs) for _, _, segs in rows), default=0) or 1
    out = []
    for n, (label, key, segs) in enumerate(rows):
        x = label_width
        pieces = []
        for cls, value, title in segs:
            if value <= 0:
                continue
            w = max(plot * value / biggest, 1.5)  # a single finding must stay visible
            pieces.append(Segment(round(x, 1), round(w, 1), cls, title))
            x += w
        summed = sum(v for _, v, _ in segs)
        out.append(BarRow(label, key, n * row_height + 4, row_height - 6, tuple(pieces), total(summed), round(x + 6, 1)))
    return BarChart(WIDTH, len(rows) * row_height + 8, label_width, tuple(out), tuple(legend))


@dataclass(frozen=True)
class HistBar:
    """One bin of a histogram."""

    x: float
    y: float
    w: float
    h: float
    count: int
    title: str


@dataclass(frozen=True)
class Histogram:
    """Counts of values in equal bins, with the bin edges as ticks."""

    width: float
    height: float
    left: float
    right: float
    base: float
    bars: tuple[HistBar, ...]
    x_ticks: tuple[tuple[float, str], ...]
    y_max: int
    n: int


def value_range(values: Sequence[float]) -> tuple[float, float]:
    """A natural axis for scores: 0–1 (COMET, similarity), 0–100 (BLEU, chrF, TER), else the data's own."""
    lo, hi = min(values, default=0.0), max(values, default=1.0)
    if lo >= 0 and hi <= 1:
        return 0.0, 1.0
    if lo >= 0 and hi <= 100:
        return 0.0, 100.0
    if lo == hi:
        return lo - 1, hi + 1
    return lo, hi


def histogram(
    values: Sequence[float], *, bins: int = 10, lo: float | None = None, hi: float | None = None, digits: int = 0, width: float = 360
) -> Histogram:
    """A histogram of ``values`` over ``[lo, hi]`` (default :func:`value_range`); the last bin is closed.

    Narrower than the other charts: histograms sit side by side, and a narrow viewBox keeps their text
    legible when scaled down.
    """
    if lo is None or hi is None:
        lo, hi = value_range(values)
    step = (hi - lo) / bins
    counts = [0] * bins
    for v in values:
        k = min(bins - 1, max(0, int((v - lo) / step))) if step else 0
        counts[k] += 1
    left, right, top, base = 30.0, width - 10.0, 16.0, 118.0
    bin_width = (right - left) / bins
    biggest = max(counts) or 1
    bars = []
    for k, count in enumerate(counts):
        h = (base - top) * count / biggest
        a, b = lo + k * step, lo + (k + 1) * step
        bars.append(
            HistBar(round(left + k * bin_width + 1, 1), round(base - h, 1), round(bin_width - 2, 1), round(h, 1), count,
                    f"{a:.{digits}f}–{b:.{digits}f}: {count}")
        )
    ticks = tuple((round(left + k * bin_width, 1), f"{lo + k * step:.{digits}f}") for k in range(0, bins + 1, 2))
    return Histogram(width, base + 22, left, right, base, tuple(bars), ticks, max(counts), len(values))


@dataclass(frozen=True)
class Dot:
    """One issue on a trend chart; ``ci`` is the interval's (top, bottom) in chart coordinates."""

    x: float
    y: float
    title: str
    href: str | None
    ci: tuple[float, float] | None


@dataclass(frozen=True)
class TimeChart:
    """Values over dates: a dot per issue, a line through the per-date aggregate, axes with ticks."""

    width: float
    height: float
    left: float
    right: float
    top: float
    base: float
    dots: tuple[Dot, ...]
    path: str
    x_ticks: tuple[tuple[float, str, str], ...]
    y_ticks: tuple[tuple[float, str], ...]


@dataclass(frozen=True)
class TimePoint:
    """An input point of :func:`time_chart`."""

    day: date
    value: float
    title: str
    href: str | None = None
    ci: tuple[float, float] | None = None


def nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """About ``count`` round tick values (1, 2, 2.5, 5 × 10^k steps) covering ``[lo, hi]``."""
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    out, v = [], first
    while v <= hi + 1e-9:
        out.append(round(v, 10))
        v += step
    return out


def time_chart(
    points: Sequence[TimePoint],
    line: Sequence[tuple[date, float]],
    *,
    y_range: tuple[float, float] | None = None,
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    height: float = 190,
    width: float = WIDTH,
) -> TimeChart:
    """Dots (with optional CI whiskers) for ``points`` and a polyline through ``line``, over a date axis.

    ``x_ticks`` are ``(x, label, text-anchor)``: the end labels are anchored inwards so they are not cut.
    """
    left, right, top, base = 44.0, width - 12.0, 10.0, height - 26
    days = [p.day.toordinal() for p in points] + [d.toordinal() for d, _ in line]
    d0, d1 = min(days, default=0), max(days, default=0)
    values = [p.value for p in points] + [v for _, v in line] + [c for p in points if p.ci for c in p.ci]
    if y_range is None:
        lo, hi = min(values, default=0.0), max(values, default=1.0)
        pad = (hi - lo) * 0.1 or abs(hi) * 0.1 or 1.0
        y_range = (lo - pad, hi + pad)
    y0, y1 = y_range
    if y1 <= y0:
        y1 = y0 + 1

    def x_of(day: int) -> float:
        """The x coordinate of an ordinal day."""
        return round((left + right) / 2 if d1 == d0 else left + (right - left) * (day - d0) / (d1 - d0), 1)

    def y_of(value: float) -> float:
        """The y coordinate of a value, clamped to the axis."""
        clamped = min(max(value, y0), y1)
        return round(base - (base - top) * (clamped - y0) / (y1 - y0), 1)

    dots = tuple(
        Dot(x_of(p.day.toordinal()), y_of(p.value), p.title, p.href, (y_of(p.ci[1]), y_of(p.ci[0])) if p.ci else None)
        for p in points
    )
    ordered = sorted(line)
    path = " ".join(f"{'M' if k == 0 else 'L'}{x_of(d.toordinal())} {y_of(v)}" for k, (d, v) in enumerate(ordered))
    y_ticks = tuple((y_of(v), fmt(v)) for v in nice_ticks(y0, y1))
    count = 5 if width >= WIDTH else 3
    return TimeChart(width, height, left, right, top, base, dots, path, _date_ticks(d0, d1, x_of, count), y_ticks)


def _date_ticks(d0: int, d1: int, x_of: Callable[[int], float], count: int = 5) -> tuple[tuple[float, str, str], ...]:
    """Up to ``count`` evenly spaced date labels: days for a short span, months for a long one."""
    if d1 == d0:
        return ((x_of(d0), date.fromordinal(d0).isoformat(), "middle"),)
    fmt = "%Y-%m-%d" if d1 - d0 < 90 else "%Y-%m"
    ticks: list[tuple[float, str, str]] = []
    for k in range(count):
        day = round(d0 + (d1 - d0) * k / (count - 1))
        label = date.fromordinal(day).strftime(fmt)
        anchor = "start" if k == 0 else "end" if k == count - 1 else "middle"
        if not ticks or ticks[-1][1] != label:
            ticks.append((x_of(day), label, anchor))
    return tuple(ticks)
