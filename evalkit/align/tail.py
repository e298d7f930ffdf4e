"""Where the translation of a cut English sentence ends, and what the Chinese says after it.

The generator cuts the English abstract at 1,000 characters, usually mid-sentence. Translators then
either stop where the English stops, or close the sentence: with the cut word completed ("…item rela"
→ "…物品关系的模块。"), with a few generic words, or with content the English never reached — a result,
a claim, numbers, whole clauses or sentences. This module reads the Chinese that follows the last
English sentence's alignment word by word: every dictionary word, Latin token and number of the
Chinese is matched against the cut fragment (CC-CEDICT/glossary stems with their inflections, literal
tokens, the cut word as a prefix, the claim words of ``data/claim_cues.tsv`` the fragment itself says),
each English word rendering one Chinese word. The last match is where the fragment's translation ends;
what follows, minus punctuation and function words, is what the Chinese added, and so is any later
Chinese sentence that renders almost nothing of the fragment.

Measured on the labelled real development set (``bench/detection_bench.py``): 45 of the 51 entries this
reading flags have an invented ending, and it finds 45 of the 56 such endings there (24 of the 25 major).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from evalkit.align.aligner import Alignment, align
from evalkit.align.lexicon import CJK_RUN, STEM_LENGTH, STOP_WORDS, ZH_STOP_WORDS, load_lexicon, stem
from evalkit.align.segment import Span, split_chinese
from evalkit.memo import text_cache
from evalkit.records import Entry
from evalkit.text.chars import CJK
from evalkit.text.phrases import PhraseIndex, PhraseSearch
from evalkit.text.tables import package_table

__all__ = ["CLAUSE_CHARS", "ClaimCue", "TailReading", "claim_cues", "new_numbers", "read_entry_tail", "read_tail"]

#: Chinese characters of added content from which the addition is a clause of its own, not a closing
#: word or two. Generic closers real translators add ("的任务", "等方面", "的问题") stay below it.
CLAUSE_CHARS = 8
#: Fewer added content characters than this are no addition at all (a measure word, a particle).
MIN_ADDED_CHARS = 2
#: The fragment's last word is taken as cut (and matched as a prefix) when it has at least this many
#: letters: with fewer, almost any word would match.
MIN_CUT_PREFIX = 3

#: A Chinese sentence after the one that translates the fragment is invented when at most this share
#: of its words render the fragment, and it has at least this many characters.
EXTRA_SENTENCE_MAX_SHARE = 0.34
EXTRA_SENTENCE_MIN_CHARS = 12
#: Shortest stem compared by prefix (inflections): shorter ones would match unrelated words.
FUZZY_MIN = 5

_ENGLISH_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9\-'+.]*[A-Za-z0-9+]|[A-Za-z]|\d+(?:[.,]\d+)*")
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z\-]*)\W*$")


@dataclass(frozen=True)
class TailReading:
    """What the Chinese does with the cut last sentence of the English.

    ``fragment`` is that sentence's span in ``abstract_en``; ``chinese`` the Chinese aligned with it, to the
    end of ``abstract_zh``; ``rendered_end`` the offset in ``abstract_zh`` just after the last word that
    renders the fragment (``None`` when no word does: the fragment was left out). ``added`` is the span of
    what follows, trimmed of punctuation (``None`` when nothing of substance follows); ``content`` its
    characters other than punctuation and function words; ``kind`` says what it is:

    - ``"none"``: nothing added (the Chinese stops with the fragment, or only completes its cut word);
    - ``"closing"``: a few generic words close the sentence;
    - ``"clause"``: a clause of its own the English never reached;
    - ``"claim"``: the addition states a result or claim (a word of :func:`claim_cues` the fragment does not say);
    - ``"number"``: the addition states numbers the English does not contain.
    """

    fragment: Span
    chinese: Span
    rendered_end: int | None
    added: Span | None
    content: str
    kind: str
    cues: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    shared_bead: bool = False  # the fragment shares its bead with the English sentence(s) before it

    @property
    def invents(self) -> bool:
        """Whether the addition is content (a clause, a claim or numbers), not a closing word or two."""
        return self.kind in ("clause", "claim", "number")


@dataclass(frozen=True)
class ClaimCue:
    """A Chinese word that states a result or a claim, and the English words that say the same."""

    word: str
    support: tuple[str, ...]  # lower-case stem prefixes ("outperform", "significan")
    search: PhraseSearch  # any of ``support`` at the start of an English word
    hedge: bool = False  # a modal of prediction (可能, 往往): a claim when added, never a rendering

    def said_by(self, fragment: str, cut: str | None, lowered: str | None = None, found: set[str] | None = None) -> bool:
        """Whether the English fragment says it: one of its words begins with a support word, or the
        fragment's cut last word ("outperfor", "effectiv") begins one. ``lowered``, if given, is
        ``fragment.lower()``; ``found``, if given, the support words of all cues the fragment holds at
        a word start (:func:`claim_support_index`)."""
        if cut is not None and any(cue.startswith(cut) or cut.startswith(cue) for cue in self.support):
            return True
        if found is not None:
            return any(word in found for word in self.support)
        return self.search.found(fragment, lowered)


@lru_cache(maxsize=1)
def claim_support_index() -> PhraseIndex:
    """Every claim cue's support words, to read a fragment once for all cues (:meth:`ClaimCue.said_by`)."""
    return PhraseIndex(word for cue in claim_cues() for word in cue.support)


