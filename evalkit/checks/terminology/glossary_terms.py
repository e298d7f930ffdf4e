"""``terminology.forbidden`` and ``terminology.glossary``: the glossary terms of the English and how the
Chinese renders them (see :mod:`evalkit.checks.terminology` for what is and is not reported)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from evalkit.align.lexicon import STOP_WORDS, load_lexicon
from evalkit.checks.terminology.common import CJK, content_words, is_word, norm, renders
from evalkit.checks.terminology.context import EntryContext, RawFinding
from evalkit.checks.terminology.names import verbatim
from evalkit.checks.terminology.tables import known_expansions
from evalkit.records import Evidence, Severity
from evalkit.text.lazy_re import LazyPattern

#: How many characters may be inserted between two characters of an accepted glossary rendering.
MAX_INSERTED = 2

_PUNCTUATION_TO_SPACE = str.maketrans({ch: " " for ch in "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~’“”"})


@dataclass(frozen=True)
class GlossaryRow:
    """A glossary term ready for matching: rows with the same English are merged."""

    english: str
    norm: str  # lower-case, words separated by single spaces
    words: frozenset[str]  # its lower-case words: every English match holds them (a cheap pre-filter)
    pattern: LazyPattern
    accepted: tuple[str, ...]
    forbidden: tuple[str, ...]
    renderings: LazyPattern  # any accepted rendering, loosely (see :func:`_loose_renderings`)
    checked: bool  # reported by terminology.glossary (see the package docstring)
    latin_words: tuple[str, ...]  # its longer English words, to see the term kept in part ("零-shot")
    initials: tuple[str, ...]  # its acronyms, with and without small words ("dnn"; "moe", "me")


class GlossaryIndex:
    """The glossary compiled for matching: merged rows, an index by word, acronym renderings."""

    def __init__(self, terms: tuple) -> None:
        self.rows = _rows(terms)
        # every row under its rarest word among the rows (the longest of those), singular and plural:
        # one set intersection finds the rows an English text may hold
        shared = Counter(word for row in self.rows for word in row.words)
        self.rows_by_word: dict[str, list[tuple[int, frozenset[str]]]] = {}
        for i, row in enumerate(self.rows):
            word = min(row.words, key=lambda w: (shared[w], -len(w), w))
            for form in {word, word + "s", word + "es", word[:-1] + "ies" if word.endswith("y") else word}:
                self.rows_by_word.setdefault(form, []).append((i, row.words))
        #: lower-case acronym -> accepted Chinese renderings of what it stands for
        self.expansion_renderings = _expansion_renderings(terms)
        self._row_of_expansion: dict[str, GlossaryRow | None] = {}
        self._term_finder: tuple[re.Pattern[str], dict[str, GlossaryRow]] | None = None

    def rows_in(self, english: str) -> list[GlossaryRow]:
        """The glossary terms an English text holds (every word, singular or plural), in row order."""
        words = set(english.lower().translate(_PUNCTUATION_TO_SPACE).split())
        hits = words.intersection(self.rows_by_word)
        if not hits:
            return []
        seen: set[int] = set()
        for word in hits:
            for i, term_words in self.rows_by_word[word]:
                # every word of the term, singular or plural, is in the English
                if term_words <= words or _holds(words, term_words):
                    seen.add(i)
        return [self.rows[i] for i in sorted(seen)]

    def longest_term_in(self, expansion: str) -> GlossaryRow | None:
        """The longest glossary term inside an expansion ("federated learning" in "trustworthy federated learning")."""
        key = norm(expansion)
        if key not in self._row_of_expansion:
            if self._term_finder is None:
                by_norm = {row.norm: row for row in self.rows}  # longest first, so the regex prefers them
                alternatives = "|".join(map(re.escape, by_norm))
                self._term_finder = (re.compile(rf"(?<!\S)({alternatives})(?:s|es)?(?!\S)"), by_norm)
            finder, by_norm = self._term_finder
            found = [by_norm[m.group(1)] for m in finder.finditer(key)]
            self._row_of_expansion[key] = max(found, key=lambda r: len(r.norm)) if found else None
        return self._row_of_expansion[key]


@lru_cache(maxsize=8)
def _rows(terms: tuple) -> tuple[GlossaryRow, ...]:
    """The glossary's terms merged by English, longest first."""
    merged: dict[str, list] = {}
    for term in terms:
        slot = merged.setdefault(norm(term.english), [term, [], []])
        slot[1] += [a for a in term.accepted if a not in slot[1]]
        slot[2] += [f for f in term.forbidden if f not in slot[2]]
    out = []
    for key, (term, accepted, forbidden) in merged.items():
        words = key.split()
        checked = len(words) > 1 or not is_word(words[0])
        out.append(
            GlossaryRow(
                term.english,
                key,
                frozenset(words),
                term.pattern,
                tuple(accepted),
                tuple(forbidden),
                _loose_renderings(accepted),
                checked,
                tuple(w for w in words if len(w) > 2),
                _initials(words),
            )
        )
    return tuple(sorted(out, key=lambda row: -len(row.norm)))  # longest first: the most specific wins


