"""Sentence segmentation for English abstracts and Chinese translations.

Both return character spans ``(start, end)`` into the original text, so findings can point at the
exact sentence. English boundaries skip abbreviations ("e.g.", "et al.", "Fig."), initials, decimals
and TeX math; the last sentence of a cut abstract is simply whatever follows the last boundary.
Chinese boundaries are 。！？； (and their ASCII forms before a CJK character), with closing quotes and
brackets kept on the sentence they close.
"""

from __future__ import annotations

import re
from bisect import bisect_left

Span = tuple[int, int]

#: Words that end with a period without ending the sentence (lower-cased, without the dot).
ABBREVIATIONS = frozenset(
    "e.g i.e etc al vs cf fig figs eq eqs sec secs no nos approx resp ref refs dr mr mrs ms prof st "
    "jan feb mar apr jun jul aug sep sept oct nov dec vol pp ch viz ca inc ltd co corp".split()
)
#: Both boundary patterns start only at the first mark of a run ((?<!...)): a match can start nowhere
#: else, and without it a run of 100,000 dots costs O(n²) failed attempts.
_EN_BOUNDARY = re.compile(r"(?<![.!?])[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9$\\])")
_TEX_MATH = re.compile(r"\$[^$]*\$")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")
_ZH_BOUNDARY = re.compile(
    r"(?:(?<![。！？；!?])[。！？；!?]*[。！？；]+|(?<![.!?;])[.!?;]+(?=\s*[\u4e00-\u9fff]))[”’」』）)\"']*\s*"
)


def split_english(text: str) -> list[Span]:
    """Sentence spans of an English abstract (whitespace between sentences excluded)."""
    protected = _Protected(text)
    spans: list[Span] = []
    start = 0
    for m in _EN_BOUNDARY.finditer(text):
        end = m.start() + len(m.group().rstrip())
        if protected.covers(m.start()):
            continue
        if _is_abbreviation(text, start, m.start()):
            continue
        spans.append(_trim(text, start, end))
        start = m.end()
    if start < len(text) and text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return [s for s in spans if s[1] > s[0]]


def split_chinese(text: str) -> list[Span]:
    """Sentence spans of a Chinese text (trailing spaces excluded)."""
    protected = _Protected(text)
    spans: list[Span] = []
    start = 0
    for m in _ZH_BOUNDARY.finditer(text):
        if protected.covers(m.start()):
            continue
        spans.append(_trim(text, start, m.end()))
        start = m.end()
    if start < len(text) and text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return [s for s in spans if s[1] > s[0]]


class _Protected:
    """The TeX math spans of a text, asked "is this offset strictly inside one?" in O(log n).

    (A scan over every span per boundary made a text of many ``$x$. A`` sentences cost O(n²).)
    """

    def __init__(self, text: str) -> None:
        self.spans = [m.span() for m in _TEX_MATH.finditer(text)] if "$" in text else []
        self.starts = [a for a, _ in self.spans]

    def covers(self, offset: int) -> bool:
        k = bisect_left(self.starts, offset) - 1  # the last span starting before offset
        return k >= 0 and offset < self.spans[k][1]


def _is_abbreviation(text: str, start: int, mark: int) -> bool:
    """Whether the "." at ``mark`` ends an abbreviation or an initial rather than the sentence.

    The word is the run of ASCII letters and dots before the mark (within the sentence that began at
    ``start``), from its first letter on: what the pattern ``([A-Za-z][A-Za-z.]*)[.]$`` finds at the end of
    ``text[start:mark + 1]``, read backwards so that a long run of abbreviations does not cost O(n²).
    """
    if text[mark] != ".":
        return False
    i = mark
    while i > start and text[i - 1] in _WORD_CHARS:
        i -= 1
    while i < mark and text[i] == ".":
        i += 1
    if i == mark:
        return False
    written = text[i:mark]
    # a single capital letter is an initial ("J. Smith"), not a sentence end
    return written.lower() in ABBREVIATIONS or (len(written) == 1 and written.isupper())


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
