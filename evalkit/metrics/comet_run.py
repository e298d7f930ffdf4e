"""The COMET stage of a run: every segment of every issue scored in one batch, then aggregated.

It runs in the main process after all issues were checked (workers never load a model), so a run
loads each COMET model once and sends the segments of all issues to it together, length-sorted
(:class:`evalkit.metrics.comet.CometScorer`).

- **Segments** are the aligned sentence pairs of each entry (``mode = "pairs"``), or whole abstracts
  (``mode = "abstract"``, also used when alignment is off).
- **Routing**: a pair whose Chinese matches sentences of the entry's first reference translation
  (:func:`evalkit.metrics.pairs.pair_reference_texts`) goes to the reference-based model as ``comet``;
  any other segment goes to the reference-free model as ``comet-qe``. A segment no given model can
  take stays unscored.
- **Aggregates**: an entry's ``comet``/``comet-qe`` is the length-weighted mean of its segments'
  scores; an issue's is the length-weighted mean over all its segments, with a bootstrap interval that
  resamples entries (the same unit as BLEU's and chrF's intervals).
- **Unavailable models** (offline, not installed, not found): a :class:`~evalkit.records.CometRun`
  with status ``not computed`` and the one-line reason, unless ``require`` is set, in which case the
  :class:`~evalkit.errors.ModelUnavailableError` propagates (the CLI exits 2).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

from evalkit.errors import ModelUnavailableError
from evalkit.records import CometRun, CorpusScore, EntryResult, IssueResult

if TYPE_CHECKING:
    from evalkit.config import CometSettings
    from evalkit.metrics.bootstrap import BootstrapSettings
    from evalkit.metrics.comet import Comet, Segment, SegmentScore
    from evalkit.references import ReferenceSet

#: The score keys COMET writes: with a reference, and reference-free.
COMET_KEYS = ("comet", "comet-qe")
NOT_COMPUTED = "not computed"


def build_comet(settings: CometSettings) -> Comet:
    """The :class:`~evalkit.metrics.comet.Comet` metric for ``settings`` (resolves models, loads none)."""
    from evalkit.metrics.comet import Comet

    return Comet(
        settings.models,
        precision=settings.precision,
        device=settings.device,
        batch_size=settings.batch_size,
        cache_dir=settings.cache_dir,
        use_cache=settings.cache,
        allow_download=settings.download,
    )


def score_issues(
    issues: Sequence[IssueResult],
    settings: CometSettings,
    references: ReferenceSet | None,
    bootstrap: BootstrapSettings,
    *,
    mode: str | None = None,
    metric: Comet | None = None,
) -> tuple[tuple[IssueResult, ...], CometRun]:
    """``issues`` with COMET scores added per pair, entry and issue, and what the stage did.

    ``mode`` overrides ``settings.mode`` (the pipeline passes ``abstract`` when alignment is off);
    ``metric`` is a ready :class:`Comet` (the pipeline builds it before reading inputs), else one is
    built from ``settings``.
    """
    mode = mode or settings.mode
    plan: list[tuple[int, int, int | None, Segment]] = []  # (issue, entry, pair or None, segment)
    for i, result in enumerate(issues):
        for k, er in enumerate(result.entries):
            refs = references.for_id(er.entry.arxiv_id) if references is not None else ()
            first = refs[0].abstract if refs else None
            plan.extend((i, k, p, seg) for p, seg in entry_segments(er, first, mode))
    try:
        metric = metric if metric is not None else build_comet(settings)
        scores = metric.score_segments([seg for *_, seg in plan])
    except ModelUnavailableError as exc:
        if settings.require:
            raise
        return tuple(issues), CometRun(status=NOT_COMPUTED, reason=str(exc), mode=mode)

    per_issue: list[list[tuple[int, int | None, Segment, SegmentScore | None]]] = [[] for _ in issues]
    for (i, k, p, seg), sc in zip(plan, scores):
        per_issue[i].append((k, p, seg, sc))
    out = tuple(_with_scores(result, per_issue[i], bootstrap, metric) for i, result in enumerate(issues))
    return out, _run_info(metric, plan, scores, mode)


def entry_segments(er: EntryResult, reference: str | None, mode: str) -> list[tuple[int | None, Segment]]:
    """``(pair index, Segment)`` to score for one entry (pair index ``None`` in abstract mode).

    Entries without Chinese or English give nothing: the structure and translation checks report them.
    """
    from evalkit.metrics.comet import abstract_segment, pair_segments

    entry = er.entry
    if not entry.abstract_zh.strip() or not entry.abstract_en.strip():
        return []
    if mode == "abstract" or not er.pairs:
        return [(None, abstract_segment(entry, reference))]
    pair_refs = None
    if reference is not None:
        from evalkit.metrics.pairs import pair_reference_texts

        pair_refs = pair_reference_texts(entry.abstract_zh, er.pairs, reference)
    return [(p, seg) for p, seg in pair_segments(entry, er.pairs, pair_refs)]


def _with_scores(
    result: IssueResult,
    scored: list[tuple[int, int | None, Segment, SegmentScore | None]],
    bootstrap: BootstrapSettings,
    metric: Comet,
) -> IssueResult:
    """One issue with its segments' scores folded into pair, entry and issue scores."""
    from evalkit.metrics.comet import weighted_mean

    by_entry: dict[int, list[tuple[int | None, Segment, SegmentScore]]] = {}
    for k, p, seg, sc in scored:
        if sc is not None:
            by_entry.setdefault(k, []).append((p, seg, sc))
    entries = list(result.entries)
    rows: dict[str, list[list[float]]] = {key: [] for key in COMET_KEYS}
    for k, items in sorted(by_entry.items()):
        er = entries[k]
        entry_scores = dict(er.scores)
        # pair_scores is empty when no reference metric scored the pairs: start one mapping per pair.
        pair_scores = [dict(er.pair_scores[p]) if p < len(er.pair_scores) else {} for p in range(len(er.pairs))]
        for key in COMET_KEYS:
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
        entries[k] = replace(er, scores=entry_scores, pair_scores=tuple(pair_scores))

    issue_scores = {**result.scores, **system_scores(rows, metric, bootstrap)}
    return replace(result, entries=tuple(entries), scores=issue_scores)


