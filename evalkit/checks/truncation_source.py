"""``truncation.source``: the generator cut the English abstract at 1,000 characters."""

from __future__ import annotations

from typing import Iterable

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Entry, Evidence, Finding, Issue, Severity


@register_check
class SourceTruncated(Check):
    """A fact, not a defect: the English the translator saw ends mid-abstract, often mid-word.

    The tail is where translators invent endings; other checks treat it with care.
    """

    name = "truncation.source"
    codes = (CodeSpec(name, Severity.INFO, "the English abstract was cut at the generator's 1,000-character limit"),)

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        if entry.source_truncated:
            tail = entry.abstract_en[-40:]
            start = len(entry.abstract_en) - len(tail)
            yield self.finding(
                self.name,
                f"[^{entry.ref}]: the English abstract was cut at {entry.abstract_en_length} characters, ending '…{tail.strip()}'",
                line=entry.line_of("abstract_en"),
                entry=entry,
                evidence=Evidence(field="abstract_en", source=tail, source_span=(start, len(entry.abstract_en))),
            )
