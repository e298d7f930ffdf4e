"""Sentence segmentation for English abstracts and Chinese translations.

Both return character spans ``(start, end)`` into the original text, so findings can point at the
exact sentence. English boundaries skip abbreviations ("e.g.", "et al.", "Fig."), initials, decimals
and TeX math; the last sentence of a cut abstract is simply whatever follows the last boundary.
Chinese boundaries are 。！？； (and their ASCII forms before a CJK character), with closing quotes and
brackets kept on the sentence they close.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

#: Words that end with a period without ending the sentence (lower-cased, without the dot).
ABBREVIATIONS = frozenset(
    "e.g i.e etc al vs cf fig figs eq eqs sec secs no nos approx resp ref refs dr mr mrs ms prof st "
    "jan feb mar apr jun jul aug sep sept oct nov dec vol pp ch viz ca inc ltd co corp".split()
)
_EN_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9$\\])")
_TEX_MATH = re.compile(r"\$[^$]*\$")
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_ZH_BOUNDARY = re.compile(r"(?:[。！？；!?]*[。！？；]+|[.!?;]+(?=\s*[\u4e00-\u9fff]))[”’」』）)\"']*\s*")


def split_english(text: str) -> list[Span]:
    """Sentence spans of an English abstract (whitespace between sentences excluded)."""
    protected = [m.span() for m in _TEX_MATH.finditer(text)]
    spans: list[Span] = []
    start = 0
    for m in _EN_BOUNDARY.finditer(text):
        end = m.start() + len(m.group().rstrip())
        if any(a < m.start() < b for a, b in protected):
            continue
        if _is_abbreviation(text[start : m.start() + 1]):
            continue
        spans.append(_trim(text, start, end))
        start = m.end()
    if start < len(text) and text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return [s for s in spans if s[1] > s[0]]


def split_chinese(text: str) -> list[Span]:
    """Sentence spans of a Chinese text (trailing spaces excluded)."""
    protected = [m.span() for m in _TEX_MATH.finditer(text)]
    spans: list[Span] = []
    start = 0
    for m in _ZH_BOUNDARY.finditer(text):
        if any(a < m.start() < b for a, b in protected):
            continue
        spans.append(_trim(text, start, m.end()))
        start = m.end()
    if start < len(text) and text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return [s for s in spans if s[1] > s[0]]


def _is_abbreviation(chunk: str) -> bool:
    m = _LAST_WORD.search(chunk)
    if not m:
        return False
    word = m.group(1).lower()
    # a single capital letter is an initial ("J. Smith"), not a sentence end
    return word in ABBREVIATIONS or (len(word) == 1 and m.group(1).isupper())


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
