"""evalkit.align.aligner: sentence beads between an English abstract and its Chinese translation."""

from __future__ import annotations

import pytest

from evalkit.align import align, align_entry
from evalkit.align.aligner import Alignment, _align_cached
from evalkit.align.segment import split_chinese, split_english
from tests.align import GRASP, GRASP_CUT_EN, GRASP_ZH_COMPLETE_PART, SPARSE, TRAFFIC, XRAY, paper_entry
from tests.checks.util import parse
from tests.digest_builder import build_digest

PAPERS = (SPARSE, TRAFFIC, XRAY)
UNRELATED_ZH = "此外，作者还计划明年将该系统部署到多家银行的客服中心。"


def kinds(alignment: Alignment) -> list[str]:
    return [p.kind for p in alignment.pairs]


def assert_spans_index_the_texts(alignment: Alignment, english: str, chinese: str) -> None:
    """Every pair's spans run from the start of its first sentence to the end of its last, in order,
    and together the pairs use every sentence of both sides exactly once."""
    en_starts = {a: k for k, (a, _) in enumerate(alignment.en_spans)}
    en_ends = {b: k for k, (_, b) in enumerate(alignment.en_spans)}
    zh_starts = {a: k for k, (a, _) in enumerate(alignment.zh_spans)}
    zh_ends = {b: k for k, (_, b) in enumerate(alignment.zh_spans)}
    next_en = next_zh = 0
    for pair in alignment.pairs:
        n_en, n_zh = (int(x) for x in pair.kind.split("-"))
        if n_en:
            a, b = pair.en
            assert 0 <= a < b <= len(english)
            assert en_starts[a] == next_en and en_ends[b] == next_en + n_en - 1
            next_en += n_en
        else:
            assert pair.en is None
        if n_zh:
            a, b = pair.zh
            assert 0 <= a < b <= len(chinese)
            assert zh_starts[a] == next_zh and zh_ends[b] == next_zh + n_zh - 1
            next_zh += n_zh
        else:
            assert pair.zh is None
    assert next_en == len(alignment.en_spans) and next_zh == len(alignment.zh_spans)


@pytest.mark.parametrize("paper", PAPERS, ids=["sparse", "traffic", "xray"])
def test_clean_translation_aligns_one_to_one(paper):
    alignment = align(paper.abstract_en, paper.abstract_zh)
    assert kinds(alignment) == ["1-1"] * len(paper.en)
    for pair, en, zh in zip(alignment.pairs, paper.en, paper.zh):
        assert paper.abstract_en[pair.en[0] : pair.en[1]] == en
        assert paper.abstract_zh[pair.zh[0] : pair.zh[1]] == zh
        assert 0.0 < pair.similarity <= 1.0
        assert 0.0 < pair.confidence < 1.0
        assert pair.tail is False
    assert alignment.en_spans == tuple(split_english(paper.abstract_en))
    assert alignment.zh_spans == tuple(split_chinese(paper.abstract_zh))


def test_sentence_similarity_separates_translations_from_other_sentences():
    # pair sentence k of SPARSE's English with every Chinese sentence: its own translation scores best
    for k, en in enumerate(SPARSE.en):
        own = align(en, SPARSE.zh[k]).pairs[0].similarity
        best_other = max(p.similarity for zh in TRAFFIC.zh for p in align(en, zh).pairs)
        assert own > best_other, k


@pytest.mark.parametrize("paper,k", [(SPARSE, 1), (SPARSE, 3), (TRAFFIC, 1), (TRAFFIC, 4), (XRAY, 3)])
def test_omitted_middle_sentence_gives_a_one_to_zero_link(paper, k):
    chinese = paper.zh_with(drop=(k,))
    alignment = align(paper.abstract_en, chinese)
    assert kinds(alignment) == ["1-1"] * k + ["1-0"] + ["1-1"] * (len(paper.en) - k - 1)
    skipped = alignment.pairs[k]
    assert paper.abstract_en[skipped.en[0] : skipped.en[1]] == paper.en[k]
    assert skipped.zh is None and skipped.similarity == 0.0 and skipped.confidence == 0.0
    assert alignment.en_sentence_coverage[k] < min(
        c for j, c in enumerate(alignment.en_sentence_coverage) if j != k
    )
    assert_spans_index_the_texts(alignment, paper.abstract_en, chinese)


