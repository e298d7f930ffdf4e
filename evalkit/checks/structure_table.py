"""``structure.table-mismatch``: the summary table and the detail entries disagree."""

from __future__ import annotations

from typing import Iterable

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.parse.english import split_title
from evalkit.records import Evidence, Finding, Issue, Severity


@register_check
class TableMismatch(Check):
    """Compare every table row with the entry of the same ref: presence, link, title and summary.

    The generator writes both from the same variables, so any disagreement means the file was edited
    by hand or damaged.
    """

    name = "structure.table-mismatch"
    codes = (CodeSpec(name, Severity.WARNING, "a table row and its detail entry disagree, or one lacks the other"),)

    def check_issue(self, issue: Issue) -> Iterable[Finding]:
        rows = {row.ref: row for row in issue.table}
        entries = {entry.ref: entry for entry in issue.entries}
        for row in issue.table:
            entry = entries.get(row.ref)
            if entry is None:
                yield self.finding(self.name, f"table row [^{row.ref}] has no detail entry", line=row.line)
                continue
            for what, in_table, in_detail in (
                ("link", row.link, entry.link),
                ("title", _clean(row.title), _clean(entry.title_en)),
                ("summary", row.summary.strip(), entry.summary_zh.strip() if entry.layout == "v1" else row.summary.strip()),
            ):
                if in_table != in_detail:
                    yield self.finding(
                        self.name,
                        f"[^{row.ref}]: the table's {what} differs from the detail entry's",
                        line=row.line,
                        entry=entry,
                        evidence=Evidence(source=in_table, translation=in_detail, field=what),
                    )
        for entry in issue.entries:
            if entry.ref not in rows:
                yield self.finding(self.name, f"entry [^{entry.ref}] has no row in the summary table", entry=entry)


def _clean(title: str) -> str:
    """The generator's ``clean_title``: drop the arXiv suffix, compare whitespace-insensitively."""
    return " ".join(split_title(title).title.split())
