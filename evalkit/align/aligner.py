"""Align the Chinese sentences of an abstract with its English sentences.

Dynamic programming over sentence beads (1-1, 1-2, 2-1, 2-2, 1-0, 0-1), in the spirit of Gale & Church
(1993) for lengths and hunalign for the dictionary signal. A bead's score is its lexical similarity
(both directions of CC-CEDICT/glossary coverage, literal Latin tokens and numbers as anchors) minus a
length-ratio cost (Chinese ≈ 0.30 characters per English character, docs/format.md §9) minus a small
penalty for anything but 1-1. Skipped sentences (1-0: omitted, 0-1: added) pay a fixed cost, so they
win only where no pairing explains the text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

from evalkit.align.lexicon import Token, english_stems_and_content, load_lexicon
from evalkit.align.segment import Span, split_chinese, split_english
from evalkit.records import Pair
from evalkit.memo import text_cache

#: Expected Chinese characters per English character (median of real complete pairs is 0.29-0.33).
LENGTH_RATIO = 0.30
SIMILARITY_WEIGHT = 2.0
LENGTH_WEIGHT = 0.6
BEAD_PENALTY = {(1, 1): 0.0, (1, 2): 0.25, (2, 1): 0.25, (2, 2): 0.5}
SKIP_COST = 0.55
#: Most sentences a side takes part in the alignment as they are. Real abstracts have about 5-15; the
#: work grows with the product of both sides, so a hostile text of 30,000 "sentences" a side would
#: take hours and gigabytes. Beyond this, consecutive sentences are grouped into this many spans.
MAX_SENTENCES = 200


@dataclass(frozen=True)
class Alignment:
    """Sentences of both sides, the links between them and whole-text similarities."""

    en_spans: tuple[Span, ...]
    zh_spans: tuple[Span, ...]
    pairs: tuple[Pair, ...]
    zh_coverage: float  # share of Chinese tokens with a rendering in the whole English
    en_coverage: float  # share of English content words with a rendering in the whole Chinese
    en_sentence_coverage: tuple[float, ...]  # each English sentence against the whole Chinese
    zh_sentence_coverage: tuple[float, ...]  # each Chinese sentence against the whole English
    zh_tokens: tuple[Token, ...] = ()  # dictionary-bearing tokens of the whole Chinese text

    @property
    def similarity(self) -> float:
        """Symmetric whole-text similarity (mean of both coverages)."""
        return (self.zh_coverage + self.en_coverage) / 2


def align(english: str, chinese: str, source_truncated: bool = False) -> Alignment:
    """Align ``chinese`` with ``english``; results are cached per text pair within the process."""
    return _align_cached(english, chinese, source_truncated)


@text_cache(maxsize=1024, entry_level=True)
def _align_cached(english: str, chinese: str, source_truncated: bool) -> Alignment:
    lex = load_lexicon()
    en_spans = _grouped(split_english(english))
    zh_spans = _grouped(split_chinese(chinese))
    en_keys = [english_stems_and_content(english[a:b]) for a, b in en_spans]
    en_stems = [stems for stems, _ in en_keys]
    en_content = [content for _, content in en_keys]
    zh_tokens = [lex.tokens(chinese[a:b]) for a, b in zh_spans]
    zh_keys = [frozenset().union(*(t.keys for t in toks)) if toks else frozenset() for toks in zh_tokens]
    # Bit masks make every bead's similarity a few integer operations: bit i of a Chinese token's mask
    # says English sentence i renders it; bit j of an English word's mask says Chinese sentence j does.
    en_index, zh_index = _bits(en_stems), _bits(zh_keys)
    zh_masks = [[_mask(t.keys, en_index) for t in toks] for toks in zh_tokens]
    en_masks = [[zh_index.get(w, 0) for w in words] for words in en_content]
    all_en = (1 << len(en_spans)) - 1
    all_zh = (1 << len(zh_spans)) - 1
    zh_sentence_cov = tuple(_share(masks, all_en) for masks in zh_masks)
    en_sentence_cov = tuple(_share(masks, all_zh) for masks in en_masks)
    pairs = _dp(en_spans, zh_spans, en_masks, zh_masks, source_truncated)
    return Alignment(
        en_spans=en_spans,
        zh_spans=zh_spans,
        pairs=pairs,
        zh_coverage=_share([m for ms in zh_masks for m in ms], all_en),
        en_coverage=_share([m for ms in en_masks for m in ms], all_zh),
        en_sentence_coverage=en_sentence_cov,
        zh_sentence_coverage=zh_sentence_cov,
        zh_tokens=tuple(t for toks in zh_tokens for t in toks),
    )


def _grouped(spans: list[Span], limit: int = MAX_SENTENCES) -> tuple[Span, ...]:
    """``spans``, or when there are more than ``limit``, runs of consecutive ones joined into at most ``limit``."""
    if len(spans) <= limit:
        return tuple(spans)
    size = -(-len(spans) // limit)
    return tuple((spans[k][0], spans[min(k + size, len(spans)) - 1][1]) for k in range(0, len(spans), size))


def _bits(sentences: list[frozenset[str]]) -> dict[str, int]:
    """``key -> mask``: bit ``i`` set when sentence ``i`` holds the key (one pass over the keys, not one
    pass over the sentences per token, which made long texts cost tokens x sentences)."""
    index: dict[str, int] = {}
    for i, keys in enumerate(sentences):
        bit = 1 << i
        for key in keys:
            index[key] = index.get(key, 0) | bit
    return index


def _mask(keys: frozenset[str], index: dict[str, int]) -> int:
    """Bit ``i`` set when sentence ``i`` holds any of ``keys``."""
    mask = 0
    for key in keys:
        mask |= index.get(key, 0)
    return mask


def _share(masks: list[int], bead: int) -> float:
    """Share of items (tokens or words) whose mask meets the bead's sentences (1.0 when there are none)."""
    if not masks:
        return 1.0
    return sum(1 for m in masks if m & bead) / len(masks)


