"""``--format html``: self-contained pages, one per issue (and an index for several inputs)."""

from __future__ import annotations

import os
from typing import Any, Sequence

from evalkit.report.formats import FORMATS, ReportFormat


@FORMATS.register
class HtmlFormat(ReportFormat):
    """:func:`~evalkit.report.index.write_report_html`: a page for one issue, a directory for several.

    Digest reports only: a triples report has no entries or sentence pairs to show.
    """

    name = "html"
    position = 3
    renders_triples = False

    def check_output(self, output: str | None, paths: Sequence[str]) -> None:
        """Several inputs need a directory (a page each and index.html); check it, or the page's file."""
        from evalkit.errors import ConfigError
        from evalkit.inputs import expand
        from evalkit.report.write import check_target

        count = len(expand(paths).paths)
        if count > 1 and (output in (None, "-") or output.lower().endswith((".html", ".htm"))):
            raise ConfigError(
                f"--format html of {count} inputs is a page per issue and an index.html: give --output DIR,"
                " or score one digest for a single page (evalkit report builds an index from JSON reports)"
            )
        if output not in (None, "-"):
            check_target(output, "--output", directory=count > 1 or os.path.isdir(output))

    def write(self, run: Any, config: Any, output: str | None) -> None:
        from evalkit.report import build_report
        from evalkit.report.index import write_report_html

        write_report_html(build_report(run, config), output or "-")
