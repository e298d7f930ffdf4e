"""The index across issues, and writing HTML sites: one page per issue plus ``index.html``.

``evalkit report DIR_OR_REPORTS... --out DIR`` reads canonical JSON reports, gives every issue a date
(see :class:`DateRules`), writes each issue's page and an index that lists every issue with its figures
and status and charts the trends over time: scores, findings per category, the share of entries whose
English was cut, and the share of failing entries.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath
from typing import Any, Iterable, Mapping, Sequence

from evalkit.errors import ConfigError, InputError
from evalkit.report.html import charts
from evalkit.report.html.assets import render_page
from evalkit.report.html.loading import is_report, load_report
from evalkit.report.html.page import Metric, issue_status, metrics_of, render_issue_page
from evalkit.report.write import write_text
from evalkit.safe_load import json_loads

INDEX_PAGE = "index.html"
#: Categories drawn as small trend charts (the most frequent first); the table has them all.
MAX_CATEGORY_CHARTS = 12
# A date inside a file name: 2026-08-20, 20260820 or 20260820T091500Z (the digest generator's stamp).
_NAME_DATE = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?:T\d{6}Z)?(?!\d)")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def iso_date(text: str, what: str) -> str:
    """``text`` if it is an ISO calendar date (``2026-08-20``), else :class:`ConfigError`."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:  # 2026-02-30
            pass
    raise ConfigError(f"{what} expects an ISO date such as 2026-08-20 (or NAME=DATE), got {text!r}")


def date_in_name(name: str) -> str | None:
    """The first valid date written in a file name, or ``None``."""
    for m in _NAME_DATE.finditer(PurePath(name).name):
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class DateRules:
    """Where issue dates come from, in order: an explicit ``--date NAME=DATE`` for that issue or report,
    the date in the report (taken from the digest's file name), a date in the report's file name, and
    last a bare ``--date DATE`` for whatever is still undated."""

    named: Mapping[str, str] = field(default_factory=dict)
    fallback: str | None = None

    @classmethod
    def parse(cls, options: Iterable[str]) -> "DateRules":
        """Read ``--date`` values: ``DATE`` (at most one) or ``NAME=DATE`` (repeatable)."""
        named: dict[str, str] = {}
        fallback = None
        for option in options:
            name, sep, value = option.rpartition("=")
            if sep:
                if not name.strip():
                    raise ConfigError(f"--date expects DATE or NAME=DATE, got {option!r}")
                named[name.strip()] = iso_date(value.strip(), "--date")
            elif fallback is not None:
                raise ConfigError("give at most one --date without NAME= (the date of undated issues)")
            else:
                fallback = iso_date(value.strip(), "--date")
        return cls(named, fallback)

    def date_of(self, issue: Mapping[str, Any], report_path: str | None) -> tuple[str | None, str, str | None]:
        """The issue's date, where it came from (``--date``, ``report``, ``file name`` or ``""``) and the
        ``NAME`` of the ``--date NAME=DATE`` that gave it, if one did."""
        keys = [str(issue.get("id") or ""), str(issue.get("path") or ""), PurePath(str(issue.get("path") or "")).name]
        if report_path:
            keys += [report_path, PurePath(report_path).name, PurePath(report_path).stem]
        for key in keys:
            if key and key in self.named:
                return self.named[key], "--date", key
        if isinstance(issue.get("date"), str) and issue["date"]:
            return issue["date"], "report", None
        from_name = date_in_name(str(issue.get("path") or "")) or (date_in_name(report_path) if report_path else None)
        if from_name:
            return from_name, "file name", None
        if self.fallback:
            return self.fallback, "--date", None
        return None, "", None

    def unused(self, used: set[str]) -> list[str]:
        """``NAME=DATE`` names that matched no issue (most likely a typo)."""
        return sorted(set(self.named) - used)


@dataclass(frozen=True)
class IssueSource:
    """One issue to publish: the report it came from, its resolved date and its page's file name."""

    report: Mapping[str, Any]
    issue: Mapping[str, Any]
    report_path: str | None
    date: str | None
    date_from: str
    page: str


@dataclass
class Site:
    """What :func:`write_site` wrote, and notes worth telling the user (skipped files, duplicates)."""

    out: str
    pages: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def index(self) -> str:
        """Path of the index page."""
        return str(Path(self.out) / INDEX_PAGE)


