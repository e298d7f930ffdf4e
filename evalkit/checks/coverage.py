"""``coverage.omission`` and ``coverage.addition`` from the sentence alignment."""

from __future__ import annotations

from typing import Iterable

from evalkit.align import align_entry
from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Entry, Evidence, Finding, Issue, Severity

#: An English sentence left unaligned counts as omitted when this little of it is rendered anywhere.
OMISSION_MAX_COVERAGE = 0.2
OMISSION_ERROR_COVERAGE = 0.12
#: ...and when it has at least this many content words (short sentences are often merged or implicit).
OMISSION_MIN_WORDS = 6
#: A Chinese sentence left unaligned counts as added when this little of it has a rendering in the English.
ADDITION_MAX_COVERAGE = 0.3
ADDITION_ERROR_COVERAGE = 0.2
ADDITION_MIN_CHARS = 12


@register_check
class Coverage(Check):
    """Sentences of the English with no counterpart in the Chinese (omission), and the reverse (addition).

    Uses the aligner's 1-0 and 0-1 links and checks each against the *whole* other side with the
    bilingual lexicon, so a sentence merged elsewhere is not reported. The cut tail of a truncated English
    abstract is left to the truncation checks.
    """

    name = "coverage"
    needs_alignment = True
    codes = (
        CodeSpec("coverage.omission", Severity.ERROR, "an English sentence has no counterpart in the Chinese"),
        CodeSpec("coverage.addition", Severity.ERROR, "a Chinese sentence renders nothing in the English"),
    )

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        if not entry.abstract_zh.strip() or not entry.abstract_en.strip():
            return
        alignment = align_entry(entry)
        en_index = {span: k for k, span in enumerate(alignment.en_spans)}
        zh_index = {span: k for k, span in enumerate(alignment.zh_spans)}
        last_en = len(alignment.en_spans) - 1
        for pair in alignment.pairs:
            if pair.kind == "1-0" and pair.en is not None:
                k = en_index.get(pair.en)
                if k is None or (entry.source_truncated and k == last_en):
                    continue
                sentence = entry.abstract_en[pair.en[0] : pair.en[1]]
                coverage = alignment.en_sentence_coverage[k]
                if len(sentence.split()) >= OMISSION_MIN_WORDS and coverage <= OMISSION_MAX_COVERAGE:
                    yield self.finding(
                        "coverage.omission",
                        f"[^{entry.ref}]: English sentence {k + 1} has no counterpart in the Chinese: '{_clip(sentence)}'",
                        line=entry.line_of("abstract_en"),
                        entry=entry,
                        evidence=Evidence(field="abstract_en", source=sentence, source_span=pair.en),
                        severity=None if coverage <= OMISSION_ERROR_COVERAGE else Severity.WARNING,
                    )
            elif pair.kind == "0-1" and pair.zh is not None:
                k = zh_index.get(pair.zh)
                if k is None:
                    continue
                sentence = entry.abstract_zh[pair.zh[0] : pair.zh[1]]
                coverage = alignment.zh_sentence_coverage[k]
                if entry.source_truncated and pair is alignment.pairs[-1]:
                    continue  # a sentence invented after the cut: truncation.fabricated's business
                if len(sentence) >= ADDITION_MIN_CHARS and coverage <= ADDITION_MAX_COVERAGE:
                    yield self.finding(
                        "coverage.addition",
                        f"[^{entry.ref}]: Chinese sentence {k + 1} renders nothing in the English: '{_clip(sentence)}'",
                        line=entry.line_of("abstract_zh"),
                        entry=entry,
                        evidence=Evidence(field="abstract_zh", translation=sentence, translation_span=pair.zh),
                        severity=None if coverage <= ADDITION_ERROR_COVERAGE else Severity.WARNING,
                    )


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
