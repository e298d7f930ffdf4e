"""Property tests of sentence segmentation and alignment on hostile text.

Invariants: sentence spans lie inside the text, in order, disjoint, trimmed, and leave out nothing but
whitespace; alignment pairs cover every sentence of both sides exactly once, in order. The segmenters
were rewritten for linear time; a differential test holds them to the straightforward version.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from evalkit.align import align
from evalkit.align.aligner import MAX_SENTENCES
from evalkit.align.segment import ABBREVIATIONS, split_chinese, split_english
from evalkit.records import Entry
from tests.property.budget import examples
from tests.property.invariants import assert_alignment, assert_segmentation, assert_spans
from tests.property.strategies import hostile_text

# Pieces that exercise every branch of the segmenters: sentence marks and their runs, abbreviations,
# initials, decimals, TeX math (closed and open), quotes and brackets after a mark, CJK after ASCII marks.
_SEGMENT_PIECES = st.sampled_from(
    [
        ".", "..", "...", "!", "?", "!?", ";", "。", "！", "？", "；", "。。", "！？", " ", "  ", "\t", "\u3000", "\n",
        "A", "B", "x", "word", "Word", "e.g.", "i.e.", "et al.", "Fig.", "J.", "U.S.", "3.14", "2", "$", "$x$", "$a. B$",
        "\\", '"', "'", ")", "]", "(", "[", "”", "」", "）", "我们", "模型", "中", "GPT-4", "\u200f", "\u2028",
    ]
)
segment_text = st.lists(_SEGMENT_PIECES, max_size=40).map("".join)


# --- the straightforward segmenters, as they were before the linear-time rewrite (the oracle) -----

_OLD_EN_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9$\\])")
_OLD_ZH_BOUNDARY = re.compile(r"(?:[。！？；!?]*[。！？；]+|[.!?;]+(?=\s*[\u4e00-\u9fff]))[”’」』）)\"']*\s*")
_OLD_TEX = re.compile(r"\$[^$]*\$")
_OLD_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


def _trim(text, start, end):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _old_abbreviation(chunk):
    m = _OLD_LAST_WORD.search(chunk)
    if not m:
        return False
    word = m.group(1).lower()
    return word in ABBREVIATIONS or (len(word) == 1 and m.group(1).isupper())


def old_split_english(text):
    protected = [m.span() for m in _OLD_TEX.finditer(text)]
    spans, start = [], 0
    for m in _OLD_EN_BOUNDARY.finditer(text):
        end = m.start() + len(m.group().rstrip())
        if any(a < m.start() < b for a, b in protected) or _old_abbreviation(text[start : m.start() + 1]):
            continue
        spans.append(_trim(text, start, end))
        start = m.end()
    if start < len(text) and text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return [s for s in spans if s[1] > s[0]]


def old_split_chinese(text):
    protected = [m.span() for m in _OLD_TEX.finditer(text)]
    spans, start = [], 0
    for m in _OLD_ZH_BOUNDARY.finditer(text):
        if any(a < m.start() < b for a, b in protected):
            continue
        spans.append(_trim(text, start, m.end()))
        start = m.end()
    if start < len(text) and text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return [s for s in spans if s[1] > s[0]]


@examples(800)
@given(segment_text)
def test_segmenters_split_exactly_as_the_straightforward_version(text):
    assert split_english(text) == old_split_english(text)
    assert split_chinese(text) == old_split_chinese(text)


@examples(300)
@given(st.one_of(hostile_text(60), segment_text))
def test_sentence_spans_cover_the_text(text):
    assert_segmentation(text, text)


@examples(200)
@given(st.one_of(hostile_text(40), segment_text), st.one_of(hostile_text(40), segment_text), st.booleans())
def test_alignment_covers_every_sentence_once_in_order(english, chinese, truncated):
    entry = _entry(english, chinese, truncated)
    assert_alignment(entry)


@examples(6)
@given(st.integers(MAX_SENTENCES + 1, 3 * MAX_SENTENCES), st.integers(1, 3 * MAX_SENTENCES))
def test_very_many_sentences_are_grouped_and_still_covered(n_en, n_zh):
    english = "The model works. " * n_en
    chinese = "模型有效。" * n_zh
    alignment = align(english, chinese, False)
    assert len(alignment.en_spans) <= MAX_SENTENCES and len(alignment.zh_spans) <= MAX_SENTENCES
    assert_spans(alignment.en_spans, english)
    assert_spans(alignment.zh_spans, chinese)
    assert_alignment(_entry(english, chinese, False))


def _entry(english: str, chinese: str, truncated: bool) -> Entry:
    return Entry(
        ref=1, line=1, layout="v1", english_style="S2", title_zh="", title_en="", link="", link_label="",
        arxiv_id=None, version=None, category=None, announce_type=None, summary_zh="", summary_en="",
        abstract_zh=chinese, abstract_en=english, abstract_en_length=len(english), source_truncated=truncated,
    )
