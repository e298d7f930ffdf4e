"""What the parts of the terminology check share about one entry, and the findings they make."""

from __future__ import annotations

import re
from dataclasses import dataclass

from evalkit.align import align_entry
from evalkit.align.lexicon import load_lexicon
from evalkit.align.segment import split_english
from evalkit.checks.terminology.definitions import Definition, definition_of
from evalkit.checks.terminology.names import Name, chinese_latin_keys, english_names, mask_english
from evalkit.checks.truncation_translation import MIN_LENGTH_RATIO
from evalkit.records import Entry, Evidence, Severity

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class RawFinding:
    """A finding before it is tied to an entry: what the check caches per text pair."""

    code: str
    message: str
    evidence: Evidence
    severity: Severity | None = None


class EntryContext:
    """What the three parts of the check share about one entry, each computed when first needed."""

    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        self.english = entry.abstract_en
        self.chinese = entry.abstract_zh
        self.line = entry.line_of("abstract_zh")
        self._cache: dict[str, object] = {}

    def _get(self, key: str, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def too_short(self) -> bool:
        """Whether the Chinese is far shorter than the English (``truncation.translation``'s business)."""
        # far shorter than the source: truncation.translation reports it, missing terms are no news
        return len(self.chinese) < MIN_LENGTH_RATIO * len(self.english)

    @property
    def masked(self) -> str:
        return self._get("masked", lambda: mask_english(self.english))

    @property
    def names(self) -> dict[str, Name]:
        return self._get("names", lambda: english_names(self.masked))

    @property
    def chinese_lower(self) -> str:
        return self._get("lower", self.chinese.lower)

    @property
    def chinese_latin(self) -> frozenset[str]:
        return self._get("latin", lambda: chinese_latin_keys(self.chinese))

    def definition(self, key: str) -> Definition | None:
        """The English's first definition of the acronym ``key`` (plural spellings included), if any."""
        cache: dict[str, Definition | None] = self._get("definitions", dict)
        if key not in cache:
            cache[key] = definition_of(self.masked, key)
        return cache[key]

    @property
    def tail_start(self) -> int:
        """Where the cut last sentence of a truncated English starts (the text's length if complete)."""

        def make() -> int:
            if self.entry.source_truncated:
                spans = split_english(self.english)
                if spans:
                    return spans[-1][0]
            return len(self.english)

        return self._get("tail", make)

    def aligned_chinese(self, offset: int) -> tuple[int, int] | None:
        """The Chinese span aligned with the English sentence holding ``offset``.

        ``None`` when that sentence is the cut last one of a truncated source or has no counterpart.
        """
        pair = self.aligned_pair(offset)
        return pair[1] if pair else None

    def aligned_pair(self, offset: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """The English and Chinese spans of the alignment link holding English ``offset`` (see above)."""
        if offset >= self.tail_start:
            return None
        alignment = self._get("alignment", lambda: align_entry(self.entry))
        for pair in alignment.pairs:
            if pair.en is not None and pair.en[0] <= offset < pair.en[1]:
                return None if pair.zh is None or pair.tail else (pair.en, pair.zh)
        return (0, len(self.english)), (0, len(self.chinese))  # between sentences: the whole texts

    def parenthesised(self, key: str, *, after_only: bool = False) -> bool:
        """Whether the English writes the acronym ``key`` in parentheses or right before a parenthesis
        (``after_only``: right before a parenthesis that does not spell it out)."""
        d = self.definition(key)
        defined = {d.short_span} if d is not None and d.long_span > d.short_span else set()
        for span in self.names[key].spans if key in self.names else ():
            if span in defined:
                continue
            if self.masked[span[1] : span[1] + 2].lstrip().startswith("("):
                return True
            if not after_only and self.masked[max(0, span[0] - 2) : span[0]].rstrip().endswith("("):
                return True
        return False

    def on_word_boundaries(self, start: int, end: int) -> bool:
        """Whether ``chinese[start:end]`` begins and ends between words.

        Words as the lexicon segments them: greedy longest match against CC-CEDICT and the glossary.
        """
        inside = self._get("bounds", self._word_bounds)
        return start not in inside and end not in inside

    def _word_bounds(self) -> frozenset[int]:
        lexicon = load_lexicon()
        inside: set[int] = set()  # positions strictly inside a word
        for run in _CJK_RUN.finditer(self.chinese):
            for start, end in lexicon.word_spans(run.group()):
                inside.update(range(run.start() + start + 1, run.start() + end))
        return frozenset(inside)
