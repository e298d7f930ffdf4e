"""The figures of an issue the gate needs, in a form that can be stored and read back.

:class:`IssueFacts` is what the history keeps of a gated issue: per entry its finding codes with severities
and its scores. That is enough to decide again, under the *current* policy, whether each entry fails (so a
policy change does not make old issues incomparable) and to resample entry scores for regression tests.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any, Mapping

from evalkit.records import EntryResult, IssueResult, Severity


@dataclass(frozen=True)
class EntryFacts:
    """One entry as the history keeps it: ref, paper, non-info findings ``(code, severity)`` and scores."""

    ref: int
    arxiv_id: str | None
    findings: tuple[tuple[str, Severity], ...] = ()
    scores: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def from_result(cls, result: EntryResult) -> "EntryFacts":
        """The facts of a scored entry (info findings and scores that were not computed are left out)."""
        findings = tuple(sorted((f.code, f.severity) for f in result.findings if f.severity is not Severity.INFO))
        scores = {k: float(v) for k, v in sorted(result.scores.items()) if _is_value(v)}
        return cls(ref=result.entry.ref, arxiv_id=result.entry.arxiv_id, findings=findings, scores=scores)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as stored in the history."""
        return {
            "ref": self.ref,
            "arxiv_id": self.arxiv_id,
            "findings": [[code, severity.value] for code, severity in self.findings],
            "scores": dict(self.scores),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "EntryFacts":
        """Read back what :meth:`to_dict` wrote."""
        return cls(
            ref=int(data["ref"]),
            arxiv_id=data.get("arxiv_id"),
            findings=tuple((str(code), Severity(sev)) for code, sev in data.get("findings", [])),
            scores={str(k): float(v) for k, v in (data.get("scores") or {}).items() if _is_value(v)},
        )


@dataclass(frozen=True)
class IssueFacts:
    """An issue as the history keeps it.

    ``series`` groups comparable issues: the channel from the file name (``cs.CL``), else the path (a
    repository that rewrites ``cs.CL.md`` every day). ``digest`` is a hash of the entries' text, so
    re-recording an unchanged issue adds nothing and an issue is never its own baseline.
    """

    path: str
    issue_id: str
    series: str
    channel: str | None
    date: str | None
    digest: str
    entries: tuple[EntryFacts, ...]
    failing: int = 0
    waived: int = 0
    passed: bool = True

    @classmethod
    def from_result(cls, result: IssueResult) -> "IssueFacts":
        """The facts of a scored issue (verdict fields left at their defaults; see :func:`with_verdict`)."""
        issue = result.issue
        return cls(
            path=issue.path,
            issue_id=issue.id,
            series=series_of(issue.channel, issue.path),
            channel=issue.channel,
            date=issue.date,
            digest=content_digest(result),
            entries=tuple(EntryFacts.from_result(e) for e in result.entries),
        )


def series_of(channel: str | None, path: str) -> str:
    """The series an issue belongs to: its channel, else its path with ``/`` separators."""
    return channel if channel else path.replace(os.sep, "/")


def content_digest(result: IssueResult) -> str:
    """sha256 over every entry's fields, in order: the same text gives the same digest on any machine."""
    rows = [
        [e.entry.ref, e.entry.arxiv_id, e.entry.link, e.entry.title_zh, e.entry.title_en, e.entry.summary_zh,
         e.entry.abstract_zh, e.entry.abstract_en]
        for e in result.entries
    ]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


def _is_value(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value  # not NaN
