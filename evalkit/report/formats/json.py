"""``--format json``: the canonical report (``evalkit.report/1``), every other output's source; with
``--compact`` the same data packed (``evalkit.report/1+compact``, :mod:`evalkit.report.compact`)."""

from __future__ import annotations

from typing import Any

from evalkit.report.formats import FORMATS, ReportFormat


@FORMATS.register
class JsonFormat(ReportFormat):
    """The canonical JSON, streamed issue by issue (:func:`~evalkit.report.canonical.iter_report_json`),
    or its compact form, streamed entry by entry (:func:`~evalkit.report.compact.iter_compact_json`)."""

    name = "json"
    position = 1
    compacts = True

    def write(self, run: Any, config: Any, output: str | None) -> None:
        from evalkit.report.write import write_text

        if self.compact:
            from evalkit.report.compact import iter_compact_json

            write_text(output or "-", iter_compact_json(run, config))
            return
        from evalkit.report import iter_report_json

        write_text(output or "-", iter_report_json(run, config))

    def issue_spool(self, output: str | None) -> Any:
        """The canonical report's issues are dumped by the workers that score them
        (:class:`~evalkit.report.spool.IssueJsonSpool`), in the report's directory when it is a file
        there; the compact report streams entries as it is. Without a spool directory the parent
        dumps every issue, as it always could."""
        if self.compact:
            return super().issue_spool(output)
        from pathlib import Path

        from evalkit.report.spool import IssueJsonSpool

        target = Path(output) if output not in (None, "-") else None
        near = None
        if target is not None and target.parent.is_dir() and (target.is_file() or not target.exists()):
            near = target.parent  # a file there, existing or to be: not a device such as /dev/null
        try:
            return IssueJsonSpool(near)
        except OSError:
            return super().issue_spool(output)

    def write_triples(self, report: dict[str, Any], output: str | None) -> None:
        from evalkit.report.write import write_text

        if self.compact:
            from evalkit.report.compact import dumps_triples_compact

            write_text(output or "-", dumps_triples_compact(report))
            return
        from evalkit.report import dumps_report

        write_text(output or "-", dumps_report(report))
