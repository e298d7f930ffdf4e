"""``structure.empty-field``: a field other than the Chinese abstract is empty."""

from __future__ import annotations

from typing import Iterable

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import FIELD_LABELS, Entry, Evidence, Finding, Issue, Severity

#: Fields every entry must fill, with the words used in messages. The Chinese abstract has its own
#: check (``translation.empty``), so does the summary (``summary.empty``); the English summary is empty
#: by design (a generator key typo).
REQUIRED = {field: FIELD_LABELS[field] for field in ("title_zh", "title_en", "link", "abstract_en")}


@register_check
class EmptyField(Check):
    """Flag entries whose title, link or English abstract is empty."""

    name = "structure.empty-field"
    codes = (CodeSpec(name, Severity.ERROR, "a required field (title, link, English abstract) is empty"),)

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        for field, label in REQUIRED.items():
            if not getattr(entry, field).strip():
                yield self.finding(
                    self.name,
                    f"[^{entry.ref}]: the {label} is empty",
                    line=entry.line_of(field),
                    entry=entry,
                    evidence=Evidence(field=field),
                )