def _loose_renderings(accepted: list[str]) -> LazyPattern:
    """A pattern for the accepted renderings with the small liberties translators take.

    Up to :data:`MAX_INSERTED` characters may stand between two characters of a rendering
    (对抗性攻击 for 对抗攻击, 大规模语言模型 for 大语言模型, 问题回答 for 问答), and a rendering of
    four characters or more may lose its last one (知识图 for 知识图谱, 自注意 for 自注意力).
    """
    gap = rf"[^，。；：、\s]{{0,{MAX_INSERTED}}}"
    options = []
    for zh in accepted:
        chars = [re.escape(ch) for ch in zh]
        options.append(gap.join(chars))
        if len(zh) >= 4 and CJK.match(zh[-1]):
            options.append(gap.join(chars[:-1]))
    return LazyPattern("|".join(options) or "(?!)", re.IGNORECASE)  # compiled when a text needs it


def _initials(words: list[str]) -> tuple[str, ...]:
    """The acronyms a multi-word term may go by: its initials, with and without its small words."""
    if len(words) < 2:
        return ()
    forms = ("".join(w[0] for w in words), "".join(w[0] for w in words if w not in STOP_WORDS))
    return tuple(dict.fromkeys(f for f in forms if len(f) >= 2))


@lru_cache(maxsize=8)
def _expansion_renderings(terms: tuple) -> dict[str, tuple[str, ...]]:
    """Lower-case acronym -> accepted Chinese renderings of what it stands for.

    From :func:`~evalkit.checks.terminology.tables.known_expansions` and from the initials of every
    multi-word glossary term, with and without its small words ("mixture of experts" -> "moe" and "me").
    """
    rows = _rows(terms)
    by_norm = {row.norm: row.accepted for row in rows}
    out: dict[str, set[str]] = {}
    for key, expansions in known_expansions().items():
        for expansion in expansions:
            out.setdefault(key, set()).update(by_norm.get(norm(expansion), ()))
    for row in rows:
        for initials in row.initials:
            out.setdefault(initials, set()).update(row.accepted)
    return {k: tuple(sorted(v)) for k, v in out.items() if v}


