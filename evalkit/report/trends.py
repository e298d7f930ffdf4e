"""Trend series of the index page: issues grouped into weekly or monthly buckets, with 95% intervals.

Every rate is entry-weighted: a bucket's value is the sum of its issues' numerators over the sum of their
entries (never a mean of the issues' own rates), so a one-entry issue weighs one entry, not a whole
issue. Each point carries an interval that shows how little a small bucket says:

* shares (failing entries, invented endings, English cut) get the Wilson score interval of ``k`` of ``n``;
* counts per 100 entries (findings, leaks, each category) get the Poisson score interval of ``k`` events
  in ``n`` entries (the Wilson idea applied to a rate; it stays above zero and is not empty at ``k = 0``);
* scores get the scored-entry-weighted mean of the issues' scores, its interval from the issues'
  bootstrap intervals read as independent normal errors.

An issue that lacks a figure (a gate report has no finding counts, a history no English-cut flags)
is left out of that figure's series only. The page's script draws what :func:`trend_data` computes; no
arithmetic happens in the browser beyond placing the numbers on the axes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable, Iterable, Mapping, Sequence

#: The normal quantile of a two-sided 95% interval.
Z95 = 1.959963984540054
#: Bucket sizes a reader can choose between.
GRAINS = ("week", "month")
#: Spans shorter than this many days are drawn by week by default, longer ones by month.
WEEKLY_SPAN_DAYS = 183
#: A bucket of fewer entries says little: it is drawn hollow and does not stretch the y-axis of a
#: count per 100 entries beyond its interval's lower end (it sits on the top edge when above it).
FEW_ENTRIES = 10
#: Categories drawn as small multiples (the busiest first); the table and the issue pages have them all.
MAX_CATEGORY_CHARTS = 12


# --- intervals ------------------------------------------------------------------------------------------


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of the share ``k / n`` (both ends in 0..1); ``(0, 1)`` when ``n`` is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)


def poisson_rate(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The score interval of a Poisson rate: ``k`` events over an exposure of ``n`` (entries), per unit.

    Solves ``(k - n·λ)² = z²·n·λ`` for λ, which gives ``(k + z²/2 ± z·sqrt(k + z²/4)) / n``.
    """
    if n <= 0:
        return 0.0, math.inf
    half = z * math.sqrt(k + z * z / 4)
    return max(0.0, (k + z * z / 2 - half) / n), (k + z * z / 2 + half) / n


# --- buckets -------------------------------------------------------------------------------------------


def bucket_start(day: date, grain: str) -> date:
    """The first day of the bucket holding ``day``: the Monday of its ISO week, or the 1st of its month."""
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown grain {grain!r} (expected one of {', '.join(GRAINS)})")


def next_bucket(start: date, grain: str) -> date:
    """The first day of the bucket after the one starting on ``start``."""
    if grain == "week":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def bucket_label(start: date, grain: str) -> str:
    """A short name of a bucket: ``2026-W07`` (ISO week) or ``2026-02``."""
    if grain == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"


def bucket_span(start: date, grain: str) -> str:
    """The days a bucket covers, for tooltips: ``2026-02-09 to 2026-02-15``."""
    return f"{start.isoformat()} to {(next_bucket(start, grain) - timedelta(days=1)).isoformat()}"


def buckets_between(first: date, last: date, grain: str) -> list[date]:
    """Every bucket start from the bucket of ``first`` to the bucket of ``last``, gaps included."""
    out, b = [], bucket_start(first, grain)
    while b <= last:
        out.append(b)
        b = next_bucket(b, grain)
    return out


def default_grain(first: date, last: date) -> str:
    """Weekly buckets for a span of under about six months, monthly ones beyond."""
    return "week" if (last - first).days < WEEKLY_SPAN_DAYS else "month"


# --- figures and measures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueScore:
    """An issue-level score: the value, the entries it was computed on and its interval, if any."""

    value: float
    n: int
    ci: tuple[float, float] | None = None