@lru_cache(maxsize=1)
def claim_cues() -> tuple[ClaimCue, ...]:
    """The claim words of ``data/claim_cues.tsv``, longest first."""
    rows: dict[str, tuple[str, ...]] = {}
    for word, *english in package_table("evalkit.align", "claim_cues"):
        rows[word] = tuple(e.strip().lower() for e in "|".join(english).split("|") if e.strip())
    cues = [
        ClaimCue(
            word.lstrip("~"),
            support,
            PhraseSearch(support, "word"),
            hedge=word.startswith("~"),
        )
        for word, support in rows.items()
        if support
    ]
    return tuple(sorted(cues, key=lambda cue: len(cue.word), reverse=True))


def read_entry_tail(entry: Entry) -> TailReading | None:
    """:func:`read_tail` of an entry whose English the generator cut (``None`` for a complete one); cached,
    so the checks that use it share one reading."""
    if not entry.source_truncated or not entry.abstract_zh.strip() or not entry.abstract_en.strip():
        return None
    return _read_cached(entry.abstract_en, entry.abstract_zh)


@text_cache(maxsize=1024, entry_level=True)
def _read_cached(english: str, chinese: str) -> TailReading | None:
    return read_tail(english, chinese, align(english, chinese, source_truncated=True))


def read_tail(english: str, chinese: str, alignment: Alignment) -> TailReading | None:
    """Read the Chinese after the cut last English sentence; ``None`` when there is nothing to read.

    ``alignment`` must be the alignment of ``english`` and ``chinese`` made with ``source_truncated``.
    """
    if not alignment.en_spans or not alignment.pairs:
        return None
    tail_index = next((k for k, p in enumerate(alignment.pairs) if p.tail), None)
    if tail_index is None:
        return None
    zh = [p.zh for p in alignment.pairs[tail_index:] if p.zh]
    if not zh:
        return None
    start, end = zh[0][0], len(chinese.rstrip())
    fragment = alignment.en_spans[-1]
    text = english[fragment[0] : fragment[1]]
    words = _Words(text)
    # English sentences that share the tail's bead (a 2-1 bead) are rendered there too: their words
    # explain Chinese as well as the fragment's do.
    bead = alignment.pairs[tail_index].en
    companions = _Words(english[bead[0] : fragment[0]]) if bead and bead[0] < fragment[0] else None
    cut = _cut_word(text)
    tokens = load_lexicon().located_tokens(chinese, start, end)
    lowered = text.lower()
    found = claim_support_index().found(text, lowered)
    said_cues = [cue for cue in claim_cues() if cue.said_by(text, cut, lowered, found)]
    said = {cue.word for cue in said_cues}
    renders_too = {cue.word for cue in said_cues if not cue.hedge}  # a hedge said is no rendering
    rendering = [_renders(keys, latin, chinese[a:b], words, cut) or chinese[a:b] in renders_too for a, b, keys, latin in tokens]
    explained = [r or (companions is not None and companions.matches(keys)) for r, (_, _, keys, _) in zip(rendering, tokens)]
    shared = companions is not None
    if not any(rendering):
        return TailReading(fragment, (start, end), None, None, "", "none", shared_bead=shared)
    added_from = _extra_sentences(chinese, start, end, tokens, rendering, explained)
    rendered_end = max((b for (a, b, _, _), r in zip(tokens, explained) if r and a < added_from), default=start)
    return _reading(chinese, english, fragment, (start, end), rendered_end, _trim(chinese, rendered_end, end), said, shared)


