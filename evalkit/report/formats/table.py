"""``--format table``: the terminal summary (the default)."""

from __future__ import annotations

from typing import Any

from evalkit.report.formats import FORMATS, ReportFormat, write_stream


@FORMATS.register
class TableFormat(ReportFormat):
    """One row per issue, the most frequent codes and a verdict (:func:`~evalkit.report.table.render_table`)."""

    name = "table"
    position = 0

    def write(self, run: Any, config: Any, output: str | None) -> None:
        from evalkit.report import build_report
        from evalkit.report.table import render_table

        write_stream(render_table, build_report(run, config), output)

    def write_triples(self, report: dict[str, Any], output: str | None) -> None:
        from evalkit.report.triples import render_triples_table

        write_stream(render_triples_table, report, output)
