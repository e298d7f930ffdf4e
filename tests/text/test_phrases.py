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


INDEXED = ["show that", "outperform", "out", "significan", "sota", "is the first", "state-of-the-art", "a", "x_1", "1st"]
INDEX_PIECES = [*INDEXED, *(p.upper() for p in INDEXED), "ou", "x", "_", "1", " ", "-", ".", "ſ", "İ", "É", "σ", "结果", "b", "nt"]


def test_the_index_finds_what_each_phrase_search_finds():
    from evalkit.text.phrases import PhraseIndex

    index = PhraseIndex(INDEXED)
    searches = {p: PhraseSearch([p], "word") for p in INDEXED}

    @settings(max_examples=800, deadline=None)
    @given(st.lists(st.sampled_from(INDEX_PIECES), max_size=10).map("".join))
    def agree(text):
        found = index.found(text)
        expected = {p for p, search in searches.items() if search.found(text)}
        if found is None:  # only where a case fold needs the searches themselves
            assert any(ch in text for ch in "\u0130\u0131\u017f\u212a"), text
        else:
            assert found == expected, text
            assert index.found(text, text.lower()) == found

    agree()
    assert PhraseIndex(["naïve"]).found("naïve") is None  # not ASCII: the searches answer


def test_the_claim_cues_say_the_same_with_and_without_the_index():
    from evalkit.align.tail import claim_support_index

    fragments = [
        "We show that our method outperforms the SOTA by a large margin",
        "Significantly better results, substantially improving",
        "the state-of-the-art baselines were notably",
        "unreported",
        "ImprovING the results of ſignificant",
    ]
    for text in fragments:
        found = claim_support_index().found(text)
        for cue in claim_cues():
            for cut in (None, "outperfor", "signi"):
                assert cue.said_by(text, cut, text.lower(), found) == cue.said_by(text, cut), (text, cue.word)
