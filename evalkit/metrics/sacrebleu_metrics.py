"""BLEU, chrF, chrF++ and TER through sacrebleu, with Chinese tokenisation and sacrebleu's signatures.

``bleu``, ``chrf``, ``chrf++`` and ``ter`` are sacrebleu's metrics exactly: one segment is one whole
text (an abstract, a row of a triples file), corpus scores are sacrebleu's ``corpus_score`` and
segment scores its ``sentence_score`` (``tests/metrics/test_sacrebleu_parity.py`` checks both against
the Python API and the ``sacrebleu`` command line). Corpus scores come from sacrebleu's sufficient
statistics, never from averaging sentence scores: :meth:`segment_statistics` returns exactly the rows
sacrebleu's ``corpus_score`` sums, and :meth:`score_from_statistics` is sacrebleu's own formula.
Their options are :class:`~evalkit.config.SacrebleuSettings` and the signatures are the strings
sacrebleu prints. ``ter-aligned`` is a different measure (TER summed over aligned sentence groups) and
so has a name of its own.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, Sequence

from evalkit.metrics import fast_ter
from evalkit.metrics.base import ReferenceMetric, Score, register_metric
from evalkit.memo import text_cache

if TYPE_CHECKING:
    from evalkit.config import SacrebleuSettings


def sum_rows(rows: Sequence[Sequence[float]]) -> list[float]:
    """Column sums of per-segment statistics, added in segment order as sacrebleu's ``sum_of_lists`` does."""
    return [sum(column) for column in zip(*rows)]


class _SacreBleuMetric(ReferenceMetric):
    """Shared plumbing: build the sacrebleu metric objects once, keep their signatures with every score.

    ``_metric`` computes system scores; ``_sentence`` segment scores (the same object unless a
    subclass needs a different setting at segment level, as BLEU does).
    """

    default = True  # BLEU, chrF, chrF++ and TER run wherever references exist (ter-aligned opts out)

    def _make(self) -> Any:
        raise NotImplementedError

    def _make_sentence(self) -> Any:
        return self._metric

    def __init__(self, settings: "SacrebleuSettings | None" = None) -> None:
        from evalkit.config import SacrebleuSettings

        self.settings = settings or SacrebleuSettings()

    # Built on first use, not with the scorer: a run whose entries have no reference never imports
    # sacrebleu, and worker processes import it only if they score one (the settings were checked when
    # the configuration was validated, so nothing can fail later that would have failed here).
    @cached_property
    def _metric(self) -> Any:
        return self._make()

    @cached_property
    def _sentence(self) -> Any:
        return self._make_sentence()

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
        return self._metric.get_signature().format()  # what the sacrebleu command line prints

    def segment_signature(self) -> str:
        if self._sentence is not self._metric:
            self._sentence.num_refs = self._metric.num_refs  # sacrebleu sets it while reading references
        return self._sentence.get_signature().format()


@register_metric
class Bleu(_SacreBleuMetric):
    """BLEU (Papineni et al., 2002), by default with sacrebleu's ``zh`` tokenizer (13a under-scores Chinese).

    System scores use standard corpus BLEU; segment scores use effective order, as ``sacrebleu
    --sentence-level`` does, so the two signatures differ in ``eff``.
    """

    name = "bleu"

    def _make(self, effective_order: bool = False) -> Any:
        from sacrebleu.metrics import BLEU

        return BLEU(
            tokenize=self.settings.bleu_tokenize, lowercase=self.settings.bleu_lowercase, effective_order=effective_order
        )

    def _make_sentence(self) -> Any:
        return self._make(effective_order=True)


@register_metric
class ChrF(_SacreBleuMetric):
    """chrF (Popović, 2015): character n-gram F-score, word order free; robust for Chinese."""

    name = "chrf"

    def _make(self) -> Any:
        from sacrebleu.metrics import CHRF

        return CHRF(lowercase=self.settings.chrf_lowercase)


@register_metric
class ChrFPlusPlus(_SacreBleuMetric):
    """chrF++ (Popović, 2017): chrF plus word n-grams (bigrams unless ``chrf_word_order`` says otherwise)."""

    name = "chrf++"

    def _make(self) -> Any:
        from sacrebleu.metrics import CHRF

        return CHRF(word_order=self.settings.chrf_word_order, lowercase=self.settings.chrf_lowercase)