def system_scores(
    rows: dict[str, list[list[float]]], metric: Comet, bootstrap: BootstrapSettings
) -> dict[str, CorpusScore]:
    """One :class:`CorpusScore` per COMET key from ``[score × weight, weight]`` rows (one per unit that the
    bootstrap resamples: an entry, a triples row): the weighted mean, with its interval."""
    from evalkit.metrics.bootstrap import bootstrap_intervals

    present = {key: r for key, r in rows.items() if r}
    intervals = bootstrap_intervals(present, {key: _ratio for key in present}, bootstrap)
    signatures = metric.signatures
    return {
        key: CorpusScore(
            metric=key,
            value=_ratio([sum(column) for column in zip(*key_rows)]),
            n=len(key_rows),
            higher_is_better=True,
            signature=signatures.get(key, metric.signature()),
            ci=intervals.get(key),
        )
        for key, key_rows in sorted(present.items())
    }


def _ratio(row: Sequence[float]) -> float:
    """Weighted mean from summed ``[score × weight, weight]``; NaN when nothing was summed."""
    return row[0] / row[1] if row[1] else float("nan")


def _run_info(
    metric: Comet, plan: Sequence[tuple[int, int, int | None, Segment]], scores: Sequence[SegmentScore | None], mode: str
) -> CometRun:
    """What the stage did; ``not computed`` when there were segments but no model could take any."""
    scorers = {"comet": metric.reference_scorer, "comet-qe": metric.qe_scorer}
    models = {key: s.info.name for key, s in scorers.items() if s is not None}
    done = [s for s in scores if s is not None]
    notices = tuple(dict.fromkeys(n for s in metric.scorers for n in s.notices))
    if plan and not done:
        has_refs = any(seg.ref is not None for *_, seg in plan)
        if metric.qe_scorer is None and not has_refs:
            reason = (
                f"the reference-based COMET model {models['comet']!r} needs reference translations and no "
                f"entry has one; add references (evalkit refs import) or a reference-free model (--comet-model)"
            )
        else:
            reason = "no segment could be scored by the given COMET models"
        return CometRun(status=NOT_COMPUTED, reason=reason, mode=mode, models=models, notices=notices)
    return CometRun(
        status="computed",
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
    rows: Sequence[tuple[str, str, str | None]], metric: Comet, bootstrap: BootstrapSettings
) -> tuple[list[dict[str, float]], dict[str, CorpusScore], CometRun]:
    """COMET of generic parallel data: ``(src, mt, first reference)`` per row.

    Returns one ``{comet or comet-qe: value}`` per row, the system scores (the plain mean of the rows,
    as ``comet-score`` reports it, with a bootstrap interval over rows) and what was done.
    """
    from evalkit.metrics.comet import Segment

    segments = [Segment(src, mt, ref, weight=1.0) for src, mt, ref in rows]
    scores = metric.score_segments(segments)
    per_row: list[dict[str, float]] = [{sc.metric: sc.value} if sc is not None else {} for sc in scores]
    columns: dict[str, list[list[float]]] = {}
    for sc in scores:
        if sc is not None:
            columns.setdefault(sc.metric, []).append([sc.value, 1.0])
    plan = [(0, k, None, seg) for k, seg in enumerate(segments)]
    return per_row, system_scores(columns, metric, bootstrap), _run_info(metric, plan, scores, "rows")
