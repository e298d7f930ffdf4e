"""Geometry of the comparison page's segment scatter: baseline against system, one dot per entry.

With a primary measure (a reference metric or a model score) each matched entry is a dot at (baseline
score, system score). Without one, the common case, the dots count findings (errors + warnings) per
side; those are small integers, so entries on the same point are stacked into one dot whose area grows
with how many it holds (no jitter: the position stays exact). Python computes every coordinate, as for
:mod:`evalkit.report.html.charts`; the template only draws them, and colours come from CSS classes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from evalkit.report.html.charts import value_range

#: The viewBox is square so that the diagonal (no change) is at 45 degrees.
SIZE = 380
LEFT, TOP, RIGHT_PAD, BOTTOM_PAD = 46.0, 12.0, 12.0, 40.0
#: Radius of a one-entry dot and the growth of a stacked dot's radius with the square root of its count.
DOT_R = 3.5
STACK_GROWTH = 2.2


@dataclass(frozen=True)
class ScatterDot:
    """One dot: its place and size, ``cls`` (``up``/``down``/``same``: the system better, worse, level),
    its tooltip, and what clicking it opens: one entry (``key``) or a stack of entries (``cell``)."""

    x: float
    y: float
    r: float
    cls: str
    title: str
    key: str | None
    cell: str | None
    n: int


@dataclass(frozen=True)
class Scatter:
    """The whole chart: plot box, diagonal, ticks on both axes, axis labels and the dots."""

    size: float
    left: float
    right: float
    top: float
    base: float
    diagonal: tuple[float, float, float, float]
    ticks: tuple[tuple[float, float, str], ...]
    x_label: str
    y_label: str
    mode: str
    dots: tuple[ScatterDot, ...]


def axis_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """About ``count`` round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) over ``[lo, hi]``."""
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    out, k = [], math.ceil(lo / step - 1e-9)
    while k * step <= hi + 1e-9:
        out.append(round(k * step, 10))
        k += 1
    return out


def _entry_count(entry: Mapping[str, Any], side: int) -> int:
    """Errors plus warnings of one side of a matched entry."""
    return int((entry.get("errors") or [0, 0])[side] or 0) + int((entry.get("warnings") or [0, 0])[side] or 0)


def _axis(lo: float, hi: float) -> tuple[Any, Any]:
    """Functions from a value to the x and to the y coordinate over ``[lo, hi]`` on both axes."""
    right, base = SIZE - RIGHT_PAD, SIZE - BOTTOM_PAD
    span = (hi - lo) or 1.0

    def x_of(v: float) -> float:
        return round(LEFT + (right - LEFT) * (min(max(v, lo), hi) - lo) / span, 1)

    def y_of(v: float) -> float:
        return round(base - (base - TOP) * (min(max(v, lo), hi) - lo) / span, 1)

    return x_of, y_of


def _cls(delta: float, higher_is_better: bool) -> str:
    if delta == 0:
        return "same"
    return "up" if (delta > 0) == higher_is_better else "down"


def _frame(lo: float, hi: float, x_label: str, y_label: str, mode: str, dots: Sequence[ScatterDot], integer: bool) -> Scatter:
    x_of, y_of = _axis(lo, hi)
    values = axis_ticks(lo, hi, 4)
    if integer:
        values = [v for v in values if float(v).is_integer()] or [lo, hi]
    ticks = tuple((x_of(v), y_of(v), f"{v:g}") for v in values)
    return Scatter(
        SIZE, LEFT, SIZE - RIGHT_PAD, TOP, SIZE - BOTTOM_PAD,
        (x_of(lo), y_of(lo), x_of(hi), y_of(hi)), ticks, x_label, y_label, mode, tuple(dots),
    )


def score_scatter(entries: Sequence[Mapping[str, Any]], measure: Mapping[str, Any], baseline: str, system: str) -> Scatter | None:
    """Baseline against system value of ``measure`` for every entry that has it (``None``: none has)."""
    name = measure["name"]
    points = [(e["key"], e["scores"][name]) for e in entries if isinstance((e.get("scores") or {}).get(name), list)]
    if not points:
        return None
    lo, hi = value_range([v for _, pair in points for v in pair])
    x_of, y_of = _axis(lo, hi)
    digits = measure.get("digits", 2)
    dots = [
        ScatterDot(
            x_of(a), y_of(b), DOT_R, _cls(b - a, bool(measure.get("higher_is_better", True))),
            f"{key}: {a:.{digits}f} → {b:.{digits}f}", str(key), None, 1,
        )
        for key, (a, b) in points
    ]
    label = measure.get("label") or name
    return _frame(lo, hi, f"{label}: {baseline}", f"{label}: {system}", "score", dots, integer=False)


def count_scatter(entries: Sequence[Mapping[str, Any]], baseline: str, system: str) -> Scatter | None:
    """Errors + warnings per entry, baseline against system, entries on one point stacked into one dot."""
    if not entries:
        return None
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for e in entries:
        cells[(_entry_count(e, 0), _entry_count(e, 1))].append(str(e["key"]))
    hi = max(max(a, b) for a, b in cells) or 1
    x_of, y_of = _axis(0, hi)
    # A stack never grows past half the distance between neighbouring points, so stacks do not merge.
    room = max((SIZE - LEFT - RIGHT_PAD) / hi / 2, DOT_R)
    dots = []
    for (a, b), keys in sorted(cells.items()):
        n = len(keys)
        r = round(min(DOT_R + STACK_GROWTH * (math.sqrt(n) - 1), room), 1)
        what = f"{n} entries" if n > 1 else keys[0]
        dots.append(ScatterDot(x_of(a), y_of(b), r, _cls(b - a, False), f"{what}: {a} → {b} errors + warnings",
                               keys[0] if n == 1 else None, f"{a},{b}", n))
    return _frame(0, hi, f"errors + warnings: {baseline}", f"errors + warnings: {system}", "count", dots, integer=True)


def pair_scatter(comparison: Mapping[str, Any]) -> Scatter | None:
    """The scatter of one comparison: by its primary measure when it has one, else by finding counts."""
    entries = comparison.get("entries") or []
    primary = comparison.get("primary")
    measure = next((m for m in comparison.get("measures") or [] if m.get("name") == primary), None) if primary else None
    if measure is not None:
        chart = score_scatter(entries, measure, comparison["baseline"], comparison["system"])
        if chart is not None:
            return chart
    return count_scatter(entries, comparison["baseline"], comparison["system"])
