"""Wire the stages together: inputs -> parse -> checks -> results. The CLI and tests call :func:`score`."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Iterator, Sequence

from evalkit.checks import CHECKS, Check, load_checks
from evalkit.config import Config
from evalkit.errors import InputError, NotADigestError
from evalkit.inputs import expand
from evalkit.parse import parse_digest, read_source
from evalkit.records import Entry, EntryResult, Finding, InputProblem, Issue, IssueResult, Pair, RunResult, Skipped


#: Below this many inputs a process pool costs more than it saves.
MIN_FILES_FOR_POOL = 4


def score(paths: Sequence[str], config: Config | None = None, jobs: int = 1) -> RunResult:
    """Read, parse and check every input. Unreadable inputs become ``errors``; the rest are scored.

    ``jobs`` > 1 scores files in that many worker processes (0: one per CPU core). Results come back in
    input order, so the report is identical whatever the number of jobs.
    """
    config = (config or Config()).validate()
    inputs = expand(list(paths))
    jobs = (os.cpu_count() or 1) if jobs <= 0 else jobs
    tasks = [(path, path in inputs.discovered) for path in inputs.paths]
    if jobs > 1 and len(tasks) >= MIN_FILES_FOR_POOL and "-" not in inputs.paths:
        outcomes = _score_in_pool(tasks, config, jobs)
    else:
        checks = active_checks(config)
        outcomes = (score_file(path, discovered, config, checks) for path, discovered in tasks)
    issues: list[IssueResult] = []
    errors: list[InputProblem] = list(inputs.problems)
    skipped: list[Skipped] = []
    for outcome in outcomes:
        if outcome.issue is not None:
            issues.append(outcome.issue)
        errors.extend(outcome.errors)
        skipped.extend(outcome.skipped)
    return RunResult(issues=tuple(issues), errors=tuple(errors), skipped=tuple(skipped))


@dataclass(frozen=True)
class FileOutcome:
    """What scoring one input produced: its issue (if it parsed), its problems, or why it was skipped."""

    issue: IssueResult | None
    errors: tuple[InputProblem, ...] = ()
    skipped: tuple[Skipped, ...] = ()


def score_file(path: str, discovered: bool, config: Config, checks: list[Check]) -> FileOutcome:
    """Read, parse and check one input. A non-digest found by walking a directory is skipped, not an error."""
    try:
        parsed = parse_digest(read_source(path, config.max_file_size))
    except NotADigestError as exc:
        if discovered:
            return FileOutcome(None, skipped=(Skipped(path, exc.message),))
        return FileOutcome(None, errors=(InputProblem(exc.path, exc.message, exc.line),))
    except InputError as exc:
        return FileOutcome(None, errors=(InputProblem(exc.path, exc.message, exc.line),))
    result, crashes = check_issue(parsed.issue, checks, config)
    return FileOutcome(result, errors=tuple(parsed.problems) + tuple(crashes))


_worker_state: dict[str, object] = {}


def _score_in_pool(tasks: list[tuple[str, bool]], config: Config, jobs: int) -> Iterator[FileOutcome]:
    import multiprocessing

    if config.align:
        from evalkit.align.lexicon import load_lexicon

        load_lexicon()  # loaded once here, shared copy-on-write with the forked workers
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_init_worker, initargs=(config,)) as pool:
        yield from pool.imap(_score_task, tasks, chunksize=1)


def _init_worker(config: Config) -> None:
    _worker_state["config"] = config
    _worker_state["checks"] = active_checks(config)


def _score_task(task: tuple[str, bool]) -> FileOutcome:
    path, discovered = task
    return score_file(path, discovered, _worker_state["config"], _worker_state["checks"])  # type: ignore[arg-type]


def active_checks(config: Config) -> list[Check]:
    """Instances of every registered check the configuration leaves enabled, in name order."""
    load_checks()
    return [cls() for cls in CHECKS if config.is_enabled(cls.name) and (config.align or not cls.needs_alignment)]


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
        EntryResult(entry=e, findings=_finalise(per_entry[id(e)], config), pairs=_pairs(e) if config.align else ())
        for e in issue.entries
    )
    return IssueResult(issue=issue, entries=results, findings=_finalise(file_level, config)), crashes


def _finalise(findings: list[Finding], config: Config) -> tuple[Finding, ...]:
    """Drop disabled codes, apply severity overrides, sort by line then code for stable output."""
    out = []
    for f in findings:
        if not config.is_enabled(f.code, f.code):
            continue
        if f.code in config.severity:
            f = replace(f, severity=config.severity[f.code])
        out.append(f)
    return tuple(sorted(out, key=lambda f: (f.line or 0, f.code, f.message)))


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
