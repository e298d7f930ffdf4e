"""The gate report (``schema: evalkit.gate/1``): the gate's verdicts as plain data.

Every CI output (annotations, step summary, JUnit, SARIF, the console lines) is rendered from this dict,
as the score report is the source of every score output. ``--report FILE`` writes it as JSON. It holds
no timestamps besides ``today`` (the date waiver expiry is judged against, on the ``clock`` it names:
UTC), so the same inputs, policy,
waivers and history on the same day give the same file.
"""

from __future__ import annotations

from typing import Any

from evalkit import __version__
from evalkit.gate.evaluate import EntryVerdict, GateResult, IssueVerdict, Reason
from evalkit.gate.waivers import GATE_CLOCK
from evalkit.report.canonical import dumps_report

SCHEMA = "evalkit.gate/1"


def build_gate_report(result: GateResult, *, history: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report of a gate run; ``history`` describes what was read from or recorded in the history store."""
    issues = [_issue(i) for i in result.issues]
    entries = [e for i in result.issues for e in i.entries]
    waivers = result.waivers
    return {
        "schema": SCHEMA,
        "tool": {"name": "evalkit", "version": __version__},
        "verdict": verdict_of(result),
        "today": result.today.isoformat(),
        "clock": GATE_CLOCK,
        "policy": result.policy.to_dict(),
        "summary": {
            "issues": len(result.issues),
            "failed_issues": sum(1 for i in result.issues if not i.passed),
            "entries": len(entries),
            "failing_entries": sum(1 for e in entries if e.status == "fail"),
            "waived_entries": sum(1 for e in entries if e.status == "waived"),
            "input_errors": len(result.errors),
        },
        "issues": issues,
        "waivers": {
            "path": waivers.path,
            "count": len(waivers),
            "used": [w.to_dict() for w in result.used_waivers()],
            "unused": [w.to_dict() for w in result.unused_waivers()],
            "expired": [w.to_dict() for w in result.expired_waivers()],
        },
        "history": history,
        "errors": [p.to_dict() for p in result.errors],
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
    }


def dumps_gate_report(report: dict[str, Any]) -> str:
    """The report as JSON text, in the score report's style (UTF-8, two-space indent, key order kept)."""
    return dumps_report(report)


def verdict_of(result: GateResult) -> str:
    """``error`` when an input could not be read, else ``fail`` or ``pass``."""
    if result.errors:
        return "error"
    return "pass" if result.passed else "fail"


def _issue(issue: IssueVerdict) -> dict[str, Any]:
    regression = issue.regression
    return {
        "path": issue.path,
        "id": issue.id,
        "date": issue.date,
        "channel": issue.channel,
        "verdict": "pass" if issue.passed else "fail",
        "entries_total": len(issue.entries),
        "failing": len(issue.failing_entries),
        "waived": len(issue.waived_entries),
        "failing_share": round(issue.failing_share, 6),
        "reasons": [reason_dict(r) for r in issue.reasons],
        "notes": list(issue.notes),
        "scores": {
            name: {"value": s.value, "n": s.n, "source": s.source} for name, s in sorted(issue.scores.items())
        },
        "regression": regression.to_dict() if regression is not None else None,  # type: ignore[attr-defined]
        "entries": [_entry(e) for e in issue.entries],
    }


def _entry(entry: EntryVerdict) -> dict[str, Any]:
    return {
        "ref": entry.ref,
        "arxiv_id": entry.arxiv_id,
        "line": entry.line,
        "link": entry.link,
        "title_en": entry.title_en,
        "title_zh": entry.title_zh,
        "status": entry.status,
        "reasons": [reason_dict(r) for r in entry.reasons],
    }


def reason_dict(reason: Reason) -> dict[str, Any]:
    """A reason as JSON-ready data: ``status`` is ``fail`` or ``waived``."""
    return {
        "code": reason.code,
        "line": reason.line,
        "message": reason.message,
        "status": "fail" if reason.failing else "waived",
        "waiver": reason.waiver.to_dict() if reason.waiver is not None else None,
        "expired_waiver": reason.expired_waiver.to_dict() if reason.expired_waiver is not None else None,
    }
