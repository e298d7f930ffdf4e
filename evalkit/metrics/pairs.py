"""Pair-level scores: each aligned sentence pair against the reference sentence(s) it matches.

The aligner pairs English and Chinese sentences of an entry (:class:`~evalkit.records.Pair`). To score a
pair against a reference, the reference's sentences are aligned to the pairs' Chinese sides — zh to zh,
monotone, by character-bigram overlap (:mod:`evalkit.metrics.sentences`) — and then:

- a **pair score** is the segment score (sentence BLEU, chrF, chrF++, TER: whichever metrics the run
  selected) of the pair's Chinese against the reference sentence(s) aligned to it. When several pairs
  share reference sentences (a group such as two machine-translated sentences that the reference renders
  as one), every pair of the group gets the group's score: the pairs' Chinese joined against the group's
  reference sentences.
- a pair whose Chinese matches no reference sentence scores 0 (no TER): the reference says nothing like
  it (typically an addition, or a guessed completion of a cut English sentence).
- with several references, a pair gets its best score over them (as sacrebleu's multi-reference chrF
  keeps the best-matching reference).
- COMET compares a pair with the same matched reference sentences (:func:`pair_reference_texts`).
- a pair without Chinese (an omission, ``1-0``) gets no score.

Pair scores localise problems inside an entry; they are not summed into the entry or issue scores,
which come from whole abstracts.
"""

from __future__ import annotations

from typing import Iterator, Mapping, Sequence

from evalkit.metrics.base import ReferenceMetric
from evalkit.metrics.sentences import align_to_reference, split_sentences
from evalkit.records import Pair


def pair_scores(
    translation: str, pairs: Sequence[Pair], references: Sequence[str], metrics: Mapping[str, ReferenceMetric]
) -> tuple[Mapping[str, float], ...]:
    """``{metric: value}`` per pair (``{}`` for a pair without Chinese); see the module docstring.

    With several references a pair keeps its best value (highest, or lowest for TER). A pair whose
    Chinese matches no reference sentence scores 0 on the metrics where higher is better and gets no
    value on the others (TER against nothing is undefined).
    """
    best: dict[int, dict[str, float]] = {}
    for reference in references:
        for members, hypothesis, target in reference_groups(translation, pairs, reference):
            for name, metric in metrics.items():
                if target:
                    value = metric.segment_score(metric.segment_statistics([hypothesis], [[target]])[0])
                elif metric.higher_is_better:
                    value = 0.0
                else:
                    continue
                pick = max if metric.higher_is_better else min
                for k in members:
                    held = best.setdefault(k, {})
                    held[name] = pick(held[name], value) if name in held else value
    return tuple(best.get(k, {}) for k in range(len(pairs)))


def pair_reference_texts(translation: str, pairs: Sequence[Pair], reference: str) -> list[str | None]:
    """The reference sentence(s) matched to each pair's Chinese, or ``None`` (no Chinese, or no match).

    Pairs of one group (see the module docstring) all get the group's reference sentences. This is
    what COMET compares a pair with when it scores against a reference.
    """
    out: list[str | None] = [None] * len(pairs)
    for members, _, target in reference_groups(translation, pairs, reference):
        for k in members:
            out[k] = target or None
    return out


def reference_groups(
    translation: str, pairs: Sequence[Pair], reference: str
) -> Iterator[tuple[tuple[int, ...], str, str]]:
    """``(pair indices, their Chinese joined, the matched reference sentences joined)`` per group.

    Every pair with Chinese is in exactly one group; a group whose Chinese matches no reference
    sentence has an empty reference text.
    """
    slots = [k for k, p in enumerate(pairs) if p.zh is not None and translation[p.zh[0] : p.zh[1]].strip()]
    units = [translation[pairs[k].zh[0] : pairs[k].zh[1]] for k in slots]  # type: ignore[index]
    sentences = split_sentences(reference)
    matched: set[int] = set()
    for unit_range, sentence_range in align_to_reference(units, sentences):
        matched.update(unit_range)
        yield (
            tuple(slots[u] for u in unit_range),
            "".join(units[u] for u in unit_range),
            "".join(sentences[s] for s in sentence_range),
        )
    for u in range(len(units)):
        if u not in matched:
            yield (slots[u],), units[u], ""