@dataclass(frozen=True)
class Figures:
    """What the trends know of one issue; ``None`` where its input does not say (gate reports, histories).

    ``findings`` and ``by_category`` count errors plus warnings; ``invented`` counts the entries whose
    English was cut and whose Chinese carries a ``truncation.fabricated`` finding.
    """

    entries: int
    fail: int | None = None
    findings: int | None = None
    cut: int | None = None
    invented: int | None = None
    by_category: Mapping[str, int] | None = None
    scores: Mapping[str, IssueScore] = field(default_factory=dict)


@dataclass(frozen=True)
class Dated:
    """An issue as the trends see it: its date, channel, source and figures."""

    day: date
    channel: str
    source: str
    figures: Figures


@dataclass(frozen=True)
class Measure:
    """One trend chart: how to read an issue's numerator and denominator, and how to draw the result.

    ``kind`` is ``share`` (percent, Wilson), ``rate`` (per 100 entries, Poisson) or ``score`` (a weighted
    mean); ``scale`` names the charts that share one y-scale (``None``: a scale of its own).
    """

    key: str
    title: str
    kind: str
    note: str
    counts: Callable[[Figures], tuple[int, int] | None]
    unit: str = ""
    scale: str | None = None
    digits: int = 1
    higher_is_better: bool | None = None


@dataclass(frozen=True)
class Point:
    """One bucket of a series: value, interval (``None`` when unknown), numerator, denominator, issues."""

    bucket: date
    value: float
    lo: float | None
    hi: float | None
    k: float
    n: int
    issues: int


def _known(*values: int | None) -> bool:
    return all(v is not None for v in values)


def _category(name: str) -> Callable[[Figures], tuple[int, int] | None]:
    def counts(f: Figures) -> tuple[int, int] | None:
        """Findings of ``name`` and entries, when the issue's findings by category are known."""
        return (f.by_category.get(name, 0), f.entries) if f.by_category is not None else None

    return counts


SHARE_NOTE = "entry-weighted share of the bucket's entries; whisker: Wilson 95% interval"
RATE_NOTE = "errors + warnings per 100 entries of the bucket (sum of findings / sum of entries); whisker: Poisson score 95% interval"


def headline_measures() -> list[Measure]:
    """The charts that need no references: findings, failing share, invented endings, leaks, English cut."""
    return [
        Measure("findings", "findings per 100 entries", "rate", RATE_NOTE,
                lambda f: (f.findings, f.entries) if _known(f.findings) else None, unit=" /100"),  # type: ignore[arg-type,return-value]
        Measure("failing", "failing entries", "share", "share of entries with an error; " + SHARE_NOTE,
                lambda f: (f.fail, f.entries) if _known(f.fail) else None, unit="%", scale="share"),  # type: ignore[arg-type,return-value]
        Measure("invented", "invented endings", "share",
                "share of the entries whose English was cut that complete it with invented content"
                " (truncation.fabricated); Wilson 95% interval",
                lambda f: (f.invented, f.cut) if _known(f.invented, f.cut) else None, unit="%", scale="share"),  # type: ignore[arg-type,return-value]
        Measure("leaks", "leaks per 100 entries", "rate",
                "findings of category leak (RSS metadata, translator notes) per 100 entries; Poisson score 95% interval",
                _category("leak"), unit=" /100"),
        Measure("cut", "English cut", "share", "share of entries whose English abstract was cut; Wilson 95% interval",
                lambda f: (f.cut, f.entries) if _known(f.cut) else None, unit="%", scale="share"),  # type: ignore[arg-type,return-value]
    ]


def category_measures(items: Sequence[Dated]) -> list[Measure]:
    """One small-multiple chart per category with findings, busiest first, all on one y-scale."""
    totals: dict[str, int] = defaultdict(int)
    for item in items:
        for cat, count in (item.figures.by_category or {}).items():
            totals[cat] += count
    busiest = [c for c, t in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])) if t][:MAX_CATEGORY_CHARTS]
    return [
        Measure(f"cat:{cat}", cat, "rate", f"{totals[cat]:,} errors + warnings", _category(cat), unit=" /100", scale="category")
        for cat in busiest
    ]