def find_reports(paths: Sequence[str]) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """Load every report named in ``paths``: files directly, directories by their ``*.json`` files.

    A named file that is not a report is an error (:class:`InputError`); inside a directory, JSON files
    that are not evalkit reports are skipped with a note, since a reports folder may hold other JSON.
    """
    found: list[tuple[str, dict[str, Any]]] = []
    notes: list[str] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files = sorted(x for x in p.rglob("*.json") if x.is_file())
            for file in files:
                try:
                    data = json_loads(file.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                    notes.append(f"{file}: skipped, not JSON")
                    continue
                if not is_report(data):
                    notes.append(f"{file}: skipped, not an evalkit report")
                    continue
                found.append((str(file), load_report(str(file))))
            if not files:
                notes.append(f"{path}: no .json files")
        else:
            found.append((path, load_report(path)))
    if not found:
        raise InputError(", ".join(paths) or ".", "no evalkit JSON reports found (write them with evalkit score --format json)")
    return found, notes


def page_name(issue_id: str, taken: set[str]) -> str:
    """A file name for an issue's page: the id with unsafe characters replaced, unique within ``taken``."""
    stem = _UNSAFE.sub("_", issue_id).strip("._") or "issue"
    stem = stem[:120]
    name, n = f"{stem}.html", 2
    while name in taken or name == INDEX_PAGE:
        name, n = f"{stem}-{n}.html", n + 1
    taken.add(name)
    return name


def collect_issues(
    reports: Sequence[tuple[str | None, Mapping[str, Any]]], rules: DateRules = DateRules()
) -> tuple[list[IssueSource], list[str]]:
    """Every issue of ``reports`` with its date and page name; an issue found again (same path and id)
    in a later report replaces the earlier one, so re-running a report does not count it twice."""
    latest: dict[tuple[str, str], tuple[str | None, Mapping[str, Any], Mapping[str, Any]]] = {}
    notes = []
    for report_path, report in reports:
        for issue in report.get("issues", []):
            key = (str(issue.get("path")), str(issue.get("id")))
            if key in latest:
                notes.append(f"{issue.get('id')}: found again in {report_path}; the later report is used")
            latest[key] = (report_path, report, issue)
    used: set[str] = set()
    taken: set[str] = set()
    out = []
    for report_path, report, issue in latest.values():
        day, source, matched = rules.date_of(issue, report_path)
        if matched:
            used.add(matched)
        out.append(IssueSource(report, issue, report_path, day, source, page_name(str(issue.get("id") or "issue"), taken)))
    notes += [f"--date {name}=...: no issue or report of that name" for name in rules.unused(used)]
    out.sort(key=lambda s: str(s.issue.get("id")))
    out.sort(key=lambda s: s.date or "", reverse=True)  # newest first (stable: by id within a date); undated last
    return out, notes


# --- the index page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueRow:
    """One row of the index table."""

    date: str | None
    id: str
    path: str
    page: str
    channel: str
    status: str
    status_rank: int
    entries: int
    fail: int
    warn: int
    passed: int
    errors: int
    warnings: int
    cut: int
    cut_share: float | None
    scores: tuple[tuple[str, float | None, str, str], ...]
    bar: tuple[tuple[str, float, float], ...]


@dataclass(frozen=True)
class TrendView:
    """A titled trend chart."""

    title: str
    note: str
    chart: charts.TimeChart


def merged_metrics(sources: Sequence[IssueSource]) -> list[Metric]:
    """The metrics of all issues, directions taken from their reports' ``config.metrics``."""
    config_metrics: dict[str, Any] = {}
    for s in sources:
        for name, info in (s.report.get("config", {}).get("metrics") or {}).items():
            config_metrics.setdefault(name, info)
    return metrics_of({"config": {"metrics": config_metrics}}, [s.issue for s in sources])


def issue_row(s: IssueSource, metrics: Sequence[Metric]) -> IssueRow:
    """The index row of one issue."""
    m = s.issue.get("summary", {})
    n = m.get("entries", 0) or 0
    scores = m.get("scores") or {}
    cells = []
    for metric in metrics:
        score = scores.get(metric.name) if isinstance(scores.get(metric.name), Mapping) else None
        value = score.get("value") if score and isinstance(score.get("value"), (int, float)) else None
        ci = score.get("ci") if score else None
        tip = f"{metric.fmt(ci[0])}–{metric.fmt(ci[1])}" if isinstance(ci, list) and len(ci) == 2 else ""
        cells.append((metric.name, value, metric.fmt(value), tip))
    status = issue_status(m)
    fail, warn, passed = m.get("fail", 0), m.get("warn", 0), m.get("pass", 0)
    bar, x = [], 0.0
    for cls, count in (("bar-error", fail), ("bar-warning", warn), ("bar-pass", passed)):
        w = 100 * count / n if n else 0
        if w:
            bar.append((cls, round(x, 2), round(w, 2)))
        x += w
    return IssueRow(
        date=s.date, id=str(s.issue.get("id") or ""), path=str(s.issue.get("path") or ""), page=s.page,
        channel=str(s.issue.get("channel") or ""), status=status, status_rank={"pass": 0, "warn": 1, "fail": 2}[status],
        entries=n, fail=fail, warn=warn, passed=passed, errors=m.get("errors", 0), warnings=m.get("warnings", 0),
        cut=m.get("source_truncated", 0), cut_share=(m.get("source_truncated", 0) / n) if n else None,
        scores=tuple(cells), bar=tuple(bar),
    )


def _by_day(sources: Sequence[IssueSource]) -> dict[date, list[IssueSource]]:
    days: dict[date, list[IssueSource]] = defaultdict(list)
    for s in sources:
        if s.date:
            days[date.fromisoformat(s.date)].append(s)
    return dict(sorted(days.items()))


def _share_trend(days: Mapping[date, list[IssueSource]], key: str, title: str, note: str) -> TrendView | None:
    """``sum(key) / sum(entries)`` per date, in percent, with a dot per issue."""
    points, line = [], []
    for day, group in days.items():
        total = sum(s.issue["summary"].get("entries", 0) for s in group)
        if not total:
            continue
        line.append((day, 100 * sum(s.issue["summary"].get(key, 0) for s in group) / total))
        for s in group:
            n = s.issue["summary"].get("entries", 0)
            if n:
                v = 100 * s.issue["summary"].get(key, 0) / n
                points.append(charts.TimePoint(day, v, f"{s.issue.get('id')}: {v:.0f}% of {n}", s.page))
    if not line:
        return None
    return TrendView(title, note, charts.time_chart(points, line, y_range=(0, 100), fmt=lambda v: f"{v:.0f}%"))


def _score_trends(days: Mapping[date, list[IssueSource]], metrics: Sequence[Metric]) -> list[TrendView]:
    """Per metric: each issue's score with its interval, and the per-date mean weighted by scored entries."""
    out = []
    for metric in metrics:
        points, line = [], []
        for day, group in days.items():
            weighted, weight = 0.0, 0
            for s in group:
                score = (s.issue["summary"].get("scores") or {}).get(metric.name)
                if not isinstance(score, Mapping) or not isinstance(score.get("value"), (int, float)):
                    continue
                ci = score.get("ci")
                ci = (ci[0], ci[1]) if isinstance(ci, list) and len(ci) == 2 else None
                tip = f"{s.issue.get('id')}: {metric.fmt(score['value'])}" + (f" [{metric.fmt(ci[0])}–{metric.fmt(ci[1])}]" if ci else "")
                points.append(charts.TimePoint(day, score["value"], tip, s.page, ci))
                n = score.get("n") or 1
                weighted += score["value"] * n
                weight += n
            if weight:
                line.append((day, weighted / weight))
        if points:
            digits = metric.digits
            out.append(
                TrendView(
                    f"{metric.name} {metric.arrow}",
                    "dot: an issue with its interval; line: the date's mean weighted by scored entries",
                    charts.time_chart(points, line, fmt=lambda v, d=digits: f"{v:.{d}f}"),
                )
            )
    return out


def _category_trends(days: Mapping[date, list[IssueSource]]) -> list[TrendView]:
    """Per category: errors + warnings per 100 entries on each date (small multiples, busiest first)."""
    totals: dict[str, int] = defaultdict(int)
    for group in days.values():
        for s in group:
            for cat, counts in (s.issue["summary"].get("by_category") or {}).items():
                totals[cat] += counts.get("error", 0) + counts.get("warning", 0)
    busiest = [c for c, t in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])) if t][:MAX_CATEGORY_CHARTS]
    def found(s: IssueSource, category: str) -> int:
        """Errors plus warnings of ``category`` in one issue."""
        counts = (s.issue["summary"].get("by_category") or {}).get(category, {})
        return counts.get("error", 0) + counts.get("warning", 0)

    out = []
    for cat in busiest:
        points, line = [], []
        for day, group in days.items():
            entries = sum(s.issue["summary"].get("entries", 0) for s in group)
            if not entries:
                continue
            line.append((day, 100 * sum(found(s, cat) for s in group) / entries))
            for s in group:
                n = s.issue["summary"].get("entries", 0)
                if n:
                    points.append(charts.TimePoint(day, 100 * found(s, cat) / n, f"{s.issue.get('id')}: {found(s, cat)} in {n} entries", s.page))
        if line:
            hi = max(v for _, v in line + [(p.day, p.value) for p in points]) or 1
            out.append(TrendView(cat, f"{totals[cat]:,} errors + warnings", charts.time_chart(points, line, y_range=(0, hi * 1.05), fmt=lambda v: f"{round(v, 2):g}", height=150, width=320)))
    return out


