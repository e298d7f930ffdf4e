"""``summary.unsupported-claim``: the one-line summary claims what neither abstract says.

The generator writes the summary from the whole paper's abstract but cuts the abstract it prints at 1,000
characters, and its summaries lean on stock claims: 首次 (first), 最先进 (state of the art), 优于 (better
than), 显著 (significantly), 实验表明 (experiments show). A reader takes such a claim as the paper's; when
neither the English nor the Chinese abstract says anything of the kind, the claim is unsupported. The claim
words and what supports them are data: ``data/summary_claims.tsv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Entry, Evidence, Finding, Issue, Severity
from evalkit.text.phrases import PhraseSearch
from evalkit.text.tables import package_table

#: A measured change, which supports an intensity claim (显著提升) as much as the word "significantly".
QUANTITY = re.compile(
    r"\d(?:[\d.,]*\d)?\s*(?:%|％|x\b|×|-?fold\b|times\b|(?:percentage\s+)?points?\b|pp\b)"
    r"|\b(?:doubles?|doubled|triples?|tripled|halves|halved)\b|\borders?\s+of\s+magnitude",
    re.IGNORECASE,
)
#: A negation just before a claim word (未发现显著差异, 并不优于) turns the claim round: no claim is made.
NEGATION = re.compile(r"(?:未|无(?!需)|没|非(?!常)|不(?!仅|同|断|只))")
#: How many characters before a claim word a negation is looked for (没有单一最优: five).
NEGATION_REACH = 5
#: Where a clause ends: a negation before it does not reach the claim word.
CLAUSE_END = re.compile(r"[，。；：！？,;:!?]")
#: A cut-off English word shorter than this is not taken as the start of a support word.
MIN_FRAGMENT = 2


@dataclass(frozen=True)
class ClaimClass:
    """One row of ``summary_claims.tsv``: the summary words of a kind of claim and what supports them."""

    name: str
    cues: tuple[str, ...]
    support: tuple[str, ...]  # after expanding @class references
    quantity: bool  # a measured change supports it too

    def cue_pattern(self) -> re.Pattern[str]:
        """The summary cues as one pattern, longest first so 第一个 wins over a shorter cue inside it."""
        return _alternation(sorted(self.cues, key=len, reverse=True), ascii_words=False)

    def support_pattern(self) -> re.Pattern[str]:
        """The support phrases as one pattern; ASCII ones match at a word start, case-insensitive."""
        return _alternation(self.support, ascii_words=True)


def _alternation(words: Iterable[str], *, ascii_words: bool) -> re.Pattern[str]:
    parts = [(r"(?<![A-Za-z])" if ascii_words and word.isascii() else "") + re.escape(word) for word in words]
    return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)


@lru_cache(maxsize=1)
def claim_classes() -> tuple[ClaimClass, ...]:
    """The rows of ``data/summary_claims.tsv``, in file order, with ``@class`` references expanded."""
    rows = package_table("evalkit.checks", "summary_claims")
    raw = {name.strip(): (tuple(c for c in cues.split("|") if c), tuple(s for s in support.split("|") if s)) for name, cues, support in rows}

    def expand(name: str, seen: frozenset[str] = frozenset()) -> tuple[list[str], bool]:
        words, quantity = [], False
        for item in raw[name][1]:
            if item == "<quantity>":
                quantity = True
            elif item.startswith("@") and item[1:] not in seen:
                more, more_quantity = expand(item[1:], seen | {name})
                words += more
                quantity = quantity or more_quantity
            elif not item.startswith("@"):
                words.append(item)
        return words, quantity

    classes = []
    for name, (cues, _) in raw.items():
        words, quantity = expand(name)
        classes.append(ClaimClass(name, cues, tuple(dict.fromkeys(words)), quantity))
    return tuple(classes)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[ClaimClass, re.Pattern[str], PhraseSearch], ...]:
    # The support phrases are searched by PhraseSearch: support_pattern()'s answers, ten times faster.
    return tuple((c, c.cue_pattern(), PhraseSearch(c.support, "letter")) for c in claim_classes())


@register_check
class SummaryClaims(Check):
    """Flag novelty, superlative, comparison, intensity and result claims of the summary that no abstract makes.

    A claim counts as supported when the English abstract, or the Chinese abstract short of the sentence
    where a cut English stops (that sentence is where translators invent endings), has a supporting word;
    a cut English word that could begin one (``outperfo``) also counts, since the claim may lie past the cut.
    """

    name = "summary.unsupported-claim"
    needs_alignment = False
    codes = (CodeSpec(name, Severity.WARNING, "the summary claims novelty, superiority, significance or a result that neither abstract makes"),)

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        if entry.layout == "v0" or not entry.summary_zh.strip():
            return
        chinese = _supporting_chinese(entry)
        texts = ((entry.abstract_en, entry.abstract_en.lower()), (chinese, chinese.lower()))
        for claim, cues, support in _patterns():
            match = _first_claim(cues, entry.summary_zh)
            if match is None or _supported(claim, support, entry, chinese, texts):
                continue
            yield self.finding(
                self.name,
                f"[^{entry.ref}]: the summary claims '{match.group()}' ({claim.name}), which neither abstract supports",
                line=entry.line_of("summary_zh"),
                entry=entry,
                evidence=Evidence(field="summary_zh", translation=match.group(), translation_span=match.span()),
            )


def _first_claim(cues: re.Pattern[str], summary: str) -> re.Match[str] | None:
    """The first cue of ``summary`` that is not negated."""
    for match in cues.finditer(summary):
        before = CLAUSE_END.split(summary[max(0, match.start() - NEGATION_REACH) : match.start()])[-1]
        if not NEGATION.search(before):
            return match
    return None


def _supporting_chinese(entry: Entry) -> str:
    """The Chinese abstract, less its last sentence when the English was cut."""
    text = entry.abstract_zh
    if not entry.source_truncated:
        return text
    ends = [m.end() for m in re.finditer(r"[。！？]", text.rstrip("。！？…. \n"))]
    return text[: ends[-1]] if ends else ""


def _supported(
    claim: ClaimClass, support: PhraseSearch, entry: Entry, chinese: str, texts: tuple[tuple[str, str], ...]
) -> bool:
    """Whether an abstract (``texts``: the English and the supporting Chinese, each with its lower-cased
    form) supports the claim."""
    if any(support.found(text, lowered) for text, lowered in texts):
        return True
    if claim.quantity and (QUANTITY.search(entry.abstract_en) or QUANTITY.search(chinese)):
        return True
    return entry.source_truncated and _cut_word_may_support(claim, entry.abstract_en)


def _cut_word_may_support(claim: ClaimClass, english: str) -> bool:
    """Whether the cut end of ``english`` (``… ENO outperfo``) could be the start of a support phrase."""
    tail = english.rstrip().lower()
    if not tail[-1:].isalpha():
        return False
    for phrase in claim.support:
        if not phrase.isascii():
            continue
        phrase = phrase.lower()
        for k in range(len(phrase) - 1, MIN_FRAGMENT - 1, -1):
            if tail.endswith(phrase[:k]) and not tail[-k - 1 : -k].isalpha():
                return True
    return False
