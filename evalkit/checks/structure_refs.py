"""``structure.duplicate-ref``, ``structure.missing-ref``, ``structure.duplicate-link``."""

from __future__ import annotations

from typing import Iterable

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Finding, Issue, Severity


@register_check
class References(Check):
    """Entry refs must run 1..N without gaps or repeats, and no paper may appear twice."""

    name = "structure.refs"
    codes = (
        CodeSpec("structure.duplicate-ref", Severity.ERROR, "two entries share the same [^N] ref"),
        CodeSpec("structure.missing-ref", Severity.WARNING, "a ref is missing from the 1..N sequence"),
        CodeSpec("structure.duplicate-link", Severity.WARNING, "the same paper appears in two entries"),
    )

    def check_issue(self, issue: Issue) -> Iterable[Finding]:
        seen_ref: dict[int, int] = {}
        seen_link: dict[str, int] = {}
        for entry in issue.entries:
            if entry.ref in seen_ref:
                yield self.finding(
                    "structure.duplicate-ref",
                    f"[^{entry.ref}] is used again (first at line {seen_ref[entry.ref]})",
                    entry=entry,
                )
            else:
                seen_ref[entry.ref] = entry.line
            key = entry.arxiv_id or entry.link
            if key and key in seen_link:
                yield self.finding(
                    "structure.duplicate-link",
                    f"[^{entry.ref}] repeats the paper {key} of line {seen_link[key]}",
                    line=entry.line_of("link"),
                    entry=entry,
                )
            elif key:
                seen_link[key] = entry.line_of("link")
        if seen_ref:
            missing = sorted(set(range(1, max(seen_ref) + 1)) - set(seen_ref))
            if missing:
                shown = ", ".join(f"[^{n}]" for n in missing[:10]) + (" …" if len(missing) > 10 else "")
                yield self.finding("structure.missing-ref", f"refs missing from the sequence: {shown}", line=issue.entries[0].line)
