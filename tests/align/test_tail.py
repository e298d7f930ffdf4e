"""Reading the Chinese after a cut English sentence word by word (evalkit.align.tail)."""

from __future__ import annotations

import pytest

from evalkit.align import align
from evalkit.align.tail import claim_cues, read_tail

EN_HEAD = (
    "Robotic grasping of deformable objects remains difficult. We present a tactile policy that estimates "
    "object stiffness before closing the gripper. "
)
ZH_HEAD = "可变形物体的机器人抓取仍然困难。我们提出了一种触觉策略，在闭合夹爪之前估计物体刚度。"


def read(fragment: str, chinese_tail: str):
    english, chinese = EN_HEAD + fragment, ZH_HEAD + chinese_tail
    reading = read_tail(english, chinese, align(english, chinese, source_truncated=True))
    added = chinese[reading.added[0] : reading.added[1]] if reading and reading.added else None
    return reading, added, english, chinese


def test_completing_the_cut_word_adds_nothing():
    reading, added, english, _ = read("We also propose a module that re-examines item rela", "我们还提出了一个重新审视物品关系的模块。")
    assert reading.kind == "none" and added is None and not reading.invents
    assert english[reading.fragment[0] : reading.fragment[1]].endswith("item rela")


def test_an_invented_result_is_a_claim_with_its_cue_words_and_exact_span():
    reading, added, _, chinese = read(
        "Experiments on three benchmarks show that adding the sparse pena", "在三个基准上的实验表明，加入稀疏惩罚显著提高了抓取成功率。"
    )
    assert reading.kind == "claim" and reading.invents
    assert added == "显著提高了抓取成功率"
    assert set(reading.cues) == {"显著", "提高"}
    assert chinese[reading.rendered_end : reading.added[0]] == ""  # the addition starts right after "惩罚"


def test_claim_words_the_fragment_itself_says_are_renderings():
    # "show" -> 表明, "substantial" -> 显著, "gains" -> 改进, and the cut "exi" -> 现有
    reading, added, _, _ = read("Experiments show substantial gains over exi", "实验表明，相对于现有方法取得了显著改进。")
    assert reading.kind == "none" and added is None


def test_a_cut_claim_word_supports_its_chinese():
    reading, _, _, _ = read("Experiments show that the policy outperfor", "实验表明，该策略优于")
    assert reading.kind == "none"


def test_numbers_the_english_lacks():
    reading, added, _, _ = read("On the shelf benchmark, the policy reaches", "在货架基准上，该策略的成功率达到91.2%。")
    assert reading.kind == "number" and reading.numbers == ("91.2%",) and added == "91.2%"


def test_a_number_of_the_english_is_no_addition():
    reading, _, _, _ = read("Training converged after 40 epochs with 8", "训练在40个轮次后收敛，使用了8个")
    assert reading.kind == "none"


def test_a_clause_the_english_never_reached():
    reading, added, _, _ = read("The gripper can also be configured to", "该夹爪还可以配置为使用多种指尖传感器，并支持在杂乱货架上的连续抓取。")
    assert reading.kind == "clause"
    assert added.endswith("连续抓取") and len(reading.content) >= 8


def test_a_few_closing_words():
    reading, added, _, _ = read("We release the code for the tactile sim", "我们发布了触觉模拟器的代码以及相关的训练脚本。")
    assert reading.kind == "closing" and not reading.invents
    assert added == "以及相关的训练脚本"


def test_a_whole_invented_sentence_after_the_translation():
    reading, added, _, _ = read(
        "We evaluate the policy on twelve household obje",
        "我们在十二种家用物品上评估了该策略。结果显示，该方法在所有物品上均优于基线，并大幅降低了损坏率。",
    )
    assert reading.kind == "claim"
    assert added.startswith("结果显示") and added.endswith("损坏率")


def test_a_dropped_fragment_has_nothing_to_read():
    reading, _, _, _ = read("Finally, we analyze the failure cases and find that most of them invol", "")
    assert reading is None


@pytest.mark.parametrize("word", ["显著", "优于", "表明"])
def test_claim_cues_have_english_equivalents(word):
    cues = {cue.word: cue for cue in claim_cues()}
    assert cues[word].support, f"{word} has no English words that say the same"
    assert cues[word].said_by(f"the results {cues[word].support[0]}", None)


def test_an_added_hedged_prediction_is_a_claim():
    # "despite those strategies" (cut): the Chinese adds a prediction with 可能 the English never made
    reading, added, _, _ = read(
        "The policy learns to regrasp slipping objects, despite those objects", "该策略学会了重新抓取滑动的物体，尽管这些物体可能会损坏夹爪。"
    )
    assert reading.kind == "claim" and "可能" in reading.cues
    assert added == "可能会损坏夹爪"


def test_a_hedge_the_english_makes_is_no_claim_and_no_rendering():
    # "may" says 可能; the modal still renders nothing, so the words after it are read as they are
    reading, _, _, _ = read("The gripper may damage soft objects", "夹爪可能会损坏柔软的物体。")
    assert reading.kind == "none"
    assert {cue.word: cue for cue in claim_cues()}["可能"].hedge
