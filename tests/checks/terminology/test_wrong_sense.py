"""terminology.wrong-sense: a technical term rendered with the everyday sense of its word.

Every English and Chinese text here is written for these tests.
"""

from __future__ import annotations

from evalkit.checks.terminology.tables import wrong_sense_rows
from evalkit.checks.terminology.wrong_sense import wrong_senses
from evalkit.records import Severity
from tests.checks.util import declared_codes, run_check
from tests.digest_builder import build_digest, make_entry

CODE = "terminology.wrong-sense"
TITLE_EN = "A Study of Sequence Models"
TITLE_ZH = "序列模型研究"


def findings(en: str, zh: str, *, title_en: str = TITLE_EN, title_zh: str = TITLE_ZH) -> list:
    """The wrong-sense findings of the terminology check on one entry."""
    digest = build_digest([make_entry(1, abstract_en=en, abstract_zh=zh, title_en=title_en, title_zh=title_zh)])
    return [f for f in run_check("terminology", digest) if f.code == CODE]


def test_declared_as_a_warning():
    assert declared_codes("terminology")[CODE] is Severity.WARNING


def test_transformer_rendered_as_an_electrical_transformer_is_flagged_on_its_span():
    en = "We train a small transformer on arithmetic puzzles. It learns to carry digits after a few epochs."
    zh = "我们在算术谜题上训练了一个小型变压器。它在几轮之后学会了进位。"
    [f] = findings(en, zh)
    assert f.severity is Severity.WARNING
    assert f.evidence.field == "abstract_zh"
    start, end = f.evidence.translation_span
    assert zh[start:end] == "变压器"
    s, e = f.evidence.source_span
    assert en[s:e] == "transformer"


def test_an_accepted_rendering_elsewhere_silences_the_row():
    en = "We train a small transformer on arithmetic puzzles. The transformer learns to carry digits."
    zh = "我们在算术谜题上训练了一个小型Transformer。该变压器学会了进位。"
    assert findings(en, zh) == []


def test_unless_phrases_keep_the_everyday_sense():
    en = "We forecast the oil temperature of power transformers in a city substation from load data."
    zh = "我们根据负荷数据预测城市变电站中电力变压器的油温。"
    assert findings(en, zh) == []


def test_the_context_selects_the_technical_sense():
    # a kernel method: 内核 is wrong; an operating-system kernel: 内核 is right
    ml_en = "We propose a kernel method for two-sample testing with a Gaussian kernel of learned width."
    ml_zh = "我们提出了一种用于双样本检验的内核方法，其高斯内核的宽度是学习得到的。"
    assert [f.evidence.translation for f in findings(ml_en, ml_zh)] == ["内核"]
    os_en = "We patch the Linux kernel so that the scheduler wakes idle cores sooner."
    os_zh = "我们修改了Linux内核，使调度器更早唤醒空闲核心。"
    assert findings(os_en, os_zh) == []


def test_an_accepted_rendering_inside_the_wrong_one_does_not_count():
    # 核 is accepted for "kernel", but the only 核 here is the one inside 内核
    en = "Kernel regression with a reproducing kernel recovers the smooth trend of the signal."
    zh = "使用再生内核的内核回归恢复了信号的平滑趋势。"
    assert len(findings(en, zh)) == 1
    assert findings(en, zh.replace("再生内核", "再生核")) == []


def test_no_finding_without_the_english_term():
    en = "We study how people regret their purchases after a sale ends."
    zh = "我们研究人们在促销结束后如何后悔自己的购买。"
    assert findings(en, zh) == []


def test_the_title_is_read_when_the_abstract_is_right():
    en = "We bound the cumulative regret of a bandit algorithm that explores with optimism."
    zh = "我们给出了一种乐观探索的多臂老虎机算法的累积遗憾上界。"
    assert findings(en, zh) == []
    [f] = findings(en, zh.replace("遗憾", "懊悔"), title_en="Regret Bounds for Optimistic Bandits", title_zh="乐观老虎机的后悔界")
    assert f.evidence.field == "title_zh"
    assert "后悔" == f.evidence.translation
    assert f.evidence.source_span == (0, 6)


def test_a_wrong_sense_in_the_title_is_an_error_pointing_at_the_title():
    en = "We train a small transformer on arithmetic puzzles. It learns to carry digits after a few epochs."
    zh = "我们在算术谜题上训练了一个小型变压器。它在几轮之后学会了进位。"
    [f] = findings(en, zh, title_en="How Small Transformers Learn to Carry", title_zh="小型变压器如何学会进位")
    assert f.severity is Severity.ERROR
    assert f.evidence.field == "title_zh" and f.evidence.translation == "变压器"
    assert f.evidence.translation_span == (2, 5)


def test_every_row_is_complete():
    rows = wrong_sense_rows()
    assert len(rows) == len(wrong_senses()) >= 15
    for english, _context, _unless, wrong, accepted in rows:
        assert english and wrong and accepted, english
        assert not set(wrong) & set(accepted), english


def test_the_needle_shortcut_never_hides_a_match():
    import dataclasses

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from evalkit.checks.terminology.tables import wrong_sense_rows
    from evalkit.checks.terminology.wrong_sense import wrong_senses

    rows = wrong_senses()
    spellings = sorted({s for english, *_ in wrong_sense_rows() for s in english})
    pieces = st.sampled_from([*spellings, *(s.upper() for s in spellings), *(s.replace(" ", "-") for s in spellings),
                              " ", "s", "es", "x", "ſ", "K", "İ", "the ", "-", "kernel"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(pieces, max_size=6).map("".join))
    def agree(text):
        for row in rows:
            fast, full = row.applies_to(text), dataclasses.replace(row, needles=None).applies_to(text)
            assert (fast and fast.span()) == (full and full.span()), (row.english, text)

    agree()
    assert all(row.needles for row in rows)  # every row's spellings are plain ASCII today
