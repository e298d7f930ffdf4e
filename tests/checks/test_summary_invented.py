"""summary.invented-ending: the summary repeats what the Chinese abstract invented after the cut English."""

from __future__ import annotations

from evalkit.records import Severity
from tests.align import GRASP, GRASP_CUT_EN, GRASP_ZH_COMPLETE_PART, digest_of
from tests.checks.util import declared_codes, run_check

NAME = "summary.invented-ending"
#: The cut last sentence ("…most of them involve objects with high"), translated and then continued with
#: a result the English never reaches.
INVENTED_TAIL = "最后，我们分析了失败案例，发现其中大多数涉及高刚度的物体，改用多点估计后抓取稳定性得到显著改善。"
REPEATING_SUMMARY = "本文提出一种触觉刚度估计控制器，改用多点估计后抓取稳定性得到显著改善。"


def findings(summary_zh: str, tail: str = INVENTED_TAIL, english: str = GRASP_CUT_EN) -> list:
    fields = {"abstract_en": english, "abstract_zh": GRASP_ZH_COMPLETE_PART + tail, "summary_zh": summary_zh}
    return run_check(NAME, digest_of((GRASP, fields)))


def test_declared_as_a_warning():
    assert declared_codes(NAME) == {NAME: Severity.WARNING}


def test_a_summary_repeating_the_invented_result_is_flagged_on_its_span():
    (finding,) = findings(REPEATING_SUMMARY)
    assert finding.severity is Severity.WARNING and finding.ref == 1
    evidence = finding.evidence
    assert evidence.field == "summary_zh"
    assert evidence.translation == "改用多点估计后抓取稳定性得到显著改善"
    assert REPEATING_SUMMARY[slice(*evidence.translation_span)] == evidence.translation
    assert "the summary repeats what the Chinese invented after the cut" in finding.message


def test_a_summary_of_what_the_english_says_is_quiet():
    # the summary speaks of the controller and the damage reduction, which the English does report
    assert findings("本文提出一种根据触觉信号估计物体刚度的抓取控制器，将可见损伤从31%降低到6%。") == []


def test_without_an_invented_ending_nothing_is_compared():
    # the Chinese stops with the fragment's translation: the same summary has nothing invented to repeat
    assert findings(REPEATING_SUMMARY, tail="最后，我们分析了失败案例，发现其中大多数涉及高刚度的物体。") == []


def test_a_complete_english_is_not_read():
    assert findings(REPEATING_SUMMARY, english=GRASP.abstract_en) == []


def test_a_few_shared_words_are_not_a_repetition():
    # "显著改善" alone (three bigrams) is a stock phrase, not the invented sentence
    assert findings("本文提出一种触觉刚度估计控制器，显著改善了可变形物体的抓取。") == []
