"""truncation.fabricated: the Chinese completes the cut English sentence with content the English lacks."""

from __future__ import annotations

import pytest

from evalkit.records import Severity
from tests.align import GRASP, GRASP_CUT_EN, GRASP_ZH_COMPLETE_PART, SPARSE, TRAFFIC, digest_of
from tests.checks.util import parse, run_check
from tests.digest_builder import entry_line, s3_abstract

NAME = "truncation.fabricated"
ABSTRACT_ZH_LINE = 10
FRAGMENT = "Finally, we analyze the failure cases and find that most of them involve objects with high"

#: The cut last sentence, completed with one guessed word ("high" -> 高刚度): harmless.
HARMLESS = "最后，我们分析了失败案例，发现其中大多数涉及高刚度的物体。"
#: The same sentence, then results the English never states (2.5%, 97%).
WITH_NUMBERS = (
    "最后，我们分析了失败案例，发现其中大多数涉及刚度高度不均匀的物体；"
    "改用多点刚度估计后，损伤率进一步降至2.5%，成功率提升到97%。"
)
#: A long invented continuation without numbers.
LONG_WITHOUT_NUMBERS = (
    "最后，我们分析了失败案例，发现其中大多数涉及刚度高度不均匀的物体，此时单一的估计会产生误导，"
    "因此我们建议在接触面上布置多个传感器以分别估计各处刚度。"
)
#: The S3 line keeps its "arXiv:... Announce Type: ...  Abstract: " prefix inside the 1,000 characters,
#: so the cut falls earlier: "... Finally, we analyze the failure cases".
S3_CUT_LINE = s3_abstract("2401.10001", 2, "replace", GRASP.abstract_en)[:1000]


def check(**fields: str) -> list:
    return run_check(NAME, digest_of((GRASP, fields)))


def cut(chinese_tail: str, english: str = GRASP_CUT_EN) -> list:
    return check(abstract_en=english, abstract_zh=GRASP_ZH_COMPLETE_PART + chinese_tail)


def test_declared_codes():
    from evalkit.checks import CHECKS, load_checks

    load_checks()
    (spec,) = CHECKS.get(NAME).codes
    assert spec.code == NAME and spec.severity is Severity.ERROR


def test_the_cut_english_is_seen_as_truncated():
    (entry,) = parse(digest_of((GRASP, {"abstract_en": GRASP_CUT_EN}))).entries
    assert len(GRASP_CUT_EN) == 1000 and entry.source_truncated
    assert entry.abstract_en.endswith(FRAGMENT)


# --- fabricated endings ----------------------------------------------------------------------------


def test_invented_results_after_the_cut_are_an_error():
    (finding,) = cut(WITH_NUMBERS)
    assert finding.code == NAME and finding.severity is Severity.ERROR
    assert finding.ref == 1 and finding.line == entry_line(1, 1) + ABSTRACT_ZH_LINE
    assert "objects with high'" in finding.message
    assert "adds numbers the English never states (2.5%, 97%)" in finding.message
    evidence = finding.evidence
    assert evidence.field == "abstract_zh"
    assert evidence.source == FRAGMENT
    assert GRASP_CUT_EN[evidence.source_span[0] : evidence.source_span[1]] == FRAGMENT
    # the span is what follows the fragment's last rendered word ("物体"), to the end of the added sentence
    added = "改用多点刚度估计后，损伤率进一步降至2.5%，成功率提升到97%"
    assert evidence.translation == added
    chinese = GRASP_ZH_COMPLETE_PART + WITH_NUMBERS
    assert chinese[evidence.translation_span[0] : evidence.translation_span[1]] == added


def test_long_invented_continuation_without_numbers_is_an_error():
    (finding,) = cut(LONG_WITHOUT_NUMBERS)
    assert finding.severity is Severity.ERROR
    assert "adds a clause the English never reached" in finding.message
    assert finding.evidence.translation.startswith("此时单一的估计会产生误导")
    assert finding.evidence.translation.endswith("分别估计各处刚度")


def test_an_invented_claim_names_its_claim_words():
    (finding,) = cut("最后，我们分析了失败案例，发现其中大多数涉及高刚度的物体，该方法显著提高了抓取稳定性。")
    assert finding.severity is Severity.ERROR
    assert "adds a claim the English never reached (显著, 提高)" in finding.message
    assert finding.evidence.translation == "该方法显著提高了抓取稳定性"


def test_a_few_closing_words_are_a_warning():
    (finding,) = cut("最后，我们分析了失败案例，发现其中大多数涉及高刚度的物体以及柔软涂层包装。")
    assert finding.severity is Severity.WARNING
    assert "adds words that close the cut sentence" in finding.message
    assert finding.evidence.translation == "以及柔软涂层包装"


def test_a_translators_note_after_the_cut_is_left_to_leak():
    assert cut("最后，我们分析了失败案例，发现其中大多数涉及高（此处原文截断，推测为高刚度物体，后文缺失）。") == []


def test_invented_results_after_an_s3_cut():
    fabricated = "最后，我们分析了失败案例，发现其中约70%源于物体刚度分布不均，改用多点估计后损伤率降至3%。"
    (finding,) = cut(fabricated, S3_CUT_LINE)
    assert finding.severity is Severity.ERROR
    assert "'…Finally, we analyze the failure cases'" in finding.message
    assert "70%, 3%" in finding.message or "(显著" in finding.message or "clause" in finding.message


# --- harmless endings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [
        HARMLESS,  # the cut word completed
        "最后，我们分析了失败案例，发现其中大多数涉及高",  # stops where the English stops
        "最后，我们分析了失败案例，发现其中大多数涉及高……",
        "最后，我们分析了24种物品中的失败案例，发现其中大多数涉及高刚度的物体。",  # 24 is in the English
        "",  # the cut sentence dropped
    ],
    ids=["completed-word", "dangling", "ellipsis", "known-number", "dropped"],
)
def test_harmless_endings_are_not_flagged(tail):
    assert cut(tail) == []


def test_harmless_ending_after_an_s3_cut():
    assert cut("最后，我们分析了失败案例。", S3_CUT_LINE) == []


def test_small_completion_with_a_new_number_is_tolerated():
    # "5个" is new, but the tail is barely longer than the fragment explains
    assert cut("最后，我们分析了5个失败案例，发现其中大多数涉及高刚度的物体。") == []


# --- scope -----------------------------------------------------------------------------------------


def test_complete_source_is_not_judged():
    # the same Chinese for the complete 1,063-character English: the numbers are new, but nothing was cut
    assert check(abstract_zh=GRASP_ZH_COMPLETE_PART + WITH_NUMBERS) == []


def test_empty_sides_are_left_to_other_checks():
    assert check(abstract_en=GRASP_CUT_EN, abstract_zh="") == []


def test_only_the_cut_entry_is_reported():
    text = digest_of(SPARSE, (GRASP, {"abstract_en": GRASP_CUT_EN, "abstract_zh": GRASP_ZH_COMPLETE_PART + WITH_NUMBERS}), TRAFFIC)
    (finding,) = run_check(NAME, text)
    assert finding.ref == 2 and finding.line == entry_line(2, 3) + ABSTRACT_ZH_LINE
