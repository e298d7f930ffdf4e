"""BLEU, chrF, chrF++ and TER through sacrebleu, with Chinese tokenisation and sacrebleu's signatures.

Corpus scores come from sacrebleu's sufficient statistics, never from averaging sentence scores:
:meth:`segment_statistics` returns exactly the rows sacrebleu's ``corpus_score`` sums, and
:meth:`score_from_statistics` is sacrebleu's own formula, so evalkit's corpus scores equal sacrebleu's
on the same text (``tests/metrics/test_sacrebleu_parity.py``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, ClassVar, Sequence

from evalkit.metrics.base import Metric, Score, register_metric
from evalkit.memo import text_cache


def sum_rows(rows: Sequence[Sequence[float]]) -> list[float]:
    """Column sums of per-segment statistics, added in segment order as sacrebleu's ``sum_of_lists`` does."""
    return [sum(column) for column in zip(*rows)]


class _SacreBleuMetric(Metric):
    """Shared plumbing: build the sacrebleu metric objects once, keep their signatures with every score.

    ``_metric`` computes system scores; ``_sentence`` segment scores (the same object unless a
    subclass needs a different setting at segment level, as BLEU does).
    """

    def _make(self) -> Any:
        raise NotImplementedError

    def _make_sentence(self) -> Any:
        return self._metric

    def __init__(self) -> None:
        self._metric = self._make()
        self._sentence = self._make_sentence()

    def corpus_score(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> Score:
        if not hypotheses:
            raise ValueError("no hypotheses to score")
        stats = self.segment_statistics(hypotheses, references)
        value = self.score_from_statistics(sum_rows(stats))
        return Score(self.name, value, self.higher_is_better, self.signature())

    def sentence_score(self, hypothesis: str, references: Sequence[str]) -> Score:
        stats = self.segment_statistics([hypothesis], [[r] for r in references])
        return Score(self.name, self.segment_score(stats[0]), self.higher_is_better, self.segment_signature())

    def segment_statistics(
        self, hypotheses: Sequence[str], references: Sequence[Sequence[str | None]]
    ) -> list[list[float]]:
        return self._metric._extract_corpus_statistics(list(hypotheses), [list(r) for r in references])

    def score_from_statistics(self, stats: Sequence[float]) -> float:
        return float(self._metric._compute_score_from_stats(stats).score)

    def segment_score(self, stats: Sequence[float]) -> float:
        return float(self._sentence._compute_score_from_stats(stats).score)

    def signature(self) -> str:
        return str(self._metric.get_signature())

    def segment_signature(self) -> str:
        if self._sentence is not self._metric:
            self._sentence.num_refs = self._metric.num_refs  # sacrebleu sets it while reading references
        return str(self._sentence.get_signature())


@register_metric
class Bleu(_SacreBleuMetric):
    """BLEU (Papineni et al., 2002) with sacrebleu's ``zh`` tokenizer; the 13a default badly under-scores Chinese.

    System scores use standard corpus BLEU; segment scores use effective order (sacrebleu's advice for
    sentence BLEU), so the two signatures differ in ``eff``.
    """

    name = "bleu"
    TOKENIZE: ClassVar[str] = "zh"

    def _make(self) -> Any:
        from sacrebleu.metrics import BLEU

        return BLEU(tokenize=self.TOKENIZE)

    def _make_sentence(self) -> Any:
        from sacrebleu.metrics import BLEU

        return BLEU(tokenize=self.TOKENIZE, effective_order=True)


@register_metric
class ChrF(_SacreBleuMetric):
    """chrF (Popović, 2015): character n-gram F-score, word order free; robust for Chinese."""

    name = "chrf"

    def _make(self) -> Any:
        from sacrebleu.metrics import CHRF

        return CHRF()


@register_metric
class ChrFPlusPlus(_SacreBleuMetric):
    """chrF++ (Popović, 2017): chrF plus word bigrams."""

    name = "chrf++"
    WORD_ORDER: ClassVar[int] = 2

    def _make(self) -> Any:
        from sacrebleu.metrics import CHRF

        return CHRF(word_order=self.WORD_ORDER)


@register_metric
class Ter(_SacreBleuMetric):
    """TER (Snover et al., 2006) on Chinese-tokenised text; against a post-edit it is HTER. Lower is better.

    Chinese is split into characters (sacrebleu's ``asian_support`` does that only together with
    ``normalized``; alone it does nothing, and an unspaced Chinese sentence is a single token).

    TER's shift search costs seconds per character-tokenised abstract, so the statistics of one
    translation come from its sentence groups: translation and reference sentences aligned zh to zh
    (:func:`evalkit.metrics.sentences.sentence_groups`); an unmatched sentence counts as inserted or
    deleted. The edits and reference lengths of the groups are summed, so a translation's TER equals
    sacrebleu's corpus TER over its groups, and shifts do not cross group boundaries. The signature says
    so (``seg:sentence-groups``). With several references, the one needing the fewest edits counts and
    the reference length is their average, as in sacrebleu.
    """

    name = "ter"
    higher_is_better = False
    SEGMENTATION: ClassVar[str] = "sentence-groups"

    def _make(self) -> Any:
        return _ter()

    def segment_statistics(
        self, hypotheses: Sequence[str], references: Sequence[Sequence[str | None]]
    ) -> list[list[float]]:
        rows: list[list[float]] = []
        counts: set[int] = set()
        for k, hypothesis in enumerate(hypotheses):
            refs = [stream[k] for stream in references if stream[k] is not None]
            if not refs:
                raise ValueError(f"segment {k} has no reference")
            counts.add(len(refs))
            best: float | None = None
            length = 0.0
            for ref in refs:
                edits, ref_length = group_statistics(hypothesis, ref)  # type: ignore[arg-type]
                length += ref_length
                best = edits if best is None or edits < best else best
            rows.append([best, length / len(refs)])  # type: ignore[list-item]
        self._metric.num_refs = counts.pop() if len(counts) == 1 else -1  # as sacrebleu records it
        return rows

    def signature(self) -> str:
        return f"{self._metric.get_signature()}|seg:{self.SEGMENTATION}"

    def segment_signature(self) -> str:
        return self.signature()


@lru_cache(maxsize=1)
def _ter() -> Any:
    from sacrebleu.metrics import TER

    return TER(normalized=True, asian_support=True)


@text_cache(maxsize=16384)
def group_statistics(translation: str, reference: str) -> tuple[float, float]:
    """TER ``(edits, reference length)`` of one translation against one reference, summed over sentence groups."""
    from evalkit.metrics.sentences import sentence_groups

    groups = sentence_groups(translation, reference)
    if not groups:
        return 0.0, 0.0
    stats = _ter()._extract_corpus_statistics([g[0] for g in groups], [[g[1] for g in groups]])
    edits, length = sum_rows(stats)
    return edits, length
