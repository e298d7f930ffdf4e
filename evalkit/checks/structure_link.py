"""``structure.malformed-link``: the link paragraph is not a well-formed arXiv abstract link."""

from __future__ import annotations

from typing import Iterable

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.parse.english import arxiv_id_from_link
from evalkit.records import Entry, Evidence, Finding, Issue, Severity


@register_check
class MalformedLink(Check):
    """The link must be ``[URL](URL)`` with the same URL twice, pointing at ``arxiv.org/abs/ID``."""

    name = "structure.malformed-link"
    codes = (CodeSpec(name, Severity.WARNING, "the link is not [URL](URL) of an arxiv.org/abs/ID page"),)

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        if not entry.link:
            return  # an empty link is structure.empty-field's to report
        problem = None
        if arxiv_id_from_link(entry.link) is None:
            problem = f"{entry.link!r} is not an arxiv.org/abs/ID link"
        elif entry.link_label != entry.link:
            problem = f"the link text {entry.link_label!r} differs from its target {entry.link!r}"
        if problem:
            yield self.finding(
                self.name,
                f"[^{entry.ref}]: {problem}",
                line=entry.line_of("link"),
                entry=entry,
                evidence=Evidence(source=entry.link, field="link"),
            )
