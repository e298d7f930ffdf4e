"""BLEU, chrF, chrF++ and TER through sacrebleu, with Chinese tokenisation and sacrebleu's signatures.

Corpus scores come from sacrebleu's sufficient statistics, never from averaging sentence scores.
"""

from __future__ import annotations

from typing import Any, Sequence

from evalkit.metrics.base import Metric, Score, register_metric


class _SacreBleuMetric(Metric):
    """Shared plumbing: build the sacrebleu metric object once, keep its signature with every score."""

    def _make(self) -> Any:
        raise NotImplementedError

    def __init__(self) -> None:
        self._metric = self._make()

    def corpus_score(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> Score:
        result = self._metric.corpus_score(list(hypotheses), [list(r) for r in references])
        return Score(self.name, float(result.score), self.higher_is_better, str(self._metric.get_signature()))

    def sentence_score(self, hypothesis: str, references: Sequence[str]) -> Score:
        result = self._metric.sentence_score(hypothesis, list(references))
        return Score(self.name, float(result.score), self.higher_is_better, str(self._metric.get_signature()))


@register_metric
class Bleu(_SacreBleuMetric):
    """BLEU (Papineni et al., 2002) with sacrebleu's ``zh`` tokenizer; the 13a default badly under-scores Chinese."""

    name = "bleu"

    def _make(self) -> Any:
        from sacrebleu.metrics import BLEU

        return BLEU(tokenize="zh", effective_order=True)


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

    def _make(self) -> Any:
        from sacrebleu.metrics import CHRF

        return CHRF(word_order=2)


@register_metric
class Ter(_SacreBleuMetric):
    """TER (Snover et al., 2006) on Chinese-tokenised text; against a post-edit it is HTER. Lower is better."""

    name = "ter"
    higher_is_better = False

    def _make(self) -> Any:
        from sacrebleu.metrics import TER

        return TER(asian_support=True)
