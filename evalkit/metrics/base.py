"""The metric interface: one class per metric, registered by name, with a reproducibility signature."""

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
    whether it loads a neural model (and so may be unavailable offline).
    """

    name: ClassVar[str]
    higher_is_better: ClassVar[bool] = True
    needs_reference: ClassVar[bool] = True
    needs_model: ClassVar[bool] = False

    def corpus_score(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> Score:
        """Score a whole corpus; ``references`` is one list per reference set (sacrebleu's layout)."""
        raise NotImplementedError

    def sentence_score(self, hypothesis: str, references: Sequence[str]) -> Score:
        """Score one segment against its references."""
        raise NotImplementedError


METRICS: Registry[type[Metric]] = Registry("metric")
register_metric = METRICS.register