def index_context(
    sources: Sequence[IssueSource], *, errors: Sequence[Mapping[str, Any]] = (), notes: Sequence[str] = (), title: str | None = None
) -> dict[str, Any]:
    """Everything the index template shows."""
    metrics = merged_metrics(sources)
    rows = [issue_row(s, metrics) for s in sources]
    days = _by_day(sources)
    entries = sum(r.entries for r in rows)
    totals = {
        "issues": len(rows),
        "entries": entries,
        "fail": sum(r.fail for r in rows),
        "warn": sum(r.warn for r in rows),
        "pass": sum(r.passed for r in rows),
        "errors": sum(r.errors for r in rows),
        "warnings": sum(r.warnings for r in rows),
        "cut": sum(r.cut for r in rows),
        "cut_share": (sum(r.cut for r in rows) / entries) if entries else None,
        "failing_issues": sum(1 for r in rows if r.status == "fail"),
    }
    trends = [
        t
        for t in (
            _share_trend(days, "fail", "failing entries", "share of entries with an error"),
            _share_trend(days, "source_truncated", "English cut", "share of entries whose English abstract was cut at 1,000 characters"),
        )
        if t
    ]
    dated = [s.date for s in sources if s.date]
    tool = next((s.report.get("tool") for s in sources if s.report.get("tool")), {}) or {}
    return {
        "title": title or "evalkit: issues",
        "tool": tool,
        "totals": totals,
        "metrics": metrics,
        "rows": rows,
        "channels": sorted({r.channel for r in rows if r.channel}),
        "score_trends": _score_trends(days, metrics),
        "share_trends": trends,
        "category_trends": _category_trends(days),
        "span": (min(dated), max(dated)) if dated else None,
        "undated": sum(1 for s in sources if not s.date),
        "errors": list(errors),
        "notes": list(notes),
    }


