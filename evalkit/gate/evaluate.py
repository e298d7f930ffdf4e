"""Apply a :class:`~evalkit.gate.policy.GatePolicy` to a scored run: verdicts per entry and per issue.

An entry fails for each *reason*: a finding the policy fails on, or a score beyond a threshold (or not
computed, under ``missing_metric = "fail"``). A waiver that covers a reason turns it into a recorded pass.
An issue fails when its share of failing entries is above ``max_failing_share``, on a file-level finding
the policy fails on, on an issue score beyond a threshold, on too many findings of a category or code, or
on a significant regression against history (added by :func:`with_regressions`). The gate passes when
every issue passes.

Reason codes besides finding codes: ``score.<metric>`` (entry), ``issue.failing-share``,
``issue.score.<metric>``, ``issue.findings.<category or code>`` and ``regression.<figure>``.
"""

from __future__ import annotations

import datetime
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence

from evalkit.gate.facts import EntryFacts, IssueFacts
from evalkit.gate.policy import GatePolicy, matches_code
from evalkit.gate.waivers import Waiver, WaiverSet, gate_today
from evalkit.records import EntryResult, InputProblem, IssueResult, RunResult, Severity, Skipped


@dataclass(frozen=True)
class Reason:
    """Why an entry or issue fails: a code, a one-line message and the digest line it points at.

    ``waiver`` is set when a waiver accepts the failure (a recorded pass); ``expired_waiver`` when the only
    waiver that covered it has expired (the failure stands).
    """

    code: str
    message: str
    line: int | None = None
    waiver: Waiver | None = None
    expired_waiver: Waiver | None = None

    @property
    def failing(self) -> bool:
        """Whether this reason still fails (no waiver holds)."""
        return self.waiver is None


@dataclass(frozen=True)
class EntryVerdict:
    """One entry's verdict: ``fail`` (an unwaived reason), ``waived`` (only waived reasons) or ``pass``.

    ``skipped_metrics`` names thresholds that could not be applied because the metric was not computed.
    """

    ref: int
    arxiv_id: str | None
    line: int
    link: str
    title_en: str
    title_zh: str
    reasons: tuple[Reason, ...] = ()
    skipped_metrics: tuple[str, ...] = ()

    @property
    def failing(self) -> tuple[Reason, ...]:
        """The reasons that still fail."""
        return tuple(r for r in self.reasons if r.failing)

    @property
    def status(self) -> str:
        """``fail``, ``waived`` or ``pass``."""
        if self.failing:
            return "fail"
        return "waived" if self.reasons else "pass"


@dataclass(frozen=True)
class IssueScore:
    """An issue-level score: the system score of the run where there is one, else the mean entry score."""

    metric: str
    value: float
    n: int
    source: str  # "system" or "entry mean"


@dataclass(frozen=True)
class IssueVerdict:
    """One issue's verdict with its entries, issue-level reasons, notes and (optionally) regression test."""

    path: str
    id: str
    date: str | None
    channel: str | None
    entries: tuple[EntryVerdict, ...]
    reasons: tuple[Reason, ...] = ()
    notes: tuple[str, ...] = ()
    scores: Mapping[str, IssueScore] = field(default_factory=dict)
    facts: IssueFacts | None = None
    regression: object | None = None  # a RegressionResult; typed loosely to keep the modules independent

    @property
    def failing_entries(self) -> tuple[EntryVerdict, ...]:
        """Entries that fail."""
        return tuple(e for e in self.entries if e.status == "fail")

    @property
    def waived_entries(self) -> tuple[EntryVerdict, ...]:
        """Entries that pass only thanks to waivers."""
        return tuple(e for e in self.entries if e.status == "waived")

    @property
    def failing_share(self) -> float:
        """Failing entries over all entries (0 for an issue without entries)."""
        return len(self.failing_entries) / len(self.entries) if self.entries else 0.0

    @property
    def failing_reasons(self) -> tuple[Reason, ...]:
        """Issue-level reasons that still fail."""
        return tuple(r for r in self.reasons if r.failing)

    @property
    def passed(self) -> bool:
        """Whether the issue passes the gate."""
        return not self.failing_reasons


