"""Render the canonical report as Markdown, short enough for a pull-request comment."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

#: Worst entries listed per issue; the JSON has them all.
WORST_ENTRIES = 10


def render_markdown(report: dict[str, Any]) -> str:
    """Headline table over issues, then per issue the worst entries and findings grouped by code."""
    s = report["summary"]
    out = [
        "# evalkit report",
        "",
        f"{s['issues']} issue(s), {s['entries']} entries: **{s['fail']} fail**, {s['warn']} warn, {s['pass']} pass"
        + (f"; **{s['input_errors']} input error(s)**" if s["input_errors"] else "")
        + ".",
        "",
    ]
    if report["issues"]:
        out += ["| issue | date | entries | fail | warn | errors | warnings | English cut |", "|---|---|---:|---:|---:|---:|---:|---:|"]
        for issue in report["issues"]:
            m = issue["summary"]
            out.append(
                f"| {_cell(issue['path'])} | {issue['date'] or ''} | {m['entries']} | {m['fail']} | {m['warn']} | "
                f"{m['errors']} | {m['warnings']} | {m['source_truncated']} |"
            )
        out.append("")
    out += _scores_section(report)
    for issue in report["issues"]:
        out += _issue_section(issue)
    if report["errors"]:
        out += ["## Input errors", ""]
        out += [f"- `{_code(e['path'])}{':' + str(e['line']) if e['line'] else ''}`: {_text(e['message'])}" for e in report["errors"]]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


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


def _scores_section(report: dict[str, Any]) -> list[str]:
    """Issue-level reference-based scores, when any issue has them."""
    columns = score_columns(report)
    if not columns:
        return []
    metrics = report["config"].get("metrics", {})
    s = report["summary"]
    refs = report["config"].get("references") or {}
    header = [n + (" ↓" if not metrics.get(n, {}).get("higher_is_better", True) else "") for n in columns]
    out = [
        "## Scores against reference translations",
        "",
        f"{s.get('with_references', 0)} of {s['entries']} entries have a reference"
        + (f" (`{_code(refs['path'])}`: {refs['references']} reference(s) for {refs['ids']} arXiv id(s))" if refs else "")
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
        cells = [format_score(scores[n]) if n in scores else "" for n in columns]
        out.append(f"| {_cell(issue['path'])} | {m.get('with_references', 0)}/{m['entries']} | " + " | ".join(cells) + " |")
    boot = report["config"].get("bootstrap", {})
    out += [""]
    if boot.get("samples"):
        out += [
            f"Corpus scores over the entries with a reference; [{boot['confidence']:.0%} interval] from {boot['samples']}"
            " paired bootstrap resamples of entries. ↓: lower is better.",
            "",
        ]
    out += [f"- `{n}`: `{_code(str(metrics.get(n, {}).get('signature')))}`" for n in columns]
    out.append("")
    return out


def _issue_section(issue: dict[str, Any]) -> list[str]:
    entries = [e for e in issue["entries"] if e["status"] != "pass"]
    codes: Counter[tuple[str, str]] = Counter()
    for e in issue["entries"]:
        codes.update((f["code"], f["severity"]) for f in e["findings"] if f["severity"] != "info")
    codes.update((f["code"], f["severity"]) for f in issue["findings"] if f["severity"] != "info")
    if not entries and not codes:
        return []
    out = [f"## {_text(issue['id'])}", ""]
    if codes:
        out += ["| code | severity | count |", "|---|---|---:|"]
        out += [f"| `{code}` | {sev} | {n} |" for (code, sev), n in sorted(codes.items(), key=lambda kv: (-kv[1], kv[0]))]
        out.append("")
    worst = sorted(entries, key=lambda e: (-_weight(e), e["ref"]))[:WORST_ENTRIES]
    if worst:
        out += ["Worst entries:", ""]
        for e in worst:
            findings = [f for f in e["findings"] if f["severity"] != "info"]
            first = findings[0] if findings else None
            detail = f" — `{first['code']}` line {first['line']}: {_text(first['message'])}" if first else ""
            more = f" (+{len(findings) - 1} more)" if len(findings) > 1 else ""
            out.append(f"- **[^{e['ref']}]** {e['status']} {_paper_link(e)}{detail}{more}")
        out.append("")
    return out


def _weight(entry: dict[str, Any]) -> int:
    return sum(100 if f["severity"] == "error" else 1 for f in entry["findings"] if f["severity"] != "info")


def _text(value: str) -> str:
    """Digest text inside Markdown: neutralise markup and HTML so it renders as the characters it is."""
    out = value.replace("\\", "\\\\").replace("\n", " ").replace("\r", " ")
    for ch in "`*_[]<>|#!":
        out = out.replace(ch, "\\" + ch)
    return out


def _cell(value: str) -> str:
    return _text(value)


def _code(value: str) -> str:
    return value.replace("`", "'").replace("\n", " ")


def _paper_link(entry: dict[str, Any]) -> str:
    """A link rebuilt from the parsed arXiv id, never the digest's raw URL (which could smuggle markup)."""
    arxiv_id = entry.get("arxiv_id")
    if arxiv_id and re.fullmatch(r"[\w./\-]+", arxiv_id):
        return f"[{arxiv_id}](https://arxiv.org/abs/{arxiv_id})"
    return _text(entry.get("link") or "")
