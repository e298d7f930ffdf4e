"""Align a Chinese translation's sentences to a Chinese reference's sentences (zh to zh).

Used where reference-based scoring needs sentence-sized segments: pair scores
(:mod:`evalkit.metrics.pairs`) and TER over aligned sentence groups
(:class:`evalkit.metrics.sacrebleu_metrics.TerAligned`), whose shifts stay within a group.

The alignment is monotone and maximises the character-bigram overlap (Dice) of matched groups minus a
threshold, with groups of up to 3 units on either side (an MT sentence the reference splits in two, or
two MT sentences it merges). Units or sentences that match nothing stay unmatched.
"""

from __future__ import annotations

from typing import Sequence
from evalkit.memo import text_cache

#: A match must beat this Dice overlap to be preferred over leaving both sides unmatched.
MIN_OVERLAP = 0.1
#: Cost of every extra sentence in a group, so 1-1 matches win over merges of equal overlap.
GROUP_COST = 0.05
#: Group shapes tried: (translation units, reference sentences).
GROUPS = ((1, 1), (1, 2), (2, 1), (1, 3), (2, 2), (3, 1))


@text_cache(maxsize=8192)
def _bigrams(text: str) -> frozenset[str]:
    chars = "".join(ch for ch in text if not ch.isspace())
    return frozenset(chars[i : i + 2] for i in range(len(chars) - 1)) or frozenset(chars)


def dice(a: str, b: str) -> float:
    """Dice coefficient of the character-bigram sets of two texts (whitespace ignored)."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def split_sentences(text: str) -> list[str]:
    """The Chinese sentences of ``text`` (the aligner's segmentation), without surrounding spaces."""
    from evalkit.align.segment import split_chinese

    return [text[a:b] for a, b in split_chinese(text)]


def align_to_reference(units: Sequence[str], sentences: Sequence[str]) -> list[tuple[range, range]]:
    """Monotone groups ``(unit indices, sentence indices)`` maximising overlap minus costs, in order."""
    m, k = len(units), len(sentences)
    neg = float("-inf")
    best = [[neg] * (k + 1) for _ in range(m + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (k + 1) for _ in range(m + 1)]
    best[0][0] = 0.0
    for i in range(m + 1):
        for j in range(k + 1):
            here = best[i][j]
            if here == neg:
                continue
            for di, dj in ((1, 0), (0, 1)):
                if i + di <= m and j + dj <= k and here > best[i + di][j + dj]:
                    best[i + di][j + dj] = here
                    back[i + di][j + dj] = (di, dj)
            for di, dj in GROUPS:
                if i + di > m or j + dj > k:
                    continue
                overlap = dice("".join(units[i : i + di]), "".join(sentences[j : j + dj]))
                gain = overlap - MIN_OVERLAP - GROUP_COST * (di + dj - 2)
                if gain > 0 and here + gain > best[i + di][j + dj]:
                    best[i + di][j + dj] = here + gain
                    back[i + di][j + dj] = (di, dj)
    groups: list[tuple[range, range]] = []
    i, j = m, k
    while i or j:
        di, dj = back[i][j]  # type: ignore[misc]
        if di and dj:
            groups.append((range(i - di, i), range(j - dj, j)))
        i, j = i - di, j - dj
    groups.reverse()
    return groups


@text_cache(maxsize=4096)
def sentence_groups(translation: str, reference: str) -> tuple[tuple[str, str], ...]:
    """The translation and the reference cut into aligned segments that together cover both texts.

    Matched groups give ``(translation sentences, reference sentences)``; an unmatched translation
    sentence gives ``(sentence, "")`` and an unmatched reference sentence ``("", sentence)``, in text order.
    """
    units, sentences = split_sentences(translation), split_sentences(reference)
    out: list[tuple[str, str]] = []
    u = s = 0
    for unit_range, sentence_range in align_to_reference(units, sentences):
        out += [(units[k], "") for k in range(u, unit_range.start)]
        out += [("", sentences[k]) for k in range(s, sentence_range.start)]
        out.append(("".join(units[k] for k in unit_range), "".join(sentences[k] for k in sentence_range)))
        u, s = unit_range.stop, sentence_range.stop
    out += [(units[k], "") for k in range(u, len(units))]
    out += [("", sentences[k]) for k in range(s, len(sentences))]
    return tuple(out)
