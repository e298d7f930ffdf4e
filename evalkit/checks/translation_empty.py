"""``translation.empty``: the Chinese abstract is missing."""

from __future__ import annotations

from typing import Iterable

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Entry, Evidence, Finding, Issue, Severity


@register_check
class EmptyTranslation(Check):
    """The Chinese abstract paragraph is empty (the generator drops a field the model wrote on a new line)."""

    name = "translation.empty"
    codes = (CodeSpec(name, Severity.ERROR, "the Chinese abstract is empty"),)

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        if not entry.abstract_zh.strip():
            yield self.finding(
                self.name,
                f"[^{entry.ref}]: the Chinese abstract is empty ({len(entry.abstract_en)} characters of English untranslated)",
                line=entry.line_of("abstract_zh"),
                entry=entry,
                evidence=Evidence(field="abstract_zh", source=entry.abstract_en[:200]),
            )
