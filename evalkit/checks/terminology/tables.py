"""The word tables of the terminology check, read from ``data/*.tsv`` inside this package.

Each file is tab-separated, ``#`` starts a comment line; each table is read on first use, once per
process. What each table holds is said at the top of its file and in the function that reads it.
"""

from __future__ import annotations

from functools import lru_cache

from evalkit.text.tables import package_table


def _rows(name: str) -> list[list[str]]:
    """The rows of ``data/<name>.tsv``, split at tabs, without comment and blank lines."""
    return [list(row) for row in package_table(__package__, name)]


def _words(name: str) -> frozenset[str]:
    return frozenset(row[0].strip() for row in _rows(name))


@lru_cache(maxsize=1)
def rendered_acronyms() -> frozenset[str]:
    """Acronyms translators usually render in Chinese instead of keeping them (AI -> 人工智能, LLM ->
    大语言模型, US -> 美国, EUR -> 欧元), so their absence from the Chinese is no defect. Lower-case, singular."""
    return _words("rendered_acronyms")


@lru_cache(maxsize=1)
def known_expansions() -> dict[str, tuple[str, ...]]:
    """What frequent acronyms stand for, when the English does not spell them out: lower-case singular
    acronym -> English expansions, in the file's order.

    Used to accept a Chinese rendering of the expansion in place of a dropped acronym (the glossary gives
    the renderings; multi-word glossary terms also stand for their initials, "knowledge graph" for KG)
    and, for ``invented-expansion``, as the meaning to compare with, unless the acronym is also one of
    :func:`ambiguous_acronyms`.
    """
    return {row[0].strip(): tuple(e.strip() for e in row[1].split("|")) for row in _rows("known_expansions")}


@lru_cache(maxsize=1)
def ambiguous_acronyms() -> frozenset[str]:
    """Acronyms of :func:`known_expansions` with other meanings in use (POS: part of speech or point of
    sale), so ``invented-expansion`` does not judge them unless the English spells them out."""
    return _words("ambiguous_acronyms")


@lru_cache(maxsize=1)
def not_names() -> frozenset[str]:
    """Units, Roman numerals and the like: capitalised, but no names (lower-case)."""
    return _words("not_names")


@lru_cache(maxsize=1)
def wrong_sense_rows() -> tuple[tuple[list[str], list[str], list[str], list[str], list[str]], ...]:
    """The rows of ``data/wrong_senses.tsv``: (English term spellings, context phrases, "unless" phrases,
    wrong renderings, accepted renderings), each a list of the column's ``|``-separated values (see the
    file's header and :mod:`~evalkit.checks.terminology.wrong_sense`)."""
    out = []
    for row in _rows("wrong_senses"):
        cols = [[v.strip() for v in col.split("|") if v.strip()] for col in (row + [""] * 5)[:5]]
        out.append(tuple(cols))
    return tuple(out)