def _reading(
    chinese: str,
    english: str,
    fragment: Span,
    region: Span,
    rendered_end: int,
    added: Span | None,
    said: set[str],
    shared: bool,
) -> TailReading:
    """Classify what ``added`` (a span of ``chinese``, or ``None``) adds to the fragment's translation."""
    if added is None:
        return TailReading(fragment, region, rendered_end, None, "", "none", shared_bead=shared)
    piece = chinese[added[0] : added[1]]
    content = _content(piece)
    numbers = new_numbers(piece, english)
    cues = tuple(cue.word for cue in claim_cues() if cue.word in piece and cue.word not in said)
    if numbers:
        kind = "number"
    elif cues and len(content) - max(len(c) for c in cues) >= MIN_ADDED_CHARS:
        kind = "claim"
    elif len(content) >= CLAUSE_CHARS:
        kind = "clause"
    elif len(content) >= MIN_ADDED_CHARS:
        kind = "closing"
    else:
        kind = "none"
    return TailReading(fragment, region, rendered_end, added, content, kind, cues, numbers, shared)


def _extra_sentences(
    chinese: str,
    start: int,
    end: int,
    tokens: list[tuple[int, int, frozenset[str], bool]],
    rendering: list[bool],
    explained: list[bool],
) -> int:
    """Where whole Chinese sentences that render (almost) nothing of the fragment begin, after the
    sentence that translates it; ``end`` when there are none.

    One cut English sentence is translated by one Chinese sentence, sometimes two; a further sentence
    whose words are mostly not the fragment's was written from nothing, even when a generic word of it
    ("方法", "模型") happens to match.
    """
    spans = [(a + start, b + start) for a, b in split_chinese(chinese[start:end])]
    seen_rendering = False
    i = 0  # tokens and sentences are both in text order: one pass over the tokens
    for a, b in spans:
        while i < len(tokens) and tokens[i][0] < a:
            i += 1
        inside = []
        while i < len(tokens) and tokens[i][0] < b:
            inside.append((rendering[i], explained[i]))
            i += 1
        if not inside:
            continue
        share = sum(1 for r, e in inside if e) / len(inside)
        if seen_rendering and share <= EXTRA_SENTENCE_MAX_SHARE and b - a >= EXTRA_SENTENCE_MIN_CHARS:
            return a
        seen_rendering = seen_rendering or any(r for r, _ in inside)
    return end


class _Words:
    """The words of an English text, looked up exactly or by inflection, each rendered once.

    Every word occurrence (a part of a hyphenated word counts as a word; the whole hyphenated token is one
    more, for a Chinese that keeps it verbatim) has its stem and its lower-cased form as keys. Two stems
    match by inflection ("guide" and "guided", "prior" and "priors") when one begins the other and the
    shorter has at least :data:`FUZZY_MIN` letters; indexing the keys by their first :data:`FUZZY_MIN`
    letters keeps that to one dictionary look-up per gloss.
    """

    def __init__(self, english: str) -> None:
        self.by_key: dict[str, list[int]] = {}
        count = 0
        for token in _ENGLISH_TOKEN.findall(english):
            parts = token.split("-") if "-" in token else [token]
            if len(parts) > 1:
                parts.append(token)
            for part in parts:
                keys = {part.lower().replace(",", "")}
                s = stem(part)
                if s:
                    keys.add(s)
                for key in keys:
                    self.by_key.setdefault(key, []).append(count)
                count += 1
        self.by_head: dict[str, list[str]] = {}
        for key in self.by_key:
            if len(key) >= FUZZY_MIN:
                self.by_head.setdefault(key[:FUZZY_MIN], []).append(key)
        self.used: set[int] = set()

    def _occurrences(self, keys: frozenset[str]) -> Iterator[int]:
        for key in keys:
            yield from self.by_key.get(key, ())
            if len(key) >= FUZZY_MIN:
                for word in self.by_head.get(key[:FUZZY_MIN], ()):
                    if word != key and (word.startswith(key) or key.startswith(word)):
                        yield from self.by_key[word]

    def matches(self, keys: frozenset[str]) -> bool:
        """Whether a Chinese word's gloss stems meet these words, exactly or by inflection."""
        return next(self._occurrences(keys), None) is not None

    def consume(self, keys: frozenset[str]) -> bool:
        """Like :meth:`matches`, but each English word renders one Chinese word: the first occurrence not
        yet rendered is taken, and a Chinese word whose English words are all taken renders nothing (a
        second 人类 for the one "human" of the English)."""
        free = min((i for i in self._occurrences(keys) if i not in self.used), default=None)
        if free is None:
            return False
        self.used.add(free)
        return True