def score_measures(metrics: Sequence[tuple[str, bool, int]]) -> list[Measure]:
    """One chart per metric ``(name, higher_is_better, digits)`` that some issue has a score for."""
    return [
        Measure(f"score:{name}", f"{name} {'↑' if higher else '↓'}", "score",
                "mean of the issues' scores weighted by scored entries; whisker: 95% interval from the issues'"
                " bootstrap intervals (taken as independent)", lambda f: None, digits=digits + 1, higher_is_better=higher)
        for name, higher, digits in metrics
    ]


# --- aggregation ---------------------------------------------------------------------------------------


def aggregate(items: Iterable[Dated], measure: Measure, grain: str) -> list[Point]:
    """The series of ``measure`` over ``items``, one point per bucket that has a non-zero denominator."""
    if measure.kind == "score":
        return _aggregate_scores(items, measure.key.split(":", 1)[1], grain)
    sums: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for item in items:
        counts = measure.counts(item.figures)
        if counts is None:
            continue
        s = sums[bucket_start(item.day, grain)]
        s[0] += counts[0]
        s[1] += counts[1]
        s[2] += 1
    out = []
    for bucket, (k, n, issues) in sorted(sums.items()):
        if n <= 0:
            continue
        if measure.kind == "share":
            lo, hi = wilson(k, n)
            out.append(Point(bucket, 100 * k / n, 100 * lo, 100 * hi, k, n, issues))
        else:
            lo, hi = poisson_rate(k, n)
            out.append(Point(bucket, 100 * k / n, 100 * lo, 100 * hi, k, n, issues))
    return out


def _aggregate_scores(items: Iterable[Dated], metric: str, grain: str) -> list[Point]:
    """Per bucket: ``sum(n·value) / sum(n)``; the interval ``± z·sqrt(sum((n·se)²)) / sum(n)`` when every
    issue of the bucket has an interval (``se`` = half its width / z), else none."""
    groups: dict[date, list[IssueScore]] = defaultdict(list)
    for item in items:
        score = item.figures.scores.get(metric)
        if score is not None:
            groups[bucket_start(item.day, grain)].append(score)
    out = []
    for bucket, scores in sorted(groups.items()):
        weights = [max(s.n, 1) for s in scores]
        total = sum(weights)
        mean = sum(w * s.value for w, s in zip(weights, scores)) / total
        lo = hi = None
        if all(s.ci is not None for s in scores):
            se = math.sqrt(sum((w * (s.ci[1] - s.ci[0]) / (2 * Z95)) ** 2 for w, s in zip(weights, scores))) / total  # type: ignore[index]
            lo, hi = mean - Z95 * se, mean + Z95 * se
        out.append(Point(bucket, mean, lo, hi, sum(s.n for s in scores), total, len(scores)))
    return out


def nice_top(value: float) -> tuple[float, float]:
    """A round axis top at or above ``value`` and its tick step (1, 2, 2.5 or 5 × 10^k; four to five ticks)."""
    if value <= 0:
        return 1.0, 0.25
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return round(math.ceil(value / step - 1e-9) * step, 10), step


def rate_axis_top(points: Sequence[Point]) -> float:
    """The highest value a rate chart's y-axis must show: every point of :data:`FEW_ENTRIES` entries or
    more, and the lower interval end of the smaller ones (all values when that leaves nothing)."""
    top = max((p.value if p.n >= FEW_ENTRIES else (p.lo or 0.0) for p in points), default=0.0)
    return top or max((p.value for p in points), default=0.0)


def score_axis(lo: float, hi: float) -> tuple[float, float, float]:
    """A y axis ``(bottom, top, step)`` with round ends around the values ``lo..hi`` of a score chart."""
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    _, step = nice_top(hi - lo)
    return round(math.floor(lo / step + 1e-9) * step, 10), round(math.ceil(hi / step - 1e-9) * step, 10), step


