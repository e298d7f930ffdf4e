"""Render the canonical report as Markdown, short enough for a pull-request comment."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from evalkit.records import Severity
from evalkit.text.safe import display_path, markdown_code, markdown_text

#: Worst entries listed per issue; the JSON has them all.
WORST_ENTRIES = 10
#: GitHub refuses comments over 65,536 characters: per-issue sections that do not fit are left out.
MAX_CHARS = 60_000
#: Issues in the headline table, worst first when there are more; the JSON has them all.
MAX_TABLE_ISSUES = 40
_STATUS = {"fail": "❌ fail", "warn": "⚠️ warn", "pass": "✅ pass"}


def render_markdown(report: dict[str, Any], *, max_chars: int = MAX_CHARS) -> str:
    """A summary fit for a pull-request comment: headline table, scores, findings grouped by code, and
    per issue (worst issue first) its codes and worst entries.

    Digest text and file names are escaped so they render as the characters they are, without control
    characters, and ``@mentions`` and bare URLs in them are broken so a comment pings nobody. When the whole would exceed
    ``max_chars``, the last per-issue sections are left out and a line says how many.
    """
    s = report["summary"]
    head = [
        "# evalkit report",
        "",
        f"{s['issues']} issue(s), {s['entries']} entries: **{s['fail']} fail**, {s['warn']} warn, {s['pass']} pass"
        + (f"; **{s['input_errors']} input error(s)**" if s["input_errors"] else "")
        + ".",
        "",
    ]
    head += _headline_table(report["issues"])
    head += _judge_section(report)
    head += _scores_section(report)
    if len(report["issues"]) > 1:
        head += _codes_overall(report["issues"])
    tail = []
    if report["errors"]:
        tail += ["## Input errors", ""]
        tail += [f"- `{markdown_code(e['path'])}{':' + str(e['line']) if e['line'] else ''}`: {_text(e['message'])}" for e in report["errors"]]
        tail.append("")
    sections = [sec for issue in _worst_issues_first(report["issues"]) if (sec := _issue_section(issue))]
    budget = max_chars - len("\n".join(head + tail)) - 200
    kept: list[str] = []
    for n, sec in enumerate(sections):
        size = len("\n".join(sec)) + 1
        if size > budget:
            kept += [f"_{len(sections) - n} more issue section(s) left out to fit a pull-request comment; the JSON and HTML reports have them._", ""]
            break
        kept += sec
        budget -= size
    return "\n".join(head + kept + tail).rstrip() + "\n"


def _status(summary: dict[str, Any]) -> str:
    if summary.get("fail") or summary.get("errors"):
        return "fail"
    return "warn" if summary.get("warn") or summary.get("warnings") else "pass"


def _worst_issues_first(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Issues by failing entries, then errors, then warnings (report order among equals)."""
    return sorted(issues, key=lambda i: (-i["summary"]["fail"], -i["summary"]["errors"], -i["summary"]["warnings"]))


