"""leak: RSS metadata (warning), translator notes (error) and prompt field labels (warning)."""

from __future__ import annotations

import pytest

from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, entry_line, make_entry

NAME = "leak"
BODY = "我们提出一种基于图神经网络的分子性质预测方法，在三个基准上取得了最好的结果。"


def check(**fields) -> list:
    """Findings of the check on a one-entry digest built from the default entry with ``fields`` changed."""
    return run_check(NAME, build_digest([make_entry(1, **fields)]))


def codes(**fields) -> list[str]:
    """The codes of :func:`check`."""
    return [f.code for f in check(**fields)]


@pytest.mark.parametrize("fixture", [f for f in ALL_FIXTURES if f != "mixed.md"])
def test_fixtures_are_clean(fixture):
    assert run_check_on_fixture(NAME, fixture) == []


def test_fixture_with_the_s1_title_suffix_in_the_chinese_title():
    (finding,) = run_check_on_fixture(NAME, "mixed.md")
    assert finding.code == "leak.metadata" and finding.evidence.field == "title_zh"
    assert finding.evidence.translation.strip().startswith("（arXiv:")


def test_clean_entry():
    assert check() == []


# --- leak.metadata -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix",
    [
        "arXiv:2501.04321v1 公告类型：新 摘要：",
        "arXiv:2501.04321v2 公告类型：替换-交叉  摘要：",
        "arXiv:2501.04321v1 公告类型：交叉替换。摘要：",
        "arXiv:2501.04321v1 公告类型: 跨领域 摘要: ",
        "arXiv:2501.04321v1 语种：交叉 摘要：",
        "arXiv:2501.04321v1 发布类型：新摘要：",
        "arXiv:2501.04321v1 类型公告：跨领域 摘要：",
        "arXiv:2501.04321v3 公告類型：新  摘要：",
        "arXiv:2501.04321v1 Announce Type: replace-cross  Abstract: ",
        "摘要：arXiv:2501.04321v1 公告类型：新论文 摘要：",
        "arXiv：2501.04321v1 ",
        "摘要：",
        "论文摘要：",
    ],
)
def test_rss_wrapper_at_the_head_of_the_abstract(prefix):
    zh = prefix + BODY
    (finding,) = check(abstract_zh=zh)
    assert finding.code == "leak.metadata" and finding.severity is Severity.WARNING
    assert finding.line == entry_line(1, 1) + 10 and finding.ref == 1
    assert finding.evidence.field == "abstract_zh"
    assert finding.evidence.translation_span == (0, len(prefix))
    assert zh[: len(prefix)] == finding.evidence.translation


def test_rss_wrapper_in_the_middle():
    zh = BODY + "arXiv:2501.04321v2 公告类型：替换 摘要：" + BODY
    (finding,) = check(abstract_zh=zh)
    assert finding.code == "leak.metadata"
    start, end = finding.evidence.translation_span
    assert zh[start:end] == "arXiv:2501.04321v2 公告类型：替换 摘要："


@pytest.mark.parametrize(
    "suffix", ["（arXiv:2301.01234v2 [cs.CL] 更新）", " (arXiv:2301.01234v1 [stat.ML])", "(arXiv:2301.01234v3 [cs.LG] UPDATED)"]
)
def test_s1_title_suffix_in_the_chinese_title(suffix):
    (finding,) = check(title_zh="面向低资源语言的检索增强翻译" + suffix)
    assert finding.code == "leak.metadata" and finding.evidence.field == "title_zh"
    assert finding.evidence.translation.strip() == suffix.strip()


@pytest.mark.parametrize(
    "zh",
    [
        "我们的界与arXiv:2002.05096中提出的猜想相匹配，并改进了已有结果。",  # a citation, not metadata
        "任务类型：分类与回归。我们比较了六种模型在这两类任务上的表现。",
        "我们构建了一个多语种语料库，并按数据类型划分为文本、图像和音频三部分。",
        "本文研究文本摘要：给定一篇长文档，生成简短而忠实的摘要。",
    ],
)
def test_ordinary_text_is_not_metadata(zh):
    assert check(abstract_zh=zh) == []


