"""``evalkit render``: a JSON report as HTML pages or Markdown, without scoring again."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from evalkit.cli.base import app
from evalkit.cli.common import Command, choice, choices, say
from evalkit.cli.exits import user_errors


class RenderFormat(str, Enum):
    """Formats of ``evalkit render``."""

    html = "html"
    markdown = "markdown"


@app.command(cls=Command)
def render(
    report: Annotated[str, typer.Argument(metavar="REPORT.json", help="A JSON report written by evalkit score --format json.")],
    output: Annotated[
        Optional[str],
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="HTML: the page's file for one issue (default REPORT.html; - for stdout), a directory for several"
            " (default REPORT without .json). Markdown: a file (default stdout).",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        RenderFormat,
        typer.Option("--format", "-f", metavar="FORMAT", parser=choice(RenderFormat), help=f"Output format: {choices(RenderFormat)}."),
    ] = RenderFormat.html,
    issue: Annotated[
        Optional[str], typer.Option("--issue", metavar="ID", help="Render only this issue (its id or path).", show_default=False)
    ] = None,
) -> None:
    """Render a JSON report as a self-contained HTML page (or Markdown) without scoring again.

    The page shows the headline figures, charts, a sortable and filterable table of entries and, per
    entry, English and Chinese side by side sentence by sentence with the findings marked in the text.
    A report with several issues becomes a directory with a page per issue and index.html.
    """
    from evalkit.report.html import load_report
    from evalkit.report.write import write_text

    with user_errors(writing=lambda: output, malformed_report=f"{report}: "):
        data = load_report(report)
        if format is RenderFormat.markdown:
            from evalkit.report.markdown import render_markdown

            if issue is not None:
                data = dict(data, issues=[i for i in data["issues"] if issue in (i.get("id"), i.get("path"))])
            write_text(output or "-", render_markdown(data))
            return
        from evalkit.report.index import write_report_html

        written = write_report_html(data, output, report_path=report, issue_id=issue)
    if written and written[0] != "-":
        extra = f" and {len(written) - 1} issue page(s)" if len(written) > 1 else ""
        say(f"wrote {written[0]}{extra}", err=True)