@dataclass(frozen=True)
class GateResult:
    """The verdict of one gate run: issues, input problems, and what happened to the waivers."""

    policy: GatePolicy
    issues: tuple[IssueVerdict, ...]
    errors: tuple[InputProblem, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    waivers: WaiverSet = field(default_factory=WaiverSet)
    today: datetime.date = field(default_factory=gate_today)
    history_note: str | None = None

    @property
    def passed(self) -> bool:
        """Every issue passed (input problems are judged separately: they make the run an error)."""
        return all(i.passed for i in self.issues)

    def used_waivers(self) -> list[Waiver]:
        """Waivers that accepted at least one failure, in file order."""
        used = {r.waiver for r in self._all_reasons() if r.waiver is not None}
        return [w for w in self.waivers.waivers if w in used]

    def expired_waivers(self) -> list[Waiver]:
        """Every expired waiver of the file, matched or not, in file order."""
        return [w for w in self.waivers.waivers if w.expired(self.today)]

    def unused_waivers(self) -> list[Waiver]:
        """Unexpired waivers that matched nothing in this run (expired ones are listed as expired)."""
        used = set(self.used_waivers())
        return [w for w in self.waivers.waivers if w not in used and not w.expired(self.today)]

    def _all_reasons(self) -> Iterable[Reason]:
        for issue in self.issues:
            yield from issue.reasons
            for entry in issue.entries:
                yield from entry.reasons


# --- the entry rule (shared with the regression test, which applies it to stored facts) -----------------


def entry_fails(policy: GatePolicy, facts: EntryFacts) -> bool:
    """Whether an entry with these stored facts fails under ``policy``, before waivers."""
    if any(policy.fails_on(code, sev) for code, sev in facts.findings):
        return True
    reasons, _ = _score_reasons(policy, facts.scores, line=None)
    return bool(reasons)


def _score_reasons(
    policy: GatePolicy, scores: Mapping[str, float | None], *, line: int | None
) -> tuple[list[Reason], list[str]]:
    """Threshold failures of entry scores, and the metrics whose thresholds were skipped (not computed)."""
    reasons: list[Reason] = []
    skipped: list[str] = []
    for metric in policy.entry.metrics():
        value = scores.get(metric)
        if value is None:
            if policy.missing_metric == "fail":
                reasons.append(Reason(f"score.{metric}", f"{metric} was not computed for this entry (missing_metric = \"fail\")", line))
            else:
                skipped.append(metric)
            continue
        broken = policy.entry.violation(metric, value)
        if broken:
            reasons.append(Reason(f"score.{metric}", f"{metric} {value:.4g} is {broken}", line))
    return reasons, skipped


# --- evaluation ----------------------------------------------------------------------------------------


def evaluate(
    run: RunResult,
    policy: GatePolicy,
    waivers: WaiverSet | None = None,
    *,
    today: datetime.date | None = None,
) -> GateResult:
    """Verdicts for every issue of ``run`` under ``policy``, with ``waivers`` applied as of ``today``."""
    waivers = waivers or WaiverSet()
    today = today or gate_today()
    issues = tuple(evaluate_issue(result, policy, waivers, today) for result in run.issues)
    return GateResult(policy=policy, issues=issues, errors=run.errors, skipped=run.skipped, waivers=waivers, today=today)


def evaluate_issue(result: IssueResult, policy: GatePolicy, waivers: WaiverSet, today: datetime.date) -> IssueVerdict:
    """The verdict of one issue (without regression; see :func:`with_regressions`)."""
    issue = result.issue
    names = issue_names(issue.path, issue.id)
    entries = tuple(_entry_verdict(e, policy, waivers, today, names) for e in result.entries)
    scores = issue_scores(result)

    reasons: list[Reason] = []
    failing = sum(1 for e in entries if e.status == "fail")
    share = failing / len(entries) if entries else 0.0
    if share > policy.max_failing_share:
        limit = f"at most {policy.max_failing_share:.1%} allowed" if policy.max_failing_share else "none allowed"
        reasons.append(Reason("issue.failing-share", f"{failing} of {len(entries)} entries fail ({share:.1%}; {limit})"))
    reasons += [Reason(f.code, f.message, f.line) for f in result.findings if policy.fails_on(f.code, f.severity)]
    score_reasons, notes = _issue_score_reasons(policy, scores)
    reasons += score_reasons
    reasons += _finding_limits(result, policy, waivers, today, names)

    skipped = Counter(m for e in entries for m in e.skipped_metrics)
    for metric in sorted(skipped):
        notes.append(
            f"{metric} was not computed for {skipped[metric]} of {len(entries)} entries: their entry threshold was"
            ' skipped (missing_metric = "skip")'
        )
    verdict = IssueVerdict(
        path=issue.path,
        id=issue.id,
        date=issue.date,
        channel=issue.channel,
        entries=entries,
        reasons=tuple(waive(r, waivers, today, None, names) for r in reasons),
        notes=tuple(notes),
        scores=scores,
    )
    facts = replace(
        IssueFacts.from_result(result),
        failing=len(verdict.failing_entries),
        waived=len(verdict.waived_entries),
        passed=verdict.passed,
    )
    return replace(verdict, facts=facts)


def _issue_score_reasons(policy: GatePolicy, scores: Mapping[str, IssueScore]) -> tuple[list[Reason], list[str]]:
    """Issue-level threshold failures, and notes for thresholds skipped because the metric was not computed."""
    reasons: list[Reason] = []
    notes: list[str] = []
    for metric in policy.issue.metrics():
        score = scores.get(metric)
        if score is None:
            if policy.missing_metric == "fail":
                reasons.append(Reason(f"issue.score.{metric}", f'{metric} was not computed for this issue (missing_metric = "fail")'))
            else:
                notes.append(f'{metric} was not computed for this issue: its issue threshold was skipped (missing_metric = "skip")')
            continue
        broken = policy.issue.violation(metric, score.value)
        if broken:
            what = f"{score.source} over {score.n} entries"
            reasons.append(Reason(f"issue.score.{metric}", f"{metric} {score.value:.4g} ({what}) is {broken}"))
    return reasons, notes


def with_regressions(verdict: IssueVerdict, regression: object, reasons: Sequence[Reason]) -> IssueVerdict:
    """``verdict`` with a regression test result and the reasons it adds (already waived where covered)."""
    updated = replace(verdict, regression=regression, reasons=verdict.reasons + tuple(reasons))
    if updated.facts is not None:
        updated = replace(updated, facts=replace(updated.facts, passed=updated.passed))
    return updated


def issue_names(path: str, issue_id: str) -> tuple[str, ...]:
    """Names an ``issue = "..."`` waiver may use for an issue: its id, its file name and its path."""
    return tuple(dict.fromkeys((issue_id, os.path.basename(path), path, path.replace(os.sep, "/"))))


def issue_scores(result: IssueResult) -> dict[str, IssueScore]:
    """Issue-level scores: the run's system scores, plus the mean entry score of metrics that have none."""
    out: dict[str, IssueScore] = {}
    for name, score in sorted(result.scores.items()):
        out[name] = IssueScore(name, float(score.value), score.n, "system")
    values: dict[str, list[float]] = {}
    for entry in result.entries:
        for name, value in entry.scores.items():
            if value is not None and name not in out:
                values.setdefault(name, []).append(float(value))
    for name in sorted(values):
        out[name] = IssueScore(name, sum(values[name]) / len(values[name]), len(values[name]), "entry mean")
    return out


def _entry_verdict(
    result: EntryResult, policy: GatePolicy, waivers: WaiverSet, today: datetime.date, names: Sequence[str]
) -> EntryVerdict:
    entry = result.entry
    reasons = [Reason(f.code, f.message, f.line or entry.line) for f in result.findings if policy.fails_on(f.code, f.severity)]
    score_reasons, skipped = _score_reasons(policy, result.scores, line=entry.line_of("abstract_zh"))
    reasons += score_reasons
    return EntryVerdict(
        ref=entry.ref,
        arxiv_id=entry.arxiv_id,
        line=entry.line,
        link=entry.link,
        title_en=entry.title_en,
        title_zh=entry.title_zh,
        reasons=tuple(waive(r, waivers, today, entry.arxiv_id, names) for r in reasons),
        skipped_metrics=tuple(skipped),
    )


def _finding_limits(
    result: IssueResult,
    policy: GatePolicy,
    waivers: WaiverSet,
    today: datetime.date,
    names: Sequence[str],
) -> list[Reason]:
    """``max_findings``: warnings and errors per category or code, leaving out findings a waiver accepts."""
    if not policy.max_findings:
        return []
    counted: list[str] = []
    for entry_result in result.entries:
        arxiv_id = entry_result.entry.arxiv_id
        for f in entry_result.findings:
            if f.severity is not Severity.INFO and waivers.lookup(f.code, today, arxiv_id=arxiv_id, issue_names=names).active is None:
                counted.append(f.code)
    for f in result.findings:
        if f.severity is not Severity.INFO and waivers.lookup(f.code, today, issue_names=names).active is None:
            counted.append(f.code)
    reasons = []
    for key, limit in sorted(policy.max_findings.items()):
        count = sum(1 for code in counted if matches_code(code, key))
        if count > limit:
            reasons.append(Reason(f"issue.findings.{key}", f"{count} {key} findings (warnings and errors); at most {limit} allowed"))
    return reasons


def waive(reason: Reason, waivers: WaiverSet, today: datetime.date, arxiv_id: str | None, names: Sequence[str]) -> Reason:
    """``reason`` with the waiver that accepts it, or with the expired waiver that no longer does (the
    message then names it, so the log says why a once-waived failure is back)."""
    match = waivers.lookup(reason.code, today, arxiv_id=arxiv_id, issue_names=names)
    if match.active is not None:
        return replace(reason, waiver=match.active)
    if match.expired is not None:
        w = match.expired
        note = f" (the waiver at {w.location} expired on {w.expires.isoformat()}: renew or remove it)"
        return replace(reason, message=reason.message + note, expired_waiver=w)
    return reason
