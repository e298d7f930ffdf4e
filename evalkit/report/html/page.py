"""The per-issue HTML page: headline figures, charts, a sortable/filterable entry table and drill-downs.

Everything here is read from one issue of the canonical report (``evalkit.report/1``). The table rows are
plain HTML (readable without JavaScript); each entry's texts, sentence pairs and finding spans travel in
one JSON block that the page's script turns into a drill-down only when the entry is opened, so a
650-entry issue stays a light page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from evalkit.report.html import charts
from evalkit.report.html.assets import format_number, json_for_script, render_page
from evalkit.records import Severity
from evalkit.text.chars import fit

STATUS_RANK = {"pass": 0, "warn": 1, "fail": 2}
#: The entry texts a drill-down shows; finding spans point into them.
TEXT_FIELDS = ("title_en", "title_zh", "summary_zh", "abstract_en", "abstract_zh")
#: Characters of the worst finding's message shown in the table row (the drill-down has it whole).
ROW_MESSAGE = 160
_ARXIV_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9./_-]*")


@dataclass(frozen=True)
class Metric:
    """A score column: its name, direction and display precision."""

    name: str
    higher_is_better: bool
    digits: int

    @property
    def arrow(self) -> str:
        """``↑`` when higher is better, ``↓`` when lower is."""
        return "↑" if self.higher_is_better else "↓"

    def fmt(self, value: float | None) -> str:
        """The value with this metric's precision (``—`` when missing)."""
        return format_number(value, self.digits)


def metrics_of(report: Mapping[str, Any], issues: Sequence[Mapping[str, Any]]) -> list[Metric]:
    """Every metric with a value somewhere in ``issues`` (issue or entry level), in ``config.metrics`` order.

    Direction comes from the issue-level score object when it carries ``higher_is_better``, else from
    ``config.metrics``; metrics are not known by name, so new ones (COMET) need no change here.
    """
    config_metrics = report.get("config", {}).get("metrics", {}) or {}
    values: dict[str, list[float]] = {}
    direction: dict[str, bool] = {}
    for issue in issues:
        for name, score in (issue.get("summary", {}).get("scores") or {}).items():
            if isinstance(score, Mapping):
                values.setdefault(name, [])
                if isinstance(score.get("value"), (int, float)):
                    values[name].append(score["value"])
                if "higher_is_better" in score:
                    direction[name] = bool(score["higher_is_better"])
        for entry in issue.get("entries", []):
            for name, value in (entry.get("scores") or {}).items():
                values.setdefault(name, [])
                if isinstance(value, (int, float)):
                    values[name].append(value)
    ordered = [n for n in config_metrics if n in values] + sorted(set(values) - set(config_metrics))
    out = []
    for name in ordered:
        higher = direction.get(name, (config_metrics.get(name) or {}).get("higher_is_better", True))
        small = bool(values[name]) and all(abs(v) <= 1.5 for v in values[name])
        out.append(Metric(name, bool(higher), 3 if small else 2))
    return out


def issue_status(summary: Mapping[str, Any]) -> str:
    """``fail`` when any entry failed or any error was found, ``warn`` likewise for warnings, else ``pass``."""
    if summary.get("fail") or summary.get("errors"):
        return "fail"
    if summary.get("warn") or summary.get("warnings"):
        return "warn"
    return "pass"


def arxiv_href(entry: Mapping[str, Any], kind: str = "abs") -> str | None:
    """A link rebuilt from the parsed arXiv id; the digest's own URL is never used as a link target."""
    arxiv_id = entry.get("arxiv_id")
    if isinstance(arxiv_id, str) and _ARXIV_ID.fullmatch(arxiv_id):
        return f"https://arxiv.org/{kind}/{arxiv_id}"
    return None


def strip_ref(message: str, ref: Any) -> str:
    """The message without its ``[^N]: `` prefix, which the page already shows beside it."""
    prefix = f"[^{ref}]: "
    return message[len(prefix):] if message.startswith(prefix) else message