def _cut_word(fragment: str) -> str | None:
    """The fragment's last word, lower-cased, when it may be a word the generator cut.

    A whole English word the dictionary knows ("high", "model") is taken as whole: matched as a prefix
    it would make "高" render "higher" and "模型" any "model-…" word.
    """
    if fragment.rstrip() != fragment or fragment.endswith((".", ",", ";", ":", ")")):
        return None
    found = _LAST_WORD.search(fragment)
    if found is None:
        return None
    word = found.group(1).lower().rsplit("-", 1)[-1]
    if len(word) < MIN_CUT_PREFIX or word in STOP_WORDS:
        return None
    if len(word) < STEM_LENGTH and word in load_lexicon().vocabulary:
        return None
    return word


def _renders(token_keys: frozenset[str], latin: bool, text: str, words: _Words, cut: str | None) -> bool:
    """Whether a Chinese token renders a word of the fragment, the cut last word counted as a prefix.

    A single Chinese character never does on its own: its dictionary glosses run to dozens of words
    (面: face, side, surface, aspect, flat objects…), so it would match some word of most fragments.
    """
    if not latin and len(text) < 2:
        return False
    if words.consume(token_keys):
        return True
    if cut is None:
        return False
    if latin:
        return text.lower().startswith(cut)
    # a cut "proces" is rendered by a word glossed "process" (stem "proces"), a cut "forgetti" by one
    # glossed "forgetting" (stem "forget"): the cut word and the stem agree on the shorter of the two
    return any(k.startswith(cut) or (cut.startswith(k) and len(k) > MIN_CUT_PREFIX) for k in token_keys)


def _trim(chinese: str, start: int, end: int) -> Span | None:
    """``(start, end)`` without leading and trailing punctuation and spaces; ``None`` when nothing is left."""
    while start < end and not (CJK.match(chinese[start]) or chinese[start].isalnum()):
        start += 1
    while end > start and not (CJK.match(chinese[end - 1]) or chinese[end - 1].isalnum() or chinese[end - 1] in "%％‰"):
        end -= 1
    return (start, end) if end > start else None


def _content(piece: str) -> str:
    """The CJK characters, Latin letters and digits of ``piece`` outside function words."""
    lexicon = load_lexicon()
    kept = []
    for run in CJK_RUN.finditer(piece):
        chars = run.group()
        covered = [False] * len(chars)
        for a, b in lexicon.word_spans(chars):
            if chars[a:b] in ZH_STOP_WORDS:
                covered[a:b] = [True] * (b - a)
        kept.extend(ch for ch, skip in zip(chars, covered) if not skip and ch not in _PARTICLES)
    kept.extend(ch for ch in piece if ch.isascii() and ch.isalnum())
    return "".join(kept)


#: Single characters that carry grammar, not content, when no dictionary word holds them.
_PARTICLES = frozenset("的了着过地得之其所而及与和或并且也都就又还在是为以于对把被将从向")


def new_numbers(chinese: str, english: str) -> tuple[str, ...]:
    """Numbers written with digits in ``chinese`` that the English states nowhere, in any notation."""
    from evalkit.text.numbers import numbers_not_in

    return tuple(n.text for n in numbers_not_in(chinese, english))
