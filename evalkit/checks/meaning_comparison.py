"""``meaning.comparison``: a bound or comparison on a number points the other way in the Chinese.

"at most 12 seconds" rendered 至少需要12秒, "more than 85%" rendered 85%以下: the number is kept, so
the numbers check is satisfied, but the reader learns the opposite. Only comparators attached to a
number are compared (``data/comparison_words.tsv``), and only within a one-to-one sentence pair of
the alignment, so the Chinese and English sentences are known to say the same thing. A number whose
English sentence bounds it both ways, or whose Chinese keeps the English direction too, is left alone.

Corpus (15,500 entries, 67,000 one-to-one pairs): no firing; unattached comparators ("reduces" vs
提高) flip between a pair's two sides in 11 pairs, every one a legitimate rewording, which is why
they are not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

from evalkit.checks._tables import table_rows
from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Entry, Evidence, Finding, Issue, Severity

#: Least alignment confidence of a pair whose two sides are compared. Low, because the shared number
#: already ties the two comparators together (median of real one-to-one pairs: 0.91, p10: 0.71).
MIN_CONFIDENCE = 0.5
#: A number as both sides write it (thousands separators dropped before comparing).
_NUMBER = r"\d+(?:[.,]\d+)*"
#: Most characters a Chinese verb may put between a comparator and its number (至少需要12).
ZH_GAP = 4
_DIGIT = re.compile(r"\d")
OPPOSITE = {"up": "down", "down": "up"}


@dataclass(frozen=True)
class Comparison:
    """A comparator attached to a number: where it stands, the number and the direction it gives."""

    span: tuple[int, int]
    number: str
    direction: str


@register_check
class ComparisonDirection(Check):
    """A number bounded one way in the English and the other way in its aligned Chinese sentence."""

    name = "meaning.comparison"
    needs_alignment = True
    codes = (
        CodeSpec(
            "meaning.comparison",
            Severity.WARNING,
            "a bound or comparison on a number is reversed (at most 12 → 至少12, more than 85% → 85%以下)",
        ),
    )

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        """One finding per reversed comparison, in one-to-one pairs of the abstract's alignment."""
        from evalkit.align import align_entry

        for pair in align_entry(entry).pairs:
            if pair.kind != "1-1" or pair.confidence < MIN_CONFIDENCE or pair.tail:
                continue
            english = entry.abstract_en[pair.en[0] : pair.en[1]]
            chinese = entry.abstract_zh[pair.zh[0] : pair.zh[1]]
            for en_cmp, zh_cmp in reversed_comparisons(english, chinese):
                en_span = (pair.en[0] + en_cmp.span[0], pair.en[0] + en_cmp.span[1])
                zh_span = (pair.zh[0] + zh_cmp.span[0], pair.zh[0] + zh_cmp.span[1])
                source = entry.abstract_en[en_span[0] : en_span[1]]
                translation = entry.abstract_zh[zh_span[0] : zh_span[1]]
                yield self.finding(
                    self.name,
                    f"[^{entry.ref}]: the English says '{source}', the Chinese '{translation}': "
                    "the comparison points the other way",
                    line=entry.line_of("abstract_zh"),
                    entry=entry,
                    evidence=Evidence(
                        field="abstract_zh",
                        source=source,
                        translation=translation,
                        source_span=en_span,
                        translation_span=zh_span,
                    ),
                )


def reversed_comparisons(english: str, chinese: str) -> Iterator[tuple[Comparison, Comparison]]:
    """``(English, Chinese)`` comparators on the same number with opposite directions.

    A number counts only when all its English comparators agree, and the Chinese gives it none in
    the English direction.
    """
    en_by_number: dict[str, set[str]] = {}
    en_first: dict[str, Comparison] = {}
    for comparison in comparisons(english, "en"):
        en_by_number.setdefault(comparison.number, set()).add(comparison.direction)
        en_first.setdefault(comparison.number, comparison)
    if not en_by_number:
        return  # nothing to reverse: the Chinese need not be read
    zh_all = list(comparisons(chinese, "zh"))
    for number, directions in en_by_number.items():
        if len(directions) != 1:
            continue
        (direction,) = directions
        on_number = [c for c in zh_all if c.number == number]
        if any(c.direction == direction for c in on_number):
            continue
        for comparison in on_number:
            if comparison.direction == OPPOSITE[direction]:
                yield en_first[number], comparison
                break


def comparisons(text: str, language: str) -> Iterator[Comparison]:
    """Every comparator of ``language`` attached to a number in ``text``."""
    if not _DIGIT.search(text):
        return  # every pattern ends or starts with a number
    before, after, direction_of = _patterns(language)
    for match in before.finditer(text):
        yield Comparison(match.span(), _plain(match.group("number")), direction_of[match.group("word").lower()])
    if after is not None:
        for match in after.finditer(text):
            yield Comparison(match.span(), _plain(match.group("number")), direction_of[match.group("word")])


def _plain(number: str) -> str:
    return number.replace(",", "")


@lru_cache(maxsize=None)
def _patterns(language: str) -> tuple[re.Pattern[str], re.Pattern[str] | None, dict[str, str]]:
    """The before-number and after-number patterns of ``language``'s comparators, and their directions."""
    rows = [row for row in table_rows("comparison_words") if row[0] == language]
    direction_of = {row[1].lower(): row[2] for row in rows}

    def alternatives(place: str) -> str:
        words = sorted((row[1] for row in rows if row[3] == place), key=len, reverse=True)
        return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in words)

    if language == "en":
        before = re.compile(rf"(?<![\w-])(?P<word>{alternatives('before')})\s+(?P<number>{_NUMBER})(?![\d])", re.I)
        return before, None, direction_of
    before = re.compile(rf"(?P<word>{alternatives('before')})[\u4e00-\u9fff]{{0,{ZH_GAP}}}?\s*(?P<number>{_NUMBER})")
    after_words = alternatives("after")
    after = re.compile(rf"(?P<number>{_NUMBER})\s*[%％]?\s*(?P<word>{after_words})") if after_words else None
    return before, after, direction_of
