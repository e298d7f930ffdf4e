"""``truncation.fabricated``: the Chinese completes a cut English sentence with content the English lacks."""

from __future__ import annotations

from typing import Iterable

from evalkit.align.tail import TailReading, read_entry_tail
from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.checks.leak import NOTE_GATE, NOTE_SENTENCE, TRANSLATOR_NOTE
from evalkit.records import Entry, Evidence, Finding, Issue, Severity
from evalkit.text.chars import clip, ends_in_dots, ends_mid_sentence

#: Content characters (Chinese characters, letters, digits outside function words) from which a few words
#: that close the cut sentence are reported (a warning). Completing the cut word takes fewer: on the
#: labelled development set, when this reading was written, reviewers read closings of 2-4 characters
#: mostly as faithful (31 of 41) and closings of 5-7 characters mostly as invented (9 of 12).
CLOSING_CHARS = 5
#: Chinese characters beyond what the cut English fragment explains (fragment length × the entry's own
#: zh/en ratio), for invented content the word-by-word reading cannot place (an item inserted before the
#: rendered end). On 2,633 real cut entries the excess has p50 4, p90 27, p95 46, p99 85 characters.
EXCESS_WARNING = 40

_WHAT = {
    "claim": "a claim the English never reached",
    "number": "numbers the English never states",
    "clause": "a clause the English never reached",
    "closing": "words that close the cut sentence",
}


@register_check
class FabricatedEnding(Check):
    """Read the Chinese after the cut last English sentence word by word, for what the English never said.

    What follows the fragment's last rendered word (:mod:`evalkit.align.tail`) is what the translator
    added: an error when it states a result or claim (显著提高, 优于, 表明 … that the fragment does not say),
    numbers the English lacks, or a clause of its own; a warning when a few words close the sentence;
    nothing when the Chinese only completes the cut word or stops where the English stops
    (``truncation.follows-source``).
    """

    name = "truncation.fabricated"
    needs_alignment = True
    codes = (
        CodeSpec(name, Severity.ERROR, "the Chinese completes the cut English with content (results, claims, numbers, clauses) it does not contain"),
    )

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        zh = entry.abstract_zh.rstrip()
        if not entry.source_truncated or not zh or not entry.abstract_en.strip():
            return
        if ends_in_dots(zh) or ends_mid_sentence(zh):
            # the Chinese stops where the English does ("…（GPT-4o接近……）。" too): truncation.translation's context
            return
        reading = read_entry_tail(entry)
        if reading is None:
            return
        a, b = reading.fragment
        fragment = entry.abstract_en[a:b]
        if reading.added is not None and (reading.invents or len(reading.content) >= CLOSING_CHARS):
            added = entry.abstract_zh[reading.added[0] : reading.added[1]]
            after = entry.abstract_zh[reading.rendered_end or 0 :]
            if NOTE_GATE.search(after) and (TRANSLATOR_NOTE.search(after) or NOTE_SENTENCE.search(after)):
                return  # a translator's note about the cut: leak.translator-note's business
            yield self._finding(entry, reading, fragment, added)
            return
        if reading.shared_bead:
            return  # the Chinese of the bead translates the sentence before the fragment too: no excess to read
        start, end = reading.chinese
        ratio = len(entry.abstract_zh) / max(1, len(entry.abstract_en))
        excess = (end - start) - ratio * len(fragment)
        if excess >= EXCESS_WARNING:
            yield self.finding(
                self.name,
                f"[^{entry.ref}]: the English stops at '…{fragment[-40:]}' but the Chinese goes on for "
                f"~{excess:.0f} more characters",
                line=entry.line_of("abstract_zh"),
                entry=entry,
                evidence=Evidence(
                    field="abstract_zh", source=fragment, translation=entry.abstract_zh[start:end], source_span=(a, b), translation_span=(start, end)
                ),
                severity=Severity.WARNING,
            )

    def _finding(self, entry: Entry, reading: TailReading, fragment: str, added: str) -> Finding:
        what = _WHAT[reading.kind] if reading.invents else _WHAT["closing"]
        detail = ""
        if reading.numbers:
            detail = f" ({', '.join(reading.numbers[:3])})"
        elif reading.cues:
            detail = f" ({', '.join(reading.cues[:3])})"
        return self.finding(
            self.name,
            f"[^{entry.ref}]: the English stops at '…{fragment[-40:]}'; the Chinese adds {what}{detail}: "
            f"'{clip(added, 60)}'",
            line=entry.line_of("abstract_zh"),
            entry=entry,
            evidence=Evidence(
                field="abstract_zh", source=fragment, translation=added, source_span=reading.fragment, translation_span=reading.added
            ),
            severity=None if reading.invents else Severity.WARNING,
        )
