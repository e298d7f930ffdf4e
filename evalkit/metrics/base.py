"""The metric interfaces: one class per metric, registered by name, with a reproducibility signature.

Two families share :class:`Metric` (name, direction, what it needs, how its system score is formed):

- :class:`ReferenceMetric`: scores translations against references from text alone (BLEU, chrF, TER).
  Every segment yields a row of sufficient statistics (n-gram matches, edit counts); the system score
  is computed from the rows summed over the segments (``aggregation = "statistics"``), never an
  average of segment scores. :mod:`evalkit.metrics.apply` runs them on every issue.
- :class:`ModelMetric`: loads a model and scores ``(source, translation, reference or none)``
  segments (COMET). The system score is the length-weighted mean of the segment scores
  (``aggregation = "mean"``), formed from ``[score × weight, weight]`` rows. Such metrics run as one
  stage after the checks, over all issues at once (:mod:`evalkit.metrics.model_stage`); a new one only
  subclasses :class:`ModelMetric` and registers itself.

Either way :mod:`evalkit.metrics.bootstrap` resamples the rows for the confidence intervals. A metric
that does not need a reference (``needs_reference = False``, e.g. COMET-QE) may score entries that
have none. Every metric declares on its class whether it runs by default (``default``: a new metric is
opt-in, it runs only when named with ``--metric`` or configured), its direction (``higher_is_better``)
and how many decimals reports show (``precision``).
"""

from __future__ import annotations

import abc
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Protocol, Sequence

from evalkit.registry import Registry

if TYPE_CHECKING:
    from evalkit.config import Config
    from evalkit.metrics.segments import Segment, SegmentScore
    from evalkit.records import Severity


@dataclass(frozen=True)
class Score:
    """A metric value with everything needed to reproduce it."""

    metric: str
    value: float
    higher_is_better: bool
    signature: str


class Metric(abc.ABC):
    """What every metric declares, and the two methods every metric has.

    ``needs_reference`` says whether it requires references; ``needs_model`` whether it loads a neural
    model (and so may be unavailable offline: such a metric is a :class:`ModelMetric`);
    ``aggregation`` how the system score is formed from segments (see the module docstring);
    ``default`` whether it runs without being named (false unless a metric says otherwise, so adding a
    metric never changes existing runs); ``precision`` the decimals shown for its scores.
    """

    name: ClassVar[str]
    higher_is_better: ClassVar[bool] = True
    needs_reference: ClassVar[bool] = True
    needs_model: ClassVar[bool] = False
    aggregation: ClassVar[str] = "statistics"
    default: ClassVar[bool] = False
    precision: ClassVar[int] = 2

    @classmethod
    def reported_names(cls) -> tuple[str, ...]:
        """The names this metric's scores appear under in reports (a model metric's ``score_keys``)."""
        return getattr(cls, "score_keys", None) or (cls.name,)

    @abc.abstractmethod
    def score_from_statistics(self, stats: Sequence[float]) -> float:
        """The system score from rows summed over segments (any number of them)."""

    @abc.abstractmethod
    def signature(self) -> str:
        """The system-level signature (valid once the metric has scored something)."""


