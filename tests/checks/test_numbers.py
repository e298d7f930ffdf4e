"""numbers.*: numbers of the Chinese abstract that disagree with the English."""

from __future__ import annotations

import pytest

from evalkit.checks import CHECKS, load_checks
from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, entry_line, make_entry

NAME = "numbers"
#: Number-free filler, so each test controls every number on both sides.
EN_FILLER = "We study how translation quality varies across settings and report what we find. "
ZH_FILLER = "我们研究了翻译质量在不同设置下如何变化，并报告了我们的发现。"


def check(en: str, zh: str) -> list:
    """Findings of the numbers check on one entry with this English and Chinese abstract."""
    return run_check(NAME, build_digest([make_entry(1, abstract_en=en, abstract_zh=zh)]))


def codes(en: str, zh: str) -> list[str]:
    return sorted(f.code for f in check(en, zh))


def cut_english(tail: str) -> str:
    """A 1,000-character English line (the generator's cut) that ends with ``tail``."""
    line = (EN_FILLER * 20)[: 1000 - len(tail)] + tail
    assert len(line) == 1000
    return line


def long_chinese(text: str) -> str:
    """``text`` after enough filler that the Chinese is not "obviously shorter" than a cut English."""
    return ZH_FILLER * 7 + text


# --- the check is registered and quiet on good translations --------------------------------------


def test_registered_with_its_codes():
    load_checks()
    cls = CHECKS.get(NAME)
    assert {s.code: s.severity for s in cls.codes} == {
        "numbers.changed": Severity.ERROR,
        "numbers.magnitude": Severity.ERROR,
        "numbers.added": Severity.WARNING,
        "numbers.missing": Severity.WARNING,
        "numbers.malformed": Severity.WARNING,
    }
    assert all(s.help for s in cls.codes)


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_fixtures_are_clean(fixture):
    assert run_check_on_fixture(NAME, fixture) == []


def test_default_entry_is_clean():
    # "2.3 BLEU" -> "2.3个BLEU分", "eight percent" -> "百分之八", "six" -> "六"
    assert run_check(NAME, build_digest([make_entry(1)])) == []


@pytest.mark.parametrize(
    "en, zh",
    [
        ("We annotate 1,183 sentences.", "我们标注了1183个句子。"),
        ("Accuracy rises from 3.0 to 42.0%.", "准确率从3提升到42%。"),
        ("Accuracy is 0.864.", "准确率为0.86。"),  # rounded
        ("It serves 1.2 million users.", "它服务于120万用户。"),
        ("It serves 1.2 million users.", "它服务于1.2M用户。"),
        ("A 7B model is used.", "使用了一个70亿参数的模型。"),
        ("We train three models on 12 languages.", "我们在十二种语言上训练了3个模型。"),
        ("The error falls by 0.42.", "误差下降了42%。"),
        ("We test Llama 2 and GPT-4.", "我们测试了Llama2和GPT 4。"),
        ("Costs drop 10-20% in 2023.", "2023年成本下降了10%-20%。"),
        ("A rate of $10^{-3}$ and $9.91\\times 10^9$ states.", "学习率为$10^{-3}$，共$9.91\\times 10^9$个状态。"),
        ("Data from March 2021 to May 2022.", "数据来自2021年3月至2022年5月。"),
        ("This follows prior work (Smith et al., 2021).", "这延续了先前的工作。"),  # citation year dropped
        ("As shown in [12], see arXiv:2401.01234.", "如文献所示。"),
    ],
)
def test_faithful_renderings_are_clean(en, zh):
    assert check(en, zh) == []


def test_rss_metadata_in_the_chinese_is_not_a_number():
    zh = "arXiv:2402.01234v2 公告类型：新 摘要：我们标注了500个句子。"
    assert check("We annotate 500 sentences.", zh) == []


# --- numbers.changed -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "en_number, zh_number",
    [("838,305", "638,305"), ("0.86", "0.83"), ("15%", "19%"), ("500", "530")],
)
def test_changed_number_is_an_error(en_number, zh_number):
    en = f"The final corpus holds {en_number} items after filtering."
    zh = f"过滤后的最终语料库包含{zh_number}个条目。"
    (finding,) = check(en, zh)
    assert finding.code == "numbers.changed" and finding.severity is Severity.ERROR
    assert en_number in finding.message and zh_number in finding.message
    ev = finding.evidence
    assert ev.field == "abstract_zh"
    assert en[slice(*ev.source_span)] == en_number and zh[slice(*ev.translation_span)] == zh_number
    assert finding.line == entry_line(1, 1) + 10  # the Chinese abstract line


def test_changed_copy_of_a_repeated_number():
    en = "We run 500 trials per setting and report 500 more as controls."
    zh = "每种设置运行500次试验，另外报告530次作为对照。"
    assert codes(en, zh) == ["numbers.changed"]


def test_unrelated_numbers_are_not_a_change():
    # 2 and 900 are too far apart to be one number altered: one addition, one omission
    assert codes("We use 2 encoders.", "我们使用了编码器，共900个参数。") == ["numbers.added", "numbers.missing"]


# --- numbers.magnitude ---------------------------------------------------------------------------


@pytest.mark.parametrize("zh_number", ["12万", "1.2亿", "1.2万"])
def test_wrong_magnitude_is_an_error(zh_number):
    (finding,) = check("The platform has 1.2 million users.", f"该平台拥有{zh_number}用户。")
    assert finding.code == "numbers.magnitude" and finding.severity is Severity.ERROR
    assert "1.2 million" in finding.message and zh_number in finding.message


