"""Geometry of the issue page's inline SVG charts: Python computes every coordinate, the templates only draw them.

(The index's trend charts are drawn by the page's script from the series :mod:`evalkit.report.trends`
computes for every selection, so that a selector can redraw them.)

Keeping the arithmetic here (not in Jinja) makes it testable and keeps the templates to markup. All
charts use a fixed ``viewBox`` and scale to the page width; colours come from CSS classes (``cls``), so
the stylesheet, not the data, decides them, and no ``style`` attribute is needed (the CSP forbids them).
"""

from __future__ import annotations

from dataclasses import dataclass
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
