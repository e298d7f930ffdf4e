"""``coverage.omission`` and ``coverage.addition`` from the sentence alignment."""

from __future__ import annotations

from typing import Iterable

from evalkit.align import Alignment, align_entry
from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.checks.leak import METADATA_HEAD
from evalkit.records import Entry, Evidence, Finding, Issue, Severity
from evalkit.text.chars import clip

#: An English sentence the aligner left unpaired (1-0) is omitted when at most this share of its content
#: words is rendered anywhere in the Chinese. On 29,270 real
#: sentences of 6+ words: p1 0.29, p5 0.43, median 0.67; of 5,771 real entries, 181 have an unpaired
#: sentence at or below 0.5 (154 at or below 0.4) and 65 at or below 0.2.
OMISSION_MAX_COVERAGE = 0.48
#: A sentence this bare is omitted even when the aligner merged it into a neighbour's bead (real p0.1: 0.08, p0.5: 0.22).
OMISSION_ABSORBED_COVERAGE = 0.1
#: ...and only sentences of at least this many words count (short ones are often merged or implicit).
OMISSION_MIN_WORDS = 6
#: A sentence merged into a 2-1 bead is omitted when the bead's Chinese renders at most this share of its
#: content words and at least the second share of the other sentence's, it has this many words, and the
#: whole Chinese renders no more of it than of an unpaired omitted sentence (OMISSION_MAX_COVERAGE).
MERGED_MAX_COVERAGE = 0.15
MERGED_OTHER_MIN_COVERAGE = 0.5
MERGED_MIN_WORDS = 8
#: ...and only where the pairs next to the bead are sure of themselves: a neighbour paired at a lower
#: similarity has probably taken the bead's missing Chinese (or the dropped sentence is next door).
MERGED_NEIGHBOUR_MIN_SIMILARITY = 0.2
#: The omissions of an entry are errors when together they lose at least this share of the English's
#: words, and at least this many words: the reader misses a fifth of the abstract. On the shared corpus
#: 208 of 15,500 entries (1.3%); of 10 read, every one dropped whole sentences of content.
OMISSION_ERROR_SHARE = 0.2
OMISSION_ERROR_MIN_WORDS = 15
#: The same for Chinese sentences left unpaired (0-1): on 34,187 real sentences of 12+ characters,
#: p0.5 0.20, p1 0.25, p5 0.38, median 0.62; of 5,771 real entries, 57 have an unpaired sentence at or
#: below 0.3 and 32 at or below 0.2.
ADDITION_MAX_COVERAGE = 0.3
ADDITION_ABSORBED_COVERAGE = 0.03
ADDITION_MIN_CHARS = 12


