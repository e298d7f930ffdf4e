"""The comparison page: one self-contained HTML file rendered from an ``evalkit.compare/1`` report.

Per comparison (pair of systems) it shows the systems and test settings, the measures with their paired
tests, a segment scatter, win/tie/loss bars, buckets, findings by code, an entry table and a side-by-side
drill-down with each side's findings marked in its own text. The static parts are HTML from the template;
the entry table and drill-downs are built by the page's own script (``compare.js.j2``) from one JSON block,
a page at a time, so a 647-entry comparison stays quick to open. Values, p-values and verdicts are written
by :mod:`evalkit.compare.text`, as in the terminal table and the Markdown, so all outputs agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from evalkit.compare.scatter import Scatter, pair_scatter
from evalkit.compare.text import fmt_p, fmt_value, verdict
from evalkit.report.html import charts
from evalkit.report.html.assets import json_for_script, render_page
from evalkit.report.html.page import arxiv_href, strip_ref

TEMPLATE = "compare.html.j2"
SCRIPT = "compare.js.j2"
#: Bucket groups in the order the report's ``buckets`` uses, with their headings.
BUCKET_GROUPS = (("length", "by English length"), ("cut", "by cut"), ("channel", "by channel"))


@dataclass(frozen=True)
class MeasureRow:
    """One row of the measures table, every figure already written as text."""

    label: str
    group: str
    arrow: str
    baseline: str
    system: str
    delta: str
    p_bs: str
    p_ar: str
    verdict: str
    significant: bool
    baseline_ci: str
    system_ci: str
    signature: str


@dataclass(frozen=True)
class BucketRow:
    """One bucket of matched entries, both sides' figures as text."""

    bucket: str
    entries: int
    failing: tuple[str, str]
    findings: tuple[str, str]
    invented: tuple[str, str]
    wins: str
    ties: str
    losses: str


@dataclass(frozen=True)
class CodeChange:
    """A finding code and how many of its findings appeared, disappeared and persisted."""

    code: str
    appeared: int
    disappeared: int
    persisted: int


@dataclass(frozen=True)
class PairView:
    """Everything the template shows of one comparison."""

    index: int
    baseline: str
    system: str
    matched: int
    unmatched_baseline: tuple[Mapping[str, Any], ...]
    unmatched_system: tuple[Mapping[str, Any], ...]
    primary: str | None
    measures: tuple[MeasureRow, ...]
    scatter: Scatter | None
    win_tie_loss: charts.BarChart | None
    buckets: tuple[tuple[str, tuple[BucketRow, ...]], ...]
    codes: tuple[CodeChange, ...]
    findings: Mapping[str, Any]


def measure_label(measure: Mapping[str, Any]) -> str:
    """The measure's label with its unit: ``failing entries (%)``; ``bleu`` when it has none."""
    label = str(measure.get("label") or measure.get("name"))
    unit = measure.get("unit")
    return f"{label} ({unit})" if unit else label


def _ci(ci: Any, digits: int) -> str:
    """A bootstrap interval ``[mean, half width]`` as the tooltip text ``bootstrap mean 57.73 ± 23.17``."""
    if not isinstance(ci, (list, tuple)) or len(ci) != 2 or ci[0] is None:
        return ""
    return f"bootstrap mean {fmt_value(ci[0], digits)} ± {fmt_value(ci[1], digits)}"


def measure_row(measure: Mapping[str, Any]) -> MeasureRow:
    """The measures-table row of one measure of the report."""
    digits = int(measure.get("digits", 2))
    return MeasureRow(
        label=measure_label(measure),
        group=str(measure.get("group", "")),
        arrow="↑" if measure.get("higher_is_better", True) else "↓",
        baseline=fmt_value(measure.get("baseline"), digits),
        system=fmt_value(measure.get("system"), digits),
        delta=fmt_value(measure.get("delta"), digits, signed=True),
        p_bs=fmt_p(measure.get("p_bs")),
        p_ar=fmt_p(measure.get("p_ar")),
        verdict=verdict(measure),
        significant=bool(measure.get("significant")) and measure.get("better") != "same",
        baseline_ci=_ci(measure.get("baseline_ci"), digits),
        system_ci=_ci(measure.get("system_ci"), digits),
        signature=str(measure.get("signature", "")),
    )


