"""evalkit.align.segment: English and Chinese sentence spans."""

from __future__ import annotations

import pytest

from evalkit.align.segment import split_chinese, split_english
from tests.align import GRASP, GRASP_CUT_EN, SPARSE, TRAFFIC, XRAY


def sentences(split, text: str) -> list[str]:
    return [text[a:b] for a, b in split(text)]


def assert_partition(split, text: str) -> None:
    """Spans lie inside the text, are ordered, do not overlap, have no outer whitespace and together
    hold every non-space character."""
    spans = split(text)
    previous_end = 0
    for a, b in spans:
        assert 0 <= previous_end <= a < b <= len(text)
        assert not text[a].isspace() and not text[b - 1].isspace()
        assert text[previous_end:a].strip() == ""  # only whitespace between sentences
        previous_end = b
    assert text[previous_end:].strip() == ""
    assert "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "")


# --- English ---------------------------------------------------------------------------------------


def test_plain_english_sentences():
    text = "We study graphs. Is the bound tight? Yes! It is."
    assert sentences(split_english, text) == ["We study graphs.", "Is the bound tight?", "Yes!", "It is."]


@pytest.mark.parametrize(
    "first",
    [
        "Encoders such as BERT, e.g. RoBERTa, are strong.",
        "We use a ranking loss, i.e. InfoNCE, for training.",
        "This follows Smith et al. 2021 closely.",
        "This follows Smith et al. (2021) closely.",
        "As shown in Fig. 3, the loss drops quickly.",
        "See Eq. 2 and Sec. 4 for details.",
        "We compare against the baseline vs. GPT-4 on all tasks.",
    ],
)
def test_abbreviations_do_not_end_a_sentence(first):
    text = first + " The second sentence follows."
    assert sentences(split_english, text) == [first, "The second sentence follows."]


def test_decimals_do_not_end_a_sentence():
    text = "The score rises from 3.5 to 4.25 points. A second run gives 0.9 more."
    assert sentences(split_english, text) == ["The score rises from 3.5 to 4.25 points.", "A second run gives 0.9 more."]


def test_a_sentence_may_start_with_a_number_after_a_full_stop():
    text = "We collect new data. 300 annotators labeled it."
    assert sentences(split_english, text) == ["We collect new data.", "300 annotators labeled it."]


def test_initials_do_not_end_a_sentence():
    text = "The method was introduced by J. Smith and K. L. Moore. We extend it to graphs."
    assert sentences(split_english, text) == [
        "The method was introduced by J. Smith and K. L. Moore.",
        "We extend it to graphs.",
    ]


def test_tex_math_is_not_split():
    text = "Let $x. Y$ denote the set of states. Then the bound holds."
    assert sentences(split_english, text) == ["Let $x. Y$ denote the set of states.", "Then the bound holds."]


def test_full_stop_right_after_tex_math_ends_the_sentence():
    text = "The effect is significant at $p < 0.05$. Next we test robustness."
    assert sentences(split_english, text) == ["The effect is significant at $p < 0.05$.", "Next we test robustness."]


def test_closing_quotes_and_brackets_stay_with_their_sentence():
    text = 'They call it "the router." The name stuck (at least for now.) We keep it.'
    assert sentences(split_english, text) == ['They call it "the router."', "The name stuck (at least for now.)", "We keep it."]


def test_a_lower_case_word_after_a_full_stop_does_not_start_a_sentence():
    text = "The model is trained with lr. decay and warm-up. It converges."
    assert sentences(split_english, text) == ["The model is trained with lr. decay and warm-up.", "It converges."]


def test_paragraph_break_double_space():
    text = "The first paragraph ends here.  The second paragraph starts here."
    assert sentences(split_english, text) == ["The first paragraph ends here.", "The second paragraph starts here."]


def test_invented_abstracts_split_into_their_sentences():
    for paper in (SPARSE, TRAFFIC, XRAY, GRASP):
        assert sentences(split_english, paper.abstract_en) == list(paper.en)


def test_cut_last_sentence_of_a_truncated_abstract():
    spans = split_english(GRASP_CUT_EN)
    assert len(spans) == 8
    assert spans[-1][1] == 1000
    assert GRASP_CUT_EN[spans[-1][0] : spans[-1][1]] == (
        "Finally, we analyze the failure cases and find that most of them involve objects with high"
    )
    assert sentences(split_english, GRASP_CUT_EN)[:7] == list(GRASP.en[:7])