@register_check
class Coverage(Check):
    """Sentences of the English with no counterpart in the Chinese (omission), and the reverse (addition).

    A sentence the aligner left unpaired (1-0, 0-1) is reported when little of it is rendered anywhere on
    the other side (checked against the *whole* text, so content moved to another sentence is not
    reported); a sentence merged into a neighbour's bead when almost none of it is rendered anywhere, or
    when the bead's Chinese renders the other sentence and almost nothing of this one. The cut tail of
    a truncated English abstract counts only when the aligner left it unpaired: the Chinese dropped the
    ending (often the results sentence); a cut tail the Chinese renders is left to the truncation checks.
    """

    name = "coverage"
    needs_alignment = True
    # Warnings: an alignment heuristic, least sure in the abstracts the generator cut (evalkit.gate.policy);
    # errors only when an entry's omissions lose a fifth of its English (OMISSION_ERROR_SHARE).
    codes = (
        CodeSpec("coverage.omission", Severity.WARNING, "an English sentence has no counterpart in the Chinese"),
        CodeSpec("coverage.addition", Severity.WARNING, "a Chinese sentence renders nothing in the English"),
    )

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        if not entry.abstract_zh.strip() or not entry.abstract_en.strip():
            return
        alignment = align_entry(entry)
        unpaired_en = {p.en for p in alignment.pairs if p.kind == "1-0"}
        unpaired_zh = {p.zh for p in alignment.pairs if p.kind == "0-1"}
        last_en = len(alignment.en_spans) - 1
        merged = _merged_away(entry, alignment)
        omitted: list[tuple[int, tuple[int, int], str, str, bool]] = []
        for k, span in enumerate(alignment.en_spans):
            cut_tail = entry.source_truncated and k == last_en
            if cut_tail and span not in unpaired_en:
                continue  # a cut tail the Chinese renders, however it ends, is the truncation checks' business
            sentence = entry.abstract_en[span[0] : span[1]]
            coverage = alignment.en_sentence_coverage[k]
            if len(sentence.split()) < OMISSION_MIN_WORDS:
                continue
            limit = OMISSION_MAX_COVERAGE if span in unpaired_en else OMISSION_ABSORBED_COVERAGE
            if coverage <= limit:
                omitted.append((k, span, sentence, f"{coverage:.0%} of its words rendered anywhere", cut_tail))
            elif span in merged and coverage <= OMISSION_MAX_COVERAGE and len(sentence.split()) >= MERGED_MIN_WORDS:
                # (low anywhere too: a sentence the aligner paired wrongly is rendered elsewhere)
                how = f"{merged[span]:.0%} of its words rendered by the Chinese sentence aligned with it and the next or previous one"
                omitted.append((k, span, sentence, how, cut_tail))
        lost = sum(len(sentence.split()) for _, _, sentence, _, _ in omitted)
        # A fifth of the abstract lost is no detail the reader can do without: the findings become errors.
        severe = lost >= OMISSION_ERROR_MIN_WORDS and lost >= OMISSION_ERROR_SHARE * len(entry.abstract_en.split())
        for k, span, sentence, how, cut_tail in omitted:
            which = f"the last English sentence ({k + 1}, cut by the generator)" if cut_tail else f"English sentence {k + 1}"
            share = f"; {lost} of {len(entry.abstract_en.split())} English words lost in all" if severe else ""
            yield self.finding(
                "coverage.omission",
                f"[^{entry.ref}]: {which} has no counterpart in the Chinese ({how}{share}): '{clip(sentence, 79)}'",
                line=entry.line_of("abstract_en"),
                entry=entry,
                evidence=Evidence(field="abstract_en", source=sentence, source_span=span),
                severity=Severity.ERROR if severe else None,
            )
        fabricated_tail = _after_last_english(alignment) if entry.source_truncated else set()
        metadata = METADATA_HEAD.match(entry.abstract_zh)
        metadata_end = metadata.end() if metadata else 0
        for k, span in enumerate(alignment.zh_spans):
            if span in fabricated_tail:
                continue  # invented after the cut: truncation.fabricated's business
            if span[1] <= metadata_end + 1:
                continue  # the leaked "arXiv:ID 公告类型：…" head is leak.metadata's business
            sentence = entry.abstract_zh[span[0] : span[1]]
            coverage = alignment.zh_sentence_coverage[k]
            if len(sentence) < ADDITION_MIN_CHARS:
                continue
            limit = ADDITION_MAX_COVERAGE if span in unpaired_zh else ADDITION_ABSORBED_COVERAGE
            if coverage <= limit:
                yield self.finding(
                    "coverage.addition",
                    f"[^{entry.ref}]: Chinese sentence {k + 1} renders nothing in the English "
                    f"({coverage:.0%} of its words found there): '{clip(sentence, 79)}'",
                    line=entry.line_of("abstract_zh"),
                    entry=entry,
                    evidence=Evidence(field="abstract_zh", translation=sentence, translation_span=span),
                )


def _merged_away(entry: Entry, alignment: Alignment) -> dict[tuple[int, int], float]:
    """English sentences the aligner merged into a 2-1 bead whose Chinese renders the other sentence and
    (almost) nothing of this one, with this one's share of words rendered there.

    Whole-text coverage cannot see such a sentence when its words recur elsewhere in the abstract; the
    Chinese of its own bead can. A random 80 corpus files (2,694 entries) gave 3 such sentences, all
    three dropped by the translator.
    """
    from evalkit.align.lexicon import english_content, load_lexicon

    lexicon = load_lexicon()
    out: dict[tuple[int, int], float] = {}
    pairs = alignment.pairs
    for i, pair in enumerate(pairs):
        if pair.kind != "2-1" or pair.tail or pair.en is None or pair.zh is None:
            continue
        neighbours = [p for p in (pairs[i - 1] if i else None, pairs[i + 1] if i + 1 < len(pairs) else None) if p is not None]
        if any(p.en and p.zh and p.similarity < MERGED_NEIGHBOUR_MIN_SIMILARITY for p in neighbours):
            continue  # the alignment around the bead is unsure: the missing Chinese may be paired next door
        spans = [s for s in alignment.en_spans if pair.en[0] <= s[0] < pair.en[1]]
        if len(spans) != 2:
            continue
        tokens = lexicon.tokens(entry.abstract_zh[pair.zh[0] : pair.zh[1]])
        keys = frozenset().union(*(t.keys for t in tokens)) if tokens else frozenset()
        shares = []
        for a, b in spans:
            words = english_content(entry.abstract_en[a:b])
            shares.append(sum(1 for w in words if w in keys) / len(words) if words else 1.0)
        for k in (0, 1):
            if shares[k] <= MERGED_MAX_COVERAGE and shares[1 - k] >= MERGED_OTHER_MIN_COVERAGE:
                out[spans[k]] = shares[k]
    return out


def _after_last_english(alignment: Alignment) -> set[tuple[int, int]]:
    """Chinese sentences in the pairs from the one holding the cut English tail to the end."""
    start = next((k for k, p in enumerate(alignment.pairs) if p.tail), len(alignment.pairs))
    return {p.zh for p in alignment.pairs[start:] if p.zh} | (
        {alignment.pairs[-1].zh} if alignment.pairs and alignment.pairs[-1].kind == "0-1" else set()
    )
