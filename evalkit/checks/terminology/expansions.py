"""``terminology.invented-expansion``: an acronym expanded in the Chinese in a way that contradicts what
it stands for (see :mod:`evalkit.checks.terminology` for what is and is not reported)."""

from __future__ import annotations

import re
from typing import Iterator

from evalkit.checks.terminology.common import CJK, content_words, is_ascii_alnum, norm, rendered_share
from evalkit.checks.terminology.context import EntryContext, RawFinding
from evalkit.checks.terminology.glossary_terms import GlossaryIndex, GlossaryRow
from evalkit.checks.terminology.names import name_key
from evalkit.checks.terminology.tables import ambiguous_acronyms, known_expansions
from evalkit.records import Evidence

#: A Chinese parenthetical is judged only if it is this long (CJK characters) ...
MIN_GLOSS_CHARS, MAX_GLOSS_CHARS = 2, 16
#: ... and the English expansion has at least this many content words (one word says too little).
MIN_EXPANSION_WORDS = 2
#: Parentheticals that list examples or explain rather than expand ("LLMs（如GPT-4）").
NOT_AN_EXPANSION = re.compile(
    r"^(?:例如|如|比如|诸如|包括|即|像|从|涵盖|每|这|一种|一个|其|以|由|共|约|及|和|据|见)|我们|[、，,；;：:。]"
)

#: Chinese: a parenthesis (either width), then what may stand before it: a Latin acronym ("RAG（检索增强
#: 生成）") or a run of Chinese characters ("检索增强生成（RAG）").
_ZH_PAREN = re.compile(r"[（(]([^（）()]{1,40})[）)]")
_ZH_ACRONYM = re.compile(r"([A-Za-z][A-Za-z0-9\-]*[A-Z][A-Za-z0-9\-]*?)(s?)")
_ZH_ACRONYM_BEFORE = re.compile(r"(?<![A-Za-z0-9\-])([A-Za-z][A-Za-z0-9\-]*[A-Z][A-Za-z0-9\-]*?)(s?)\s*$")


def invented_expansions(
    c: EntryContext, candidates: list[GlossaryRow], glossary: GlossaryIndex
) -> Iterator[RawFinding]:
    """``terminology.invented-expansion`` (``candidates``: the glossary terms the English holds)."""
    chinese = c.chinese
    if "（" not in chinese and "(" not in chinese:
        return
    for m in _ZH_PAREN.finditer(chinese):
        inside = m.group(1).strip()
        window = max(0, m.start() - 24)
        acronym = _ZH_ACRONYM.fullmatch(inside)
        if acronym:
            # "检索增强生成（RAG）": the Chinese run before it; one glued to Latin ("Kullback-莱布勒（KL）")
            # starts in the Latin, so it is left alone
            start = _cjk_run_start(chinese, m.start())
            if start is not None:
                name, gloss = acronym.group(1) + acronym.group(2), chinese[start : m.start()].rstrip()
                why = _contradiction(c, candidates, glossary, name, gloss, exact=False)
                if why:
                    yield _expansion_raw(c, name, gloss, why, (start, m.end()))
        elif CJK.search(inside) and _is_gloss(inside):
            before = _ZH_ACRONYM_BEFORE.search(chinese, window, m.start())
            if before:
                name, start = before.group(1) + before.group(2), before.start(1)
                why = _contradiction(c, candidates, glossary, name, inside, exact=True)
                if why:
                    yield _expansion_raw(c, name, inside, why, (start, m.end()))


def _contradiction(
    c: EntryContext, candidates: list[GlossaryRow], glossary: GlossaryIndex, acronym: str, gloss: str, *, exact: bool
) -> str | None:
    """What the acronym stands for, when the Chinese ``gloss`` contradicts it; ``None`` otherwise.

    ``exact``: the gloss is a whole parenthetical after the acronym; otherwise it is the Chinese run
    before a parenthesised acronym, whose start is unknown, and only a glossary term decides.
    """
    key = name_key(acronym)
    if not exact and not any(
        _spells_in_order(key, row.norm) or any(bad in gloss for bad in row.forbidden) for row in candidates
    ):
        return None  # no glossary term of the English can decide (see below): spare the look-ups
    if exact and c.parenthesised(key, after_only=True):
        return None  # the Chinese mirrors an English "DNNs (with step activations)"
    definition = c.definition(key)
    if definition is not None:
        expansion = definition.long
        # Schwartz & Hearst find the shortest long form; the words just before it may belong to it
        context = c.masked[max(0, definition.long_span[0] - 60) : definition.long_span[1]]
        why = f"the English has '{expansion}'"
    elif not exact or c.parenthesised(key):
        return None  # the Chinese mirrors an English parenthesis that is no expansion ("RNNs (linear)")
    elif key in known_expansions() and key not in ambiguous_acronyms():
        expansion = context = known_expansions()[key][0]
        why = f"{acronym} usually stands for '{expansion}' and the English does not expand it"
    else:
        return None
    row = glossary.longest_term_in(expansion)
    if row is not None:
        if any(bad in gloss for bad in row.forbidden):
            return why
        if row.renderings.search(gloss):
            return None
        if norm(expansion) in (row.norm, row.norm + "s", row.norm + "es") and not _shares_words(context, gloss):
            return why  # the expansion is a glossary term, and the gloss has nothing of it
        if not exact:
            return None
    if not exact or len(content_words(expansion)) < MIN_EXPANSION_WORDS:
        return None
    # no glossary term: the dictionary must find nothing of the gloss in the expansion, nor anywhere
    # in the English (a dictionary knows few synonyms: "human-in-the-loop" is 人工介入)
    if _shares_words(context, gloss) or _shares_words(c.masked, gloss):
        return None
    return why


def _spells_in_order(key: str, text: str) -> bool:
    """Whether the letters of ``key`` occur in ``text`` in order (a necessary condition for a long form)."""
    rest = iter(text)
    return all(ch in rest for ch in key if ch.isalnum())


def _cjk_run_start(text: str, end: int) -> int | None:
    """Start of the run of Chinese characters ending at ``end`` (spaces before ``end`` allowed), or ``None``
    when it is shorter than two characters or glued to Latin ("Kullback-莱布勒（KL）" starts in the Latin)."""
    stop = end
    while stop > 0 and text[stop - 1] == " ":
        stop -= 1
    start = stop
    while start > 0 and "\u4e00" <= text[start - 1] <= "\u9fff":
        start -= 1
    if stop - start < 2 or (start > 0 and (is_ascii_alnum(text[start - 1]) or text[start - 1] == "-")):
        return None
    return start


def _expansion_raw(c: EntryContext, acronym: str, gloss: str, why: str, span: tuple[int, int]) -> RawFinding:
    return RawFinding(
        "terminology.invented-expansion",
        f"{acronym} is expanded as {gloss}, but {why}",
        Evidence(field="abstract_zh", translation=c.chinese[span[0] : span[1]], translation_span=span),
    )


def _is_gloss(text: str) -> bool:
    """Whether a Chinese parenthetical reads like an expansion: short, all Chinese, no list or example."""
    if NOT_AN_EXPANSION.search(text):
        return False
    cjk = len(CJK.findall(text))
    return MIN_GLOSS_CHARS <= cjk <= MAX_GLOSS_CHARS and cjk == len(text.replace(" ", "").replace("-", ""))


def _shares_words(english: str, chinese: str) -> bool:
    """Whether the Chinese renders (leniently, see :func:`~evalkit.checks.terminology.common.renders`) or
    keeps any content word of the English."""
    words = content_words(english)
    if not words:
        return False
    return rendered_share(words, chinese) > 0
