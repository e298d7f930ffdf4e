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
    for issue in report["issues"]:
        out += _issue_section(issue)
    if report["errors"]:
        out += ["## Input errors", ""]
        out += [f"- `{_code(e['path'])}{':' + str(e['line']) if e['line'] else ''}`: {_text(e['message'])}" for e in report["errors"]]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


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