@pytest.mark.parametrize("paper,k", [(SPARSE, 2), (SPARSE, 3), (TRAFFIC, 2), (XRAY, 2), (XRAY, 3)])
def test_inserted_unrelated_sentence_gives_a_zero_to_one_link(paper, k):
    chinese = paper.zh_with(insert={k: UNRELATED_ZH})
    alignment = align(paper.abstract_en, chinese)
    assert kinds(alignment) == ["1-1"] * k + ["0-1"] + ["1-1"] * (len(paper.en) - k)
    added = alignment.pairs[k]
    assert chinese[added.zh[0] : added.zh[1]] == UNRELATED_ZH
    assert added.en is None and added.similarity == 0.0 and added.confidence == 0.0
    assert alignment.zh_sentence_coverage[k] <= 0.1
    assert_spans_index_the_texts(alignment, paper.abstract_en, chinese)


MERGED = {
    "traffic": (
        TRAFFIC,
        2,
        "我们提出一种动态图模型，在每个时间步根据最近的传感器读数更新边的权重，"
        "并通过一个时间卷积模块捕获每日和每周尺度上的周期性模式。",
    ),
    "sparse": (
        SPARSE,
        1,
        "我们提出一种稀疏注意力机制，它将滑动局部窗口与由学习到的路由器选出的少量全局词元相结合，"
        "该路由器与摘要模型联合训练，不需要额外的监督。",
    ),
    "xray": (
        XRAY,
        2,
        "我们的方法通过预测被遮挡的区域以及对比同一患者的不同视图来学习图像表示，"
        "仅使用1%的标签进行微调后，该模型在肺炎检测上达到了全监督基线的水平。",
    ),
}


@pytest.mark.parametrize("case", sorted(MERGED))
def test_two_english_sentences_in_one_chinese_sentence_give_two_to_one(case):
    paper, k, merged = MERGED[case]
    chinese = paper.zh_with(replace={k: merged}, drop=(k + 1,))
    alignment = align(paper.abstract_en, chinese)
    assert kinds(alignment) == ["1-1"] * k + ["2-1"] + ["1-1"] * (len(paper.en) - k - 2)
    pair = alignment.pairs[k]
    assert paper.abstract_en[pair.en[0] : pair.en[1]] == paper.en[k] + " " + paper.en[k + 1]
    assert chinese[pair.zh[0] : pair.zh[1]] == merged
    assert pair.confidence > 0.5
    assert_spans_index_the_texts(alignment, paper.abstract_en, chinese)


def test_one_english_sentence_in_two_chinese_sentences_gives_one_to_two():
    split = "我们在两个公开高速公路数据集上进行了实验。结果表明，与静态图基线相比，我们的模型将平均绝对误差降低了7.2%。"
    chinese = TRAFFIC.zh_with(replace={4: split})
    alignment = align(TRAFFIC.abstract_en, chinese)
    assert kinds(alignment) == ["1-1"] * 4 + ["1-2", "1-1"]
    pair = alignment.pairs[4]
    assert chinese[pair.zh[0] : pair.zh[1]] == split
    assert_spans_index_the_texts(alignment, TRAFFIC.abstract_en, chinese)


# --- the cut tail of a truncated source ------------------------------------------------------------


def test_pair_with_the_cut_last_sentence_is_the_tail():
    chinese = GRASP_ZH_COMPLETE_PART + "最后，我们分析了失败案例，发现其中大多数涉及高刚度的物体。"
    alignment = align(GRASP_CUT_EN, chinese, source_truncated=True)
    assert kinds(alignment) == ["1-1"] * 8
    assert [p.tail for p in alignment.pairs] == [False] * 7 + [True]
    tail = alignment.pairs[-1]
    assert GRASP_CUT_EN[tail.en[0] : tail.en[1]].endswith("objects with high")
    assert tail.en[1] == 1000
    assert_spans_index_the_texts(alignment, GRASP_CUT_EN, chinese)


