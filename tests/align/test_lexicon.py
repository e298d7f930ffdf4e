"""evalkit.align.lexicon: longest-match Chinese tokens, English stems and coverage."""

from __future__ import annotations

import pytest

from evalkit.align.lexicon import STEM_LENGTH, ZH_STOP_WORDS, Lexicon, Token, english_stems, load_lexicon, stem
from tests.align import SPARSE, TRAFFIC, XRAY


def toy() -> Lexicon:
    """A small dictionary whose words nest (机器 ⊂ 机器学习, 数据 ⊂ 数据集, ...)."""
    words = {
        "机器": {"machin"},
        "学习": {"learn", "study"},
        "机器学习": {"machin", "learni"},
        "数据": {"data"},
        "数据集": {"datase"},
        "集": {"set"},
        "方法": {"method"},
        "计算机": {"comput"},
        "视觉": {"vision"},
        "计算机视觉": {"comput", "vision"},  # five characters: beyond the longest-match window
        "我们": {"we"},
        "的": {"of"},
    }
    return Lexicon({w: frozenset(k) for w, k in words.items()})


def texts(tokens: list[Token]) -> list[str]:
    return [t.text for t in tokens]


# --- longest match ---------------------------------------------------------------------------------


def test_longest_match_prefers_the_four_character_word():
    assert texts(toy().tokens("机器学习方法")) == ["机器学习", "方法"]


def test_longest_match_prefers_the_three_character_word():
    assert texts(toy().tokens("数据集")) == ["数据集"]
    assert texts(toy().tokens("数据和方法")) == ["数据", "方法"]  # 和 has no entry and is skipped


def test_two_character_words_when_nothing_longer_fits():
    assert texts(toy().tokens("机器与学习")) == ["机器", "学习"]


def test_matching_is_greedy_from_the_left():
    # 机器学习 is taken first, so 学习 is not reported again
    assert texts(toy().tokens("机器学习数据集")) == ["机器学习", "数据集"]


def test_words_longer_than_four_characters_are_not_matched_whole():
    assert texts(toy().tokens("计算机视觉")) == ["计算机", "视觉"]


def test_word_spans_are_the_longest_match_words_of_a_run():
    # the segmentation behind tokens(), with offsets: 和 has no entry and is skipped, stop words are kept
    assert toy().word_spans("机器学习和数据集的方法") == [(0, 4), (5, 8), (8, 9), (9, 11)]
    assert toy().word_spans("计算机视觉") == [(0, 3), (3, 5)]
    assert toy().word_spans("和") == []


def test_word_spans_give_the_same_words_as_tokens():
    lex = load_lexicon()
    run = "我们提出了一种基于强化学习的注意力机制"
    words = [run[a:b] for a, b in lex.word_spans(run)]
    assert [w for w in words if w not in ZH_STOP_WORDS] == texts(lex.tokens(run))


def test_tokens_carry_their_glosses():
    (token,) = toy().tokens("机器学习")
    assert token.keys == frozenset({"machin", "learni"}) and token.latin is False


def test_real_dictionary_longest_match():
    lex = load_lexicon()
    assert texts(lex.tokens("神经网络")) == ["神经网络"]
    assert texts(lex.tokens("在数据集上训练")) == ["数据集", "训练"]
    assert texts(lex.tokens("注意力机制")) == ["注意力", "机制"]
    assert texts(lex.tokens("强化学习算法")) == ["强化学习", "算法"]
    assert {"neural", "networ"} <= lex.tokens("神经网络")[0].keys


# --- stop words ------------------------------------------------------------------------------------


def test_chinese_stop_words_are_dropped():
    assert texts(toy().tokens("我们的方法")) == ["方法"]
    lex = load_lexicon()
    words = texts(lex.tokens("本文中我们提出了一种基于机器学习的方法"))
    assert words == ["提出", "机器学习", "方法"]


@pytest.mark.parametrize("word", ["the", "The", "of", "with", "we", "using", "a", "x"])
def test_english_stop_words_and_single_letters_have_no_stem(word):
    assert stem(word) is None