# --- the page's data -----------------------------------------------------------------------------------


def selection_keys(item: Dated) -> list[str]:
    """The selector values an issue belongs to: everything, its channel, its source, both together."""
    keys = ["all"]
    if item.channel:
        keys.append(f"c:{item.channel}")
    if item.source:
        keys.append(f"s:{item.source}")
    if item.channel and item.source:
        keys.append(f"c:{item.channel}|s:{item.source}")
    return keys


def _round(value: float | None, digits: int) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits)


def trend_data(items: Sequence[Dated], measures: Sequence[Measure]) -> dict[str, Any]:
    """Everything the page's charts draw, for every selection and grain, as compact JSON-ready data.

    ``sel`` maps a selection key (``all``, ``c:CHANNEL``, ``s:SOURCE``, ``c:CHANNEL|s:SOURCE``) to an index
    into ``sets``; selections with the same issues (a channel found in one source only) share one set.
    A set holds, per grain, per chart, the points ``[bucket index, value, lo, hi, k, n, issues]`` and,
    per y-scale, the axis ``[bottom, top, step]``. Shares are drawn on 0–100 %; scores on one range for every
    selection (comparable when the selector changes); counts per 100 entries on the selection's own
    range, shared by all category charts.
    """
    if not items:
        return {}
    first, last = min(i.day for i in items), max(i.day for i in items)
    grains = {g: buckets_between(first, last, g) for g in GRAINS}
    index_of = {g: {b: k for k, b in enumerate(bs)} for g, bs in grains.items()}
    groups: dict[str, list[Dated]] = defaultdict(list)
    for item in items:
        for key in selection_keys(item):
            groups[key].append(item)
    sets: list[dict[str, Any]] = []
    seen: dict[tuple[int, ...], int] = {}
    sel: dict[str, int] = {}
    score_range: dict[str, list[float]] = defaultdict(list)
    for key in sorted(groups, key=lambda k: (k != "all", k)):
        members = groups[key]
        identity = tuple(sorted(id(m) for m in members))
        if identity in seen:
            sel[key] = seen[identity]
            continue
        per_grain: dict[str, Any] = {}
        for grain in GRAINS:
            series: dict[str, list[list[float | int | None]]] = {}
            tops: dict[str, float] = defaultdict(float)
            for m in measures:
                points = aggregate(members, m, grain)
                if not points:
                    continue
                series[m.key] = [
                    [index_of[grain][p.bucket], _round(p.value, m.digits), _round(p.lo, m.digits), _round(p.hi, m.digits),
                     _round(p.k, 3), p.n, p.issues]
                    for p in points
                ]
                if m.kind == "rate":
                    tops[m.scale or m.key] = max(tops[m.scale or m.key], rate_axis_top(points))
                elif m.kind == "score":
                    score_range[m.key] += [v for p in points for v in (p.value, p.lo, p.hi) if v is not None]
            per_grain[grain] = {"s": series, "y": {name: [0, *nice_top(top)] for name, top in tops.items()}}
        seen[identity] = sel[key] = len(sets)
        sets.append(per_grain)
    charts = []
    for m in measures:
        spec: dict[str, Any] = {"id": m.key, "title": m.title, "kind": m.kind, "note": m.note, "unit": m.unit,
                                "digits": m.digits, "scale": m.scale or m.key}
        if m.kind == "share":
            spec["y"] = [0, 100, 25]
        elif m.kind == "score" and score_range[m.key]:
            spec["y"] = list(score_axis(min(score_range[m.key]), max(score_range[m.key])))
        charts.append(spec)
    return {
        "default": default_grain(first, last),
        "few": FEW_ENTRIES,
        "buckets": {g: [[bucket_label(b, g), bucket_span(b, g)] for b in bs] for g, bs in grains.items()},
        "charts": charts,
        "sel": sel,
        "sets": sets,
    }
