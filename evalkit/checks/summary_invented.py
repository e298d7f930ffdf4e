"""``summary.invented-ending``: the summary repeats what the Chinese abstract invented after the cut.

When the generator cut the English and the translator went on with results or claims of its own
(``truncation.fabricated``), the one-line summary, written from the same model's reading, often repeats
them: the reader then meets the invented result twice, once as the paper's headline.
"""

from __future__ import annotations

from typing import Iterable

from evalkit.align.tail import read_entry_tail
from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Entry, Evidence, Finding, Issue, Severity
from evalkit.text.chars import CJK, clip

#: Chinese character bigrams of the invented span that the summary shares, found nowhere else in the
#: Chinese abstract, from which the summary repeats the invention: about three words...
MIN_SHARED_BIGRAMS = 6
#: ...and at least this share of the invented span's bigrams (a long invention shares a few by chance).
MIN_SHARED_SHARE = 0.25


def _bigrams(text: str) -> dict[str, int]:
    """Each Chinese-character bigram of ``text`` with the offset of its first occurrence."""
    out: dict[str, int] = {}
    for i in range(len(text) - 1):
        pair = text[i : i + 2]
        if CJK.match(pair[0]) and CJK.match(pair[1]):
            out.setdefault(pair, i)
    return out


@register_check
class SummaryInventedEnding(Check):
    """Compare the summary with what the Chinese abstract invented after the cut English.

    The invented span is the one :mod:`evalkit.align.tail` reads (``truncation.fabricated``'s evidence).
    """

    name = "summary.invented-ending"
    needs_alignment = True
    codes = (CodeSpec(name, Severity.WARNING, "the summary repeats what the Chinese abstract invented after the cut English"),)

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        if entry.layout == "v0" or not entry.summary_zh.strip():
            return
        reading = read_entry_tail(entry)
        if reading is None or not reading.invents or reading.added is None:
            return
        a, b = reading.added
        invented = _bigrams(entry.abstract_zh[a:b])
        elsewhere = _bigrams(entry.abstract_zh[:a] + "\n" + entry.abstract_zh[b:])
        summary = _bigrams(entry.summary_zh)
        shared = [g for g in invented if g in summary and g not in elsewhere]
        if len(shared) < MIN_SHARED_BIGRAMS or len(shared) < MIN_SHARED_SHARE * len(invented):
            return
        start = min(summary[g] for g in shared)
        end = max(summary[g] for g in shared) + 2
        yield self.finding(
            self.name,
            f"[^{entry.ref}]: the summary repeats what the Chinese invented after the cut English "
            f"('{clip(entry.abstract_zh[a:b], 40)}'): '{clip(entry.summary_zh[start:end], 50)}'",
            line=entry.line_of("summary_zh"),
            entry=entry,
            evidence=Evidence(field="summary_zh", translation=entry.summary_zh[start:end], translation_span=(start, end)),
        )
