"""Wire the stages together: inputs -> parse -> checks -> results. The CLI and tests call :func:`score`."""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from evalkit.checks import CHECKS, Check, load_checks
from evalkit.config import Config
from evalkit.errors import InputError, NotADigestError
from evalkit.inputs import expand
from evalkit.parse import parse_digest, read_source
from evalkit.records import Entry, EntryResult, Finding, InputProblem, Issue, IssueResult, Pair, RunResult, Skipped


def score(paths: Sequence[str], config: Config | None = None) -> RunResult:
    """Read, parse and check every input. Unreadable inputs become ``errors``; the rest are scored."""
    config = (config or Config()).validate()
    checks = active_checks(config)
    inputs = expand(list(paths))
    issues: list[IssueResult] = []
    errors: list[InputProblem] = list(inputs.problems)
    skipped: list[Skipped] = []
    for path in inputs.paths:
        try:
            parsed = parse_digest(read_source(path, config.max_file_size))
        except NotADigestError as exc:
            if path in inputs.discovered:
                skipped.append(Skipped(path, exc.message))
            else:
                errors.append(InputProblem(exc.path, exc.message, exc.line))
            continue
        except InputError as exc:
            errors.append(InputProblem(exc.path, exc.message, exc.line))
            continue
        errors.extend(parsed.problems)
        result, crashes = check_issue(parsed.issue, checks, config)
        issues.append(result)
        errors.extend(crashes)
    return RunResult(issues=tuple(issues), errors=tuple(errors), skipped=tuple(skipped))


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