@lru_cache(maxsize=8)
def _ter(settings: "SacrebleuSettings") -> Any:
    from sacrebleu.metrics import TER

    return TER(
        normalized=settings.ter_normalized,
        asian_support=settings.ter_asian_support,
        case_sensitive=settings.ter_case_sensitive,
        no_punct=settings.ter_no_punct,
    )


@register_metric
class Ter(_SacreBleuMetric):
    """TER (Snover et al., 2006) as sacrebleu computes it on whole segments; against a post-edit it is HTER.

    Lower is better. By default normalised with Asian support, which splits Chinese into characters
    (sacrebleu's ``asian_support`` does that only together with ``normalized``; alone it does nothing,
    and an unspaced Chinese sentence is a single token). The statistics come from
    :mod:`evalkit.metrics.fast_ter`, which gives sacrebleu's numbers exactly (same measure, same
    signature) without its pure-Python shift search, which costs seconds per character-tokenised
    abstract; each segment's statistics are also cached by text.
    """

    name = "ter"
    higher_is_better = False

    def _make(self) -> Any:
        return _ter(self.settings)

    def segment_statistics(
        self, hypotheses: Sequence[str], references: Sequence[Sequence[str | None]]
    ) -> list[list[float]]:
        rows: list[list[float]] = []
        counts: set[int] = set()
        for k, hypothesis in enumerate(hypotheses):
            refs = tuple(r for stream in references if (r := stream[k]) is not None)
            counts.add(len(refs))
            rows.append(self._row(k, hypothesis, refs))
        self._metric.num_refs = counts.pop() if len(counts) == 1 else -1  # as sacrebleu records it
        return rows

    def _row(self, k: int, hypothesis: str, refs: tuple[str, ...]) -> list[float]:
        """The ``(edits, reference length)`` row of segment ``k``."""
        return list(_ter_statistics(self.settings, hypothesis, refs))


@text_cache(maxsize=16384)
def _ter_statistics(settings: "SacrebleuSettings", translation: str, references: tuple[str, ...]) -> tuple[float, ...]:
    """sacrebleu's TER row ``(edits, reference length)`` of one segment: the statistics do not depend on other segments."""
    if not references:  # sacrebleu's own refusal, unchanged
        (row,) = _ter(settings)._extract_corpus_statistics([translation], [])
        return tuple(row)
    return tuple(fast_ter.segment_statistics(_ter(settings), translation, references))


@register_metric
class TerAligned(Ter):
    """TER over aligned sentence groups: a cheaper, sentence-local variant of ``ter`` (not a default metric).

    The statistics of one translation come from its sentence groups: translation and reference
    sentences aligned zh to zh (:func:`evalkit.metrics.sentences.sentence_groups`); an unmatched
    sentence counts as inserted or deleted. The edits and reference lengths of the groups are summed,
    so a translation's value equals sacrebleu's corpus TER over its groups, and shifts do not cross
    group boundaries. Because that is not sacrebleu's TER of the whole segment, it has its own name and
    its signature says so (``seg:sentence-groups``). With several references, the one needing the
    fewest edits counts and the reference length is their average, as in sacrebleu.
    """

    name = "ter-aligned"
    higher_is_better = False
    default = False
    SEGMENTATION = "sentence-groups"

    def _row(self, k: int, hypothesis: str, refs: tuple[str, ...]) -> list[float]:
        if not refs:
            raise ValueError(f"segment {k} has no reference")
        stats = [group_statistics(self.settings, hypothesis, ref) for ref in refs]
        return [min(edits for edits, _ in stats), sum(length for _, length in stats) / len(refs)]

    def signature(self) -> str:
        return f"{super().signature()}|seg:{self.SEGMENTATION}"

    def segment_signature(self) -> str:
        return self.signature()


@text_cache(maxsize=16384)
def group_statistics(settings: "SacrebleuSettings", translation: str, reference: str) -> tuple[float, float]:
    """TER ``(edits, reference length)`` of one translation against one reference, summed over sentence groups."""
    from evalkit.metrics.sentences import sentence_groups

    groups = sentence_groups(translation, reference)
    if not groups:
        return 0.0, 0.0
    metric = _ter(settings)
    stats = [fast_ter.segment_statistics(metric, hyp, [ref]) for hyp, ref in groups]
    edits, length = sum_rows(stats)
    return edits, length