def _prefix(values: Iterable[int]) -> list[int]:
    out = [0]
    for v in values:
        out.append(out[-1] + v)
    return out


def _hit_counts(masks: list[list[int]], other: int) -> list[list[list[int]]]:
    """``hits[k][a][w-1]``: items of sentence ``k`` rendered by the other side's sentences ``a..a+w-1``.

    Beads span at most two sentences a side, so these counts, added up, give every bead's coverage
    without touching a token again inside the dynamic programme. Each distinct mask is read once, bit by
    bit: items rendered by sentence ``a`` or ``a+1`` are those of ``a`` plus those of ``a+1`` minus those
    of both.
    """
    hits = []
    for sentence in masks:
        counts: dict[int, int] = {}
        for mask in sentence:
            if mask:
                counts[mask] = counts.get(mask, 0) + 1
        one = [0] * (other + 1)  # items rendered by sentence a
        both = [0] * (other + 1)  # items rendered by sentences a and a+1
        for mask, count in counts.items():
            rest = mask
            while rest:
                low = rest & -rest
                a = low.bit_length() - 1
                one[a] += count
                if rest & (low << 1):
                    both[a] += count
                rest ^= low
        hits.append([[one[a], one[a] + one[a + 1] - both[a] if a + 1 < other else 0] for a in range(other)])
    return hits


def _dp(
    en_spans: tuple[Span, ...],
    zh_spans: tuple[Span, ...],
    en_masks: list[list[int]],
    zh_masks: list[list[int]],
    source_truncated: bool,
) -> tuple[Pair, ...]:
    n, m = len(en_spans), len(zh_spans)
    zh_hits, en_hits = _hit_counts(zh_masks, n), _hit_counts(en_masks, m)
    # Prefix sums turn every "total over a bead" into one subtraction.
    zh_size = _prefix(len(x) for x in zh_masks)
    en_size = _prefix(len(x) for x in en_masks)
    en_len = _prefix(b - a for a, b in en_spans)
    zh_len = _prefix(b - a for a, b in zh_spans)
    NEG = -1e9
    best = [[NEG] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, float] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    # The length term depends only on the two lengths, which repeat across cells: computed once each,
    # with the same arithmetic, so every total is bit-for-bit what it was.
    length_terms: dict[tuple[int, int], float] = {}
    log = math.log

    def relax(here: float, i: int, j: int, ni: int, nj: int, zh_hit: int, en_hit: int, penalty: float) -> None:
        zh_total = zh_size[nj] - zh_size[j]
        en_total = en_size[ni] - en_size[i]
        sim = ((zh_hit / zh_total if zh_total else 1.0) + (en_hit / en_total if en_total else 1.0)) / 2
        lengths = (zh_len[nj] - zh_len[j], en_len[ni] - en_len[i])
        length_term = length_terms.get(lengths)
        if length_term is None:
            lz, le = lengths
            length_term = length_terms[lengths] = LENGTH_WEIGHT * abs(log((lz + 10) / (LENGTH_RATIO * le + 10)))
        total = here + SIMILARITY_WEIGHT * sim - length_term - penalty
        if total > best[ni][nj]:
            best[ni][nj] = total
            back[ni][nj] = (i, j, sim)

    p12, p21, p22 = BEAD_PENALTY[(1, 2)], BEAD_PENALTY[(2, 1)], BEAD_PENALTY[(2, 2)]
    p11 = BEAD_PENALTY[(1, 1)]
    for i in range(n + 1):
        best_i = best[i]
        for j in range(m + 1):
            here = best_i[j]
            if here == NEG:
                continue
            skipped = here - SKIP_COST
            if i < n and skipped > best[i + 1][j]:  # 1-0 and 0-1: a sentence left unpaired
                best[i + 1][j] = skipped
                back[i + 1][j] = (i, j, 0.0)
            if j < m and skipped > best_i[j + 1]:
                best_i[j + 1] = skipped
                back[i][j + 1] = (i, j, 0.0)
            if i == n or j == m:
                continue
            # The beads in BEAD_PENALTY's order (1-1, 1-2, 2-1, 2-2), as ties keep the first.
            zh_row, en_row = zh_hits[j][i], en_hits[i][j]
            relax(here, i, j, i + 1, j + 1, zh_row[0], en_row[0], p11)
            if j + 1 < m:
                relax(here, i, j, i + 1, j + 2, zh_row[0] + zh_hits[j + 1][i][0], en_row[1], p12)
            if i + 1 < n:
                relax(here, i, j, i + 2, j + 1, zh_row[1], en_row[0] + en_hits[i + 1][j][0], p21)
                if j + 1 < m:
                    relax(here, i, j, i + 2, j + 2, zh_row[1] + zh_hits[j + 1][i][1], en_row[1] + en_hits[i + 1][j][1], p22)
    pairs: list[Pair] = []
    i, j = n, m
    while (i, j) != (0, 0):
        step = back[i][j]
        assert step is not None  # every cell on the path was reached
        pi, pj, sim = step
        en = (en_spans[pi][0], en_spans[i - 1][1]) if i > pi else None
        zh = (zh_spans[pj][0], zh_spans[j - 1][1]) if j > pj else None
        tail = source_truncated and i == n and i > pi
        confidence = 1 / (1 + math.exp(-8 * (sim - 0.3))) if en and zh else 0.0
        pairs.append(Pair(f"{i - pi}-{j - pj}", en, zh, round(sim, 4), round(confidence, 4), tail))
        i, j = pi, pj
    return tuple(reversed(pairs))
