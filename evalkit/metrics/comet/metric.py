"""The registered ``comet`` metric: a reference-based model where references exist, QE elsewhere."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from evalkit.errors import ConfigError
from evalkit.metrics.base import ModelMetric, register_metric
from evalkit.metrics.comet.scorer import CometScorer
from evalkit.metrics.segments import Segment, SegmentScore

if TYPE_CHECKING:
    from evalkit.config import CometSettings, Config
    from evalkit.records import Severity


@register_metric
class Comet(ModelMetric):
    """COMET (Rei et al., 2020; 2022): reference-based model where references exist, reference-free (QE) elsewhere.

    Give it the models to use (``--comet-model``, repeatable): at most one that needs references and
    at most one that does not. A segment with a reference goes to the reference-based model, any other
    to the QE model (a unified QE model also reads the reference where one exists); a segment no model
    can take gets ``None`` ("not computed"). Building the metric raises :class:`ModelUnavailableError`
    when a model cannot be found; options are those of :class:`CometScorer`. A word-level model
    (XCOMET) gives its scores error spans, whose severities ``span_severity`` maps to finding
    severities (``[comet] span_severity``; default :data:`evalkit.config.DEFAULT_SPAN_SEVERITY`).
    """

    name = "comet"
    needs_reference = False  # with a QE model it needs only sources and translations
    score_keys = ("comet", "comet-qe")  # with a reference, and reference-free
    precision = 3  # scores live on a 0-1 scale: two decimals would hide most differences

    def __init__(
        self,
        models: Sequence[str | os.PathLike[str]] = (),
        *,
        span_severity: Mapping[str, Severity] | None = None,
        **options: Any,
    ) -> None:
        self._span_severity = dict(span_severity) if span_severity is not None else None
        self.reference_scorer: CometScorer | None = None
        self.qe_scorer: CometScorer | None = None
        for spec in models:
            scorer = CometScorer(spec, **options)
            slot = "reference_scorer" if scorer.needs_reference else "qe_scorer"
            if getattr(self, slot) is not None:
                kind = "reference-based" if scorer.needs_reference else "reference-free"
                raise ConfigError(
                    f"two {kind} COMET models given ({getattr(self, slot).info.name!r} and {scorer.info.name!r}); "
                    f"give at most one of each kind"
                )
            setattr(self, slot, scorer)

    @classmethod
    def settings_from(cls, config: Config) -> CometSettings:
        """The ``[comet]`` settings of ``config`` (no models: COMET is off)."""
        return config.comet

    @classmethod
    def from_settings(cls, settings: CometSettings) -> "Comet":
        """The metric for ``settings``: resolves the models, loads none."""
        return cls(
            settings.models,
            precision=settings.precision,
            device=settings.device,
            batch_size=settings.batch_size,
            cache_dir=settings.cache_dir,
            use_cache=settings.cache,
            allow_download=settings.download,
            span_severity=settings.span_severity,
        )

    @property
    def scorers(self) -> list[CometScorer]:
        """The scorers in use, reference-based first."""
        return [s for s in (self.reference_scorer, self.qe_scorer) if s is not None]

    def score_segments(self, segments: Sequence[Segment]) -> list[SegmentScore | None]:
        """Route each segment to its model, score each group in one batch, keep input order."""
        with_reference: list[int] = []
        without: list[int] = []
        for i, segment in enumerate(segments):
            if segment.ref is not None and self.reference_scorer is not None:
                with_reference.append(i)
            elif self.qe_scorer is not None:
                without.append(i)
        out: list[SegmentScore | None] = [None] * len(segments)
        for scorer, indices in ((self.reference_scorer, with_reference), (self.qe_scorer, without)):
            if scorer is None or not indices:
                continue
            for i, score in zip(indices, scorer.score_detailed([segments[i] for i in indices])):
                out[i] = score
        return out

    @property
    def signatures(self) -> dict[str, str]:
        """Signature per metric key: ``comet`` (with reference) and/or ``comet-qe``."""
        out: dict[str, str] = {}
        if self.reference_scorer is not None:
            out["comet"] = self.reference_scorer.signature
        if self.qe_scorer is not None:
            out["comet-qe"] = self.qe_scorer.signature
            if self.qe_scorer.uses_reference and "comet" not in out:
                out["comet"] = self.qe_scorer.signature
        return out

    @property
    def models(self) -> dict[str, str]:
        """The model name behind each score key: ``comet`` (reference-based) and/or ``comet-qe``."""
        scorers = {"comet": self.reference_scorer, "comet-qe": self.qe_scorer}
        return {key: s.info.name for key, s in scorers.items() if s is not None}

    @property
    def notices(self) -> tuple[str, ...]:
        """The scorers' cache notices, each once."""
        return tuple(dict.fromkeys(n for s in self.scorers for n in s.notices))

    @property
    def span_severity(self) -> Mapping[str, Severity]:
        """The finding severity of each error-span severity (``[comet] span_severity``)."""
        if self._span_severity is None:
            return super().span_severity
        return self._span_severity

    def unscored_reason(self, segments: Sequence[Segment]) -> str:
        """A reference-based model alone with no reference anywhere says what to add; else a plain line."""
        if self.qe_scorer is None and not any(seg.ref is not None for seg in segments):
            return (
                f"the reference-based COMET model {self.models['comet']!r} needs reference translations and no "
                f"entry has one; add references (evalkit refs import) or a reference-free model (--comet-model)"
            )
        return "no segment could be scored by the given COMET models"
