"""``fluency.repeated-word``: a Chinese word written twice in a row (``监督监督``) that the English says once.

A doubled word is a slip of the generator that a reader sees at once. Most back-to-back repeats in
real digests are not slips, though: the two copies belong to different words (``多语言|语言模型``,
``人工智能|智能体``, ``本研究|研究了``), or the English repeats too (``unknown unknowns``,
``learning to learn``). On the 46,500 Chinese fields of the corpus, 210 stretches repeat a run of 2-4
characters; the tests below leave 26, of which a read found about 20 real slips.

A repeat is reported when

- the repeated run is a dictionary word (:func:`~evalkit.align.lexicon.load_lexicon`) and not a
  reduplication Chinese uses on purpose (``data/repeated_word_allowed.tsv``);
- no dictionary word (nor a compound of that file) joins the first copy to what precedes it, the second
  copy to what follows, or the two copies across the middle (three characters or more, so that a chance
  pair like 型模 does not hide ``模型模型``);
- the second copy is not a verb with its aspect particle after a noun (``限制限制了``: "the limit limits"),
  nor the first a noun after a determiner (``本研究研究``: "this study studies");
- the English does not itself use the word twice within :data:`ENGLISH_WINDOW` words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from evalkit.checks._tables import table_rows
from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import FIELD_LABELS, Entry, Evidence, Finding, Issue, Severity

#: A run of 2-4 Chinese characters written twice in a row. Single characters double legitimately
#: (常常, 渐渐, 人人) and are not considered at all.
REPEAT = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
#: Each Chinese field with the English it translates (the summary condenses the abstract).
FIELDS = (("title_zh", "title_en"), ("summary_zh", "abstract_en"), ("abstract_zh", "abstract_en"))
#: Aspect particles: ``X X了`` reads as noun + verb ("the limit limits").
ASPECT_PARTICLES = frozenset("了着过")
#: Determiners before the first copy make it a noun that the second copy (a verb) follows.
DETERMINERS = ("这项", "这一", "该项", "本", "该", "此", "其")
#: The English repeats the word when two of its renderings are at most this many words apart
#: ("learning to learn", "trained by adversarial training", "difference-in-differences").
ENGLISH_WINDOW = 3
#: English words are matched to a dictionary stem by this many leading letters.
STEM_PREFIX = 5
#: Longest dictionary word looked up around a repeat.
LONGEST_WORD = 4
_ENGLISH_WORD = re.compile(r"[A-Za-z]+")


@register_check
class RepeatedWord(Check):
    """A word of two or more Chinese characters doubled back to back, which the English does not double."""

    name = "fluency.repeated-word"
    needs_alignment = True  # the bilingual lexicon
    codes = (
        CodeSpec(
            "fluency.repeated-word",
            Severity.WARNING,
            "a Chinese word is written twice in a row (监督监督) where the English says it once",
        ),
    )

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        """One finding per doubled word in the title, summary and abstract."""
        for field, english_field in FIELDS:
            text = getattr(entry, field)
            for match in REPEAT.finditer(text):
                if not is_slip(text, match.start(), len(match.group(1)), getattr(entry, english_field)):
                    continue
                word = match.group(1)
                yield self.finding(
                    self.name,
                    f"[^{entry.ref}]: the {FIELD_LABELS[field]} writes '{word}' twice in a row "
                    f"('{match.group()}'), which the English does not repeat",
                    line=entry.line_of(field),
                    entry=entry,
                    evidence=Evidence(field=field, translation=match.group(), translation_span=match.span()),
                )


def is_slip(text: str, start: int, size: int, english: str) -> bool:
    """Whether the run of ``size`` characters at ``start`` of ``text``, written twice, is a slip."""
    from evalkit.align.lexicon import load_lexicon

    glosses = load_lexicon().glosses
    word = text[start : start + size]
    if word not in glosses or text[start : start + 2 * size] in allowed_reduplications():
        return False
    if _joined_to_neighbour(text, start, size, glosses):
        return False
    after = start + 2 * size
    if text[after : after + 1] in ASPECT_PARTICLES or text[:start].endswith(DETERMINERS):
        return False
    return not _english_repeats(english, glosses[word])


def _joined_to_neighbour(text: str, start: int, size: int, glosses: dict) -> bool:
    """Whether a word crosses the outer edges of the doubled stretch, or its middle with 3+ characters."""
    middle, end = start + size, start + 2 * size
    compounds = absorbing_compounds()
    for first in range(max(0, start - LONGEST_WORD + 1), end):
        for last in range(first + 2, min(len(text), first + LONGEST_WORD) + 1):
            candidate = text[first:last]
            if candidate not in glosses and candidate not in compounds:
                continue
            if first < start < last or first < end < last:
                return True
            if first < middle < last and last - first >= 3:
                return True
    return False


def _english_repeats(english: str, stems: frozenset[str]) -> bool:
    """Whether two English words with one of ``stems`` stand at most :data:`ENGLISH_WINDOW` words apart."""
    prefixes = tuple(s[:STEM_PREFIX] for s in stems if len(s) >= STEM_PREFIX)
    exact = {s for s in stems if len(s) < STEM_PREFIX}
    places = [
        i
        for i, word in enumerate(w.lower() for w in _ENGLISH_WORD.findall(english))
        if word in exact or (prefixes and word.startswith(prefixes))
    ]
    return any(b - a <= ENGLISH_WINDOW for a, b in zip(places, places[1:]))


def allowed_reduplications() -> frozenset[str]:
    """Doubled forms Chinese uses on purpose (讨论讨论, 一个一个), from ``data/repeated_word_allowed.tsv``."""
    return _allowed("reduplication")


def absorbing_compounds() -> frozenset[str]:
    """Compounds missing from the dictionary that end or begin with a copy (元学习|学习, 测试|测试者)."""
    return _allowed("compound")


@lru_cache(maxsize=None)
def _allowed(kind: str) -> frozenset[str]:
    return frozenset(row[0] for row in table_rows("repeated_word_allowed") if len(row) > 1 and row[1] == kind)
