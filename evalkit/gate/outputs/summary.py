"""The gate report as Markdown: the verdict, a table of issues, and every failing entry with its reason.

Written for the GitHub step summary (``$GITHUB_STEP_SUMMARY``, at most 1 MiB per step) and for pull-request
comments, so a maintainer sees from this page alone which entries failed and why. All digest text goes
through :func:`~evalkit.text.safe.markdown_text` (file names through
:func:`~evalkit.text.safe.display_path` first), which also breaks ``@mentions`` and bare URLs, so a comment
of this summary notifies nobody.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from evalkit.gate.outputs import GATE_FORMATS, GateFormat
from evalkit.text.safe import display_path
from evalkit.text.safe import markdown_text as md

#: Reason rows listed in all (the rest are counted; the JSON report and the log have them all). With
#: messages clipped to 300 characters this keeps the summary far below the runner's 1 MiB limit.
MAX_ROWS = 500
_ICON = {"pass": "✅", "fail": "❌", "error": "⚠️", "waived": "➖"}


def render_summary(report: dict[str, Any]) -> str:
    """The Markdown summary of a gate report."""
    s = report["summary"]
    verdict = report["verdict"]
    head = {"pass": "passed", "fail": "failed", "error": "could not read every input"}[verdict]
    out = [
        f"## {_ICON[verdict]} evalkit gate {head}",
        "",
        f"{s['issues']} issue(s), {s['failed_issues']} failed; {s['entries']} entries, **{s['failing_entries']} failing**,"
        f" {s['waived_entries']} waived" + (f"; **{s['input_errors']} input error(s)**" if s["input_errors"] else "") + ".",
        "",
        _policy_line(report["policy"]),
        "",
    ]
    if report["issues"]:
        out += ["| | issue | entries | failing | waived | why |", "|---|---|---:|---:|---:|---|"]
        # failed issues first: in a run over many digests they are what the reader came for
        for issue in sorted(report["issues"], key=lambda i: i["verdict"] == "pass"):
            why = "; ".join(md(r["message"], 160) for r in issue["reasons"] if r["status"] == "fail") or ""
            out.append(
                f"| {_ICON[issue['verdict']]} | {_path(issue['path'])} | {issue['entries_total']} | {issue['failing']} |"
                f" {issue['waived']} | {why} |"
            )
        out.append("")
    budget = [MAX_ROWS]
    for issue in report["issues"]:
        out += _issue_section(issue, budget)
    out += _waiver_section(report["waivers"])
    if report["errors"]:
        out += ["### ⚠️ Input errors", ""]
        for e in report["errors"]:
            line = f":{e['line']}" if e["line"] else ""
            out.append(f"- {_path(e['path'])}{line}: {md(e['message'])}")
        out.append("")
    history = report.get("history")
    if history and history.get("note"):
        out += [f"History: {md(history['note'])}", ""]
    return "\n".join(out).rstrip() + "\n"


def _policy_line(policy: dict[str, Any]) -> str:
    parts = ["an entry fails on any error finding"]
    limits = [f"{m} < {v:g}" for m, v in policy["entry"]["min"].items()] + [f"{m} > {v:g}" for m, v in policy["entry"]["max"].items()]
    if limits:
        parts.append(f"or on {', '.join(limits)} (not computed: {policy['missing_metric']})")
    share = policy["issue"]["max_failing_share"]
    parts.append(f"an issue fails above {share:.1%} failing entries" if share else "an issue fails on any failing entry")
    source = f" (policy from {_path(policy['source'])})" if policy.get("source") else " (default policy)"
    return "Policy: " + md("; ".join(parts), 1000) + source + "."


def _issue_section(issue: dict[str, Any], budget: list[int]) -> list[str]:
    rows = [(e, r) for e in issue["entries"] for r in e["reasons"]]
    regression = issue.get("regression")
    if not rows and not issue["reasons"] and not issue["notes"] and not regression:
        return []
    out = [f"### {_ICON[issue['verdict']]} {_path(issue['path'])}", ""]
    if rows:
        out += ["| line | entry | arXiv | code | why |", "|---:|---|---|---|---|"]
        shown = 0
        for entry, reason in rows:
            if budget[0] <= 0:
                break
            budget[0] -= 1
            shown += 1
            arxiv = f"[{md(entry['arxiv_id'])}](https://arxiv.org/abs/{quote(entry['arxiv_id'], safe='/.')})" if entry["arxiv_id"] else ""
            why = md(reason["message"])
            if reason["status"] == "waived":
                w = reason["waiver"]
                why = f"➖ waived until {w['expires']}: {md(w['reason'], 200)} — {why}"
            title = md(entry["title_zh"] or entry["title_en"], 80)
            out.append(
                f"| {reason['line'] or entry['line']} | [^{entry['ref']}] {title} | {arxiv} | {md(reason['code'])} | {why} |"
            )
        if shown < len(rows):
            out.append(f"| | | | | … and {len(rows) - shown} more (see the JSON report or the job log) |")
        out.append("")
    for reason in issue["reasons"]:
        icon = "❌" if reason["status"] == "fail" else "➖ waived:"
        line = f" (line {reason['line']})" if reason["line"] else ""
        out.append(f"- {icon} {md(reason['code'])}{line}: {md(reason['message'])}")
    for note in issue["notes"]:
        out.append(f"- note: {md(note)}")
    if issue["reasons"] or issue["notes"]:
        out.append("")
    if regression:
        out += _regression_table(regression)
    return out


def _regression_table(regression: dict[str, Any]) -> list[str]:
    n = len(regression["baseline"])
    if not n:
        return [f"No earlier issue of {md(regression['series'])} in the history: nothing to compare with.", ""]
    conf = f"{regression['confidence']:.0%}"
    out = [
        f"Compared with the last {n} issue(s) of {md(regression['series'])} (asked for {regression['requested']}):",
        "",
        f"| figure | this issue | baseline | change | {conf} bound | verdict |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for f in regression["figures"]:
        rate = f["figure"] == "failure_rate"
        status = {"regression": "❌ regression", "ok": "✅ no significant drop"}.get(f["status"], md(f"not tested: {f['note']}"))
        out.append(
            f"| {md(f['figure'])} | {_fmt(f['value'], rate)} ({f['n']}) | {_fmt(f['baseline'], rate)} ({f['baseline_n']}) |"
            f" {_fmt(f['change'], rate, signed=True)} | {_fmt(f['bound'], rate, signed=True)} | {status} |"
        )
    out.append("")
    return out


def _waiver_section(waivers: dict[str, Any]) -> list[str]:
    if not waivers["count"]:
        return []
    out = [
        f"### Waivers ({_path(waivers['path'] or '')})",
        "",
        f"{len(waivers['used'])} used, {len(waivers['unused'])} unused, {len(waivers['expired'])} expired.",
        "",
    ]
    for w in waivers["expired"]:
        out.append(f"- ❌ expired {w['expires']}: {_waiver(w)}")
    for w in waivers["unused"]:
        out.append(f"- unused: {_waiver(w)}")
    if waivers["expired"] or waivers["unused"]:
        out.append("")
    return out


def _waiver(w: dict[str, Any]) -> str:
    subject = f"arXiv {w['arxiv_id']}" if w["arxiv_id"] else f"issue {w['issue']}"
    line = f":{w['line']}" if w["line"] else ""
    return f"{md(subject)} {md(w['code'])} ({_path(w['path'])}{line}): {md(w['reason'], 200)}"


def _fmt(value: float | None, rate: bool, signed: bool = False) -> str:
    if value is None:
        return "–"
    if rate:
        return f"{value * 100:+.1f} pts" if signed else f"{value:.1%}"
    return f"{value:+.4g}" if signed else f"{value:.4g}"


def _path(path: str) -> str:
    """A file name in the summary: shown with its control characters escaped, then as Markdown text."""
    return md(display_path(path))


@GATE_FORMATS.register
class MarkdownGateFormat(GateFormat):
    """``--summary FILE`` and the GitHub step summary: :func:`render_summary`."""

    name = "markdown"

    def render(self, report: dict[str, Any], outcome: Any = None) -> str:
        return render_summary(report)
