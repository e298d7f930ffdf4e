"""Wire the stages together: inputs -> parse -> checks -> metrics -> results. The CLI and tests call :func:`score`.

The metrics stage scores entries that have reference translations (see :mod:`evalkit.metrics.apply`),
then the model-metric stage scores all issues with every model metric the run asked for (see
:mod:`evalkit.metrics.model_stage`); :func:`score_triples` scores generic parallel data (src, mt, ref)
with the same metrics.
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from evalkit.checks import CHECKS, Check, load_checks
from evalkit.config import Config
from evalkit.errors import ConfigError, InputError, NotADigestError
from evalkit.inputs import expand
from evalkit.limits import MAX_JOBS
from evalkit.parse import parse_digest, read_source
from evalkit.records import (
    Entry,
    EntryResult,
    Finding,
    InputProblem,
    Issue,
    IssueResult,
    JudgeRun,
    ModelMetricRun,
    Pair,
    RunResult,
    Skipped,
    SpooledJson,
    TriplesResult,
)

if TYPE_CHECKING:
    from evalkit.metrics.apply import ReferenceScorer
    from evalkit.references import ReferenceSet


#: Below this many inputs a process pool costs more than it saves.
MIN_FILES_FOR_POOL = 4

#: Told after each input is scored, in input order: ``(inputs done, inputs in all, path just done)``.
Progress = Callable[[int, int, str], None]

#: Writes an issue's canonical JSON ahead of the report, where the issue was scored (see
#: :class:`evalkit.report.spool.IssueJsonSpool`); ``None`` when it could not.
Spool = Callable[[IssueResult], "SpooledJson | None"]


def check_jobs(jobs: int) -> int:
    """``jobs`` if it is a valid number of worker processes (0: one per CPU core), else :class:`ConfigError`."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 0 <= jobs <= MAX_JOBS:
        raise ConfigError(f"jobs must be a whole number from 0 to {MAX_JOBS} (0: one per CPU core), got {jobs!r}")
    return jobs


def score(
    paths: Sequence[str],
    config: Config | None = None,
    jobs: int = 1,
    *,
    progress: Progress | None = None,
    spool: Spool | None = None,
) -> RunResult:
    """Read, parse and check every input. Unreadable inputs become ``errors``; the rest are scored.

    ``jobs`` > 1 scores files in that many worker processes (0: one per CPU core; never more than there
    are files; at most :data:`MAX_JOBS`). Results come back in input order, so the report is identical
    whatever the number of jobs. ``progress``, if given, is told after each input (see :data:`Progress`);
    it draws nothing itself, so the library stays free of any display. ``spool``, if given, is called
    by each worker process on the issues it scored (see :data:`Spool`), and what it wrote is
    ``RunResult.spooled``; only a run in worker processes whose issues no later stage changes uses it
    (in one process, or with model metrics or a judge, the writer gains nothing from it).

    Entries whose arXiv id has reference translations (:func:`evalkit.references.references_for_run`)
    get reference-based scores. An invalid reference file raises
    :class:`~evalkit.references.ReferenceFileError` before any input is read. Each model metric the
    configuration asks for (COMET models in ``config.comet``, say) then scores all issues in one batch
    (:mod:`evalkit.metrics.model_stage`); an unavailable model leaves its record in
    ``RunResult.model_metrics`` "not computed", or raises :class:`~evalkit.errors.ModelUnavailableError`
    when its settings ``require`` it. QE scores under ``config.comet.qe_thresholds`` then become
    ``meaning.low-qe`` findings (:func:`evalkit.judges.qe.apply_qe_thresholds`). Last, the LLM judge
    (``config.judge``, see :mod:`evalkit.judges.stage`) reads the entries in its scope and adds its
    findings; what it did is ``RunResult.judges``.
    """
    from evalkit.metrics.model_stage import prepare_model_metrics
    from evalkit.references import references_for_run

    check_jobs(jobs)
    config = (config or Config()).validate()
    references = references_for_run(config)
    # Models are resolved before any input is read: a missing model fails fast when it is required.
    model_metrics = prepare_model_metrics(config)
    inputs = expand(list(paths))
    tasks = [(path, path in inputs.discovered) for path in inputs.paths]
    jobs = min((os.cpu_count() or 1) if jobs == 0 else jobs, len(tasks))  # an idle worker only costs a fork
    pooled = jobs > 1 and len(tasks) >= MIN_FILES_FOR_POOL and "-" not in inputs.paths
    if pooled:
        final = not model_metrics and not config.judge.enabled  # no later stage replaces the issues
        outcomes = _score_in_pool(tasks, config, jobs, references, spool if final else None)
    else:
        checks = active_checks(config)
        scorer = _scorer(config, references)
        outcomes = (score_file(path, discovered, config, checks, references, scorer) for path, discovered in tasks)
    issues: list[IssueResult] = []
    errors: list[InputProblem] = list(inputs.problems)
    skipped: list[Skipped] = []
    spooled: list[tuple[IssueResult, SpooledJson]] = []
    with _collections_spare_results(pooled) as after_input:
        for done, outcome in enumerate(outcomes, start=1):
            after_input()
            if progress is not None:
                progress(done, len(tasks), tasks[done - 1][0])
            if outcome.issue is not None:
                issues.append(outcome.issue)
                if outcome.spooled is not None:
                    spooled.append((outcome.issue, outcome.spooled))
            errors.extend(outcome.errors)
            skipped.extend(outcome.skipped)
    runs: tuple[ModelMetricRun, ...] = ()
    if model_metrics:
        from evalkit.metrics.bootstrap import BootstrapSettings
        from evalkit.metrics.model_stage import score_issues

        bootstrap = BootstrapSettings(samples=config.bootstrap)
        scored, runs = score_issues(issues, model_metrics, references, bootstrap, config=config)
        issues = list(scored)
        # Model judgments: QE scores under the configured threshold become findings.
        from evalkit.judges.qe import apply_qe_thresholds

        issues = list(apply_qe_thresholds(issues, runs, config))
    judges: tuple[JudgeRun, ...] = ()
    if config.judge.enabled:
        from evalkit.judges.stage import judge_issues

        judged, judge_run = judge_issues(issues, config)
        issues, judges = list(judged), (judge_run,)
    return RunResult(
        issues=tuple(issues),
        errors=tuple(errors),
        skipped=tuple(skipped),
        references=references.info() if references is not None else None,
        model_metrics=runs,
        judges=judges,
        spooled=tuple(spooled),
    )