def _headline_table(issues: list[dict[str, Any]]) -> list[str]:
    """One row per issue (the worst ``MAX_TABLE_ISSUES`` when there are more)."""
    if not issues:
        return []
    shown = issues if len(issues) <= MAX_TABLE_ISSUES else _worst_issues_first(issues)[:MAX_TABLE_ISSUES]
    out = [
        "| issue | date | status | entries | fail | warn | errors | warnings | English cut |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for issue in shown:
        m = issue["summary"]
        out.append(
            f"| {_path(issue['path'])} | {issue['date'] or ''} | {_STATUS[_status(m)]} | {m['entries']} | {m['fail']} | "
            f"{m['warn']} | {m['errors']} | {m['warnings']} | {m['source_truncated']} |"
        )
    if len(issues) > len(shown):
        out += ["", f"_{len(issues) - len(shown)} more issue(s) not listed: the {len(shown)} worst are shown._"]
    out.append("")
    return out


def _codes_overall(issues: list[dict[str, Any]]) -> list[str]:
    """Warnings and errors grouped by code across all issues, with how many issues each touches."""
    count: Counter[str] = Counter()
    touched: Counter[str] = Counter()
    worst: dict[str, str] = {}
    for issue in issues:
        findings = [f for e in issue["entries"] for f in e["findings"]] + list(issue["findings"])
        seen = set()
        for f in findings:
            if f["severity"] == "info":
                continue
            count[f["code"]] += 1
            seen.add(f["code"])
            if Severity.rank_of(f["severity"]) > Severity.rank_of(worst.get(f["code"])):
                worst[f["code"]] = f["severity"]
        touched.update(seen)
    if not count:
        return []
    rows = sorted(count, key=lambda c: (-Severity.rank_of(worst[c]), -count[c], c))
    out = ["## Findings by code", "", "| code | severity | findings | issues |", "|---|---|---:|---:|"]
    out += [f"| `{markdown_code(c)}` | {worst[c]} | {count[c]} | {touched[c]} |" for c in rows]
    out.append("")
    return out


def score_columns(report: dict[str, Any]) -> list[str]:
    """Metric names that have an issue-level score somewhere in the report, in ``config.metrics`` order."""
    present = {name for issue in report["issues"] for name in issue["summary"].get("scores", {})}
    ordered = [name for name in report["config"].get("metrics", {}) if name in present]
    return ordered + sorted(present - set(ordered))


def format_score(score: dict[str, Any], digits: int = 2) -> str:
    """``60.63 [25.19–71.53]``: the value with its confidence interval when there is one."""
    ci = score.get("ci")
    value = f"{score['value']:.{digits}f}"
    return f"{value} [{ci[0]:.{digits}f}–{ci[1]:.{digits}f}]" if ci else value


def _judge_section(report: dict[str, Any]) -> list[str]:
    """What the LLM judge did, or why it did not, when the run asked for one: its findings are in the
    tables below with the rules', so a reader must know a model said them."""
    judge = report["config"].get("judge")
    if not judge:
        return []
    who = f"`{markdown_code(str(judge.get('model')))}` with prompt `{markdown_code(str(judge.get('prompt')))}`"
    if judge.get("status") != "computed":
        return [f"LLM judge {who}: **not computed** ({_text(str(judge.get('reason')))}).", ""]
    left = [f"{judge[k]} {label}" for k, label in (("failed", "failed"), ("over_budget", "over budget")) if judge.get(k)]
    return [
        f"LLM judge {who} read {judge['judged']} of {judge['entries']} entries in scope `{judge['scope']}`"
        + (f" ({', '.join(left)})" if left else "")
        + f": {judge['findings']} finding(s)"
        + (f"; {judge['dropped_spans']} quoted span(s) not found in the text were dropped" if judge.get("dropped_spans") else "")
        + ". Its findings' codes end in `-llm` or `.llm`.",
        "",
    ]


def _scores_section(report: dict[str, Any]) -> list[str]:
    """Issue-level reference-based scores, when any issue has them."""
    columns = score_columns(report)
    if not columns:
        return []
    from evalkit.metrics import display_precision

    metrics = report["config"].get("metrics", {})
    s = report["summary"]
    refs = report["config"].get("references") or {}
    header = [n + (" ↓" if not metrics.get(n, {}).get("higher_is_better", True) else "") for n in columns]
    out = [
        "## Scores against reference translations",
        "",
        f"{s.get('with_references', 0)} of {s['entries']} entries have a reference"
        + (f" (`{markdown_code(refs['path'])}`: {refs['references']} reference(s) for {refs['ids']} arXiv id(s))" if refs else "")
        + ".",
        "",
        "| issue | with reference | " + " | ".join(header) + " |",
        "|---|---:|" + "---:|" * len(columns),
    ]
    for issue in report["issues"]:
        m = issue["summary"]
        scores = m.get("scores", {})
        if not scores:
            continue
        cells = [format_score(scores[n], display_precision(n)) if n in scores else "" for n in columns]
        out.append(f"| {_path(issue['path'])} | {m.get('with_references', 0)}/{m['entries']} | " + " | ".join(cells) + " |")
    boot = report["config"].get("bootstrap", {})
    out += [""]
    if boot.get("samples"):
        out += [
            f"Corpus scores over the entries with a reference; [{boot['confidence']:.0%} interval] from {boot['samples']}"
            " paired bootstrap resamples of entries. ↓: lower is better.",
            "",
        ]
    out += [f"- `{n}`: `{markdown_code(str(metrics.get(n, {}).get('signature')))}`" for n in columns]
    out.append("")
    return out


def _issue_section(issue: dict[str, Any]) -> list[str]:
    """An issue's warnings and errors by code and its worst entries, each with its most severe finding."""
    entries = [e for e in issue["entries"] if e["status"] != "pass"]
    codes: Counter[tuple[str, str]] = Counter()
    for e in issue["entries"]:
        codes.update((f["code"], f["severity"]) for f in e["findings"] if f["severity"] != "info")
    codes.update((f["code"], f["severity"]) for f in issue["findings"] if f["severity"] != "info")
    if not entries and not codes:
        return []
    m = issue["summary"]
    out = [
        f"## {_text(issue['id'])}",
        "",
        f"{_STATUS[_status(m)]}: {m['entries']} entries, {m['fail']} fail, {m['warn']} warn; "
        f"{m['errors']} error(s), {m['warnings']} warning(s).",
        "",
    ]
    if codes:
        out += ["| code | severity | count |", "|---|---|---:|"]
        out += [f"| `{markdown_code(code)}` | {sev} | {n} |" for (code, sev), n in sorted(codes.items(), key=lambda kv: (-Severity.rank_of(kv[0][1]), -kv[1], kv[0]))]
        out.append("")
    worst = sorted(entries, key=lambda e: (-_weight(e), e["ref"]))[:WORST_ENTRIES]
    if worst:
        more_entries = len(entries) - len(worst)
        out += ["Worst entries" + (f" ({len(worst)} of {len(entries)}):" if more_entries else ":"), ""]
        for e in worst:
            findings = sorted(
                (f for f in e["findings"] if f["severity"] != "info"), key=lambda f: (-Severity.rank_of(f["severity"]), f["line"] or 0)
            )
            first = findings[0] if findings else None
            detail = f" — `{markdown_code(first['code'])}` line {first['line']}: {_text(_strip_ref(first['message'], e['ref']))}" if first else ""
            others = Counter(f["code"] for f in findings[1:])
            more = (
                " (+ " + ", ".join(f"`{markdown_code(c)}`" + (f" ×{n}" if n > 1 else "") for c, n in sorted(others.items())) + ")"
                if others
                else ""
            )
            out.append(f"- **[^{e['ref']}]** {e['status']} {_paper_link(e)}{detail}{more}")
        out.append("")
    return out


def _strip_ref(message: str, ref: Any) -> str:
    """The message without its ``[^N]: `` prefix, which the line already starts with."""
    prefix = f"[^{ref}]: "
    return message[len(prefix):] if message.startswith(prefix) else message


def _weight(entry: dict[str, Any]) -> int:
    return sum(100 if f["severity"] == "error" else 1 for f in entry["findings"] if f["severity"] != "info")


def _text(value: str) -> str:
    """Digest text inside Markdown: neutralise markup, HTML, mentions and autolinks so it renders as the
    characters it is and notifies nobody (:func:`~evalkit.text.safe.markdown_text`, not clipped)."""
    return markdown_text(value, None)


def _path(value: str) -> str:
    """A file name as Markdown text, its control characters shown escaped."""
    return markdown_text(display_path(value), None)


def _paper_link(entry: dict[str, Any]) -> str:
    """A link rebuilt from the parsed arXiv id, never the digest's raw URL (which could smuggle markup)."""
    arxiv_id = entry.get("arxiv_id")
    if arxiv_id and re.fullmatch(r"[\w./\-]+", arxiv_id):
        return f"[{arxiv_id}](https://arxiv.org/abs/{arxiv_id})"
    return _text(entry.get("link") or "")
