"""The index across issues, and writing HTML sites: one page per issue plus ``index.html``.

``evalkit report DIR_OR_REPORT... --output DIR`` reads score reports, gate reports and gate histories
(:mod:`evalkit.report.index_inputs`), counts an issue found in several of them once, gives every issue a
date (see :class:`DateRules`), writes each scored issue's page and an index that lists every issue (50
rows a page, sortable and filterable) and charts the trends by week or month, for everything, a channel
or a source (:mod:`evalkit.report.trends`): findings per 100 entries, failing entries, invented endings,
leaks, English cut, scores where references gave them, and findings per 100 entries by category.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath, PurePosixPath
from typing import Any, Iterable, Mapping, Sequence

from evalkit.errors import ConfigError, InputError
from evalkit.report.html.assets import json_for_script, render_page
from evalkit.report.html.page import STATUS_RANK, Metric, issue_status, metrics_of, render_issue_page
from evalkit.report.index_inputs import (
    GATE_SCHEMA,
    HISTORY_SCHEMA,
    KINDS,
    PathDisplay,
    gate_figures,
    history_figures,
    read_inputs,
    report_figures,
    shown_report,
)
from evalkit.report.trends import Dated, Figures, Measure, category_measures, headline_measures, score_measures, trend_data
from evalkit.report.write import write_text

INDEX_PAGE = "index.html"
#: Rows of the issue table shown at once; the page's controls move through the rest.
PAGE_SIZE = 50
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
    """One issue to publish: the input it came from, its resolved date and its page's file name.

    ``kind`` is the input's kind (``report``, ``gate`` or ``history``, see
    :mod:`evalkit.report.index_inputs`); only a score report's issues get a page (``page`` is ``None``
    for the others).
    """

    report: Mapping[str, Any]
    issue: Mapping[str, Any]
    report_path: str | None
    date: str | None
    date_from: str
    page: str | None
    kind: str = "report"


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
    """Load every input named in ``paths`` (score reports, gate reports, gate histories; directories
    searched for them), refusing with the first unreadable one's :class:`InputError`.

    :func:`evalkit.report.index_inputs.read_inputs` reads on past unreadable inputs instead.
    """
    found = read_inputs(paths)
    if found.problems:
        raise found.problems[0]
    if not found.loaded:
        raise InputError(", ".join(paths) or ".", NOTHING_FOUND)
    return [(x.path, dict(x.data)) for x in found.loaded], found.notes


#: The message when the paths given hold no input at all.
NOTHING_FOUND = (
    "no evalkit JSON reports found (write them with evalkit score --format json), nor gate reports"
    " (evalkit gate --output FILE) or gate histories (evalkit gate --record)"
)


def page_name(issue_id: str, taken: set[str]) -> str:
    """A file name for an issue's page: the id with unsafe characters replaced, unique within ``taken``."""
    stem = _UNSAFE.sub("_", issue_id).strip("._") or "issue"
    stem = stem[:120]
    name, n = f"{stem}.html", 2
    while name in taken or name == INDEX_PAGE:
        name, n = f"{stem}-{n}.html", n + 1
    taken.add(name)
    return name


def kind_of(data: Mapping[str, Any]) -> str:
    """``report``, ``gate`` or ``history``: which input ``data`` is (a score report unless it says)."""
    schema = data.get("schema")
    return "gate" if schema == GATE_SCHEMA else "history" if schema == HISTORY_SCHEMA else "report"


def _same_issue(issue: Mapping[str, Any]) -> tuple[str, str]:
    """What makes two inputs' issues one: the digest's folder and file name, and the issue id (a score
    report made on one machine and a history recorded in CI name the same file by different paths)."""
    parts = PurePosixPath(str(issue.get("path") or "").replace("\\", "/")).parts
    return "/".join(parts[-2:]), str(issue.get("id"))


def collect_issues(
    reports: Sequence[tuple[str | None, Mapping[str, Any]]], rules: DateRules = DateRules()
) -> tuple[list[IssueSource], list[str]]:
    """Every issue of ``reports`` (score reports, gate reports, histories: see :func:`find_reports`) with its
    date and page name. An issue found in several inputs counts once: a score report's wins over a gate
    report's, which wins over a history's; among inputs of one kind the later one is used, so re-running
    a report does not count it twice."""
    shown = PathDisplay([p for p, _ in reports if p])
    latest: dict[tuple[str, str], tuple[str | None, Mapping[str, Any], Mapping[str, Any], str]] = {}
    notes = []
    for report_path, report in reports:
        kind = kind_of(report)
        for issue in report.get("issues", []):
            key = _same_issue(issue)
            if key in latest:
                before_path, _, _, before = latest[key]
                where = shown.show(report_path) if report_path else "-"
                if KINDS.index(kind) > KINDS.index(before):
                    notes.append(f"{issue.get('id')}: also in {where}; the {_KIND_NAMES[before]} in {shown.show(before_path or '-')} is used")
                    continue
                if kind != before:
                    notes.append(f"{issue.get('id')}: also in {shown.show(before_path or '-')}; the {_KIND_NAMES[kind]} in {where} is used")
                else:
                    notes.append(f"{issue.get('id')}: found again in {where}; the later {_KIND_NAMES[kind]} is used")
            latest[key] = (report_path, report, issue, kind)
    used: set[str] = set()
    taken: set[str] = set()
    out = []
    for report_path, report, issue, kind in latest.values():
        day, source, matched = rules.date_of(issue, report_path)
        if matched:
            used.add(matched)
        page = page_name(str(issue.get("id") or "issue"), taken) if kind == "report" else None
        out.append(IssueSource(report, issue, report_path, day, source, page, kind))
    notes += [f"--date {name}=...: no issue or report of that name" for name in rules.unused(used)]
    out.sort(key=lambda s: str(s.issue.get("id")))
    out.sort(key=lambda s: s.date or "", reverse=True)  # newest first (stable: by id within a date); undated last
    return out, notes


