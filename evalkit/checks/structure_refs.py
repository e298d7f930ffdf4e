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
            # Count and name the gaps without listing 1..max: a hostile [^999999999] must not cost memory.
            present = {ref for ref in seen_ref if ref >= 1}
            missing_count = max(seen_ref) - len(present)
            missing: list[int] = []
            candidate = 1
            while len(missing) < 10 and len(missing) < missing_count:
                if candidate not in present:
                    missing.append(candidate)
                candidate += 1
            if missing:
                shown = ", ".join(f"[^{n}]" for n in missing) + (" …" if missing_count > 10 else "")
                yield self.finding("structure.missing-ref", f"refs missing from the sequence: {shown}", line=issue.entries[0].line)
