"""truncation.translation: the Chinese stops early; error for a complete source, warning for a cut one."""

from __future__ import annotations

import pytest

from evalkit.records import Severity
from tests.checks.util import run_check, run_check_on_fixture
from tests.digest_builder import build_digest, entry_line, make_entry

NAME = "truncation.translation"
ZH = make_entry(1).abstract_zh  # complete, ends with "。"
EN = make_entry(1).abstract_en  # complete, 430 characters
CUT_EN = (EN + " " + EN + " " + EN)[:1000]
assert len(CUT_EN) == 1000 and not CUT_EN.endswith(".")
CUT_ZH = ZH + ZH.replace("。", "，")  # long enough for the 1,000-character English


def check(**fields) -> list:
    return run_check(NAME, build_digest([make_entry(1, **fields)]))


@pytest.mark.parametrize("fixture", ["v1_s1.md", "v1_s2.md", "v0.md", "hazards.md", "mixed.md", "empty.md"])
def test_fixtures_end_properly(fixture):
    assert run_check_on_fixture(NAME, fixture) == []


def test_fixture_ellipsis_after_a_cut_source_is_context():
    (finding,) = run_check_on_fixture(NAME, "v1_s3.md")
    assert finding.code == "truncation.follows-source" and finding.severity is Severity.INFO and finding.ref == 2
    assert finding.line == 35  # the Chinese abstract line of [^2]
    assert "ellipsis" in finding.message and "the English was cut too" in finding.message


def test_complete_translation_is_fine():
    assert check() == []
    assert check(abstract_en=CUT_EN, abstract_zh=CUT_ZH[:-1] + "。") == []


@pytest.mark.parametrize("ending", ["...", "......", "…", "……", "。。。"])
def test_ellipsis_with_a_complete_source_is_an_error(ending):
    (finding,) = check(abstract_zh=ZH[:-1] + ending)
    assert finding.code == NAME and finding.severity is Severity.ERROR
    assert "ends with an ellipsis" in finding.message and "cut too" not in finding.message
    assert finding.line == entry_line(1, 1) + 10
    assert finding.evidence.field == "abstract_zh" and finding.evidence.translation.endswith(ending)


@pytest.mark.parametrize("ending", ["，", "、", "的", "p", "2"])
def test_mid_sentence_with_a_complete_source_is_an_error(ending):
    (finding,) = check(abstract_zh=ZH[:-1] + ending)
    assert finding.severity is Severity.ERROR and "ends mid-sentence" in finding.message


@pytest.mark.parametrize("ending", ["……", "，", "以减轻p"])
def test_same_endings_with_a_cut_source_are_context_not_defects(ending):
    """The translator followed the generator's cut: faithful, recorded as info (real reviewers agree)."""
    (finding,) = check(abstract_en=CUT_EN, abstract_zh=CUT_ZH + ending)
    assert finding.code == "truncation.follows-source" and finding.severity is Severity.INFO
    assert "(the English was cut too)" in finding.message


@pytest.mark.parametrize("ending", ["。", "！", "？", "）", "”", "$", "》", ".", "。  "])
def test_sentence_endings_are_fine(ending):
    assert check(abstract_zh=ZH[:-1] + ending) == []


def test_far_too_short_is_an_error_even_when_the_source_was_cut():
    short = "数据过滤是预训练的关键。"  # 12 characters for 1,000 of English
    for en in (EN, CUT_EN):
        (finding,) = check(abstract_en=en, abstract_zh=short)
        assert finding.severity is Severity.ERROR
        assert "ratio" in finding.message


def test_short_and_cut_mentions_both():
    (finding,) = check(abstract_zh="数据过滤是预训练的关键，")
    assert "ratio" in finding.message and "ends mid-sentence" in finding.message


def test_ratio_is_not_judged_for_short_english():
    en = "Any finite conversation can be rationalized."
    assert check(abstract_en=en, abstract_zh="对话。") == []


def test_ratio_boundary():
    # 0.15 of the English is enough; just below is not
    n = len(EN)
    enough = "译" * (int(n * 0.15) + 1) + "。"
    too_few = "译" * (int(n * 0.15) - 2) + "。"
    assert check(abstract_zh=enough) == []
    assert len(check(abstract_zh=too_few)) == 1


def test_empty_translation_is_left_to_translation_empty():
    assert check(abstract_zh="") == []


# --- an abstract that ends with a URL or a code name, in both languages, is complete ------------------


@pytest.mark.parametrize(
    "en_tail, zh_tail",
    [
        ("Code is available at: https://example.org/lab/Proj-2", "代码见：https://example.org/lab/Proj-2"),
        ("Code is available at: https://example.org/lab/Proj-2.", "代码见：https://example.org/lab/Proj-2"),
        ("The code is at \\url{https://example.org/x/tool}", "代码位于\\url{https://example.org/x/tool}"),
        ("We release it as ToolKit-7B", "我们将其发布为ToolKit-7B"),
    ],
)
def test_the_same_url_or_name_ending_both_abstracts_is_complete(en_tail, zh_tail):
    assert check(abstract_en=EN + " " + en_tail, abstract_zh=ZH + zh_tail) == []


@pytest.mark.parametrize(
    "en_tail, zh_tail",
    [
        ("Code is available at: https://example.org/lab/Proj-2", "代码见：https://example.org/lab/Pr"),  # cut URL
        ("Code is available at: https://example.org/lab/Proj-2", "代码见：https://example.org/lab/Proj-2，以及"),
        ("We compare it with ToolKit and more baselines.", "我们将其与ToolKit"),  # the English goes on
        ("The method is called LongToolKit", "该方法称为Kit"),  # not the same token, only its end
    ],
)
def test_a_translation_cut_at_or_inside_a_name_still_ends_mid_sentence(en_tail, zh_tail):
    (finding,) = check(abstract_en=EN + " " + en_tail, abstract_zh=ZH + zh_tail)
    assert "ends mid-sentence" in finding.message and finding.severity is Severity.ERROR


def test_a_chinese_that_stopped_well_before_the_cut_is_still_truncated():
    """Cut English, but the Chinese is shorter than the normal band: it stopped before the cut (a warning)."""
    zh = (CUT_ZH * 2)[:190] + "，"  # 0.19 characters per English character: below 0.22, above the 0.15 error
    (finding,) = check(abstract_en=CUT_EN, abstract_zh=zh)
    assert finding.code == NAME and finding.severity is Severity.WARNING
