"""What several parts of the terminology check share: character classes, English words and their renderings."""

from __future__ import annotations

import re

from evalkit.align.lexicon import STOP_WORDS, load_lexicon, stem
from evalkit.glossary import term_key

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_PIECE = re.compile(r"[A-Za-z0-9]+")


def is_ascii_alnum(ch: str) -> bool:
    """Whether ``ch`` is an ASCII letter or digit (Chinese characters are ``isalnum`` too)."""
    return ch.isascii() and ch.isalnum()


def is_word(part: str) -> bool:
    """Whether ``part`` is an English word: a stop word, or its stem among CC-CEDICT's gloss stems."""
    low = part.lower()
    if low in STOP_WORDS:
        return True
    s = stem(low)
    return s is not None and len(low) > 2 and s in load_lexicon().vocabulary


def norm(text: str) -> str:
    """Lower-case words separated by single spaces (hyphens count as spaces): the glossary's merge key."""
    return term_key(text)


def content_words(text: str) -> tuple[str, ...]:
    """The lower-cased alphabetic words of a text that have a stem (no stop words, no single letters)."""
    return tuple(w.lower() for w in LATIN_PIECE.findall(text) if w.isalpha() and stem(w))


def renders(keys: frozenset[str], word: str) -> bool:
    """Whether a Chinese token with these gloss stems may render the English ``word``.

    Lenient on purpose, since a dictionary knows few synonyms: the same first four letters
    ("decision" / "decide"), a stem that starts the word, or a stem of five letters or more inside it
    ("encode" in "autoencoders").
    """
    head = word[:4] if len(word) >= 4 else None
    for k in keys:
        if (head is not None and k.startswith(head)) or (word.startswith(k) and len(k) >= 2) or (len(k) >= 5 and k in word):
            return True
    return False


def rendered_share(words: tuple[str, ...], chinese: str) -> float:
    """Share of the English content ``words`` that the Chinese text renders (or keeps in Latin)."""
    if not words:
        return 0.0
    latin = {w.lower() for w in LATIN_PIECE.findall(chinese)}
    tokens = [t.keys for t in load_lexicon().tokens(chinese) if not t.latin]
    hits = sum(1 for w in words if w in latin or any(renders(keys, w) for keys in tokens))
    return hits / len(words)

