"""The LLM-judge stage of a run: pick the entries in scope, ask the judge, add its findings.

It runs in the main process after the checks and the model metrics, so ``--judge-scope flagged``
can see what the rules (and the models) already found:

- ``flagged`` (default): the entries no rule already failed (no error finding). An entry the rules
  fail needs fixing anyway; the judge's money goes where the rules saw nothing decisive.
- ``cut``: the entries whose English abstract was cut by the generator, where translators invent
  endings and the rules see only part of it.
- ``all``: every entry with a Chinese and an English abstract.

Entries with an empty side are never sent (nothing to judge). Each entry's outcome is recorded in
:attr:`~evalkit.records.EntryResult.judged`, the findings go through the configuration
(:meth:`~evalkit.config.Config.finalise_findings`) like a rule's, and the run's
:class:`~evalkit.records.JudgeRun` says what it cost and why anything was left out.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Sequence

from evalkit.records import EntryResult, IssueResult, JudgeRun, Severity

if TYPE_CHECKING:
    from evalkit.config import Config

#: The name under which the LLM judge reports (``EntryResult.judged``, ``JudgeRun.judge``).
LLM = "llm"
#: What ``EntryResult.judged`` says of an entry the scope left out.
OUT_OF_SCOPE = "out of scope"


def in_scope(result: EntryResult, scope: str) -> bool:
    """Whether ``scope`` (see the module docstring) sends this entry to the judge."""
    entry = result.entry
    if not entry.abstract_zh.strip() or not entry.abstract_en.strip():
        return False
    if scope == "cut":
        return entry.source_truncated
    if scope == "flagged":
        return not any(f.severity is Severity.ERROR for f in result.findings)
    return True


def judge_issues(issues: Sequence[IssueResult], config: Config) -> tuple[tuple[IssueResult, ...], JudgeRun]:
    """``issues`` with the LLM judge's findings added to the entries in scope, and what the judge did.

    Raises :class:`~evalkit.errors.ModelUnavailableError` when the judge cannot run and
    ``config.judge.require`` is set; otherwise an unavailable judge leaves every entry as it was and
    returns a ``not computed`` run with the reason.
    """
    from evalkit.judges.llm.findings import findings_for
    from evalkit.judges.llm.run import JudgeItem, run_judge

    settings = config.judge
    items = [
        JudgeItem(key=(i, k), source=er.entry.abstract_en, translation=er.entry.abstract_zh,
                  source_cut=er.entry.source_truncated)
        for i, result in enumerate(issues)
        for k, er in enumerate(result.entries)
        if in_scope(er, settings.scope)
    ]
    batch = run_judge(items, settings)
    if not batch.run.computed_ok:
        return tuple(issues), batch.run  # nothing was judged: every entry is exactly as the rules left it
    outcomes = batch.by_key()
    made = 0
    out = []
    for i, result in enumerate(issues):
        entries = []
        for k, er in enumerate(result.entries):
            outcome = outcomes.get((i, k))
            if outcome is None:
                entries.append(replace(er, judged={**er.judged, LLM: OUT_OF_SCOPE}))
                continue
            merged = config.finalise_findings([*er.findings, *findings_for(er.entry, outcome, settings)])
            made += len(merged) - len(er.findings)  # the judge's findings the configuration kept
            entries.append(replace(er, findings=merged, judged={**er.judged, LLM: outcome.status.replace("_", " ")}))
        out.append(replace(result, entries=tuple(entries)))
    return tuple(out), replace(batch.run, findings=made)
