"""``--format json``: the canonical report (``evalkit.report/1``), every other output's source."""

from __future__ import annotations

from typing import Any

from evalkit.report.formats import FORMATS, ReportFormat


@FORMATS.register
class JsonFormat(ReportFormat):
    """The canonical JSON, streamed issue by issue (:func:`~evalkit.report.canonical.iter_report_json`)."""

    name = "json"
    position = 1

    def write(self, run: Any, config: Any, output: str | None) -> None:
        from evalkit.report import iter_report_json
        from evalkit.report.write import write_text

        write_text(output or "-", iter_report_json(run, config))

    def write_triples(self, report: dict[str, Any], output: str | None) -> None:
        from evalkit.report import dumps_report
        from evalkit.report.write import write_text

        write_text(output or "-", dumps_report(report))