@contextmanager
def _collections_spare_results(pooled: bool) -> Iterator[Callable[[], None]]:
    """Keep Python's cyclic garbage collector from walking the results again and again as they pile up.

    The results of a corpus are millions of long-lived objects without reference cycles, and every full
    collection walks all of them: 9 full collections cost 3.0 s of a 24 s run in one process.

    - In one process (``pooled`` false) the context gives a function to call after each input: it moves
      every object then alive to the collector's permanent generation (:func:`gc.freeze`), out of later
      collections; they are handed back (:func:`gc.unfreeze`) when the context ends.
    - While the results of worker processes are unpickled the collector is paused instead: unpickling
      a corpus's results made 0.51 s instead of 0.06 s for the results of 104 files (90% of it
      collector time), a serial step of the parent. At the end everything received is frozen and
      unfrozen, which moves it to the oldest generation and resets the allocation count, so that the
      first collection after the pause does not walk it all either (~0.15 s).

    Nothing collectable is lost: a cycle frozen before a collection found it is collected once handed
    back. A caller's own settings are left alone: with the collector disabled, or objects already
    frozen by the caller, nothing is paused or frozen.
    """
    ours = gc.isenabled() and gc.get_freeze_count() == 0
    if ours and pooled:
        gc.disable()
    try:
        yield gc.freeze if ours and not pooled else _nothing
    finally:
        if ours:
            if pooled:
                gc.freeze()
                gc.enable()
            gc.unfreeze()


def _nothing() -> None:
    """What there is to do after each input when the collector is left as it is."""


