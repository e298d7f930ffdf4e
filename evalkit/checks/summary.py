"""``summary.*``: the one-line Chinese summary is empty, belongs to another entry, or invents numbers."""

from __future__ import annotations

from typing import Iterable, Sequence

from evalkit.align.similarity import best_other, bigram_overlap, lexical_fit, nearby
from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Entry, Evidence, Finding, Issue, Severity

#: Below this fit to its own entry a summary is compared with the other entries (bigram overlap with the
#: Chinese abstract: real summaries p1 0.28, p5 0.37; another entry's p95 0.19).
SUSPICIOUS_OVERLAP = 0.3
MARGIN = 0.2


@register_check
class Summary(Check):
    """Check the summary paragraph and the table's summary cell against the entry's abstracts.

    The generator writes both from one variable, so in a real digest they are byte-identical; a summary
    that shares little wording with its own Chinese abstract but much with another entry's was swapped.
    """

    name = "summary"
    needs_alignment = True
    codes = (
        CodeSpec("summary.empty", Severity.ERROR, "the one-line summary is empty"),
        CodeSpec("summary.other-entry", Severity.ERROR, "the summary (paragraph or table cell) describes another entry"),
        CodeSpec("summary.table-differs", Severity.WARNING, "the table's summary cell differs from the summary paragraph"),
        CodeSpec("summary.numbers", Severity.WARNING, "the summary states a number neither abstract contains"),
    )

    def check_issue(self, issue: Issue) -> Iterable[Finding]:
        rows = {row.ref: row for row in issue.table}
        for k, entry in enumerate(issue.entries):
            if entry.layout == "v0":
                continue  # the oldest layout has no summary paragraph
            if not entry.summary_zh.strip():
                yield self.finding("summary.empty", f"[^{entry.ref}]: the summary is empty", line=entry.line_of("summary_zh"), entry=entry)
                continue
            versions = [("summary paragraph", entry.summary_zh, entry.line_of("summary_zh"))]
            row = rows.get(entry.ref)
            if row is not None and row.summary.strip() and row.summary.strip() != entry.summary_zh.strip():
                versions.append(("table summary", row.summary.strip(), row.line))
                yield self.finding(
                    "summary.table-differs",
                    f"[^{entry.ref}]: the table's summary differs from the summary paragraph",
                    line=row.line,
                    entry=entry,
                    evidence=Evidence(field="summary_zh", source=row.summary, translation=entry.summary_zh),
                )
            for label, text, line in versions:
                yield from self._check_owner(entry, nearby(issue.entries, k), label, text, line)
            yield from self._check_numbers(entry)

    def _check_owner(self, entry: Entry, others: Sequence[Entry], label: str, text: str, line: int) -> Iterable[Finding]:
        own = _fit(text, entry)
        if own >= SUSPICIOUS_OVERLAP:
            return
        best_fit, best = best_other(entry, others, lambda other: _fit(text, other))
        if best is not None and best_fit >= own + MARGIN:
            yield self.finding(
                "summary.other-entry",
                f"[^{entry.ref}]: the {label} describes [^{best.ref}] (overlap {best_fit:.2f} with its abstract vs {own:.2f} here)",
                line=line,
                entry=entry,
                evidence=Evidence(field="summary_zh", translation=text),
            )

    def _check_numbers(self, entry: Entry) -> Iterable[Finding]:
        from evalkit.text.numbers import numbers_not_in

        for number in numbers_not_in(entry.summary_zh, entry.abstract_zh, entry.abstract_en)[:1]:
            yield self.finding(
                "summary.numbers",
                f"[^{entry.ref}]: the summary states {number.text}, which neither abstract contains",
                line=entry.line_of("summary_zh"),
                entry=entry,
                evidence=Evidence(field="summary_zh", translation=number.text, translation_span=(number.start, number.end)),
            )


def _fit(summary: str, entry: Entry) -> float:
    """How well a summary fits an entry: the better of its wording overlap with the Chinese abstract and
    its lexical fit to the English abstract, so a swapped or empty Chinese abstract does not make a correct
    summary look wrong."""
    overlap = bigram_overlap(summary, entry.abstract_zh)
    if overlap >= SUSPICIOUS_OVERLAP:
        return overlap  # clearly fits: skip the costlier lexical look-up
    return max(overlap, lexical_fit(summary, entry.abstract_en))
