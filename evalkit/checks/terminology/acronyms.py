"""``terminology.acronym-dropped``: an acronym or coined name of the English missing from the Chinese
(see :mod:`evalkit.checks.terminology` for what is and is not reported)."""

from __future__ import annotations

from typing import Iterator

from evalkit.align.lexicon import english_stems, load_lexicon
from evalkit.checks.terminology.common import content_words, rendered_share, renders
from evalkit.checks.terminology.context import EntryContext, RawFinding
from evalkit.checks.terminology.names import verbatim
from evalkit.checks.terminology.tables import known_expansions, rendered_acronyms
from evalkit.records import Evidence

#: An occurrence of an acronym counts as rendered when its aligned Chinese renders at least this share
#: of the content words of the acronym's expansion.
EXPANSION_RENDERED_SHARE = 0.5


def dropped_acronyms(c: EntryContext, expansion_renderings: dict[str, tuple[str, ...]]) -> Iterator[RawFinding]:
    """``terminology.acronym-dropped``: names of the English that the aligned Chinese neither keeps nor renders.

    ``expansion_renderings``: lower-case acronym -> accepted Chinese renderings of what it stands for.
    """
    names = c.names
    if not names or c.too_short:
        return
    lower = c.chinese_lower
    candidates = [n for k, n in names.items() if k not in rendered_acronyms() and not verbatim(k, lower)]
    if not candidates:
        return
    keys = c.chinese_latin
    candidates = [n for n in candidates if n.key not in keys and not (n.key.endswith("s") and n.key[:-1] in keys)]
    for name in candidates:
        if any(zh in c.chinese for zh in expansion_renderings.get(name.key, ())):
            continue  # rendered through its known expansion (PDE -> 偏微分方程)
        d = c.definition(name.key)
        # the definition's own parenthesis and its long form are no uses
        spans = [s for s in name.spans if d is None or not d.covers(s)]
        if not spans:
            continue  # only introduced in parentheses: translators often leave the parenthesis out
        expansion = content_words(d.long) if d else ()
        if not expansion and name.key in known_expansions():
            expansion = content_words(known_expansions()[name.key][0])
        dropped = None
        for span in spans:
            pair = c.aligned_pair(span[0])
            if pair is None:
                continue  # in the cut tail or an untranslated sentence
            en, zh = pair
            if expansion:
                if rendered_share(expansion, c.chinese[zh[0] : zh[1]]) >= EXPANSION_RENDERED_SHARE:
                    continue  # the translator wrote the expansion instead
            elif name.text.isupper() and spelled_out(name.key, c.english[en[0] : en[1]], c.chinese[zh[0] : zh[1]]):
                continue  # an expansion we do not know, rendered in Chinese (用户设备 for UE)
            dropped = (span, zh)
            break
        if dropped is None:
            continue
        (s, e), zh = dropped
        yield RawFinding(
            "terminology.acronym-dropped",
            f"'{name.text}' ({len(name.spans)}x in the English) is missing from the Chinese",
            Evidence(
                field="abstract_zh",
                source=c.english[s:e],
                translation=c.chinese[zh[0] : zh[1]],
                source_span=(s, e),
                translation_span=zh,
            ),
        )


def spelled_out(acronym: str, english: str, chinese: str) -> bool:
    """Whether the Chinese sentence renders the acronym through words the English sentence does not explain.

    The Chinese words (CC-CEDICT + glossary) with no rendering among the English sentence's words are
    what the translator added; if adjacent ones among them have glosses whose initials spell the
    acronym, each letter from a different gloss word and at most n - 1 letters from a word of n
    characters (用户设备, "user; equipment", for UE; 虚拟机, "virtual machine", for VM), the acronym is
    taken as rendered. Dictionary glosses are many, so this also matches by chance: for 300 real
    acronyms tried against unrelated real sentence pairs, 9% of 2-letter ones and under 1% of longer
    ones. It is used only for acronyms the English does not expand and
    :func:`~evalkit.checks.terminology.tables.known_expansions` does not know, where the alternative is a
    report on every correct rendering.
    """
    letters = tuple(ch for ch in acronym.lower() if ch.isalpha())
    if not letters:
        return False
    stems = english_stems(english)
    words = content_words(english)
    initials = set(letters)
    runs: list[list[tuple[frozenset[str], int]]] = [[]]
    for token in load_lexicon().tokens(chinese):
        # a word can only take part if some gloss starts with a letter of the acronym (cheap test first)
        useful = not token.latin and token.keys.isdisjoint(stems) and any(k[:1] in initials for k in token.keys)
        if useful and not any(renders(token.keys, w) for w in words):
            runs[-1].append((token.keys, max(1, len(token.text) - 1)))
        elif runs[-1]:
            runs.append([])
    return any(_spells(tuple(run), i, letters) for run in runs for i in range(len(run)))


def _spells(tokens: tuple[tuple[frozenset[str], int], ...], start: int, letters: tuple[str, ...]) -> bool:
    """Whether tokens from ``start`` on, one after another, spell ``letters`` with their glosses' initials.

    A word of n characters gives at most n - 1 letters (虚拟机 "virtual machine" both of VM; 作为, glossed
    "to act; to view; conduct ...", only one).
    """
    if not letters:
        return True
    if start >= len(tokens):
        return False
    keys, most = tokens[start]
    used: set[str] = set()
    for n, letter in enumerate(letters[:most], 1):
        key = next((k for k in keys if k.startswith(letter) and k not in used), None)
        if key is None:
            return False
        used.add(key)
        if _spells(tokens, start + 1, letters[n:]):
            return True
    return False