def _share(value: Any) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _per_100(value: Any) -> str:
    return "—" if value is None else f"{value:.1f}"


def bucket_rows(buckets: Sequence[Mapping[str, Any]]) -> tuple[tuple[str, tuple[BucketRow, ...]], ...]:
    """The report's buckets grouped under their headings (length, cut, channel), empty groups left out."""
    out = []
    for by, heading in BUCKET_GROUPS:
        rows = []
        for b in buckets:
            if b.get("by") != by:
                continue
            a, s, wtl = b.get("a") or {}, b.get("b") or {}, b.get("checks") or {}
            rows.append(
                BucketRow(
                    bucket=str(b.get("bucket", "")),
                    entries=int(b.get("entries", 0)),
                    failing=(_share(a.get("failing")), _share(s.get("failing"))),
                    findings=(_per_100(a.get("findings")), _per_100(s.get("findings"))),
                    invented=(_share(a.get("invented_endings")), _share(s.get("invented_endings"))),
                    wins=str(wtl.get("wins", "—")),
                    ties=str(wtl.get("ties", "—")),
                    losses=str(wtl.get("losses", "—")),
                )
            )
        if rows:
            out.append((heading, tuple(rows)))
    return tuple(out)


def win_tie_loss_chart(comparison: Mapping[str, Any]) -> charts.BarChart | None:
    """One stacked bar per measure with a win/tie/loss tally: the system's wins, ties and losses."""
    labels = {m.get("name"): measure_label(m) for m in comparison.get("measures") or []}
    rows = []
    for name, counts in (comparison.get("win_tie_loss") or {}).items():
        label = "checks (errors, then warnings)" if name == "checks" else labels.get(name, name)
        w, t, lo = counts.get("wins", 0), counts.get("ties", 0), counts.get("losses", 0)
        rows.append(
            (label, "", [
                ("bar-pass", w, f"{label}: the system wins {w} entries"),
                ("bar-tie", t, f"{label}: {t} ties"),
                ("bar-error", lo, f"{label}: the system loses {lo} entries"),
            ])
        )
    if not rows:
        return None
    return charts.bar_chart(rows, legend=(("bar-pass", "wins"), ("bar-tie", "ties"), ("bar-error", "losses")), label_width=210)


def code_changes(findings: Mapping[str, Any]) -> tuple[CodeChange, ...]:
    """Finding codes by how much they changed: most appeared or disappeared first, then by code."""
    rows = [
        CodeChange(code, int(c.get("appeared", 0)), int(c.get("disappeared", 0)), int(c.get("persisted", 0)))
        for code, c in (findings.get("by_code") or {}).items()
    ]
    return tuple(sorted(rows, key=lambda r: (-(r.appeared + r.disappeared), -r.persisted, r.code)))


def pair_view(index: int, comparison: Mapping[str, Any]) -> PairView:
    """The template's view of one comparison of the report."""
    unmatched = comparison.get("unmatched") or {}
    findings = comparison.get("findings") or {}
    return PairView(
        index=index,
        baseline=str(comparison.get("baseline", "")),
        system=str(comparison.get("system", "")),
        matched=int(comparison.get("matched", 0)),
        unmatched_baseline=tuple(unmatched.get("baseline") or ()),
        unmatched_system=tuple(unmatched.get("system") or ()),
        primary=comparison.get("primary"),
        measures=tuple(measure_row(m) for m in comparison.get("measures") or []),
        scatter=pair_scatter(comparison),
        win_tie_loss=win_tie_loss_chart(comparison),
        buckets=bucket_rows(comparison.get("buckets") or []),
        codes=code_changes(findings),
        findings=findings,
    )


