"""evalkit.text.phrases: PhraseSearch answers as the case-blind alternation it stands for, in both start modes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit.align.tail import claim_cues
from evalkit.text.phrases import PhraseSearch

PHRASES = ["show that", "outperform", "significan", "sota", "kernel", "is the first", "显著", "首次", "naïve", "Σigma"]
#: Pieces that meet the phrases' edges and every case fold the shortcut must not miss.
PIECES = [*PHRASES, *(p.upper() for p in PHRASES), "x", "_", "1", " ", "-", "ſ", "K", "İ", "ı", "É", "σ", "ς", "。", "结果", "a"]


@pytest.mark.parametrize("start", ["letter", "word"])
def test_found_is_the_case_blind_patterns_answer(start):
    search = PhraseSearch(PHRASES, start)

    @settings(max_examples=600, deadline=None)
    @given(st.lists(st.sampled_from(PIECES), max_size=8).map("".join))
    def agree(text):
        assert search.found(text) == (search.original.search(text) is not None), text
        assert search.found(text, text.lower()) == search.found(text)

    agree()


def test_the_boundary_of_each_mode():
    letter, word = PhraseSearch(["sota"], "letter"), PhraseSearch(["sota"], "word")
    assert letter.found("the SOTA model") and word.found("the SOTA model")
    assert not letter.found("isota") and not word.found("isota")
    assert letter.found("a1sota")  # a digit is no letter ...
    assert not word.found("a1sota")  # ... but a word character
    assert letter.found("ſota") and word.found("ſota")  # folded onto "s" by the case-blind match
    assert not PhraseSearch([], "letter").found("anything")


def test_the_claim_cues_search_as_their_patterns_did():
    fragments = ["We show that our method outperforms", "Significantly better", "the state-of-the-art", "unreported"]
    for cue in claim_cues():
        for text in fragments:
            assert cue.search.found(text) == (cue.search.original.search(text) is not None)


def test_a_word_start_phrase_must_begin_with_a_word_character():
    with pytest.raises(ValueError):
        PhraseSearch(["-based"], "word")
