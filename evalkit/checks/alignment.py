"""``alignment.other-entry`` / ``alignment.unrelated``: the Chinese abstract is not a translation of its English."""

from __future__ import annotations

from typing import Iterable

from evalkit.align import align_entry
from evalkit.align.similarity import best_other, lexical_fit, nearby
from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Evidence, Finding, Issue, Severity

#: Below this lexical fit the pairing is suspicious (real pairs: p1 0.44; mismatched: p99 0.33).
SUSPICIOUS_FIT = 0.38
#: Below this, with no better candidate, the translation belongs to no paper of the issue.
UNRELATED_FIT = 0.30
#: Another entry's English must fit this much better to be named as the source.
MARGIN = 0.12
#: Texts shorter than this (characters of Chinese) are too short to judge.
MIN_CHARS = 40


@register_check
class Alignment(Check):
    """The Chinese abstract fits its own English abstract poorly; name the entry it belongs to, if any.

    Fit is the share of the Chinese words with a dictionary rendering in the English (CC-CEDICT, the glossary
    and literal Latin tokens/numbers). Only entries with a suspicious own fit are compared with the others,
    so a 600-entry issue costs no quadratic work.
    """

    name = "alignment"
    needs_alignment = True
    codes = (
        CodeSpec("alignment.other-entry", Severity.ERROR, "the Chinese abstract translates another entry's English"),
        CodeSpec("alignment.unrelated", Severity.ERROR, "the Chinese abstract does not translate its English abstract"),
    )

    def check_issue(self, issue: Issue) -> Iterable[Finding]:
        for k, entry in enumerate(issue.entries):
            zh, en = entry.abstract_zh, entry.abstract_en
            if len(zh) < MIN_CHARS or len(en) < MIN_CHARS:
                continue
            tokens = align_entry(entry).zh_tokens  # the aligner already segmented this text
            own = lexical_fit(tokens, en)
            if own >= SUSPICIOUS_FIT:
                continue
            best_fit, best = best_other(
                entry,
                (other for other in nearby(issue.entries, k) if len(other.abstract_en) >= MIN_CHARS),
                lambda other: lexical_fit(tokens, other.abstract_en),
            )
            evidence = Evidence(field="abstract_zh", translation=zh[:120], source=en[:120])
            if best is not None and best_fit >= own + MARGIN and best_fit >= UNRELATED_FIT:
                yield self.finding(
                    "alignment.other-entry",
                    f"[^{entry.ref}]: the Chinese abstract translates [^{best.ref}] ({best.arxiv_id or best.link}): "
                    f"fit {best_fit:.2f} there vs {own:.2f} here",
                    line=entry.line_of("abstract_zh"),
                    entry=entry,
                    evidence=evidence,
                )
            elif own < UNRELATED_FIT:
                yield self.finding(
                    "alignment.unrelated",
                    f"[^{entry.ref}]: the Chinese abstract hardly renders its English (fit {own:.2f}; real pairs ≥ 0.44)",
                    line=entry.line_of("abstract_zh"),
                    entry=entry,
                    evidence=evidence,
                )