def _finding(f: Mapping[str, Any], ref: Any, change: str) -> dict[str, Any]:
    """A finding for the drill-down, compactly: code, severity, line, message, change, and where it is.

    ``zs`` is the translation span (code points into the field's text); a quote travels only when there
    is no span to mark.
    """
    ev = f.get("evidence") or {}
    item: dict[str, Any] = {"c": f.get("code", ""), "v": f.get("severity", "info"), "m": strip_ref(str(f.get("message", "")), ref), "ch": change}
    if f.get("line") is not None:
        item["l"] = f.get("line")
    if ev.get("field"):
        item["f"] = ev["field"]
    span = ev.get("translation_span")
    if isinstance(span, (list, tuple)) and len(span) == 2:
        item["zs"] = list(span)
    elif ev.get("translation"):
        item["zq"] = ev["translation"]
    return item


def _side_findings(entry: Mapping[str, Any], side: int) -> list[dict[str, Any]]:
    """One side's findings, each labelled appeared/disappeared/persisted (``info``: not compared)."""
    findings = (entry.get("findings") or [[], []])[side]
    changed = set(entry.get("disappeared" if side == 0 else "appeared") or ())
    kept = {pair[side] for pair in entry.get("persisted") or ()}
    ref = (entry.get("ref") or [None, None])[side]
    out = []
    for k, f in enumerate(findings):
        change = ("disappeared" if side == 0 else "appeared") if k in changed else "persisted" if k in kept else "info"
        out.append(_finding(f, ref, change))
    return out


def entry_data(entry: Mapping[str, Any], rank: int | None) -> dict[str, Any]:
    """What the entry table and the drill-down need of one matched entry, in short keys."""
    text = entry.get("text") or {}
    fa, fb = _side_findings(entry, 0), _side_findings(entry, 1)
    return {
        "k": str(entry.get("key", "")),
        "id": entry.get("arxiv_id"),
        "abs": arxiv_href(entry),
        "ref": entry.get("ref"),
        "line": entry.get("line"),
        "ch": entry.get("channel") or "",
        "cut": 1 if entry.get("source_truncated") else 0,
        "len": entry.get("english_length"),
        "st": entry.get("status"),
        "e": entry.get("errors"),
        "w": entry.get("warnings"),
        "sc": entry.get("scores") or {},
        "same": 1 if entry.get("same_text") else 0,
        "rank": rank,
        "ap": len(entry.get("appeared") or ()),
        "dis": len(entry.get("disappeared") or ()),
        "codes": sorted({f["c"] for f in fa + fb if f["ch"] != "info"}),
        "t": {
            "ten": text.get("title_en") or "",
            "tzh": list(text.get("title_zh") or ["", ""]),
            "aen": text.get("abstract_en") or "",
            "azh": list(text.get("abstract_zh") or ["", ""]),
        },
        "f": [fa, fb],
    }


def pair_data(comparison: Mapping[str, Any]) -> dict[str, Any]:
    """The script's data of one comparison: names, the primary measure and every matched entry."""
    ranks = {key: n for n, key in enumerate(comparison.get("most_changed") or [])}
    primary = comparison.get("primary")
    measure = next((m for m in comparison.get("measures") or [] if m.get("name") == primary), None)
    return {
        "b": comparison.get("baseline"),
        "s": comparison.get("system"),
        "primary": primary,
        "pdigits": int(measure.get("digits", 2)) if measure else 2,
        "phigher": bool(measure.get("higher_is_better", True)) if measure else True,
        "codes": sorted((comparison.get("findings") or {}).get("by_code") or {}),
        "entries": [entry_data(e, ranks.get(e.get("key"))) for e in comparison.get("entries") or []],
    }


def page_context(report: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the comparison template shows, computed from ``report`` alone."""
    comparisons = report.get("comparisons") or []
    return {
        "tool": report.get("tool") or {},
        "settings": report.get("settings") or {},
        "systems": report.get("systems") or [],
        "pairs": [pair_view(k, c) for k, c in enumerate(comparisons)],
        "data": json_for_script({"pairs": [pair_data(c) for c in comparisons]}),
    }


def render_compare_html(report: Mapping[str, Any]) -> str:
    """The self-contained HTML comparison page of an ``evalkit.compare/1`` report."""
    return render_page(TEMPLATE, script_asset=SCRIPT, **page_context(report))