def test_stems_are_lower_case_prefixes():
    assert stem("Learning") == "learni"
    assert stem("model") == "model"
    assert stem("-attention'") == "attent"
    assert len(stem("representations")) == STEM_LENGTH


def test_vocabulary_is_every_english_stem_of_the_glosses():
    expected = {"machin", "learn", "study", "learni", "data", "datase", "set", "method", "comput", "vision"}
    assert toy().vocabulary == expected | {"we", "of"}
    assert {"networ", "learni", "attent"} <= load_lexicon().vocabulary
    assert stem("Xylophagous") not in toy().vocabulary


def test_english_stems_hold_stems_latin_tokens_and_numbers():
    stems = english_stems("We evaluate GPT-4 on 1,000 prompts and reach 87.5% accuracy.")
    assert {"evalua", "prompt", "accura"} <= stems
    assert {"gpt-4", "1000", "87.5"} <= stems
    assert "1,000" not in stems


# --- Latin tokens and numbers ----------------------------------------------------------------------


def test_latin_tokens_and_numbers_match_literally():
    tokens = toy().tokens("我们在BERT和GPT-4上测试，准确率为87.5%，共1,000条")
    latin = {t.text: t.keys for t in tokens if t.latin}
    assert latin["BERT"] == frozenset({"bert"})
    assert latin["GPT-4"] == frozenset({"gpt-4"})
    assert latin["87.5"] == frozenset({"87.5"})
    assert latin["1,000"] == frozenset({"1000"})
    assert not any(t.latin for t in tokens if not t.text.isascii())


def test_latin_tokens_keep_their_position_among_chinese_words():
    assert texts(toy().tokens("数据集CIFAR上的方法")) == ["数据集", "CIFAR", "方法"]


def test_latin_token_covered_only_by_the_same_token():
    lex = toy()
    tokens = lex.tokens("ResNet")
    assert lex.coverage(tokens, english_stems("We use ResNet.")) == 1.0
    assert lex.coverage(tokens, english_stems("We use VGG.")) == 0.0


# --- coverage --------------------------------------------------------------------------------------


def test_coverage_counts_tokens_with_a_key_among_the_stems():
    lex = toy()
    tokens = lex.tokens("机器学习数据集方法")
    assert lex.coverage(tokens, frozenset({"machin", "method"})) == pytest.approx(2 / 3)
    assert lex.coverage(tokens, frozenset()) == 0.0
    assert lex.coverage([], frozenset({"method"})) == 1.0


@pytest.mark.parametrize("paper,other", [(SPARSE, TRAFFIC), (TRAFFIC, XRAY), (XRAY, SPARSE)])
def test_a_translation_covers_its_english_far_better_than_an_unrelated_one(paper, other):
    lex = load_lexicon()
    tokens = lex.tokens(paper.abstract_zh)
    own = lex.coverage(tokens, english_stems(paper.abstract_en))
    unrelated = lex.coverage(tokens, english_stems(other.abstract_en))
    assert own >= 0.44  # lexicon docstring: real pairs p1 0.44
    assert unrelated <= 0.25
    assert own - unrelated >= 0.25


def test_load_lexicon_is_loaded_once():
    assert load_lexicon() is load_lexicon()
    assert len(load_lexicon().glosses) > 50_000


def test_the_gloss_table_decodes_a_headword_once_and_reads_like_a_dict():
    from evalkit.align.lexicon import GlossTable

    table = GlossTable.encode({"网络": frozenset({"networ", "web"}), "学习": frozenset({"learni"})})
    assert "网络" in table and "模型" not in table and len(table) == 2 and set(table) == {"网络", "学习"}
    assert table["网络"] == frozenset({"networ", "web"}) and table["网络"] is table["网络"]
    lexicon = Lexicon(table)
    assert set(lexicon.tries) == {"网", "学"} and lexicon.vocabulary == {"networ", "web", "learni"}
    assert [t.text for t in lexicon.tokens("深度学习网络")] == ["学习", "网络"]