_KIND_NAMES = {"report": "score report", "gate": "gate report", "history": "history"}


# --- the index page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueRow:
    """One row of the index table; ``None`` for a figure the issue's input does not give."""

    date: str | None
    id: str
    path: str
    page: str | None
    kind: str
    channel: str
    source: str
    status: str
    status_rank: int
    entries: int
    fail: int
    warn: int | None
    passed: int | None
    errors: int | None
    warnings: int | None
    cut: int | None
    cut_share: float | None
    scores: tuple[tuple[str, float | None, str, str], ...]
    bar: tuple[tuple[str, float, float], ...]


def merged_metrics(sources: Sequence[IssueSource]) -> list[Metric]:
    """The metrics of all score-report issues, directions taken from their reports' ``config.metrics``."""
    config_metrics: dict[str, Any] = {}
    reports = [s for s in sources if s.kind == "report"]
    for s in reports:
        for name, info in (s.report.get("config", {}).get("metrics") or {}).items():
            config_metrics.setdefault(name, info)
    return metrics_of({"config": {"metrics": config_metrics}}, [s.issue for s in reports])


def figures_of(s: IssueSource) -> Figures:
    """What the trends know of an issue, by the kind of its input."""
    if s.kind == "gate":
        return gate_figures(s.issue)
    if s.kind == "history":
        return history_figures(s.issue)
    return report_figures(s.issue)


def _bar(fail: int, warn: int, passed: int, n: int) -> tuple[tuple[str, float, float], ...]:
    """The row's fail/warn/pass bar: ``(css class, x, width)`` in percent of the entries."""
    bar, x = [], 0.0
    for cls, count in (("bar-error", fail), ("bar-warning", warn), ("bar-pass", passed)):
        w = 100 * count / n if n else 0
        if w:
            bar.append((cls, round(x, 2), round(w, 2)))
        x += w
    return tuple(bar)


def issue_row(s: IssueSource, metrics: Sequence[Metric], display: PathDisplay | None = None) -> IssueRow:
    """The index row of one issue (its path as ``display`` shows it)."""
    display = display or PathDisplay([str(s.issue.get("path") or "")])
    path = str(s.issue.get("path") or "")
    common = dict(
        date=s.date, id=str(s.issue.get("id") or ""), path=display.show(path), page=s.page, kind=s.kind,
        channel=str(s.issue.get("channel") or ""), source=display.source(path),
    )
    if s.kind != "report":
        f = figures_of(s)
        warnings = errors = warn = None
        if s.kind == "history":
            codes = s.issue.get("codes", [])
            errors = sum(1 for c in codes for _, sev in c if sev == "error")
            warnings = sum(1 for c in codes for _, sev in c if sev == "warning")
            failed = not s.issue.get("passed", True)
            status = "fail" if failed or f.fail else "warn" if warnings else "pass"
        else:
            status = "fail" if s.issue.get("verdict") == "fail" or f.fail else "pass"
        fail = f.fail or 0
        return IssueRow(
            **common, status=status, status_rank=STATUS_RANK[status], entries=f.entries, fail=fail, warn=warn,
            passed=None, errors=errors, warnings=warnings, cut=None, cut_share=None,
            scores=tuple((m.name, None, m.fmt(None), "") for m in metrics),
            bar=_bar(fail, 0, f.entries - fail, f.entries),
        )
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
    return IssueRow(
        **common, status=status, status_rank=STATUS_RANK[status],
        entries=n, fail=fail, warn=warn, passed=passed, errors=m.get("errors", 0), warnings=m.get("warnings", 0),
        cut=m.get("source_truncated", 0), cut_share=(m.get("source_truncated", 0) / n) if n else None,
        scores=tuple(cells), bar=_bar(fail, warn, passed, n),
    )


def display_of(sources: Sequence[IssueSource], errors: Sequence[Mapping[str, Any]] = ()) -> PathDisplay:
    """How the digest paths of ``sources`` (and of the input errors) are shown: relative to their root."""
    return PathDisplay([str(s.issue.get("path") or "") for s in sources] + [str(e.get("path") or "") for e in errors])


