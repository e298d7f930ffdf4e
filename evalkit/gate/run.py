"""One gate run, start to end: policy and waivers, the score pipeline, verdicts, history, report.

The command line (:func:`evalkit.cli.gate`) only parses flags into :class:`GateOptions` and renders the
report this returns; everything here raises typed errors (:class:`~evalkit.errors.ConfigError`,
:class:`~evalkit.gate.waivers.WaiverFileError`, :class:`~evalkit.gate.history.HistoryError`).
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Sequence

from evalkit import __version__
from evalkit.config import Config
from evalkit.errors import ConfigError, InputError, NotADigestError
from evalkit.gate.evaluate import GateResult, IssueVerdict, Reason, evaluate, issue_names, waive, with_regressions
from evalkit.gate.policy import DEFAULT_HISTORY, DEFAULT_WAIVERS, FAILURE_RATE, GatePolicy, policy_from_config, resolve_path
from evalkit.gate.regression import REGRESSION, FigureComparison, RegressionResult, compare_issue
from evalkit.gate.report import build_gate_report
from evalkit.gate.waivers import WaiverSet, gate_today, load_waivers
from evalkit.records import InputProblem, RunResult, Skipped

if TYPE_CHECKING:
    from evalkit.pipeline import Progress


@dataclass(frozen=True)
class GateOptions:
    """Command-line choices of a gate run (``None``: take the policy's value or the default).

    ``waivers``/``history`` are paths as typed (relative to the working directory); ``baseline`` the number
    of previous issues to compare with; ``record`` appends the run's issues to the history;
    ``skip_non_digests`` leaves out named files that are not digests (a README in a changed-files list)
    instead of reporting them as input errors; ``today`` is the date waiver expiry is judged against
    (default: the UTC date, :func:`~evalkit.gate.waivers.gate_today`).
    """

    waivers: str | None = None
    use_waivers: bool = True
    history: str | None = None
    baseline: int | None = None
    record: bool = False
    skip_non_digests: bool = False
    jobs: int = 1
    today: datetime.date | None = None
    commit: str | None = None


@dataclass(frozen=True)
class GateRun:
    """What a gate run produced: the scored run, the verdicts, the gate report, and the files it used."""

    run: RunResult
    result: GateResult
    report: dict[str, Any]
    waivers_path: str | None
    history_path: str | None
    #: when the run started (UTC) and its wall time: for JUnit's ``timestamp``/``time``, never in ``report``
    #: (which stays byte-identical for the same inputs)
    started: datetime.datetime | None = None
    seconds: float = 0.0


def run_gate(
    paths: Sequence[str], config: Config, options: GateOptions | None = None, *, progress: Progress | None = None
) -> GateRun:
    """Score ``paths`` with ``config`` and apply its gate policy, waivers and (if asked) history.

    ``progress`` is told after each digest is scored (see :func:`evalkit.pipeline.score`).
    """
    import time

    from evalkit.pipeline import score

    started, clock = datetime.datetime.now(datetime.timezone.utc), time.perf_counter()
    options = options or GateOptions()
    policy = policy_from_config(config)
    waivers_path = _waivers_path(policy, options)
    waivers = load_waivers(waivers_path) if waivers_path else WaiverSet()
    today = options.today or gate_today()

    baseline = options.baseline if options.baseline is not None else policy.regression.baseline
    if baseline < 0:
        raise ConfigError(f"--baseline must be 0 or more previous issues, got {baseline}")
    history_path = None
    if baseline > 0 or options.record:
        from evalkit.gate.history import History

        history_path = options.history or resolve_path(policy.history or DEFAULT_HISTORY, policy.source)
        with History(history_path) as history:
            history.count()  # a broken history file stops the run here, before the scoring work

    skipped: list[Skipped] = []
    problems: list[InputProblem] = []
    if options.skip_non_digests:
        paths, skipped, problems = _digests_only(paths, config)
    run = score(list(paths), config, jobs=options.jobs, progress=progress) if paths else RunResult(issues=(), errors=())
    run = replace(run, errors=tuple(problems) + run.errors, skipped=tuple(skipped) + run.skipped)
    result = evaluate(run, policy, waivers, today=today)

    history_info: dict[str, Any] | None = None
    if history_path is not None:
        result, history_info = _use_history(result, policy, waivers, today, history_path, baseline, options)
    report = build_gate_report(result, history=history_info)
    return GateRun(run=run, result=result, report=report, waivers_path=waivers_path, history_path=history_path,
                   started=started, seconds=time.perf_counter() - clock)


def _use_history(
    result: GateResult,
    policy: GatePolicy,
    waivers: WaiverSet,
    today: datetime.date,
    path: str,
    baseline: int,
    options: GateOptions,
) -> tuple[GateResult, dict[str, Any]]:
    from evalkit.gate.history import History

    info: dict[str, Any] = {"path": path, "baseline": baseline, "recorded": 0, "already": 0}
    notes: list[str] = []
    with History(path) as history:
        if baseline > 0:
            if not history.exists():
                notes.append(f"no history at {path} yet: nothing to compare with")
            issues = []
            for verdict in result.issues:
                if verdict.facts is None:
                    issues.append(verdict)
                    continue
                previous = history.baseline(verdict.facts, baseline, same_series=policy.regression.same_series)
                comparison = compare_issue(verdict.facts, previous, policy, baseline)
                issues.append(_with_comparison(verdict, comparison, waivers, today))
            result = replace(result, issues=tuple(issues))
        if options.record:
            broken = {p.path for p in result.errors}
            facts = [i.facts for i in result.issues if i.facts is not None and i.path not in broken]
            appended = history.append(facts, tool_version=__version__, policy=policy.fingerprint(), commit=options.commit)
            info["recorded"], info["already"] = appended.added, appended.already
            notes.append(
                f"recorded {appended.added} issue(s) in {path}"
                + (f"; {appended.already} already there with the same content" if appended.already else "")
            )
    info["note"] = "; ".join(notes) if notes else None
    return result, info


def _with_comparison(verdict: IssueVerdict, comparison: RegressionResult, waivers: WaiverSet, today: datetime.date) -> IssueVerdict:
    names = issue_names(verdict.path, verdict.id)
    reasons = [
        waive(Reason(f"regression.{f.figure}", regression_message(f, comparison)), waivers, today, None, names)
        for f in comparison.figures
        if f.status == REGRESSION
    ]
    return with_regressions(verdict, comparison, reasons)


def regression_message(figure: FigureComparison, comparison: RegressionResult) -> str:
    """One line that says what dropped, by how much, against what, and how sure the test is."""
    rate = figure.figure == FAILURE_RATE

    def fmt(value: float | None, signed: bool = False) -> str:
        if value is None:
            return "-"
        if rate:
            return f"{value * 100:+.1f} pts" if signed else f"{value:.1%}"
        return f"{value:+.4g}" if signed else f"{value:.4g}"

    what = "failure rate" if rate else f"mean {figure.figure}"
    return (
        f"{what} {fmt(figure.value)} against {fmt(figure.baseline)} over the last {len(comparison.baseline)} issue(s) of"
        f" {comparison.series} (change {fmt(figure.change, True)}; even the {comparison.confidence:.0%} bound"
        f" {fmt(figure.bound, True)} is a drop of more than {fmt(figure.min_drop)})"
    )


def _waivers_path(policy: GatePolicy, options: GateOptions) -> str | None:
    """The waiver file to read: ``--waivers``, else the policy's ``waivers``, else the default file if present."""
    if not options.use_waivers:
        return None
    if options.waivers is not None:
        return options.waivers  # load_waivers says so if it is missing
    if policy.waivers is not None:
        path = resolve_path(policy.waivers, policy.source)
        if not os.path.isfile(path):
            raise ConfigError(f"{policy.source or 'configuration'}: waiver file {path} (from 'waivers') does not exist")
        return path
    default = resolve_path(DEFAULT_WAIVERS, policy.source)
    return default if os.path.isfile(default) else None


def _digests_only(paths: Sequence[str], config: Config) -> tuple[list[str], list[Skipped], list[InputProblem]]:
    """The inputs of ``paths`` that are digests; named files that are not are skipped, not errors.

    Each file is read and parsed once more by the pipeline; parsing is a small part of a gate run.
    """
    from evalkit.inputs import expand
    from evalkit.parse import parse_digest, read_source

    inputs = expand(list(paths))
    kept: list[str] = []
    skipped: list[Skipped] = []
    for path in inputs.paths:
        if path == "-":
            kept.append(path)
            continue
        try:
            parse_digest(read_source(path, config.max_file_size))
        except NotADigestError as exc:
            skipped.append(Skipped(path, exc.message))
            continue
        except InputError:
            pass  # not ours to judge: the pipeline reports it with its line
        kept.append(path)
    return kept, skipped, list(inputs.problems)