def glossary_findings(c: EntryContext, candidates: list[GlossaryRow]) -> Iterator[RawFinding]:
    """``terminology.forbidden`` and ``terminology.glossary`` for the glossary terms the English holds."""
    if not candidates:
        return
    chinese = c.chinese
    if any(bad in chinese for row in candidates for bad in row.forbidden):
        yield from _forbidden(c, candidates)
    if c.too_short:
        return
    for row in candidates:
        if not row.checked or any(zh in chinese for zh in row.accepted) or any(bad in chinese for bad in row.forbidden):
            continue
        if row.renderings.search(chinese):
            continue  # a small liberty with an accepted rendering
        if row.pattern.search(chinese) or any(w in c.chinese_lower for w in row.latin_words):
            continue  # the English kept, wholly or in part ("零-shot")
        if any(verbatim(initials, c.chinese_lower) for initials in row.initials):
            continue  # its acronym used instead ("DNN" for "deep neural networks")
        for occurrence in row.pattern.finditer(c.english):
            if _inside_longer_term(c, candidates, row, occurrence.span()):
                continue  # "Markov chain" inside "Markov chain Monte Carlo" is judged as that term
            zh = c.aligned_chinese(occurrence.start())
            if zh is None:
                continue  # in the cut tail or in an untranslated sentence
            yield RawFinding(
                "terminology.glossary",
                f"'{occurrence.group()}' has none of its glossary renderings"
                f" ({' / '.join(row.accepted)}) in the Chinese",
                Evidence(
                    field="abstract_zh",
                    source=occurrence.group(),
                    translation=chinese[zh[0] : zh[1]],
                    source_span=occurrence.span(),
                    translation_span=zh,
                ),
            )
            break


def _inside_longer_term(
    c: EntryContext, candidates: list[GlossaryRow], row: GlossaryRow, span: tuple[int, int]
) -> bool:
    for other in candidates:
        if len(other.words) > len(row.words) and row.words <= other.words:
            for m in other.pattern.finditer(c.english):
                if m.start() <= span[0] and span[1] <= m.end():
                    return True
    return False


def _forbidden(c: EntryContext, candidates: list[GlossaryRow]) -> Iterator[RawFinding]:
    matched = [(row, m) for row in candidates for m in [row.pattern.search(c.english)] if m]
    matched.sort(key=lambda rm: rm[1].start())
    # an ordinary word ("policy") is only held to the glossary in an abstract of its field
    in_domain = any(row.checked and len(row.words) > 1 for row, _ in matched)
    for row, m in matched:
        bad = _forbidden_use(c, row, matched)
        if bad is None or not (row.checked or in_domain):
            continue
        yield RawFinding(
            "terminology.forbidden",
            f"'{m.group()}' is rendered as {c.chinese[bad[0]:bad[1]]}, which the glossary forbids"
            f" (accepted: {' / '.join(row.accepted)})",
            Evidence(
                field="abstract_zh",
                source=m.group(),
                translation=c.chinese[bad[0] : bad[1]],
                source_span=m.span(),
                translation_span=bad,
            ),
            None if row.checked else Severity.WARNING,
        )


def _forbidden_use(c: EntryContext, row: GlossaryRow, matched: list) -> tuple[int, int] | None:
    """Span of the first forbidden rendering of ``row`` that the Chinese really uses, or ``None``."""
    for bad in row.forbidden:
        start = c.chinese.find(bad)
        if start < 0:
            continue
        if any(other is not row and any(bad in ok for ok in other.accepted) for other, _ in matched):
            continue  # the string renders another term of the English ("monetary policy" -> 货币政策)
        if _renders_other_phrase(bad, c.english, row.words):
            continue  # 语言模式 for "language pattern", 增强学习 for "enhance the learning (process)"
        while start >= 0:
            if c.on_word_boundaries(start, start + len(bad)):
                return start, start + len(bad)
            start = c.chinese.find(bad, start + 1)
    return None


def _renders_other_phrase(chinese: str, english: str, term_words: frozenset[str]) -> bool:
    """Whether the words of a Chinese string of two words or more render, in order, a run of content
    words of the English other than the term itself (so the string translates that phrase)."""
    tokens = [t.keys for t in load_lexicon().tokens(chinese) if not t.latin]
    if len(tokens) < 2:
        return False
    words = content_words(english)
    n = len(tokens)
    for i in range(len(words) - n + 1):
        phrase = words[i : i + n]
        if all(renders(keys, w) for keys, w in zip(tokens, phrase)) and not all(
            any(w.startswith(t) for t in term_words) for w in phrase
        ):
            return True
    return False


def _holds(words: set[str], term_words: frozenset[str]) -> bool:
    """Whether every word of a term is among the English words, singular or plural."""
    return all(w in words or w + "s" in words or w + "es" in words for w in term_words)
