"""Self-contained HTML pages rendered from the canonical JSON report.

:func:`render_issue_page` draws one issue; :mod:`evalkit.report.index` draws the index across issues
and writes whole sites. Every page is one file with its CSS, JavaScript and SVG inline, a strict
Content-Security-Policy that admits only those inline blocks by hash, and all digest text escaped.
"""

from evalkit.report.html.loading import check_report, is_report, load_report
from evalkit.report.html.page import render_issue_page

__all__ = ["check_report", "is_report", "load_report", "render_issue_page"]
