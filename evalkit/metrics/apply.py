"""Apply the reference-based metrics after the checks: entry, pair and issue scores.

- **Entry**: each metric's segment score of the Chinese abstract against every reference of the entry's
  arXiv id (several references: sacrebleu's multi-reference scoring).
- **Pair**: each metric's segment score of each aligned sentence pair against the reference sentences
  it matches (:mod:`evalkit.metrics.pairs`).
- **Issue**: the system score over the entries that have references, from their summed sufficient
  statistics (exactly sacrebleu's ``corpus_score`` on the same text), with a paired-bootstrap confidence
  interval (:mod:`evalkit.metrics.bootstrap`).

Entries without a reference get no reference-based scores. Model metrics (COMET), which need sources and
a model, run as a stage of their own after all issues (:mod:`evalkit.metrics.model_stage`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Mapping, Sequence

from evalkit.metrics.base import METRICS, ReferenceMetric
from evalkit.metrics.bootstrap import BootstrapSettings, bootstrap_intervals
from evalkit.records import CorpusScore, IssueResult

if TYPE_CHECKING:
    from evalkit.config import Config, SacrebleuSettings
    from evalkit.references import ReferenceSet


def default_metric_names() -> tuple[str, ...]:
    """Every default metric that needs a reference and no model (BLEU, chrF, chrF++, TER), by name."""
    from evalkit.metrics import load_metrics

    load_metrics()
    return tuple(m.name for m in METRICS if m.needs_reference and not m.needs_model and m.default)


@dataclass(frozen=True)
class SegmentScores:
    """Scores of a list of segments: one ``{metric: value}`` per segment and one system score per metric."""

    segments: tuple[Mapping[str, float], ...]
    system: Mapping[str, CorpusScore]


class ReferenceScorer:
    """Scores translations against references with the selected metrics; one instance per process.

    ``settings`` are the sacrebleu options of the metrics (defaults: :class:`~evalkit.config.SacrebleuSettings`).
    """

    def __init__(
        self,
        metrics: Sequence[str] | None = None,
        bootstrap: BootstrapSettings | None = None,
        settings: "SacrebleuSettings | None" = None,
    ) -> None:
        from evalkit.metrics import load_metrics

        load_metrics()
        names = tuple(metrics) if metrics is not None else default_metric_names()
        self.metrics: dict[str, ReferenceMetric] = {name: METRICS.get(name)(settings) for name in names}  # type: ignore[call-arg]
        self.bootstrap = bootstrap or BootstrapSettings()

    @classmethod
    def from_config(cls, config: Config) -> "ReferenceScorer":
        """The scorer a run with ``config`` uses (its ``metrics``, ``bootstrap`` and ``sacrebleu`` settings)."""
        return cls(config.metrics, BootstrapSettings(samples=config.bootstrap), config.sacrebleu)

    def score_segments(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> SegmentScores:
        """Segment and system scores of ``hypotheses``; ``references[i]`` lists segment i's references (≥ 1)."""
        if len(hypotheses) != len(references):
            raise ValueError("one list of references per hypothesis is needed")
        width = max((len(r) for r in references), default=0)
        streams = [[refs[k] if k < len(refs) else None for refs in references] for k in range(width)]
        segments: list[dict[str, float]] = [{} for _ in hypotheses]
        rows: dict[str, list[list[float]]] = {}
        system: dict[str, CorpusScore] = {}
        if not hypotheses:
            return SegmentScores((), {})
        for name, metric in self.metrics.items():
            stats = metric.segment_statistics(hypotheses, streams)
            rows[name] = stats
            for k, row in enumerate(stats):
                segments[k][name] = metric.segment_score(row)
            summed = [sum(column) for column in zip(*stats)]  # the order sacrebleu sums in
            system[name] = CorpusScore(
                metric=name,
                value=metric.score_from_statistics(summed),
                n=len(hypotheses),
                higher_is_better=metric.higher_is_better,
                signature=metric.signature(),
                segment_signature=metric.segment_signature(),
            )
        intervals = bootstrap_intervals(
            rows, {name: m.score_from_statistics for name, m in self.metrics.items()}, self.bootstrap
        )
        system = {name: replace(score, ci=intervals.get(name)) for name, score in system.items()}
        return SegmentScores(tuple(segments), system)

    def score_issue(self, result: IssueResult, references: ReferenceSet) -> IssueResult:
        """``result`` with entry, pair and issue scores for the entries whose arXiv id has references."""
        scored = [
            (k, refs) for k, er in enumerate(result.entries) if (refs := references.for_id(er.entry.arxiv_id))
        ]
        if not scored or not self.metrics:
            return result
        texts = [[r.abstract for r in refs] for _, refs in scored]
        scores = self.score_segments([result.entries[k].entry.abstract_zh for k, _ in scored], texts)
        entries = list(result.entries)
        for (k, refs), ref_texts, entry_scores in zip(scored, texts, scores.segments):
            er = entries[k]
            pair_scores: tuple[Mapping[str, float], ...] = ()
            if er.pairs:
                from evalkit.metrics.pairs import pair_scores as score_pairs

                pair_scores = score_pairs(er.entry.abstract_zh, er.pairs, ref_texts, self.metrics)
            entries[k] = replace(
                er, scores={**er.scores, **entry_scores}, references=len(refs), pair_scores=pair_scores
            )
        return replace(result, entries=tuple(entries), scores={**result.scores, **scores.system})