def test_no_tail_without_truncation():
    chinese = GRASP_ZH_COMPLETE_PART + "最后，我们分析了失败案例，发现其中大多数涉及高刚度的物体。"
    assert not any(p.tail for p in align(GRASP_CUT_EN, chinese, source_truncated=False).pairs)
    assert not any(p.tail for p in align(GRASP.abstract_en, GRASP.abstract_zh).pairs)


def test_untranslated_cut_sentence_is_a_one_to_zero_tail():
    alignment = align(GRASP_CUT_EN, GRASP_ZH_COMPLETE_PART, source_truncated=True)
    assert kinds(alignment) == ["1-1"] * 7 + ["1-0"]
    assert alignment.pairs[-1].tail and alignment.pairs[-1].zh is None
    assert sum(p.tail for p in alignment.pairs) == 1


def test_sentence_added_after_the_tail_is_not_the_tail():
    chinese = (
        GRASP_ZH_COMPLETE_PART
        + "最后，我们分析了失败案例，发现其中大多数涉及刚度高度不均匀的物体；"
        + "另外，作者还计划明年将该系统部署到多家银行的客服中心。"
    )
    alignment = align(GRASP_CUT_EN, chinese, source_truncated=True)
    assert kinds(alignment)[-2:] == ["1-1", "0-1"]
    assert [p.tail for p in alignment.pairs[-2:]] == [True, False]


def test_align_entry_uses_the_entry_truncation_flag():
    chinese = GRASP_ZH_COMPLETE_PART + "最后，我们分析了失败案例，发现其中大多数涉及高刚度的物体。"
    issue = parse(build_digest([paper_entry(GRASP, abstract_en=GRASP_CUT_EN, abstract_zh=chinese)]))
    (entry,) = issue.entries
    assert entry.source_truncated
    assert align_entry(entry).pairs[-1].tail
    assert align_entry(entry) == align(GRASP_CUT_EN, chinese, True)


# --- whole-text measures ---------------------------------------------------------------------------


def test_whole_text_coverage_is_higher_for_the_translation_than_for_another_paper():
    own = align(SPARSE.abstract_en, SPARSE.abstract_zh)
    other = align(TRAFFIC.abstract_en, SPARSE.abstract_zh)
    assert own.zh_coverage > other.zh_coverage + 0.3
    assert own.en_coverage > other.en_coverage
    assert own.similarity == pytest.approx((own.zh_coverage + own.en_coverage) / 2)
    assert len(own.en_sentence_coverage) == len(SPARSE.en)
    assert len(own.zh_sentence_coverage) == len(SPARSE.zh)
    assert own.zh_tokens  # the tokens of the whole Chinese text are kept for the checks


def test_english_coverage_counts_content_words_only():
    # every content word (train, neural, network) is rendered; "We" and "a" are not content words
    alignment = align("We train a neural network.", "我们训练一个神经网络。")
    assert alignment.en_coverage == pytest.approx(1.0)


def test_confidence_grows_with_similarity():
    pairs = [p for paper in PAPERS for p in align(paper.abstract_en, paper.abstract_zh).pairs]
    ordered = sorted(pairs, key=lambda p: p.similarity)
    assert [p.confidence for p in ordered] == sorted(p.confidence for p in ordered)
    assert all(p.confidence > 0.5 for p in pairs if p.similarity > 0.3)


def test_empty_sides():
    assert align("", "").pairs == ()
    only_en = align(SPARSE.abstract_en, "")
    assert kinds(only_en) == ["1-0"] * len(SPARSE.en)
    only_zh = align("", SPARSE.abstract_zh)
    assert kinds(only_zh) == ["0-1"] * len(SPARSE.zh)


def test_deterministic():
    chinese = TRAFFIC.zh_with(drop=(1,), insert={4: UNRELATED_ZH})
    first = align(TRAFFIC.abstract_en, chinese)
    assert align(TRAFFIC.abstract_en, chinese) is first  # cached
    _align_cached.cache_clear()
    again = align(TRAFFIC.abstract_en, chinese)
    assert again is not first and again == first