# --- leak.translator-note ------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "（摘要截断）",
        "（此处原文截断）",
        "……（摘要原文截断）",
        "...（原文截断，此处根据上下文补充）",
        "（原文中“Tr”可能为截断，此处按上下文推断为某种训练策略）",
        "（注：原文在此处中止）",
        "（译者注：该术语没有通用译法）",
        "(翻译仅供参考)",
        "（此部分可能不完整）",
        "【内容过长，已省略部分内容】",
    ],
)
def test_translator_notes(note):
    zh = BODY[:-1] + note + "。"
    (finding,) = check(abstract_zh=zh)
    assert finding.code == "leak.translator-note" and finding.severity is Severity.WARNING
    start, end = finding.evidence.translation_span
    assert zh[start:end] == note


def test_unbracketed_note_after_a_sentence():
    zh = BODY + "注：原文在此截断，后续内容无法翻译。"
    (finding,) = check(abstract_zh=zh)
    assert finding.code == "leak.translator-note"
    assert finding.evidence.translation.startswith("注：原文")


@pytest.mark.parametrize(
    "zh",
    [
        "我们同时处理完整配对（包括不完整配对）与缺失数据。",
        "我们估计了中断时间序列（六种条件下的经验中断分布）。",
        "该方法使用截断奇异值分解（truncated SVD）压缩权重。",
        "我们比较了多种翻译系统（如神经机器翻译和统计机器翻译）。",
    ],
)
def test_brackets_of_the_paper_are_not_notes(zh):
    assert check(abstract_zh=zh) == []


def test_note_that_translates_the_papers_own_note_is_fine():
    en = make_entry(1).abstract_en + " (Note: this is an extended version of our workshop paper.)"
    zh = BODY + "（注：这是我们研讨会论文的扩展版本。）"
    assert check(abstract_en=en, abstract_zh=zh) == []
    assert codes(abstract_zh=zh) == ["leak.translator-note"]  # the same note without one in the English


def test_truncation_as_the_papers_topic_is_fine():
    en = "We study gradient clipping and truncation thresholds for private training of language models."
    assert check(abstract_en=en, abstract_zh="我们研究差分隐私训练中的梯度裁剪（截断阈值）选择。") == []


# --- leak.label ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text", "label"),
    [
        ("abstract_zh", "translated_abstract: " + BODY, "translated_abstract"),
        ("title_zh", "translated_title：分子性质预测", "translated_title"),
        ("summary_zh", "tldr: 本文提出一种分子性质预测方法。", "tldr:"),
        ("summary_zh", "本文提出一种分子性质预测方法。en_tdlr: This paper proposes a method.", "en_tdlr"),
        ("abstract_zh", "翻译过的论文摘要：" + BODY, "翻译过的论文摘要："),
        ("title_zh", "论文标题：分子性质预测的新方法", "论文标题："),
        ("abstract_zh", BODY[:-1] + "，并进行了一个用户 摘要。", "摘要。"),
        ("abstract_zh", BODY + "摘要。", "摘要。"),
    ],
)
def test_stray_labels(field, text, label):
    findings = [f for f in check(**{field: text}) if f.code == "leak.label"]
    (finding,) = findings
    assert finding.severity is Severity.WARNING and finding.evidence.field == field
    assert finding.evidence.translation.strip() == label


@pytest.mark.parametrize(
    "zh",
    [
        "我们研究极端抽象文本摘要（即TL;DR生成）这一新任务。",
        "我们设计了一个新闻摘要生成器，用于生成新闻摘要。",
        "该数据集包含中文摘要与英文摘要两部分。",
    ],
)
def test_the_word_summary_in_a_sentence_is_not_a_label(zh):
    assert check(abstract_zh=zh) == []


def test_one_finding_per_code_and_field():
    zh = "arXiv:2501.04321v1 公告类型：新 摘要：" + BODY[:-1] + "（摘要截断）（原文截断）。"
    assert sorted(codes(abstract_zh=zh)) == ["leak.metadata", "leak.translator-note"]