def worst_first(findings: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Findings ordered most severe first, then by line."""
    return sorted(findings, key=lambda f: (-Severity.rank_of(f.get("severity")), f.get("line") or 0))


@dataclass(frozen=True)
class ScoreCell:
    """A metric value of one entry: the number for sorting (``None``: missing) and its text."""

    metric: str
    value: float | None
    text: str


@dataclass(frozen=True)
class EntryRow:
    """One row of the entry table."""

    index: int
    ref: Any
    status: str
    status_rank: int
    arxiv_id: str
    href: str | None
    title_zh: str
    title_en: str
    errors: int
    warnings: int
    infos: int
    chips: tuple[tuple[str, str], ...]
    codes: str
    message: str
    message_full: str
    scores: tuple[ScoreCell, ...]
    similarity: float | None
    cut: bool


@dataclass(frozen=True)
class CodeRow:
    """A finding code with its worst severity and how often it occurs."""

    code: str
    category: str
    severity: str
    count: int
    entries: int


@dataclass(frozen=True)
class ScoreCard:
    """An issue-level score: value, confidence interval and how many entries it covers."""

    metric: Metric
    value: str
    ci: str | None
    n: Any
    signature: str | None


def mean_similarity(entry: Mapping[str, Any]) -> float | None:
    """Mean lexical agreement of the entry's aligned sentence pairs (a 1-0 or 0-1 pair counts 0)."""
    sims = [p.get("similarity") or 0.0 for p in entry.get("pairs", [])]
    return round(sum(sims) / len(sims), 4) if sims else None


def score_cell(metric: Metric, value: Any) -> ScoreCell:
    """An entry's value of ``metric``; anything but a number (``None``: not computed) shows as missing."""
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return ScoreCell(metric.name, number, metric.fmt(number))


def entry_row(index: int, entry: Mapping[str, Any], metrics: Sequence[Metric]) -> EntryRow:
    """The table row of one entry."""
    findings = entry.get("findings", [])
    counts = Counter(f.get("severity") for f in findings)
    ranked = worst_first(findings)
    chips: dict[str, str] = {}
    for f in ranked:
        chips.setdefault(f["code"], f.get("severity", "info"))
    worst = next((f for f in ranked if f.get("severity") != "info"), None)
    message = strip_ref(worst["message"], entry.get("ref")) if worst else ""
    text = entry.get("text", {})
    scores = entry.get("scores") or {}
    return EntryRow(
        index=index,
        ref=entry.get("ref"),
        status=entry.get("status", "pass"),
        status_rank=STATUS_RANK.get(entry.get("status", "pass"), 0),
        arxiv_id=entry.get("arxiv_id") or "",
        href=arxiv_href(entry),
        title_zh=text.get("title_zh", ""),
        title_en=text.get("title_en", ""),
        errors=counts["error"],
        warnings=counts["warning"],
        infos=counts["info"],
        chips=tuple(chips.items()),
        codes=" ".join(sorted(chips)),
        message=fit(message, ROW_MESSAGE),
        message_full=message,
        scores=tuple(score_cell(m, scores.get(m.name)) for m in metrics),
        similarity=mean_similarity(entry),
        cut=bool(entry.get("source_truncated")),
    )


def entry_data(entry: Mapping[str, Any]) -> dict[str, Any]:
    """What the drill-down needs, compactly: texts once, pairs and findings as spans into them.

    Pair texts are not repeated (the spans cut them from the abstracts), and a finding's quoted text is
    kept only where it has no span to highlight.
    """
    text = entry.get("text", {})
    ref = entry.get("ref")
    findings = []
    for f in worst_first(entry.get("findings", [])):
        ev = f.get("evidence") or {}
        item: dict[str, Any] = {"c": f["code"], "v": f.get("severity", "info"), "l": f.get("line"), "m": strip_ref(f.get("message", ""), ref)}
        if ev.get("field"):
            item["f"] = ev["field"]
        for span_key, quote_key, short_span, short_quote in (
            ("source_span", "source", "es", "eq"),
            ("translation_span", "translation", "zs", "zq"),
        ):
            if ev.get(span_key):
                item[short_span] = ev[span_key]
            elif ev.get(quote_key):
                item[short_quote] = ev[quote_key]
        if ev.get("model"):
            item["by"] = ev["model"]  # a model's judgment, not a rule's: say whose
        findings.append(item)
    return {
        "ref": ref,
        "id": entry.get("arxiv_id"),
        "abs": arxiv_href(entry),
        "pdf": arxiv_href(entry, "pdf"),
        "link": entry.get("link"),
        "status": entry.get("status"),
        "line": entry.get("line"),
        "cut": bool(entry.get("source_truncated")),
        "len": entry.get("english_length"),
        "announce": entry.get("announce_type"),
        "style": entry.get("english_style"),
        "nrefs": entry.get("references", 0),
        "t": {k: text.get(k) or "" for k in TEXT_FIELDS},
        "p": [
            [p.get("en_span"), p.get("zh_span"), p.get("kind"), p.get("similarity"), 1 if p.get("tail") else 0, p.get("scores") or {}]
            for p in entry.get("pairs", [])
        ],
        "f": findings,
        "s": entry.get("scores") or {},
    }


def code_rows(issue: Mapping[str, Any]) -> list[CodeRow]:
    """Every finding code of the issue (entries and file), most frequent and most severe first."""
    count: Counter[str] = Counter()
    entries: Counter[str] = Counter()
    worst: dict[str, str] = {}
    for e in issue.get("entries", []):
        seen = set()
        for f in e.get("findings", []):
            count[f["code"]] += 1
            seen.add(f["code"])
            if Severity.rank_of(f.get("severity")) >= Severity.rank_of(worst.get(f["code"])):
                worst[f["code"]] = f.get("severity", "info")
        entries.update(seen)
    for f in issue.get("findings", []):
        count[f["code"]] += 1
        if Severity.rank_of(f.get("severity")) >= Severity.rank_of(worst.get(f["code"])):
            worst[f["code"]] = f.get("severity", "info")
    rows = [CodeRow(c, c.split(".", 1)[0], worst[c], n, entries[c]) for c, n in count.items()]
    return sorted(rows, key=lambda r: (-Severity.rank_of(r.severity), -r.count, r.code))


def category_chart(summary: Mapping[str, Any]) -> charts.BarChart | None:
    """Errors and warnings per category as stacked bars (info findings are facts, named in the label only)."""
    rows = []
    for category, counts in (summary.get("by_category") or {}).items():
        e, w, i = counts.get("error", 0), counts.get("warning", 0), counts.get("info", 0)
        label = f"{category} (+{i} info)" if i else category
        rows.append((e, w, (label, f"cat:{category}", [("bar-error", e, f"{category}: {e} error(s)"), ("bar-warning", w, f"{category}: {w} warning(s)")])))
    rows.sort(key=lambda r: (-r[0], -r[1], r[2][0]))
    if not rows:
        return None
    return charts.bar_chart([r[2] for r in rows], legend=(("bar-error", "errors"), ("bar-warning", "warnings")))


def status_chart(summary: Mapping[str, Any]) -> charts.BarChart:
    """One bar split into failing, warned and passing entries."""
    n = summary.get("entries", 0)
    segs = [
        ("bar-error", summary.get("fail", 0), f"{summary.get('fail', 0)} of {n} entries fail"),
        ("bar-warning", summary.get("warn", 0), f"{summary.get('warn', 0)} of {n} entries warned"),
        ("bar-pass", summary.get("pass", 0), f"{summary.get('pass', 0)} of {n} entries pass"),
    ]
    return charts.bar_chart([("entries", "", segs)], label_width=70, legend=(("bar-error", "fail"), ("bar-warning", "warn"), ("bar-pass", "pass")))


@dataclass(frozen=True)
class HistogramView:
    """A titled histogram."""

    title: str
    note: str
    chart: charts.Histogram


def score_histograms(rows: Sequence[EntryRow], metrics: Sequence[Metric]) -> list[HistogramView]:
    """Distribution of each metric over the entries that have it, and of the alignment similarity."""
    out = []
    for k, m in enumerate(metrics):
        values = [r.scores[k].value for r in rows if r.scores[k].value is not None]
        if len(values) >= 2:
            lo, hi = charts.value_range(values)
            out.append(HistogramView(f"{m.name} {m.arrow}", f"{len(values)} entries", charts.histogram(values, lo=lo, hi=hi, digits=1 if hi <= 1 else 0)))
    sims = [r.similarity for r in rows if r.similarity is not None]
    if len(sims) >= 2:
        out.append(
            HistogramView(
                "alignment similarity ↑",
                f"mean lexical agreement of each entry's sentence pairs; {len(sims)} entries",
                charts.histogram(sims, lo=0.0, hi=1.0, digits=1),
            )
        )
    return out


def score_cards(summary: Mapping[str, Any], metrics: Sequence[Metric], config_metrics: Mapping[str, Any]) -> list[ScoreCard]:
    """The issue-level scores with their confidence intervals."""
    scores = summary.get("scores") or {}
    out = []
    for m in metrics:
        score = scores.get(m.name)
        if not isinstance(score, Mapping) or not isinstance(score.get("value"), (int, float)):
            continue
        ci = score.get("ci")
        ci_text = f"[{m.fmt(ci[0])}–{m.fmt(ci[1])}]" if isinstance(ci, (list, tuple)) and len(ci) == 2 else None
        signature = (config_metrics.get(m.name) or {}).get("signature")
        out.append(ScoreCard(m, m.fmt(score["value"]), ci_text, score.get("n"), signature))
    return out


def page_context(report: Mapping[str, Any], issue: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the issue template shows, computed from one issue of ``report``."""
    summary = issue.get("summary", {})
    config = report.get("config", {})
    metrics = metrics_of(report, [issue])
    entries = issue.get("entries", [])
    rows = [entry_row(k, e, metrics) for k, e in enumerate(entries)]
    ordered = sorted(rows, key=lambda r: (-r.status_rank, -r.errors, -r.warnings, r.index))
    codes = code_rows(issue)
    n = summary.get("entries", len(entries))
    return {
        "issue": issue,
        "summary": summary,
        "status": issue_status(summary),
        "cut_share": (summary.get("source_truncated", 0) / n) if n else None,
        "metrics": metrics,
        "score_cards": score_cards(summary, metrics, config.get("metrics") or {}),
        "bootstrap": config.get("bootstrap") or {},
        "status_chart": status_chart(summary) if n else None,
        "category_chart": category_chart(summary),
        "histograms": score_histograms(rows, metrics),
        "codes": codes,
        "categories": sorted({c.category for c in codes}),
        "rows": ordered,
        "file_findings": [dict(f, message=strip_ref(f.get("message", ""), None)) for f in issue.get("findings", [])],
        "input_errors": report.get("errors", []),
        "tool": report.get("tool", {}),
        "checks": config.get("checks", []),
        "config_metrics": config.get("metrics") or {},
        "references": config.get("references"),
        "judge": config.get("judge"),
        "data": json_for_script({"entries": [entry_data(e) for e in entries]}),
    }


def render_issue_page(report: Mapping[str, Any], issue: Mapping[str, Any], *, index_href: str | None = None) -> str:
    """The self-contained HTML page of one issue of ``report``.

    ``index_href`` adds a link back to the index page when the page is part of a site.
    """
    return render_page("issue.html.j2", index_href=index_href, **page_context(report, issue))