def test_billions_rendered_as_yi_without_the_factor_ten():
    assert codes("Pretrained on 80 billion words.", "在80亿个单词上预训练。") == ["numbers.magnitude"]
    assert codes("Pretrained on 80 billion words.", "在800亿个单词上预训练。") == []


# --- numbers.added / numbers.missing -------------------------------------------------------------


def test_added_number_is_a_warning():
    (finding,) = check("The method improves accuracy.", "该方法将准确率提高了12.5%。")
    assert finding.code == "numbers.added" and finding.severity is Severity.WARNING
    assert finding.evidence.translation == "12.5%" and finding.evidence.source is None


def test_missing_number_is_a_warning():
    (finding,) = check("We collect 4,096 dialogues from forums.", "我们从论坛收集了对话。")
    assert finding.code == "numbers.missing" and finding.severity is Severity.WARNING
    assert finding.evidence.source == "4,096" and finding.evidence.translation is None


def test_number_in_the_cut_tail_of_the_english_is_not_missing():
    en = cut_english("On average the model gains 4.2 points over the strongest baseli")
    assert codes(en, long_chinese("平均而言，该模型优于最强的基线。")) == []
    # the same number earlier, in a complete sentence, is expected
    en = "The model gains 4.2 points. " + cut_english("More results follow in the appendi")[28:]
    assert codes(en, long_chinese("更多结果见附录。")) == ["numbers.missing"]


def test_number_beyond_a_much_shorter_chinese_is_not_missing():
    en = EN_FILLER * 8 + "Finally, the system handles 640 requests per second."
    assert codes(en, "我们研究了翻译质量。") == []


def test_invented_number_after_the_cut_is_added():
    en = cut_english("On average the model gains over the strongest baseli")
    assert codes(en, long_chinese("平均而言，该模型比最强基线高出7.5%。")) == ["numbers.added"]


# --- numbers.malformed ---------------------------------------------------------------------------


def test_full_width_thousands_separator():
    (finding,) = check("We analyse 1,183 observations.", "我们分析了1，183个观测值。")
    assert finding.code == "numbers.malformed" and finding.severity is Severity.WARNING
    assert finding.evidence.translation == "1，183"


def test_full_width_comma_between_list_items_is_not_malformed():
    assert check("Scores of 1 and 183 are reported.", "报告了1，183两个分数。") == []


@pytest.mark.parametrize("guess", ["127", "1,270", "1,275"])
def test_number_guessed_from_a_cut_inside_it(guess):
    en = cut_english("In total we annotate 1,27")
    (finding,) = check(en, long_chinese(f"我们总共标注了{guess}个样本。"))
    assert finding.code == "numbers.malformed" and finding.severity is Severity.WARNING
    assert "1,27" in finding.message and guess in finding.message
    assert finding.evidence.source == "1,27"


def test_cut_number_copied_as_it_stands_is_fine():
    en = cut_english("Keyformer relies on the observation that approximately 90")
    assert check(en, long_chinese("Keyformer基于这样的观察：大约90")) == []


def test_no_digits_no_findings():
    assert check("No numbers here at all.", "这里完全没有数字。") == []


def test_number_guessed_from_a_cut_inside_its_magnitude_word():
    en = cut_english("We train models with up to 12 billio")
    (finding,) = check(en, long_chinese("我们训练了最多120亿参数的模型。"))
    assert finding.code == "numbers.malformed" and finding.evidence.source == "12"


def test_more_than_before_a_chinese_magnitude():
    assert check("Loans of 8 million dollars.", "贷款800多万美元。") == []
    assert codes("Loans of 802 million dollars.", "贷款802多万美元。") == ["numbers.magnitude"]


@pytest.mark.parametrize(
    "en",
    [
        "This extends the tests of Liu et al. 20 to new settings.",
        "This extends the tests of Liu et al. (2020) to new settings.",
        "This extends earlier tests (Liu and Chen, 2020) to new settings.",
        "Such tests date back to the 1970s and remain in use.",
    ],
)
def test_dropped_citation_years_and_decades_are_not_missing(en):
    assert check(en, "这将先前的检验推广到新的设置。") == []


def test_a_plain_year_is_expected():
    assert codes("The survey ran in 2020 across Europe.", "该调查在欧洲进行。") == ["numbers.missing"]


# --- Chinese numerals with a decimal point are one number, not their digits -------------------------


def test_a_chinese_decimal_does_not_answer_another_english_value():
    # 二点九 is 2.9: it must not pass for an English 2.4 (read digit by digit, 二 = 2 ≈ 2.4 did)
    assert "numbers.missing" in codes("The gain is 2.4 points.", "增益为二点九个点。")
    assert codes("The gain is 2.9 points.", "增益为二点九个点。") == []


@pytest.mark.parametrize(
    "en, zh",
    [
        ("The error drops 3.5 times.", "误差下降了三点五倍。"),
        ("Recall rises by 35.5%.", "召回率提升了百分之三十五点五。"),
        ("About 30% of users agree.", "约三成用户同意。"),
        ("It reaches 35,000 people.", "覆盖三点五万人。"),
    ],
)
def test_chinese_decimals_shares_and_magnitudes_answer_the_english(en, zh):
    assert codes(en, zh) == []
