"""``terminology.wrong-sense``: a technical term of the English rendered with the everyday sense of its
word (transformers -> 变压器, regret of a bandit algorithm -> 后悔, image patches -> 补丁).

The rows are ``data/wrong_senses.tsv`` (its header says what each column means and how the rows were
measured). A row applies when the English title or abstract holds its term, one of its context phrases
(if it has any) and none of its "unless" phrases; it fires when the Chinese title or abstract holds one
of its wrong renderings and, outside those, none of its accepted ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from evalkit.checks.terminology.context import EntryContext, RawFinding
from evalkit.checks.terminology.tables import wrong_sense_rows
from evalkit.records import Evidence, Severity
from evalkit.text.lazy_re import LazyPattern
from evalkit.text.phrases import FOLDS_ONTO_ASCII


@dataclass(frozen=True)
class WrongSense:
    """One row of ``data/wrong_senses.tsv``, compiled for matching."""

    english: str  # the term as the file writes it, for messages
    term: re.Pattern[str]
    context: re.Pattern[str] | None  # one must occur; None: the term alone selects the technical sense
    unless: re.Pattern[str] | None  # none may occur
    wrong: tuple[str, ...]
    accepted: tuple[str, ...]
    #: The lower-cased first words of the term's spellings: a text holding none of them, lower-cased,
    #: cannot match ``term`` (``None``: a spelling has a non-ASCII letter, always search).
    needles: tuple[str, ...] | None = None

    def applies_to(self, english: str) -> re.Match[str] | None:
        """The term's first match in ``english`` when the row applies to it (see the module docstring)."""
        if self.needles is not None and not FOLDS_ONTO_ASCII.search(english):
            low = english.lower()
            if not any(needle in low for needle in self.needles):
                return None  # the common case: no spelling of the term is there, no pattern is tried
        match = self.term.search(english)
        if match is None:
            return None
        if self.context is not None and not self.context.search(english):
            return None
        if self.unless is not None and self.unless.search(english):
            return None
        return match


def _phrases(values: list[str], *, whole: bool) -> re.Pattern[str] | None:
    """A case-insensitive pattern for English phrases starting at a word start (``whole``: ending at a
    word end too, a plural s/es allowed); words may be separated by a space or a hyphen."""
    if not values:
        return None
    options = [r"[\s\-]+".join(map(re.escape, re.split(r"[\s\-]+", v))) for v in values]
    end = r"(?:s|es)?(?![A-Za-z])" if whole else ""
    # Compiled on first use: most rows' patterns are never tried in a run (see WrongSense.needles).
    return LazyPattern(rf"(?<![A-Za-z])(?:{'|'.join(options)}){end}", re.IGNORECASE)  # type: ignore[return-value]


def _needles(values: list[str]) -> tuple[str, ...] | None:
    """The lower-cased first word of each spelling, or ``None`` when one is not plain ASCII."""
    if not all(v.isascii() for v in values):
        return None
    return tuple(dict.fromkeys(re.split(r"[\s\-]+", v.strip())[0].lower() for v in values))


@lru_cache(maxsize=1)
def wrong_senses() -> tuple[WrongSense, ...]:
    """The rows of ``data/wrong_senses.tsv``."""
    out = []
    for english, context, unless, wrong, accepted in wrong_sense_rows():
        out.append(
            WrongSense(
                english=english[0],
                term=_phrases(english, whole=True),
                context=_phrases(context, whole=False),
                unless=_phrases(unless, whole=False),
                wrong=tuple(wrong),
                accepted=tuple(accepted),
                needles=_needles(english),
            )
        )
    return tuple(out)


def _spans(text: str, needles: tuple[str, ...]) -> list[tuple[int, int]]:
    """Every occurrence of each needle in ``text`` (case-insensitive), as spans."""
    low = text.lower()
    spans = []
    for needle in needles:
        n = needle.lower()
        start = low.find(n)
        while start >= 0:
            spans.append((start, start + len(n)))
            start = low.find(n, start + 1)
    return spans


def _accepted_outside(text: str, accepted: tuple[str, ...], wrong: list[tuple[int, int]]) -> bool:
    """Whether an accepted rendering occurs in ``text`` other than inside a wrong one (核 in 内核)."""
    return any(
        not any(ws <= start and end <= we for ws, we in wrong) for start, end in _spans(text, accepted)
    )


def wrong_sense_findings(c: EntryContext) -> Iterator[RawFinding]:
    """``terminology.wrong-sense`` for one entry (see the module docstring)."""
    entry = c.entry
    sides = (("abstract_zh", c.chinese, c.english), ("title_zh", entry.title_zh, entry.title_en))
    english_all = f"{entry.title_en}\n{c.english}"
    chinese_all = f"{entry.title_zh}\n{c.chinese}".lower()
    for row in wrong_senses():
        # the wrong renderings are rare in the Chinese: look for them before running the English patterns
        if not any(w.lower() in chinese_all for w in row.wrong) or row.applies_to(english_all) is None:
            continue
        wrong = {field: _spans(zh, row.wrong) for field, zh, _ in sides}
        if any(_accepted_outside(zh, row.accepted, wrong[field]) for field, zh, _ in sides):
            continue
        # the evidence: the first wrong rendering of the title, else of the abstract. In the title, the
        # line every reader of the digest reads, the wrong sense misleads about what the paper is: an error.
        field, zh, en = next((s for s in reversed(sides) if wrong[s[0]]), sides[0])
        start, end = min(wrong[field])
        source = row.term.search(en)
        yield RawFinding(
            "terminology.wrong-sense",
            f"'{source.group() if source else row.english}' is rendered as {zh[start:end]}, an everyday sense"
            f" of the word (the technical sense: {' / '.join(row.accepted)})",
            Evidence(
                field=field,
                source=source.group() if source else row.english,
                translation=zh[start:end],
                source_span=source.span() if source else None,
                translation_span=(start, end),
            ),
            severity=Severity.ERROR if field == "title_zh" else None,
        )