def test_cut_after_a_space_drops_the_trailing_space():
    text = "We propose a method. It improves the accuracy of the "
    spans = split_english(text)
    assert sentences(split_english, text) == ["We propose a method.", "It improves the accuracy of the"]
    assert spans[-1][1] == len(text) - 1


def test_empty_and_blank_english():
    assert split_english("") == []
    assert split_english("   ") == []


@pytest.mark.parametrize(
    "text",
    [
        SPARSE.abstract_en,
        GRASP_CUT_EN,
        "  Leading and trailing space. Inside e.g. Fig. 2 and $a. B$.   Next one!  ",
        "One sentence without a full stop",
        "Is it? Yes. (Parenthetical.) \"Quoted.\" 3 more. J. Doe agrees.",
    ],
)
def test_english_spans_partition_the_text(text):
    assert_partition(split_english, text)


# --- Chinese ---------------------------------------------------------------------------------------


def test_chinese_terminators():
    text = "我们提出了一种新方法。它真的有效吗？是的，效果显著！我们总结如下；代码已公开。"
    assert sentences(split_chinese, text) == [
        "我们提出了一种新方法。",
        "它真的有效吗？",
        "是的，效果显著！",
        "我们总结如下；",
        "代码已公开。",
    ]


def test_commas_and_enumeration_marks_do_not_split():
    text = "我们在文本、图像和语音上进行了实验，结果一致。"
    assert sentences(split_chinese, text) == [text]


def test_closing_quotes_and_brackets_stay_on_the_sentence_they_close():
    text = "作者称其为“路由器。”随后给出了证明（见附录。）最后讨论了局限性「仍待解决！」结论如下。"
    assert sentences(split_chinese, text) == [
        "作者称其为“路由器。”",
        "随后给出了证明（见附录。）",
        "最后讨论了局限性「仍待解决！」",
        "结论如下。",
    ]


def test_ascii_terminators_split_only_before_chinese():
    text = "我们使用BERT模型. 随后在GPT-3.5上测试! 结果 good. really 很好"
    assert sentences(split_chinese, text) == ["我们使用BERT模型.", "随后在GPT-3.5上测试!", "结果 good. really 很好"]


def test_decimals_and_latin_abbreviations_inside_chinese_are_kept():
    text = "准确率从87.5%提升到91.2%（Devlin et al. 2019的设置）。该结果稳定。"
    assert sentences(split_chinese, text) == ["准确率从87.5%提升到91.2%（Devlin et al. 2019的设置）。", "该结果稳定。"]


def test_tex_math_inside_chinese_is_not_split():
    text = "设 $x. 集合$ 为状态集合。则界成立。"
    assert sentences(split_chinese, text) == ["设 $x. 集合$ 为状态集合。", "则界成立。"]


def test_text_after_the_last_terminator_is_a_sentence():
    text = "我们提出了一种方法。该方法在三个数据集上"
    assert sentences(split_chinese, text) == ["我们提出了一种方法。", "该方法在三个数据集上"]


def test_invented_translations_split_into_their_sentences():
    for paper in (SPARSE, TRAFFIC, XRAY, GRASP):
        assert sentences(split_chinese, paper.abstract_zh) == list(paper.zh)


@pytest.mark.parametrize(
    "text",
    [
        "这个结论可靠吗？！我们认为可靠。",
        "实验结果很好。。。下一步是部署。",
    ],
    ids=["question-exclamation", "repeated-full-stops"],
)
def test_a_run_of_terminators_ends_one_sentence(text):
    # "？！" and "。。。" close one sentence; a lone "！" or "。" is not a sentence of its own
    spans = sentences(split_chinese, text)
    assert len(spans) == 2, spans
    assert all(len(s) > 1 for s in spans)


def test_empty_and_blank_chinese():
    assert split_chinese("") == []
    assert split_chinese("  ") == []


@pytest.mark.parametrize(
    "text",
    [
        SPARSE.abstract_zh,
        "  我们提出方法。  它有效！ 结果 good. 很好 ",
        "作者称其为“路由器。”随后（见附录。）结论$a. b$如下；最后",
        "没有句号的一句话",
    ],
)
def test_chinese_spans_partition_the_text(text):
    assert_partition(split_chinese, text)
