"""The model-metric stage of a run: every model metric (COMET, ...) over all issues at once, after the checks.

It runs in the main process after all issues were checked (workers never load a model), so a run
loads each model once and sends the segments of all issues to it in one call, which batches,
length-sorts and caches them (for COMET: :class:`evalkit.metrics.comet.CometScorer`). Any registered
:class:`~evalkit.metrics.base.ModelMetric` goes through it; nothing here knows a metric by name.

- **Preparation** (:func:`prepare_model_metrics`), before any input is read: each model metric the
  configuration asks for is built (its models resolved, none loaded). An unavailable model gives a
  "not computed" :class:`~evalkit.records.ModelMetricRun` with the one-line reason, or raises
  :class:`~evalkit.errors.ModelUnavailableError` when the metric's settings ``require`` it (the CLI
  exits 2): a missing model fails fast.
- **Segments** are the aligned sentence pairs of each entry (``mode = "pairs"``), or whole abstracts
  (``mode = "abstract"``, also used when alignment is off); see :mod:`evalkit.metrics.segments`. A
  pair's reference is the sentences of the entry's first reference translation its Chinese matches.
- **Aggregates**: an entry's score per key is the length-weighted mean of its segments' scores; an
  issue's is the length-weighted mean over all its segments, with a bootstrap interval that resamples
  entries (the same unit as BLEU's and chrF's intervals).
- **Status**: ``computed`` with counts of segments (computed, cached, cropped), or ``not computed``
  with the reason (no model, a model that failed to load, no segment any model could take).
- **Error spans**: a segment score that carries error spans (a word-level model such as XCOMET)
  gives one ``meaning.error-span`` finding per span (:func:`span_findings`), at the exact characters
  of ``abstract_zh`` it marks, on the abstract's line, with the model named in its evidence and the
  severity :attr:`~evalkit.metrics.base.ModelMetric.span_severity` gives the model's. They join the
  entry's findings through :meth:`~evalkit.config.Config.finalise_findings`, so ``disable`` and
  ``[severity]`` apply to them as to a check's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Iterable, Mapping, Sequence

from evalkit.errors import ModelUnavailableError
from evalkit.judges.error_spans import ERROR_SPAN_CODE
from evalkit.records import CorpusScore, EntryResult, Evidence, Finding, IssueResult, ModelMetricRun, Severity

if TYPE_CHECKING:
    from evalkit.config import Config
    from evalkit.metrics.base import ModelMetric
    from evalkit.metrics.bootstrap import BootstrapSettings
    from evalkit.metrics.segments import ErrorSpan, Segment, SegmentScore
    from evalkit.references import ReferenceSet

COMPUTED = "computed"
NOT_COMPUTED = "not computed"

#: What makes a stage's findings an entry's: :meth:`evalkit.config.Config.finalise_findings`.
_Finalise = Callable[[Iterable[Finding]], tuple[Finding, ...]]

#: (issue index, entry index, pair index or None, segment): where each scored segment goes back to.
_Planned = tuple[int, int, "int | None", "Segment"]


@dataclass(frozen=True)
class PreparedModelMetric:
    """A model metric the run asked for: built (``metric``), or why not (``unavailable``).

    ``mode`` is what it scores (``pairs``, or ``abstract`` when the settings say so or alignment is
    off); ``require`` makes a model that fails later (at loading) an error too.
    """

    name: str
    mode: str
    require: bool
    metric: ModelMetric | None = None
    unavailable: ModelMetricRun | None = None


def prepare_model_metrics(config: Config) -> tuple[PreparedModelMetric, ...]:
    """Every registered model metric ``config`` enables, built before any input is read (see the module docstring)."""
    from evalkit.metrics import model_metric_classes

    prepared = []
    for cls in model_metric_classes():
        settings = cls.settings_from(config)
        if not settings.enabled:
            continue
        mode = settings.mode if config.align else "abstract"  # no sentence pairs without alignment
        try:
            metric = cls.from_settings(settings)
        except ModelUnavailableError as exc:
            if settings.require:
                raise
            gone = ModelMetricRun(metric=cls.name, status=NOT_COMPUTED, reason=str(exc), mode=mode)
            prepared.append(PreparedModelMetric(cls.name, mode, settings.require, unavailable=gone))
            continue
        prepared.append(PreparedModelMetric(cls.name, mode, settings.require, metric=metric))
    return tuple(prepared)


def score_issues(
    issues: Sequence[IssueResult],
    prepared: Sequence[PreparedModelMetric],
    references: ReferenceSet | None,
    bootstrap: BootstrapSettings,
    config: Config | None = None,
) -> tuple[tuple[IssueResult, ...], tuple[ModelMetricRun, ...]]:
    """``issues`` with every prepared model metric's scores added per pair, entry and issue, and what
    each did (in the order of ``prepared``).

    Error spans in the scores become findings of their entries, passed through
    ``config.finalise_findings`` (a default :class:`~evalkit.config.Config` when ``config`` is ``None``).
    """
    from evalkit.config import Config

    finalise = (config or Config()).finalise_findings
    runs = []
    scored = tuple(issues)
    for item in prepared:
        if item.metric is None:
            runs.append(item.unavailable)
            continue
        scored, run = _score_issues_with(item, scored, references, bootstrap, finalise)
        runs.append(run)
    return scored, tuple(r for r in runs if r is not None)


def _score_issues_with(
    item: PreparedModelMetric,
    issues: tuple[IssueResult, ...],
    references: ReferenceSet | None,
    bootstrap: BootstrapSettings,
    finalise: _Finalise,
) -> tuple[tuple[IssueResult, ...], ModelMetricRun]:
    from evalkit.metrics.segments import entry_segments

    metric = item.metric
    assert metric is not None  # only called for built metrics
    plan: list[_Planned] = []
    for i, result in enumerate(issues):
        for k, er in enumerate(result.entries):
            refs = references.for_id(er.entry.arxiv_id) if references is not None else ()
            first = refs[0].abstract if refs else None
            plan.extend((i, k, p, seg) for p, seg in entry_segments(er, first, item.mode))
    segments = [seg for *_, seg in plan]
    try:
        scores = metric.score_segments(segments)
    except ModelUnavailableError as exc:  # found, but it could not be loaded
        if item.require:
            raise
        return issues, ModelMetricRun(metric=item.name, status=NOT_COMPUTED, reason=str(exc), mode=item.mode)

    per_issue: list[list[tuple[int, int | None, Segment, SegmentScore | None]]] = [[] for _ in issues]
    for (i, k, p, seg), sc in zip(plan, scores):
        per_issue[i].append((k, p, seg, sc))
    out = tuple(_with_scores(result, per_issue[i], bootstrap, metric, finalise) for i, result in enumerate(issues))
    return out, run_record(metric, segments, scores, item.mode)


def _with_scores(
    result: IssueResult,
    scored: list[tuple[int, int | None, Segment, SegmentScore | None]],
    bootstrap: BootstrapSettings,
    metric: ModelMetric,
    finalise: _Finalise,
) -> IssueResult:
    """One issue with its segments' scores folded into pair, entry and issue scores."""
    from evalkit.metrics.segments import weighted_mean

    by_entry: dict[int, list[tuple[int | None, Segment, SegmentScore]]] = {}
    for k, p, seg, sc in scored:
        if sc is not None:
            by_entry.setdefault(k, []).append((p, seg, sc))
    entries = list(result.entries)
    rows: dict[str, list[list[float]]] = {key: [] for key in metric.score_keys}
    for k, items in sorted(by_entry.items()):
        er = entries[k]
        entry_scores = dict(er.scores)
        # pair_scores is empty when no reference metric scored the pairs: start one mapping per pair.
        pair_scores = [dict(er.pair_scores[p]) if p < len(er.pair_scores) else {} for p in range(len(er.pairs))]
        for key in metric.score_keys:
            mine = [(p, seg, sc) for p, seg, sc in items if sc.metric == key]
            if not mine:
                continue
            weights = [seg.length for _, seg, _ in mine]
            values = [sc.value for *_, sc in mine]
            entry_scores[key] = weighted_mean(values, weights)
            rows[key].append([sum(v * w for v, w in zip(values, weights)), sum(weights)])
            for p, _, sc in mine:
                if p is not None:
                    pair_scores[p][key] = sc.value
        findings = [f for _, seg, sc in items for f in span_findings(er, seg, sc, metric)]
        if findings:
            er = replace(er, findings=finalise([*er.findings, *findings]))
        entries[k] = replace(er, scores=entry_scores, pair_scores=tuple(pair_scores))

    issue_scores = {**result.scores, **system_scores(rows, metric, bootstrap)}
    return replace(result, entries=tuple(entries), scores=issue_scores)


