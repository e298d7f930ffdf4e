"""``--format markdown``: a summary fit for a pull-request comment."""

from __future__ import annotations

from typing import Any

from evalkit.report.formats import FORMATS, ReportFormat


@FORMATS.register
class MarkdownFormat(ReportFormat):
    """:func:`~evalkit.report.markdown.render_markdown` of the report (stdout by default)."""

    name = "markdown"
    position = 2

    def write(self, run: Any, config: Any, output: str | None) -> None:
        from evalkit.report import build_report
        from evalkit.report.markdown import render_markdown
        from evalkit.report.write import write_text

        write_text(output or "-", render_markdown(build_report(run, config)))

    def write_triples(self, report: dict[str, Any], output: str | None) -> None:
        from evalkit.report.triples import render_triples_markdown
        from evalkit.report.write import write_text

        write_text(output or "-", render_triples_markdown(report))
