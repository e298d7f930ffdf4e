"""evalkit.align.similarity: whole-text signals that tell whether two fields belong to the same paper."""

from __future__ import annotations

import itertools

import pytest

from evalkit.align.lexicon import load_lexicon
from evalkit.align.similarity import bigram_overlap, lexical_fit, title_fit
from tests.align import GRASP, SPARSE, TRAFFIC, XRAY

PAPERS = (SPARSE, TRAFFIC, XRAY, GRASP)
OTHER_PAIRS = [(a, b) for a, b in itertools.permutations(PAPERS, 2)]


# --- lexical_fit -----------------------------------------------------------------------------------


def test_lexical_fit_is_the_share_of_rendered_tokens():
    # tokens 神经网络 {neural, networ} and 模型 {model, ...}
    assert lexical_fit("神经网络模型", "A neural model.") == 1.0
    assert lexical_fit("神经网络模型", "Neural.") == 0.5
    assert lexical_fit("神经网络模型", "Convex optimization.") == 0.0


def test_lexical_fit_with_nothing_to_judge_is_one():
    assert lexical_fit("", "Any English.") == 1.0
    assert lexical_fit("我们的", "Any English.") == 1.0  # stop words only


def test_lexical_fit_accepts_precomputed_tokens():
    tokens = load_lexicon().tokens(SPARSE.abstract_zh)
    assert lexical_fit(tokens, SPARSE.abstract_en) == lexical_fit(SPARSE.abstract_zh, SPARSE.abstract_en)
    assert lexical_fit(tuple(tokens), TRAFFIC.abstract_en) == lexical_fit(SPARSE.abstract_zh, TRAFFIC.abstract_en)


def test_latin_tokens_and_numbers_count():
    assert lexical_fit("ROUGE-L提高了1.8", "ROUGE-L improves by 1.8 points") == 1.0
    assert lexical_fit("ROUGE-L提高了1.8", "BLEU drops by 2.4") < 0.5


@pytest.mark.parametrize("paper", PAPERS, ids=["sparse", "traffic", "xray", "grasp"])
def test_abstract_fits_its_own_english(paper):
    assert lexical_fit(paper.abstract_zh, paper.abstract_en) >= 0.44


@pytest.mark.parametrize("a,b", OTHER_PAIRS)
def test_abstract_fits_another_paper_poorly(a, b):
    own = lexical_fit(a.abstract_zh, a.abstract_en)
    other = lexical_fit(a.abstract_zh, b.abstract_en)
    assert other <= 0.26  # real mismatched pairs: p95 0.26
    assert own - other >= 0.25


# --- bigram_overlap --------------------------------------------------------------------------------


def test_bigram_overlap_by_hand():
    # 深度学习: 深度 度学 学习; 深度网络 shares only 深度
    assert bigram_overlap("深度学习", "深度网络") == pytest.approx(1 / 3)
    assert bigram_overlap("深度学习", "我们研究深度学习方法") == 1.0
    assert bigram_overlap("深度学习", "交通预测") == 0.0


def test_bigram_overlap_is_directional():
    part, whole = "图网络", "动态图网络模型"
    assert bigram_overlap(part, whole) == 1.0
    assert bigram_overlap(whole, part) == pytest.approx(2 / 6)


def test_bigram_overlap_ignores_pure_ascii_bigrams():
    assert bigram_overlap("GPT-4 BERT 2024", "nothing shared") == 1.0  # no Chinese bigram: nothing to judge
    assert bigram_overlap("", "任何文本") == 1.0
    # "A模" is not ASCII, so it counts; "GP", "PT" do not
    assert bigram_overlap("GPT模型", "GPT方法") == 0.0


@pytest.mark.parametrize("paper", PAPERS, ids=["sparse", "traffic", "xray", "grasp"])
def test_summary_shares_wording_with_its_own_abstract(paper):
    own = bigram_overlap(paper.summary_zh, paper.abstract_zh)
    others = [bigram_overlap(paper.summary_zh, o.abstract_zh) for o in PAPERS if o is not paper]
    assert own >= 0.37
    assert max(others) <= 0.19


# --- title_fit -------------------------------------------------------------------------------------


def test_title_fit_is_the_mean_of_both_signals():
    title_zh, title_en = "动态图网络", "Dynamic Graph Networks"
    lexical = lexical_fit(title_zh, title_en)
    assert lexical > 0.5  # 动态 -> dynamic, 网络 -> network
    assert title_fit(title_zh, title_en, "与标题无关的摘要") == pytest.approx(lexical / 2)
    assert title_fit(title_zh, title_en, "我们提出动态图网络。") == pytest.approx((lexical + 1.0) / 2)


@pytest.mark.parametrize("paper", PAPERS, ids=["sparse", "traffic", "xray", "grasp"])
def test_title_fits_its_own_entry(paper):
    assert title_fit(paper.title_zh, paper.title_en, paper.abstract_zh) >= 0.4


@pytest.mark.parametrize("a,b", OTHER_PAIRS)
def test_title_fits_another_entry_poorly(a, b):
    assert title_fit(a.title_zh, b.title_en, b.abstract_zh) <= 0.15