def trend_items(sources: Sequence[IssueSource], display: PathDisplay) -> list[Dated]:
    """The dated issues as the trend arithmetic sees them."""
    return [
        Dated(date.fromisoformat(s.date), str(s.issue.get("channel") or ""), display.source(str(s.issue.get("path") or "")), figures_of(s))
        for s in sources
        if s.date
    ]


def trend_measures(items: Sequence[Dated], metrics: Sequence[Metric]) -> list[Measure]:
    """The charts of the index: the headline ones, a score chart per metric with scores, the categories."""
    scored = [(m.name, m.higher_is_better, m.digits) for m in metrics if any(m.name in i.figures.scores for i in items)]
    headline = [m for m in headline_measures() if any(m.counts(i.figures) for i in items)]
    return headline + score_measures(scored) + category_measures(items)


def index_context(
    sources: Sequence[IssueSource], *, errors: Sequence[Mapping[str, Any]] = (), notes: Sequence[str] = (), title: str | None = None
) -> dict[str, Any]:
    """Everything the index template shows."""
    display = display_of(sources, errors)
    metrics = merged_metrics(sources)
    rows = [issue_row(s, metrics, display) for s in sources]
    entries = sum(r.entries for r in rows)
    cut_known = [r for r in rows if r.cut is not None]
    totals = {
        "issues": len(rows),
        "entries": entries,
        "fail": sum(r.fail for r in rows),
        "warn": sum(r.warn or 0 for r in rows),
        "pass": sum(r.passed if r.passed is not None else r.entries - r.fail for r in rows),
        "errors": sum(r.errors or 0 for r in rows),
        "warnings": sum(r.warnings or 0 for r in rows),
        "cut": sum(r.cut or 0 for r in cut_known),
        "cut_share": (sum(r.cut or 0 for r in cut_known) / sum(r.entries for r in cut_known)) if sum(r.entries for r in cut_known) else None,
        "failing_issues": sum(1 for r in rows if r.status == "fail"),
    }
    items = trend_items(sources, display)
    measures = trend_measures(items, metrics)
    data = trend_data(items, measures)
    dated = [s.date for s in sources if s.date]
    tool = next((s.report.get("tool") for s in sources if s.report.get("tool")), {}) or {}
    kinds = {s.kind for s in sources}
    return {
        "title": title or "evalkit: issues",
        "tool": tool,
        "totals": totals,
        "metrics": metrics,
        "rows": rows,
        "page_size": PAGE_SIZE,
        "channels": sorted({r.channel for r in rows if r.channel}),
        "sources": sorted({r.source for r in rows if r.source}),
        "charts": data.get("charts", []),
        "grain": data.get("default", "month"),
        "trend_data": json_for_script(data),
        "has_scores": any(c["kind"] == "score" for c in data.get("charts", [])),
        "from_gate": "gate" in kinds or "history" in kinds,
        "span": (min(dated), max(dated)) if dated else None,
        "undated": sum(1 for s in sources if not s.date),
        "errors": [dict(e, path=display.show(str(e.get("path") or ""))) for e in errors],
        "notes": list(notes),
    }


def render_index(sources: Sequence[IssueSource], **kwargs: Any) -> str:
    """The index page of ``sources`` (their pages are expected beside it, under ``IssueSource.page``)."""
    return render_page("index.html.j2", **index_context(sources, **kwargs))


def write_site(
    reports: Sequence[tuple[str | None, Mapping[str, Any]]],
    out: str,
    *,
    rules: DateRules = DateRules(),
    title: str | None = None,
    problems: Sequence[InputError] = (),
) -> Site:
    """Write one page per score-report issue of ``reports`` and ``index.html`` into the directory ``out``.

    ``reports`` may also hold gate reports and histories (their issues are rows without a page);
    ``problems`` are inputs that could not be read, listed on the index with the inputs' own errors.
    """
    sources, notes = collect_issues(reports, rules)
    site = Site(out, notes=notes)
    target = Path(out)
    if target.exists() and not target.is_dir():
        raise InputError(out, "exists and is not a directory")
    inputs = PathDisplay([p for p, _ in reports if p] + [x.path for x in problems])
    errors = [dict(e, report=inputs.show(p or "-")) for p, r in reports for e in r.get("errors", []) if isinstance(e, Mapping)]
    errors += [{"path": inputs.show(x.path), "line": x.line, "message": x.message} for x in problems]
    display = display_of(sources, [e for p, r in reports for e in r.get("errors", []) if isinstance(e, Mapping)])
    for s in sources:
        if s.page is None:
            continue
        path = str(target / s.page)
        report, issue = shown_report(s.report, s.issue, display)
        write_text(path, render_issue_page(report, issue, index_href=INDEX_PAGE))
        site.pages.append(path)
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
        if issues:
            display = PathDisplay([str(issues[0].get("path") or "")] + [str(e.get("path") or "") for e in report.get("errors", [])])
            page = render_issue_page(*shown_report(report, issues[0], display))
        else:
            page = render_index([], errors=report.get("errors", []))
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
