"""Render the canonical report as a terminal summary with rich (the default ``--format``)."""

from __future__ import annotations

from collections import Counter
from typing import Any, TextIO

#: Findings listed under the table before pointing at --format json/markdown for the rest.
MAX_LISTED = 15


def render_table(report: dict[str, Any], stream: TextIO) -> None:
    """Print one row per issue, the most frequent codes and a one-line verdict."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=stream, highlight=False, soft_wrap=False)
    table = Table(title="evalkit — translation quality", title_justify="left")
    for col, kw in (
        ("issue", {"no_wrap": True, "overflow": "ellipsis", "min_width": 12, "max_width": 44}),
        ("date", {"no_wrap": True}),
        ("entries", {"justify": "right"}),
        ("fail", {"justify": "right", "style": "red"}),
        ("warn", {"justify": "right", "style": "yellow"}),
        ("pass", {"justify": "right", "style": "green"}),
        ("EN cut", {"justify": "right"}),
        ("top findings", {"overflow": "fold", "min_width": 16}),
    ):
        table.add_column(col, **kw)
    for issue in report["issues"]:
        m = issue["summary"]
        top = ", ".join(f"{code} ×{n}" for code, n in Counter(m["by_code"]).most_common(3))
        table.add_row(
            escape(issue["id"]), issue["date"] or "", str(m["entries"]), str(m["fail"]), str(m["warn"]),
            str(m["pass"]), str(m["source_truncated"]), escape(top),
        )
    if report["issues"]:
        console.print(table)
    listed = 0
    for issue in report["issues"]:
        for entry in issue["entries"]:
            for f in entry["findings"]:
                if f["severity"] == "error" and listed < MAX_LISTED:
                    listed += 1
                    console.print(f"[red]error[/] {escape(issue['path'])}:{f['line']} [bold]{f['code']}[/] {escape(f['message'])}")
    total_errors = sum(i["summary"]["errors"] for i in report["issues"])
    if total_errors > listed:
        console.print(f"… {total_errors - listed} more error finding(s); see --format json or markdown for all of them")
    s = report["summary"]
    verdict = f"{s['issues']} issue(s), {s['entries']} entries: [red]{s['fail']} fail[/], [yellow]{s['warn']} warn[/], [green]{s['pass']} pass[/]"
    if s["input_errors"]:
        verdict += f"; [red]{s['input_errors']} input error(s)[/] (listed on stderr)"
    if report.get("skipped"):
        verdict += f"; {len(report['skipped'])} non-digest file(s) skipped"
    console.print(verdict)
