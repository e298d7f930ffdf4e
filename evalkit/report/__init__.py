"""Stage 5: the canonical JSON report and the formats rendered from it (table, Markdown)."""

from evalkit.report.canonical import SCHEMA, build_report, dumps_report, iter_report_json

__all__ = ["SCHEMA", "build_report", "dumps_report", "iter_report_json"]