def span_code(category: str | None) -> str:
    """The finding code of a span of ``category``: ``<category>.error-span`` where the model names an
    evalkit category that declares that code, else :data:`ERROR_SPAN_CODE` (XCOMET names none)."""
    if category:
        from evalkit.checks import all_codes

        code = f"{category.lower()}.error-span"
        if code in all_codes():
            return code
    return ERROR_SPAN_CODE


def span_findings(er: EntryResult, segment: Segment, score: SegmentScore, metric: ModelMetric) -> list[Finding]:
    """One finding per error span of ``score``, at its exact characters in the entry's ``abstract_zh``.

    ``segment.mt_offset`` places the span (offsets into the segment's ``mt``) in the abstract; a segment
    without one is looked up in the abstract, and its spans are left out if it is not found there.
    """
    if not score.error_spans:
        return []
    entry = er.entry
    zh = entry.abstract_zh
    base = segment.mt_offset if segment.mt_offset is not None else zh.find(segment.mt)
    if base < 0 or zh[base : base + len(segment.mt)] != segment.mt:
        return []  # the segment is not this abstract's text: nowhere to put its spans
    model = score.model or metric.models.get(score.metric) or metric.name
    severities = metric.span_severity
    out = []
    for span in score.error_spans:
        start, end = base + span.start, base + span.end
        if zh[start:end] != span.text:
            continue  # a metric's spans must match its segment; one that does not is not reported
        out.append(
            Finding(
                code=(code := span_code(span.category)),
                severity=_span_severity(span, severities, code),
                message=_span_message(entry.ref, span, model),
                line=entry.line_of("abstract_zh"),
                ref=entry.ref,
                evidence=Evidence(
                    source=segment.src,
                    translation=span.text,
                    field="abstract_zh",
                    source_span=(segment.src_offset, segment.src_offset + len(segment.src))
                    if segment.src_offset is not None
                    else None,
                    translation_span=(start, end),
                    model=model,
                ),
            )
        )
    return out


