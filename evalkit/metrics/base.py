"""The metric interface: one class per metric, registered by name, with a reproducibility signature.

A metric gives segment scores and a system (corpus) score. Two aggregations exist:

- ``"statistics"``: every segment yields a row of sufficient statistics (n-gram matches, edit counts);
  the system score is computed from the rows summed over the segments (BLEU, chrF, TER). Never an
  average of segment scores.
- ``"mean"``: the system score is the mean of the segment scores (COMET and other neural metrics). Such a
  metric can still use the same machinery by returning the row ``[score, 1]`` per segment and dividing.

Either way :mod:`evalkit.metrics.apply` resamples rows for the bootstrap confidence intervals, so a new
metric (COMET, COMET-QE) only implements :meth:`Metric.segment_statistics` and
:meth:`Metric.score_from_statistics`. A metric that does not need a reference (``needs_reference =
False``, e.g. COMET-QE) gets ``references`` with empty streams and may score entries that have none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Sequence

from evalkit.registry import Registry


@dataclass(frozen=True)
class Score:
    """A metric value with everything needed to reproduce it."""

    metric: str
    value: float
    higher_is_better: bool
    signature: str


class Metric:
    """Base class of every metric.

    ``needs_reference`` says whether :meth:`corpus_score` requires references; ``needs_model``
    whether it loads a neural model (and so may be unavailable offline); ``aggregation`` how the system
    score is formed from segments (see the module docstring); ``default`` false keeps a metric out of
    the default selection (it runs only when named with ``--metric``).
    """

    name: ClassVar[str]
    higher_is_better: ClassVar[bool] = True
    needs_reference: ClassVar[bool] = True
    needs_model: ClassVar[bool] = False
    aggregation: ClassVar[str] = "statistics"
    default: ClassVar[bool] = True

    def corpus_score(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> Score:
        """Score a whole corpus; ``references`` is one list per reference set (sacrebleu's layout)."""
        raise NotImplementedError

    def sentence_score(self, hypothesis: str, references: Sequence[str]) -> Score:
        """Score one segment against its references."""
        raise NotImplementedError

    def segment_statistics(
        self, hypotheses: Sequence[str], references: Sequence[Sequence[str | None]]
    ) -> list[list[float]]:
        """One row of sufficient statistics per hypothesis.

        ``references`` is sacrebleu's layout: one stream per reference set, each as long as
        ``hypotheses``; ``None`` in a stream means that segment has fewer references.
        """
        raise NotImplementedError

    def score_from_statistics(self, stats: Sequence[float]) -> float:
        """The system score from statistics summed over segments (any number of them)."""
        raise NotImplementedError

    def segment_score(self, stats: Sequence[float]) -> float:
        """The segment-level score from one segment's row (may differ from the system formula, e.g.
        BLEU's effective order)."""
        return self.score_from_statistics(stats)

    def signature(self) -> str:
        """The system-level signature, valid after :meth:`segment_statistics` ran."""
        raise NotImplementedError

    def segment_signature(self) -> str:
        """The signature of segment-level scores (by default the same as :meth:`signature`)."""
        return self.signature()


METRICS: Registry[type[Metric]] = Registry("metric")
register_metric = METRICS.register
