"""Render the canonical report as a terminal summary with rich (the default ``--format``).

Digest text and file names are shown with their control characters escaped (:mod:`evalkit.text.safe`),
so none can colour, retitle or clear the terminal, and the rendered lines go through
:func:`~evalkit.text.safe.guard_lines`, so a wrapped cell cannot start a line with a workflow command.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, TextIO

from evalkit.text.safe import display_path, guard_lines, one_line

#: Findings listed under the table before pointing at --format json/markdown for the rest.
MAX_LISTED = 15
#: Width of the table when the output is not a terminal.
PIPE_WIDTH = 120


def render_table(report: dict[str, Any], stream: TextIO) -> None:
    """Print one row per issue, the most frequent codes and a one-line verdict."""
    from rich.console import Console

    # A terminal gets its own width; a pipe or file gets 120 columns rather than rich's 80, which
    # squeezes the eight columns into unreadable stubs.
    width = None if getattr(stream, "isatty", lambda: False)() else PIPE_WIDTH
    console = Console(file=stream, highlight=False, soft_wrap=False, width=width)
    with console.capture() as captured:
        _render(report, console)
    stream.write(guard_lines(captured.get()))


def _render(report: dict[str, Any], console: Any) -> None:
    from rich.markup import escape
    from rich.table import Table

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
            escape(one_line(issue["id"])), issue["date"] or "", str(m["entries"]), str(m["fail"]), str(m["warn"]),
            str(m["pass"]), str(m["source_truncated"]), escape(top),
        )
    if report["issues"]:
        console.print(table)
    _print_scores(report, console)
    listed = 0
    for issue in report["issues"]:
        for entry in issue["entries"]:
            for f in entry["findings"]:
                if f["severity"] == "error" and listed < MAX_LISTED:
                    listed += 1
                    # one line per finding however long (the terminal wraps it for the eye): a log keeps
                    # it whole, and no part of it can start a line of its own
                    console.print(
                        f"[red]error[/] {escape(display_path(issue['path']))}:{f['line']} [bold]{f['code']}[/]"
                        f" {escape(one_line(f['message']))}",
                        soft_wrap=True,
                    )
    total_errors = sum(i["summary"]["errors"] for i in report["issues"])
    if total_errors > listed:
        console.print(f"… {total_errors - listed} more error finding(s); see --format json or markdown for all of them")
    s = report["summary"]
    verdict = f"{s['issues']} issue(s), {s['entries']} entries: [red]{s['fail']} fail[/], [yellow]{s['warn']} warn[/], [green]{s['pass']} pass[/]"
    if s["input_errors"]:
        verdict += f"; [red]{s['input_errors']} input error(s)[/] (listed on stderr)"
    if report.get("skipped"):
        verdict += f"; {len(report['skipped'])} non-digest file(s) skipped"
    if s.get("with_references"):
        verdict += f"; {s['with_references']} entries scored against references"
    console.print(verdict)


def _print_scores(report: dict[str, Any], console: Any) -> None:
    """A second table with the issue-level scores (reference-based and COMET), when any issue has them.

    When COMET was asked for but could not run, its column says "not computed" rather than vanishing.
    """
    from rich.markup import escape
    from rich.table import Table

    from evalkit.report.markdown import format_score, score_columns
    from evalkit.metrics import display_precision

    columns = score_columns(report)
    not_computed = report["config"].get("comet", {}).get("status") == "not computed"
    if not_computed and report["issues"]:
        columns.append("comet")
    if not columns:
        return
    metrics = report["config"].get("metrics", {})
    confidence = report["config"].get("bootstrap", {}).get("confidence", 0.95)
    table = Table(title=f"issue scores [{confidence:.0%} bootstrap interval]", title_justify="left")
    table.add_column("issue", no_wrap=True, overflow="ellipsis", min_width=12, max_width=44)
    table.add_column("with ref.", justify="right")
    for name in columns:
        lower = not metrics.get(name, {}).get("higher_is_better", True)
        table.add_column(f"{name}{' ↓' if lower else ''}", justify="right")
    for issue in report["issues"]:
        m = issue["summary"]
        scores = m.get("scores", {})
        if scores or not_computed:
            cells = [
                format_score(scores[n], display_precision(n)) if n in scores
                else "not computed" if not_computed and n == "comet" else ""
                for n in columns
            ]
            table.add_row(escape(one_line(issue["id"])), f"{m.get('with_references', 0)}/{m['entries']}", *cells)
    console.print(table)