def _span_severity(span: ErrorSpan, severities: Mapping[str, Severity], code: str) -> Severity:
    found = severities.get(span.severity.lower())
    if found is not None:
        return found
    from evalkit.checks import all_codes

    return all_codes()[code].severity


def _span_message(ref: int | None, span: ErrorSpan, model: str) -> str:
    confidence = f", confidence {span.confidence:.2f}" if span.confidence is not None else ""
    return f"[^{ref}]: {model} marks '{span.text}' as a {span.severity} error{confidence}"


def system_scores(
    rows: dict[str, list[list[float]]], metric: ModelMetric, bootstrap: BootstrapSettings
) -> dict[str, CorpusScore]:
    """One :class:`CorpusScore` per score key from ``[score × weight, weight]`` rows (one per unit that the
    bootstrap resamples: an entry, a triples row): the weighted mean, with its interval."""
    from evalkit.metrics.bootstrap import bootstrap_intervals

    present = {key: r for key, r in rows.items() if r}
    intervals = bootstrap_intervals(present, {key: metric.score_from_statistics for key in present}, bootstrap)
    signatures = metric.signatures
    return {
        key: CorpusScore(
            metric=key,
            value=metric.score_from_statistics([sum(column) for column in zip(*key_rows)]),
            n=len(key_rows),
            higher_is_better=metric.higher_is_better,
            signature=signatures.get(key, metric.signature()),
            ci=intervals.get(key),
        )
        for key, key_rows in sorted(present.items())
    }


def run_record(
    metric: ModelMetric, segments: Sequence[Segment], scores: Sequence[SegmentScore | None], mode: str
) -> ModelMetricRun:
    """What the stage did; ``not computed`` when there were segments but no model could take any."""
    done = [s for s in scores if s is not None]
    models = metric.models
    notices = metric.notices
    if segments and not done:
        reason = metric.unscored_reason(segments)
        return ModelMetricRun(
            metric=metric.name, status=NOT_COMPUTED, reason=reason, mode=mode, models=models, notices=notices
        )
    return ModelMetricRun(
        metric=metric.name,
        status=COMPUTED,
        mode=mode,
        models=models,
        signatures=metric.signatures,
        segments=len(done),
        computed=sum(1 for s in done if not s.cached),
        cached=sum(1 for s in done if s.cached),
        cropped=sum(1 for s in done if s.cropped),
        notices=notices,
    )


def score_rows(
    rows: Sequence[tuple[str, str, str | None]],
    prepared: Sequence[PreparedModelMetric],
    bootstrap: BootstrapSettings,
) -> tuple[list[dict[str, float]], dict[str, CorpusScore], tuple[ModelMetricRun, ...]]:
    """Every prepared model metric on generic parallel data: ``(src, mt, first reference)`` per row.

    Returns one ``{score key: value}`` per row, the system scores (the plain mean of the rows, as
    ``comet-score`` reports it, with a bootstrap interval over rows) and what each metric did.
    """
    from evalkit.metrics.segments import Segment

    segments = [Segment(src, mt, ref, weight=1.0) for src, mt, ref in rows]
    per_row: list[dict[str, float]] = [{} for _ in rows]
    system: dict[str, CorpusScore] = {}
    runs: list[ModelMetricRun] = []
    for item in prepared:
        if item.metric is None:
            runs.append(item.unavailable)  # type: ignore[arg-type]
            continue
        scores = item.metric.score_segments(segments)
        columns: dict[str, list[list[float]]] = {}
        for row, sc in zip(per_row, scores):
            if sc is not None:
                row[sc.metric] = sc.value
                columns.setdefault(sc.metric, []).append([sc.value, 1.0])
        system.update(system_scores(columns, item.metric, bootstrap))
        runs.append(run_record(item.metric, segments, scores, "rows"))
    return per_row, system, tuple(runs)

