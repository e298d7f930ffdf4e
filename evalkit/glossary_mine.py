"""Mined glossaries: how each English term of many digests is usually rendered, learnt from aligned pairs.

:func:`mine` counts, over the aligned sentence pairs of many entries (each distinct English/Chinese
abstract once), which Chinese words and word pairs co-occur with each English term. A term is a run of
two or three English words that neither starts nor ends with a stop word ("neural operator", "kernel
density estimation"), or a single word of the project glossary or one the dictionary does not know
("autoencoder"). For each term seen in ``min_pairs`` pairs or more, its renderings are chosen greedily:
the Chinese string with the highest Dice coefficient with the term among the pairs not yet explained,
while it explains at least ``min_count`` of them and :data:`MIN_ASSOCIATION` of the pairs holding it. Each rendering is written with its count and share
of the term's pairs; a share below ``rare_share`` marks it ``rare`` (an outlier a reviewer may forbid),
the others ``usual``.

The file (:func:`to_tsv`, read back by :func:`load_mined`) is tab-separated, ``#`` starts a comment::

    english<TAB>chinese<TAB>count<TAB>pairs<TAB>share<TAB>usual|rare
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from evalkit.errors import ConfigError
from evalkit.records import Entry

#: Renderings whose share of a term's pairs is below this are ``rare``.
RARE_SHARE = 0.05
#: A term needs this many aligned pairs to be mined.
MIN_PAIRS = 10
#: A rendering must explain this many pairs.
MIN_COUNT = 2
#: A rendering must co-occur with the term in this share of the pairs that hold it: drops words that
#: go with anything (本文, 称为), which a greedy cover would otherwise pick up last.
MIN_ASSOCIATION = 0.2
HEADER = "english\tchinese\tcount\tpairs\tshare\tstatus"

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class MinedRendering:
    """One rendering of an English term: how many of the term's aligned pairs it explains."""

    english: str
    chinese: str
    count: int
    pairs: int  # aligned pairs holding the term

    @property
    def share(self) -> float:
        """``count / pairs``."""
        return self.count / self.pairs

    def status(self, rare_share: float = RARE_SHARE) -> str:
        """``rare`` below ``rare_share`` of the term's pairs, else ``usual``."""
        return "rare" if self.share < rare_share else "usual"


def english_terms(sentence: str, single_words: frozenset[str]) -> set[str]:
    """The candidate terms of an English sentence, lower-case (see the module docstring)."""
    from evalkit.align.lexicon import STOP_WORDS
    from evalkit.checks.terminology.common import is_word

    words = [w.lower() for w in _WORD.findall(sentence)]
    out: set[str] = set()
    for i, word in enumerate(words):
        if word in STOP_WORDS or len(word) < 3:
            continue
        if word in single_words or ("-" not in word and not is_word(word)):
            out.add(word)
        for n in (2, 3):
            gram = words[i : i + n]
            if len(gram) == n and gram[-1] not in STOP_WORDS and len(gram[-1]) > 2:
                out.add(" ".join(_singular(w) for w in gram))
    return out


