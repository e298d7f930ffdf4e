"""Pair-level scores: each aligned sentence pair's chrF against the reference sentence(s) it matches.

The aligner pairs English and Chinese sentences of an entry (:class:`~evalkit.records.Pair`). To score a
pair against a reference, the reference's sentences are aligned to the pairs' Chinese sides — zh to zh,
monotone, by character-bigram overlap (:mod:`evalkit.metrics.sentences`) — and then:

- a **pair score** is the chrF of the pair's Chinese against the reference sentence(s) aligned to it.
  When several pairs share reference sentences (a group such as two machine-translated sentences that
  the reference renders as one), every pair of the group gets the group's chrF: the pairs' Chinese joined
  against the group's reference sentences.
- a pair whose Chinese matches no reference sentence scores 0: the reference says nothing like it
  (typically an addition, or a guessed completion of a cut English sentence).
- with several references, a pair gets its best score over them (as sacrebleu's multi-reference chrF
  keeps the best-matching reference).
- a pair without Chinese (an omission, ``1-0``) gets no score.

Pair scores localise problems inside an entry; they are not summed into the entry or issue scores,
which come from whole abstracts.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from evalkit.metrics.base import Metric
from evalkit.metrics.sentences import align_to_reference, split_sentences
from evalkit.records import Pair


def pair_chrf(
    translation: str, pairs: Sequence[Pair], references: Sequence[str], chrf: Metric
) -> tuple[Mapping[str, float], ...]:
    """``{"chrf": value}`` per pair (``{}`` for a pair without Chinese); see the module docstring."""
    slots = [k for k, p in enumerate(pairs) if p.zh is not None and translation[p.zh[0] : p.zh[1]].strip()]
    units = [translation[pairs[k].zh[0] : pairs[k].zh[1]] for k in slots]  # type: ignore[index]
    best: dict[int, float] = {}
    for reference in references:
        sentences = split_sentences(reference)
        matched: set[int] = set()
        for unit_range, sentence_range in align_to_reference(units, sentences):
            hypothesis = "".join(units[u] for u in unit_range)
            target = "".join(sentences[s] for s in sentence_range)
            value = chrf.segment_score(chrf.segment_statistics([hypothesis], [[target]])[0])
            for u in unit_range:
                matched.add(u)
                best[u] = max(best.get(u, 0.0), value)
        for u in range(len(units)):
            if u not in matched:
                best.setdefault(u, 0.0)
    out: list[Mapping[str, float]] = [{} for _ in pairs]
    for u, k in enumerate(slots):
        out[k] = {"chrf": best.get(u, 0.0)}
    return tuple(out)