def render_index(sources: Sequence[IssueSource], **kwargs: Any) -> str:
    """The index page of ``sources`` (their pages are expected beside it, under ``IssueSource.page``)."""
    return render_page("index.html.j2", **index_context(sources, **kwargs))


def write_site(
    reports: Sequence[tuple[str | None, Mapping[str, Any]]], out: str, *, rules: DateRules = DateRules(), title: str | None = None
) -> Site:
    """Write one page per issue of ``reports`` and ``index.html`` into the directory ``out``."""
    sources, notes = collect_issues(reports, rules)
    site = Site(out, notes=notes)
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise InputError(out, "exists and is not a directory")
    for s in sources:
        path = str(target / s.page)
        write_text(path, render_issue_page(s.report, s.issue, index_href=INDEX_PAGE))
        site.pages.append(path)
    errors = [dict(e, report=p) for p, r in reports for e in r.get("errors", [])]
    write_text(site.index, render_index(sources, errors=errors, notes=notes, title=title))
    return site


def write_report_html(report: Mapping[str, Any], output: str | None, *, report_path: str | None = None, issue_id: str | None = None) -> list[str]:
    """Write the HTML for one report: a single page for one issue, a site for several.

    With one issue (or ``issue_id`` picking one), ``output`` is the page's file (``-``: stdout; default:
    the report's path with ``.html``; an existing directory gets ``<issue id>.html``). With several,
    ``output`` is a directory (default: the report's path without ``.json``) that gets a page per issue
    and ``index.html``. With none, the page lists the run's input errors. Returns the paths written.
    """
    issues = report.get("issues", [])
    if issue_id is not None:
        issues = [i for i in issues if i.get("id") == issue_id or i.get("path") == issue_id]
        if not issues:
            known = ", ".join(str(i.get("id")) for i in report.get("issues", [])[:5])
            raise ConfigError(f"--issue {issue_id!r}: no such issue in the report (it has: {known or 'none'})")
        report = dict(report, issues=issues[:1])
        issues = issues[:1]
    if len(issues) <= 1:
        target = output or (str(Path(report_path).with_suffix(".html")) if report_path else "-")
        if target != "-" and Path(target).is_dir():  # an existing directory: the page goes inside it
            name = page_name(str(issues[0].get("id") or "issue"), set()) if issues else INDEX_PAGE
            target = str(Path(target) / name)
        # no issue at all (every input failed): the page is the index, which lists the input errors
        page = render_issue_page(report, issues[0]) if issues else render_index([], errors=report.get("errors", []))
        write_text(target, page)
        return [target]
    if output == "-" or (output or "").lower().endswith((".html", ".htm")):
        raise ConfigError(
            f"the report has {len(issues)} issues: give --output DIR for a page per issue and an index, or pick one with --issue ID"
        )
    if output is None:
        if report_path is None:
            raise ConfigError(f"the run has {len(issues)} issues: give --output DIR for a page per issue and an index")
        stem = Path(report_path).with_suffix("")
        output = str(stem) if str(stem) != report_path else f"{report_path}-html"  # never the report itself
    site = write_site([(report_path, report)], output)
    return [site.index, *site.pages]
