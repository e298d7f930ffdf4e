"""``title.*``: the Chinese title does not render the English title."""

from __future__ import annotations

from typing import Iterable

from evalkit.align.similarity import best_other, lexical_fit, nearby, title_fit
from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Entry, Evidence, Finding, Issue, Severity
from evalkit.text.chars import cjk_count

#: A title whose fit (mean of lexical fit to the English title and bigram overlap with its own
#: Chinese abstract) falls below this is compared with the other entries.
SUSPICIOUS_FIT = 0.2
#: Another entry must fit this much better to be named as the title's owner.
MARGIN = 0.25
#: With no owner found, a fit this low means the title renders little of the English.
POOR_FIT = 0.1


@register_check
class Title(Check):
    """The Chinese title belongs to another entry, or renders little of its English title.

    Titles are short, so two signals are combined: the lexical fit of the Chinese title to the English
    title, and its Chinese character-bigram overlap with the entry's own Chinese abstract.
    """

    name = "title"
    needs_alignment = True
    codes = (
        CodeSpec("title.other-entry", Severity.ERROR, "the Chinese title is another entry's title"),
        CodeSpec("title.mismatch", Severity.WARNING, "the Chinese title renders little of the English title"),
    )

    def check_issue(self, issue: Issue) -> Iterable[Finding]:
        for k, entry in enumerate(issue.entries):
            if cjk_count(entry.title_zh) < 2 or not entry.title_en.strip():
                continue  # empty or untranslated titles are other checks' business
            own = title_fit(entry.title_zh, entry.title_en, entry.abstract_zh)
            if own >= SUSPICIOUS_FIT:
                continue
            best_fit, best = best_other(
                entry, nearby(issue.entries, k), lambda other: title_fit(entry.title_zh, other.title_en, other.abstract_zh)
            )
            if best is not None and best_fit >= own + MARGIN:
                yield self._finding("title.other-entry", entry, f"is the title of [^{best.ref}] (fit {best_fit:.2f} there vs {own:.2f} here)")
            elif lexical_fit(entry.title_zh, entry.title_en) < POOR_FIT and own < POOR_FIT:
                yield self._finding("title.mismatch", entry, f"renders little of the English title (fit {own:.2f})")

    def _finding(self, code: str, entry: Entry, what: str) -> Finding:
        return self.finding(
            code,
            f"[^{entry.ref}]: the Chinese title '{entry.title_zh}' {what}",
            line=entry.line_of("title_zh"),
            entry=entry,
            evidence=Evidence(field="title_zh", translation=entry.title_zh, source=entry.title_en),
        )
