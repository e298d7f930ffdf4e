"""The lines ``evalkit gate`` prints: a verdict line, one line per issue, then a line per reason.

Reason lines read ``path:line: [^ref] arXiv ID: code: message`` (the compiler style editors and CI logs link
to). With ``github=True`` each reason is printed as a GitHub annotation instead
(:func:`~evalkit.gate.outputs.github.annotations`), so the log shows it once and the pull request shows it
on the line. Every plain line goes through :func:`~evalkit.text.safe.one_line` and
:func:`~evalkit.text.safe.log_line` (file names through :func:`~evalkit.text.safe.display_path`), so
neither digest text nor a file name can start a line of its own, hold a control character or make a
workflow command.
"""

from __future__ import annotations

from typing import Any, Iterator

from evalkit.gate.outputs.github import annotations
from evalkit.text.safe import display_path, log_line, one_line
from evalkit.text.chars import fit


def render_console(report: dict[str, Any], *, github: bool = False) -> Iterator[str]:
    """The printed lines of a gate report (without trailing newlines)."""
    yield from (log_line(line) for line in _plain_lines(report, github))
    if github:
        yield from annotations(report)


def _plain_lines(report: dict[str, Any], github: bool) -> Iterator[str]:
    s = report["summary"]
    verdict = report["verdict"].upper()
    yield one_line(
        f"evalkit gate: {verdict}: {s['issues']} issue(s), {s['failed_issues']} failed; {s['entries']} entries,"
        f" {s['failing_entries']} failing, {s['waived_entries']} waived"
        + (f"; {s['input_errors']} input error(s)" if s["input_errors"] else "")
    )
    for issue in report["issues"]:
        yield one_line(
            f"{issue['verdict'].upper()} {display_path(issue['path'])}: {issue['failing']} of {issue['entries_total']} entries fail"
            + (f", {issue['waived']} waived" if issue["waived"] else "")
        )
        if not github:
            for reason in issue["reasons"]:
                yield "  " + one_line(_issue_reason(issue, reason))
            for entry in issue["entries"]:
                for reason in entry["reasons"]:
                    yield "  " + one_line(_entry_reason(issue, entry, reason))
        for note in issue["notes"]:
            yield "  " + one_line(f"note: {note}")
        regression = issue.get("regression")
        if regression:
            yield from ("  " + one_line(line) for line in _regression_lines(regression))
    waivers = report["waivers"]
    if waivers["count"]:
        yield one_line(
            f"waivers ({display_path(waivers['path'] or '')}): {len(waivers['used'])} used, {len(waivers['unused'])} unused,"
            f" {len(waivers['expired'])} expired"
        )
        if not github:
            for w in waivers["expired"]:
                yield "  " + one_line(f"{_where(w)}: expired on {w['expires']}: {_subject(w)} {w['code']}: renew or remove it")
            for w in waivers["unused"]:
                yield "  " + one_line(f"{_where(w)}: unused: {_subject(w)} {w['code']}")
    history = report.get("history")
    if history and history.get("note"):
        yield one_line(f"history: {history['note']}")


def _issue_reason(issue: dict[str, Any], reason: dict[str, Any]) -> str:
    where = f"{display_path(issue['path'])}:{reason['line']}" if reason["line"] else display_path(issue["path"])
    return f"{where}: {_status(reason)}{reason['code']}: {fit(reason['message'], 400)}{_waiver(reason)}"


def _entry_reason(issue: dict[str, Any], entry: dict[str, Any], reason: dict[str, Any]) -> str:
    subject = f"[^{entry['ref']}] arXiv {entry['arxiv_id']}" if entry["arxiv_id"] else f"[^{entry['ref']}]"
    line = reason["line"] or entry["line"]
    return f"{display_path(issue['path'])}:{line}: {_status(reason)}{subject}: {reason['code']}: {fit(reason['message'], 400)}{_waiver(reason)}"


def _status(reason: dict[str, Any]) -> str:
    return "" if reason["status"] == "fail" else "waived: "


def _waiver(reason: dict[str, Any]) -> str:
    w = reason["waiver"]
    return f" (until {w['expires']}, {_where(w)}: {fit(w['reason'], 200)})" if w else ""


def _regression_lines(regression: dict[str, Any]) -> Iterator[str]:
    n = len(regression["baseline"])
    if not n:
        yield f"regression: no earlier issue of {regression['series']} in the history"
        return
    conf = f"{regression['confidence']:.0%}"
    for f in regression["figures"]:
        rate = f["figure"] == "failure_rate"
        if f["status"] == "not tested":
            yield f"regression vs {n} issue(s) of {regression['series']}: {f['figure']}: not tested ({f['note']})"
            continue
        yield (
            f"regression vs {n} issue(s) of {regression['series']}: {f['figure']} {_fmt(f['value'], rate)} vs"
            f" {_fmt(f['baseline'], rate)} (change {_fmt(f['change'], rate, True)}, {conf} bound"
            f" {_fmt(f['bound'], rate, True)}): {'REGRESSION' if f['status'] == 'regression' else 'no significant drop'}"
        )


def _fmt(value: float | None, rate: bool, signed: bool = False) -> str:
    if value is None:
        return "-"
    if rate:
        return f"{value * 100:+.1f} pts" if signed else f"{value:.1%}"
    return f"{value:+.4g}" if signed else f"{value:.4g}"


def _where(w: dict[str, Any]) -> str:
    return f"{display_path(w['path'])}:{w['line']}" if w["line"] else display_path(w["path"])


def _subject(w: dict[str, Any]) -> str:
    return f"arXiv {w['arxiv_id']}" if w["arxiv_id"] else f"issue {w['issue']}"
