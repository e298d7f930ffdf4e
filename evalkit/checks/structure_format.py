"""``structure.*`` facts the parser noticed about the file itself (BOM, CRLF, table rows, stray text)."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Finding, Issue, Severity


@register_check
class FileFormat(Check):
    """Report what the parser had to tolerate: byte-order mark, CRLF, unparsable table rows, stray text."""

    name = "structure.format"
    codes = (
        CodeSpec("structure.bom", Severity.INFO, "the file starts with a UTF-8 byte-order mark"),
        CodeSpec("structure.line-endings", Severity.INFO, "the file uses CRLF line endings"),
        CodeSpec("structure.table", Severity.WARNING, "the summary table or one of its rows does not parse"),
        CodeSpec("structure.stray-text", Severity.WARNING, "text between '# 详细' and the first entry"),
    )

    def check_issue(self, issue: Issue) -> Iterable[Finding]:
        # The declarations above are the one home of these codes' severities: the parser's own are not used.
        declared = {spec.code for spec in self.codes}
        return [replace(f, severity=self.spec(f.code).severity) for f in issue.findings if f.code in declared]
