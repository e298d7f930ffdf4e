"""``truncation.translation``: the Chinese abstract stops early."""

from __future__ import annotations

import re
from typing import Iterable

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Entry, Evidence, Finding, Issue, Severity
from evalkit.text.chars import ends_mid_sentence, ends_with_ellipsis

#: Chinese characters per English character below which the translation covers far less than the
#: source. docs/format.md §9: the normal band is 0.22-0.41 (p5-p95); 1.1% of real entries fall below 0.15.
MIN_LENGTH_RATIO = 0.15
#: A Chinese that stops mid-sentence after a cut English "follows the source" only when it is about as
#: long as that English: at least the bottom of the normal band (docs/format.md §9). A shorter one stopped
#: before the cut, and is still a truncated translation.
FOLLOWS_SOURCE_MIN_RATIO = 0.22
#: Shorter English texts vary too much for a length ratio to mean anything.
MIN_ENGLISH_CHARS = 200
#: The run of printable ASCII that ends a text: a URL, a repository path, a model or code name.
_TRAILING_TOKEN = re.compile(r"[A-Za-z0-9][\x21-\x7e]*$")
#: Shortest such token that counts: one or two letters may be a word cut off, not a name.
MIN_TOKEN_CHARS = 3


@register_check
class TranslationTruncated(Check):
    """The Chinese ends in an ellipsis or mid-sentence, or is far shorter than the English.

    Ending in dots or mid-sentence is an error when the English is complete (99.3% of complete
    sources end with "。"). When the generator cut the English, the same ending is the translator
    marking or following the cut: a faithful translation, so it is recorded as context
    (``truncation.follows-source``, info), not as a defect, as long as the Chinese is about as long as the
    cut English (:data:`FOLLOWS_SOURCE_MIN_RATIO`); a shorter one stopped before the cut (a warning). Reviewers of real digests read every such
    ending they were shown as faithful (21 of 21 on the labelled development set).
    """

    name = "truncation.translation"
    codes = (
        CodeSpec(name, Severity.ERROR, "the Chinese stops early: ellipsis, mid-sentence ending or far shorter than the English"),
        CodeSpec(
            "truncation.follows-source",
            Severity.INFO,
            "the Chinese stops mid-sentence or in dots where the generator cut the English: faithful, context",
        ),
    )

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        zh = entry.abstract_zh.rstrip()
        if not zh:
            return  # translation.empty reports it
        tail = zh[-30:]
        evidence = Evidence(field="abstract_zh", translation=tail, translation_span=(len(zh) - len(tail), len(zh)))
        line = entry.line_of("abstract_zh")
        severity_note = "" if not entry.source_truncated else " (the English was cut too)"
        ending = None
        if ends_with_ellipsis(zh):
            ending = "ends with an ellipsis"
        elif ends_mid_sentence(zh) and not (not entry.source_truncated and ends_with_same_name(zh, entry.abstract_en)):
            ending = "ends mid-sentence"
        ratio = len(zh) / max(1, len(entry.abstract_en))
        if len(entry.abstract_en) >= MIN_ENGLISH_CHARS and ratio < MIN_LENGTH_RATIO:
            what = f"is {len(zh)} characters for {len(entry.abstract_en)} of English (ratio {ratio:.2f}, normal 0.22-0.41)"
            if ending:
                what += f" and {ending}"
            yield self.finding(self.name, f"[^{entry.ref}]: the Chinese {what}", line=line, entry=entry, evidence=evidence)
        elif ending:
            follows = entry.source_truncated and ratio >= FOLLOWS_SOURCE_MIN_RATIO
            yield self.finding(
                "truncation.follows-source" if follows else self.name,
                f"[^{entry.ref}]: the Chinese {ending}{severity_note}: '…{tail.strip()}'",
                line=line,
                entry=entry,
                evidence=evidence,
                # cut English, but the Chinese stopped well before the cut: milder than a complete source
                severity=Severity.WARNING if entry.source_truncated and not follows else None,
            )


def ends_with_same_name(zh: str, en: str) -> bool:
    """Whether the Chinese ends with the very URL or name that ends the English (``…github.com/org/M3``).

    Abstracts often close with a link to their code; such a Chinese stops where the English does and is
    complete, though no "。" follows. The English may add a final full stop; the token must be whole
    in the English (``Kit`` does not match ``LongToolKit``).
    """
    found = _TRAILING_TOKEN.search(zh.rstrip())
    if found is None or len(found.group()) < MIN_TOKEN_CHARS:
        return False
    token = found.group()
    english = en.rstrip()
    if not english.endswith(token):
        english = english.removesuffix(".")
    if not english.endswith(token):
        return False
    before = english[-len(token) - 1 : -len(token)]
    return not (before.isascii() and before.isalnum())