@dataclass(frozen=True)
class FileOutcome:
    """What scoring one input produced: its issue (if it parsed), its problems, or why it was skipped;
    ``spooled``: where its worker wrote the issue's JSON (see :data:`Spool`)."""

    issue: IssueResult | None
    errors: tuple[InputProblem, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    spooled: SpooledJson | None = None


def score_file(
    path: str,
    discovered: bool,
    config: Config,
    checks: list[Check],
    references: ReferenceSet | None = None,
    scorer: ReferenceScorer | None = None,
) -> FileOutcome:
    """Read, parse, check and score one input. A non-digest found by walking a directory is skipped, not an error.

    ``scorer`` adds reference-based scores for the entries that have ``references``.
    """
    try:
        parsed = parse_digest(read_source(path, config.max_file_size))
    except NotADigestError as exc:
        if discovered:
            return FileOutcome(None, skipped=(Skipped(path, exc.message),))
        return FileOutcome(None, errors=(InputProblem(exc.path, exc.message, exc.line),))
    except InputError as exc:
        return FileOutcome(None, errors=(InputProblem(exc.path, exc.message, exc.line),))
    result, crashes = check_issue(parsed.issue, checks, config)
    if scorer is not None and references is not None:
        result = scorer.score_issue(result, references)
    return FileOutcome(result, errors=tuple(parsed.problems) + tuple(crashes))


def _scorer(config: Config, references: ReferenceSet | None) -> ReferenceScorer | None:
    """The metrics stage for this run, or ``None`` when there is nothing to score against."""
    if references is None or not len(references):
        return None
    from evalkit.metrics.apply import ReferenceScorer

    return ReferenceScorer.from_config(config)


_worker_state: dict[str, object] = {}


def _score_in_pool(
    tasks: list[tuple[str, bool]], config: Config, jobs: int, references: ReferenceSet | None, spool: Spool | None
) -> Iterator[FileOutcome]:
    import multiprocessing

    if config.align:
        from evalkit.align.lexicon import load_lexicon

        load_lexicon()  # loaded once here, shared copy-on-write with the forked workers
    context = multiprocessing.get_context("fork")
    batches = _batches([_size_of(path) for path, _ in tasks], jobs)
    pending: dict[int, FileOutcome] = {}
    following = 0
    # Made before the workers fork, so that they share the check modules instead of each importing them
    # again (the parent lists the checks in the report anyway); the scorer imports its metric libraries
    # only when it first scores.
    checks = active_checks(config)
    scorer = _scorer(config, references)
    state = {"config": config, "checks": checks, "references": references, "scorer": scorer, "spool": spool}
    with context.Pool(jobs, initializer=_init_worker, initargs=(state,)) as pool:
        work = [[(k, tasks[k]) for k in batch] for batch in batches]
        for scored in pool.imap_unordered(_score_batch, work, chunksize=1):
            pending.update(scored)
            while following in pending:
                yield pending.pop(following)
                following += 1


#: Batches per worker process: enough for the last ones to even out the workers' loads, few enough
#: that most entries a digest shares with its neighbours are scored in the same batch.
BATCHES_PER_JOB = 8


def _batches(sizes: list[int], jobs: int) -> list[list[int]]:
    """The inputs (by index) cut into runs of neighbours in input order, the largest run first.

    Neighbouring digests of an archive (the same day's issues for other categories) republish many of
    the same entries: scored in one worker, one after another, they reuse that worker's cached
    alignments (22% of the corpus's entries are such repeats). Each run holds about ``1 / (jobs *
    BATCHES_PER_JOB)`` of the bytes, and runs go largest first so that the last, small ones even out
    the workers' loads; outcomes are put back in input order before they are yielded.
    """
    count = jobs * BATCHES_PER_JOB
    total = sum(sizes) or 1
    batches: list[list[int]] = []
    current: list[int] = []
    filled = 0
    for k, size in enumerate(sizes):
        current.append(k)
        filled += size
        # A batch ends where the bytes so far reach the next of ``count`` equal shares of the total.
        if filled * count >= total * (len(batches) + 1):
            batches.append(current)
            current = []
    if current:
        batches.append(current)
    return sorted(batches, key=lambda batch: -sum(sizes[k] for k in batch))


def _size_of(path: str) -> int:
    """The size of an input in bytes, 0 when it cannot be read (scored, and reported, like any other)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _score_batch(batch: list[tuple[int, tuple[str, bool]]]) -> list[tuple[int, FileOutcome]]:
    from evalkit.memo import clear_text_caches

    scored = []
    try:
        for index, task in batch:
            scored.append((index, _score_task(task)))
            # The per-text caches would otherwise grow to their limits in every worker (~250 MB each on
            # the corpus); the alignments stay for the next files of the batch, which share entries.
            clear_text_caches(keep_entry_level=True)
    finally:
        clear_text_caches()
    return scored


def _init_worker(state: dict[str, object]) -> None:
    _worker_state.update(state)


def _score_task(task: tuple[str, bool]) -> FileOutcome:
    path, discovered = task
    outcome = score_file(
        path,
        discovered,
        _worker_state["config"],  # type: ignore[arg-type]
        _worker_state["checks"],  # type: ignore[arg-type]
        _worker_state["references"],  # type: ignore[arg-type]
        _worker_state["scorer"],  # type: ignore[arg-type]
    )
    spool: Spool | None = _worker_state["spool"]  # type: ignore[assignment]
    if spool is not None and outcome.issue is not None:
        outcome = replace(outcome, spooled=spool(outcome.issue))
    return outcome


def active_checks(config: Config) -> list[Check]:
    """Instances of every registered check the configuration leaves enabled, in name order, each with its
    effective options (:meth:`~evalkit.config.Config.options_for`)."""
    load_checks()
    return [
        cls(config.options_for(cls.name))
        for cls in CHECKS
        if config.is_enabled(cls.name) and (config.align or not cls.needs_alignment)
    ]


def check_issue(issue: Issue, checks: list[Check], config: Config) -> tuple[IssueResult, list[InputProblem]]:
    """Run the checks on one issue. A check that crashes is reported as an error, not raised."""
    crashes: list[InputProblem] = []
    per_entry: dict[int, list[Finding]] = {id(e): [] for e in issue.entries}
    file_level: list[Finding] = []
    by_ref = {e.ref: e for e in issue.entries}
    for check in checks:
        try:
            for finding in check.check_issue(issue):
                target = by_ref.get(finding.ref) if finding.ref is not None else None
                (per_entry[id(target)] if target is not None else file_level).append(finding)
        except Exception as exc:  # a bug in one check must not lose the rest of the report
            crashes.append(_crash(issue.path, check, exc, None))
        for entry in issue.entries:
            try:
                per_entry[id(entry)].extend(check.check_entry(entry, issue))
            except Exception as exc:  # same: report, keep going
                crashes.append(_crash(issue.path, check, exc, entry.line))
    results = tuple(
        EntryResult(entry=e, findings=config.finalise_findings(per_entry[id(e)]), pairs=_pairs(e) if config.align else ())
        for e in issue.entries
    )
    return IssueResult(issue=issue, entries=results, findings=config.finalise_findings(file_level)), crashes


def _crash(path: str, check: Check, exc: Exception, line: int | None) -> InputProblem:
    return InputProblem(
        path,
        f"internal error in check {check.name}: {type(exc).__name__}: {exc} (please report this; other checks ran)",
        line,
    )


def _pairs(entry: Entry) -> tuple[Pair, ...]:
    """The sentence alignment of an entry (shared with the checks through the aligner's cache)."""
    if not entry.abstract_zh.strip() or not entry.abstract_en.strip():
        return ()
    from evalkit.align import align_entry

    return align_entry(entry).pairs


def score_triples(path: str, config: Config | None = None) -> TriplesResult:
    """Score a file of generic parallel data (src, mt, ref per row) with the reference-based metrics.

    Row scores and whole-file system scores (from sufficient statistics, with a bootstrap interval), as
    for a digest issue; each model metric configured scores every row too (COMET: against its first
    reference with a reference-based model, from its source alone with a QE model). Raises
    :class:`~evalkit.errors.InputError` for an unreadable or malformed file.
    """
    from evalkit.metrics.apply import ReferenceScorer
    from evalkit.metrics.model_stage import prepare_model_metrics
    from evalkit.parse.triples import read_triples

    config = (config or Config()).validate()
    model_metrics = prepare_model_metrics(config)
    triples = read_triples(path)
    scores = ReferenceScorer.from_config(config).score_segments([t.mt for t in triples], [list(t.refs) for t in triples])
    segment_scores, system = scores.segments, dict(scores.system)
    runs: tuple[ModelMetricRun, ...] = ()
    if model_metrics:
        from evalkit.metrics.bootstrap import BootstrapSettings
        from evalkit.metrics.model_stage import score_rows

        bootstrap = BootstrapSettings(samples=config.bootstrap)
        rows, model_system, runs = score_rows([(t.src, t.mt, t.refs[0]) for t in triples], model_metrics, bootstrap)
        segment_scores = tuple({**s, **r} for s, r in zip(segment_scores, rows))
        system.update(model_system)
    return TriplesResult(
        path=path, triples=tuple(triples), segment_scores=segment_scores, scores=system, model_metrics=runs
    )
