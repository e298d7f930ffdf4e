"""``truncation.fabricated``: the Chinese completes a cut English sentence with content the English lacks."""

from __future__ import annotations

from typing import Iterable

from evalkit.align import align_entry
from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Entry, Evidence, Finding, Issue, Severity

#: Chinese characters beyond what the cut English fragment explains (fragment length × the entry's own
#: zh/en ratio). On 2,633 real cut entries the excess has p50 4, p90 27, p95 46, p99 85 characters;
#: the manual audit in docs/format.md §10 found ~29% of cut entries completing the sentence with
#: invented content.
EXCESS_WARNING = 40
#: A smaller excess is still reported when the tail states numbers found nowhere in the English.
EXCESS_WITH_NUMBERS = 12


@register_check
class FabricatedEnding(Check):
    """Compare the Chinese aligned with the cut last English sentence against the fragment it translates.

    A translation that says much more than the fragment, or states numbers that appear nowhere in the
    English, invented the ending (a real case: the English stops at "Smart Contract to Vecto" and the
    Chinese goes on to report an AUC of 0.964 and a 30.7% F1 gain).
    """

    name = "truncation.fabricated"
    needs_alignment = True
    codes = (
        CodeSpec(name, Severity.ERROR, "the Chinese completes the cut English with content (results, numbers) it does not contain"),
    )

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        if not entry.source_truncated or not entry.abstract_zh.strip() or not entry.abstract_en.strip():
            return
        alignment = align_entry(entry)
        tail_index = next((k for k, p in enumerate(alignment.pairs) if p.tail), None)
        if tail_index is None or not alignment.en_spans:
            return
        zh_spans = [p.zh for p in alignment.pairs[tail_index:] if p.zh]
        if not zh_spans:
            return
        start, end = zh_spans[0][0], zh_spans[-1][1]
        zh_tail = entry.abstract_zh[start:end]
        a, b = alignment.en_spans[-1]
        fragment = entry.abstract_en[a:b]
        ratio = len(entry.abstract_zh) / max(1, len(entry.abstract_en))
        excess = len(zh_tail) - ratio * len(fragment)
        new_numbers = _new_numbers(zh_tail, entry.abstract_en)
        if excess >= EXCESS_WARNING or (new_numbers and excess >= EXCESS_WITH_NUMBERS):
            detail = f"; it states {', '.join(new_numbers[:3])}, found nowhere in the English" if new_numbers else ""
            yield self.finding(
                self.name,
                f"[^{entry.ref}]: the English stops at '…{fragment[-40:]}' but the Chinese goes on for "
                f"~{excess:.0f} more characters{detail}",
                line=entry.line_of("abstract_zh"),
                entry=entry,
                evidence=Evidence(field="abstract_zh", source=fragment, translation=zh_tail, source_span=(a, b), translation_span=(start, end)),
                severity=None if new_numbers else Severity.WARNING,
            )


def _new_numbers(chinese: str, english: str) -> list[str]:
    """Numbers written with digits in ``chinese`` that the English states nowhere, in any notation."""
    from evalkit.text.numbers import DIGITS, NumberIndex, digit_numbers, extract_numbers

    known = NumberIndex(extract_numbers(english))
    return [n.text for n in digit_numbers(chinese) if n.kind == DIGITS and known.find(n, as_translation=True) is None]