def _singular(word: str) -> str:
    """A plural's singular, roughly (enough to merge "operators" with "operator")."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def chinese_candidates(text: str) -> set[str]:
    """Chinese strings that may render a term: the dictionary's words and pairs of adjacent words, and
    the Latin words kept from the English (lower-case, single and in runs: "transformer", "vision transformer")."""
    from evalkit.align.lexicon import load_lexicon

    lexicon = load_lexicon()
    out: set[str] = set()
    for run in re.finditer(r"[A-Za-z][A-Za-z0-9\- ]*[A-Za-z0-9]|[A-Za-z]", text):
        words = [_singular(w.lower()) for w in _WORD.findall(run.group())]
        out.update(words)
        out.add(" ".join(words))
    for run in _CJK_RUN.finditer(text):
        spans = lexicon.word_spans(run.group())
        words = [run.group()[s:e] for s, e in spans]
        for i, word in enumerate(words):
            if len(word) >= 2:
                out.add(word)
            if i + 1 < len(words) and spans[i][1] == spans[i + 1][0] and len(word) + len(words[i + 1]) <= 6:
                out.add(word + words[i + 1])
    return out


def mine(
    entries: Iterable[Entry],
    *,
    min_pairs: int = MIN_PAIRS,
    min_count: int = MIN_COUNT,
    single_words: frozenset[str] = frozenset(),
) -> list[MinedRendering]:
    """The renderings of every term seen in ``min_pairs`` aligned pairs or more, by term then count."""
    from evalkit.align import align_entry

    pairs: list[tuple[set[str], set[str]]] = []
    seen: set[tuple[str, str]] = set()
    for entry in entries:
        key = (entry.abstract_en, entry.abstract_zh)
        if key in seen or not entry.abstract_en.strip() or not _CJK_RUN.search(entry.abstract_zh):
            continue
        seen.add(key)
        for pair in align_entry(entry).pairs:
            if pair.en is None or pair.zh is None or pair.tail:
                continue
            terms = english_terms(entry.abstract_en[pair.en[0] : pair.en[1]], single_words)
            if terms:
                pairs.append((terms, chinese_candidates(entry.abstract_zh[pair.zh[0] : pair.zh[1]])))
    term_pairs: dict[str, list[int]] = defaultdict(list)
    for i, (terms, _) in enumerate(pairs):
        for term in terms:
            term_pairs[term].append(i)
    chinese_count = Counter(c for _, chinese in pairs for c in chinese)
    out: list[MinedRendering] = []
    for term in sorted(t for t, ids in term_pairs.items() if len(ids) >= min_pairs):
        out.extend(_renderings(term, term_pairs[term], pairs, chinese_count, min_count))
    return out


def _renderings(
    term: str, ids: list[int], pairs: list[tuple[set[str], set[str]]], chinese_count: Counter, min_count: int
) -> list[MinedRendering]:
    """Greedy cover of a term's pairs by the Chinese strings most associated with it (Dice)."""
    left = set(ids)
    found: list[MinedRendering] = []
    while left:
        together = Counter(c for i in left for c in pairs[i][1])
        if not together:
            break
        best = max(together, key=lambda c: (2 * together[c] / (len(ids) + chinese_count[c]), len(c), c))
        if together[best] < min_count or together[best] < MIN_ASSOCIATION * chinese_count[best]:
            break
        found.append(MinedRendering(term, best, together[best], len(ids)))
        left = {i for i in left if best not in pairs[i][1]}
    return sorted(found, key=lambda r: (-r.count, r.chinese))


def to_tsv(rows: Iterable[MinedRendering], *, rare_share: float = RARE_SHARE, source: str = "") -> str:
    """The mined glossary as a reviewable TSV (see the module docstring)."""
    lines = [
        "# evalkit mined glossary: how each English term was rendered in aligned sentence pairs"
        + (f" of {source}" if source else ""),
        f"# share = count / pairs; 'rare' below {rare_share:g}: review, then delete rows or change their status",
        HEADER,
    ]
    for r in rows:
        lines.append(f"{r.english}\t{r.chinese}\t{r.count}\t{r.pairs}\t{r.share:.3f}\t{r.status(rare_share)}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class MinedTerm:
    """A term of a mined glossary: its usual renderings and its rare ones."""

    english: str
    usual: tuple[str, ...]
    rare: tuple[str, ...]


def load_mined(path: str | Path) -> tuple[MinedTerm, ...]:
    """Read a mined glossary file (:func:`to_tsv`); a malformed row is a :class:`ConfigError` naming file:line."""
    return _load_mined(str(path))


@lru_cache(maxsize=4)
def _load_mined(path: str) -> tuple[MinedTerm, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the mined glossary: {exc}") from None
    usual: dict[str, list[str]] = {}
    rare: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#") or line == HEADER:
            continue
        cols = line.split("\t")
        if len(cols) != 6 or cols[5] not in ("usual", "rare") or not cols[0].strip() or not cols[1].strip():
            raise ConfigError(f"{path}:{number}: a mined glossary row needs 6 columns ({HEADER.replace(chr(9), ', ')}), status usual or rare")
        usual.setdefault(cols[0], [])
        rare.setdefault(cols[0], [])
        (usual if cols[5] == "usual" else rare)[cols[0]].append(cols[1])
    return tuple(MinedTerm(t, tuple(usual[t]), tuple(rare[t])) for t in usual)