class ReferenceMetric(Metric):
    """A metric of translations against references, from sufficient statistics (BLEU, chrF, TER)."""

    @abc.abstractmethod
    def corpus_score(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> Score:
        """Score a whole corpus; ``references`` is one list per reference set (sacrebleu's layout)."""

    @abc.abstractmethod
    def sentence_score(self, hypothesis: str, references: Sequence[str]) -> Score:
        """Score one segment against its references."""

    @abc.abstractmethod
    def segment_statistics(
        self, hypotheses: Sequence[str], references: Sequence[Sequence[str | None]]
    ) -> list[list[float]]:
        """One row of sufficient statistics per hypothesis.

        ``references`` is sacrebleu's layout: one stream per reference set, each as long as
        ``hypotheses``; ``None`` in a stream means that segment has fewer references.
        """

    def segment_score(self, stats: Sequence[float]) -> float:
        """The segment-level score from one segment's row (may differ from the system formula, e.g.
        BLEU's effective order)."""
        return self.score_from_statistics(stats)

    def segment_signature(self) -> str:
        """The signature of segment-level scores (by default the same as :meth:`signature`)."""
        return self.signature()


class ModelMetricSettings(Protocol):
    """What the model-metric stage reads from a model metric's settings (e.g. :class:`~evalkit.config.CometSettings`)."""

    @property
    def enabled(self) -> bool:
        """Whether the run asked for this metric (a model was given)."""

    require: bool  # an unavailable model is an error, not "not computed"
    mode: str  # "pairs" (aligned sentence pairs) or "abstract" (whole abstracts)

    def to_dict(self) -> dict[str, Any]:
        """The settings as they go into the report."""


class ModelMetric(Metric):
    """A metric that loads a model and scores :class:`~evalkit.metrics.segments.Segment` lists.

    The model-metric stage (:mod:`evalkit.metrics.model_stage`) asks :meth:`settings_from` whether the
    run wants the metric, builds it with :meth:`from_settings` before any input is read (resolving
    models, loading none; :class:`~evalkit.errors.ModelUnavailableError` when a model cannot be found),
    then sends it the segments of all issues in one :meth:`score_segments` call. Each segment score
    carries the key it is reported under (one of :attr:`score_keys`); entry and issue scores are
    length-weighted means of segment scores. Scores that carry error spans
    (:attr:`~evalkit.metrics.segments.SegmentScore.error_spans`) become findings, with the severity
    :attr:`span_severity` gives the model's word for each.
    """

    needs_model = True
    aggregation = "mean"
    #: The score keys the metric writes, in the order they are aggregated (e.g. ``comet``, ``comet-qe``).
    score_keys: ClassVar[tuple[str, ...]]

    @classmethod
    @abc.abstractmethod
    def settings_from(cls, config: Config) -> ModelMetricSettings:
        """This metric's settings in ``config`` (``enabled`` false: the run does not use it)."""

    @classmethod
    @abc.abstractmethod
    def from_settings(cls, settings: Any) -> "ModelMetric":
        """The metric for ``settings``; raises :class:`~evalkit.errors.ModelUnavailableError` when a model
        cannot be found. Loads no model (that happens at the first segment no cache holds)."""

    @abc.abstractmethod
    def score_segments(self, segments: Sequence[Segment]) -> list[SegmentScore | None]:
        """One score per segment, in order (``None``: no model of the metric could take it)."""

    @property
    @abc.abstractmethod
    def signatures(self) -> dict[str, str]:
        """Signature per score key."""

    @property
    @abc.abstractmethod
    def models(self) -> dict[str, str]:
        """The name of the model behind each score key, as the report shows it."""

    @property
    def notices(self) -> tuple[str, ...]:
        """One-line warnings worth showing (cache trouble, say); none by default."""
        return ()

    @property
    def span_severity(self) -> Mapping[str, Severity]:
        """The finding severity of each severity the model gives an error span (``critical``, ``major``,
        ``minor``); by default :data:`evalkit.config.DEFAULT_SPAN_SEVERITY`. A span whose severity is not
        in it gets the error-span code's declared severity."""
        from evalkit.config import DEFAULT_SPAN_SEVERITY

        return DEFAULT_SPAN_SEVERITY

    def unscored_reason(self, segments: Sequence[Segment]) -> str:
        """Why none of ``segments`` got a score (there were some), in one line."""
        return f"no segment could be scored by the given {self.name} models"

    def signature(self) -> str:
        """The signature of the first score key that has one ("model:none" without models)."""
        signatures = self.signatures
        return next((signatures[k] for k in self.score_keys if k in signatures), "model:none")

    def score_from_statistics(self, stats: Sequence[float]) -> float:
        """Length-weighted mean from summed ``[score × length, length]`` rows; NaN when no segment had a score."""
        return stats[0] / stats[1] if stats[1] > 0 else math.nan

    @staticmethod
    def statistics_rows(
        segments: Sequence[Segment], scores: Sequence[SegmentScore | None], metric: str
    ) -> list[list[float]]:
        """``[score × length, length]`` per segment for score key ``metric`` (zeros where it has no score).

        Summed over any subset of segments and passed to :meth:`score_from_statistics` they give that
        subset's length-weighted mean, so the bootstrap resamples them like BLEU's sufficient statistics.
        """
        rows = []
        for segment, score in zip(segments, scores, strict=True):
            if score is None or score.metric != metric:
                rows.append([0.0, 0.0])
            else:
                rows.append([score.value * segment.length, segment.length])
        return rows


METRICS: Registry[type[Metric]] = Registry("metric")
register_metric = METRICS.register
