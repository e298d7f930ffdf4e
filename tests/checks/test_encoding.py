"""encoding: mojibake (UTF-8 read as Latin-1/cp1252) and replacement characters, in every field."""

from __future__ import annotations

import pytest

from evalkit.checks.encoding import mojibake_spans
from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, entry_line, make_entry

NAME = "encoding"
DAMAGED = "稀疏注意力机制显著降低了显存占用"  # the part that gets garbled in the tests below
ZH_HEAD = "我们提出一种新的长文本建模方法。"
ZH_TAIL = "，同时保持了下游任务的精度。"


def garble(text: str, how: str) -> str:
    """``text`` as a broken pipeline shows it: its UTF-8 bytes decoded with the wrong code page."""
    raw = text.encode("utf-8")
    if how == "cp1252":
        return raw.decode("cp1252", errors="replace")  # 5 undefined bytes become U+FFFD
    if how == "latin-1":
        return raw.decode("latin-1")  # 0x80-0x9F become C1 control characters
    # C1 controls lost on the way: what a viewer that drops them leaves behind.
    return "".join("\ufffd" if 0x80 <= ord(c) <= 0x9F else c for c in raw.decode("latin-1"))


def check(**fields) -> list:
    """Findings of the check on a one-entry digest built from the default entry with ``fields`` changed."""
    return run_check(NAME, build_digest([make_entry(1, **fields)]))


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_fixtures_are_clean(fixture):
    assert run_check_on_fixture(NAME, fixture) == []


def test_clean_entry():
    assert check() == []


@pytest.mark.parametrize("how", ["cp1252", "latin-1", "lost-c1"])
def test_mojibake_in_the_chinese_abstract(how):
    garbled = garble(DAMAGED, how)
    zh = ZH_HEAD + garbled + ZH_TAIL
    (finding,) = check(abstract_zh=zh)
    assert finding.code == "encoding.mojibake" and finding.severity is Severity.ERROR
    assert finding.line == entry_line(1, 1) + 10 and finding.ref == 1
    start, end = finding.evidence.translation_span
    assert finding.evidence.field == "abstract_zh"
    assert zh[start:end] == finding.evidence.translation
    # The span covers the damage and nothing of the intact Chinese around it.
    assert start == len(ZH_HEAD) and end == len(ZH_HEAD) + len(garbled)


def test_ftfy_repair_is_shown_when_it_works():
    # Every byte of 语言模型 has a cp1252 character, so ftfy can undo the damage.
    (finding,) = check(title_zh="基于" + garble("语言模型", "cp1252") + "的长文本检索")
    assert finding.evidence.field == "title_zh" and "the Chinese title holds mojibake" in finding.message
    assert "it reads '语言模型' when re-decoded" in finding.message


def test_no_repair_is_offered_when_bytes_were_lost():
    (finding,) = check(abstract_zh=ZH_HEAD + garble(DAMAGED, "lost-c1") + ZH_TAIL)
    assert "re-decoded" not in finding.message


def test_intact_ascii_inside_the_damage_joins_the_stretch():
    garbled = garble("在2022年12月ChatGPT发布后", "lost-c1")
    (finding,) = check(abstract_zh=ZH_HEAD + garbled + "。")
    assert finding.evidence.translation == garbled


def test_mojibake_in_the_english_abstract_is_source_evidence():
    en = "We revisit the caf\u00c3\u00a9 problem of Erd\u0151s with a na\u00c3\u00afve approach."
    (finding,) = check(abstract_en=en)
    assert finding.code == "encoding.mojibake" and finding.evidence.field == "abstract_en"
    assert finding.evidence.source == "\u00c3\u00a9" and finding.evidence.translation is None
    assert "1 more stretch" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "Karhunen-Loève 展开与 Erdős–Rényi 随机图",
        "Gödel、Poincaré 与 Müller 在 São Paulo 的工作",
        "复杂度为 Ω(n²)，误差为 ±3.5°，面积为 5×5 µm",
        "naïve 方法与 Ångström 尺度、Zürich 数据集",
        "引号“稀疏注意力”与破折号——以及省略号…",
        "¿Qué? «quote» 和 façade",
    ],
)
def test_real_accents_and_symbols_are_not_mojibake(text):
    assert check(abstract_zh=text + "。") == []
    assert list(mojibake_spans(text)) == []


def test_replacement_characters():
    zh = "我们在\ufffd\ufffd个数据集上评估了该方法，并在\ufffd种语言上测试。"
    (finding,) = check(abstract_zh=zh)
    assert finding.code == "encoding.replacement-char" and finding.severity is Severity.ERROR
    assert finding.evidence.translation_span == (3, 5)
    assert "2 replacement characters" in finding.message


def test_replacement_characters_read_as_gbk():
    (finding,) = check(summary_zh="本文提出锟斤拷锟斤拷一种新方法。")
    assert finding.code == "encoding.replacement-char" and finding.evidence.field == "summary_zh"
    assert finding.evidence.translation == "锟斤拷锟斤拷"


def test_replacement_characters_inside_mojibake_are_not_reported_twice():
    codes = [f.code for f in check(abstract_zh=ZH_HEAD + garble(DAMAGED, "lost-c1") + ZH_TAIL)]
    assert codes == ["encoding.mojibake"]


def test_replacement_characters_outside_mojibake_are_reported():
    zh = ZH_HEAD + garble(DAMAGED, "cp1252") + ZH_TAIL + "共\ufffd项。"
    codes = sorted(f.code for f in check(abstract_zh=zh))
    assert codes == ["encoding.mojibake", "encoding.replacement-char"]


def test_every_field_is_checked():
    bad = garble("注意力", "cp1252")
    fields = ["title_zh", "summary_zh", "abstract_zh", "title_en", "abstract_en"]
    findings = check(**{f: getattr(make_entry(1), f) + bad for f in fields})
    assert sorted(f.evidence.field for f in findings) == sorted(fields)


# --- UTF-8 read as GBK -----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["strict", "replace"])
def test_utf8_read_as_gbk(how):
    source = "稀疏注意力机制显著降低了显存占用" if how == "replace" else "我们的实验结果表明"
    raw = source.encode("utf-8")
    if how == "strict":
        raw = raw[: len(raw) // 2 * 2]  # an even number of bytes, so every pair is a GBK character
    garbled = raw.decode("gbk", errors="replace")
    zh = ZH_HEAD + garbled + ZH_TAIL
    (finding,) = check(abstract_zh=zh)
    assert finding.code == "encoding.mojibake" and "UTF-8 read as GBK" in finding.message
    start, end = finding.evidence.translation_span
    assert start >= len(ZH_HEAD) and end <= len(ZH_HEAD) + len(garbled)
    assert end - start >= len(garbled) * 2 // 3  # most of the damage is inside the span


def test_gbk_repair_is_shown_when_it_works():
    garbled = "实验结果表明".encode("utf-8").decode("gbk")
    (finding,) = check(abstract_zh=ZH_HEAD + garbled + ZH_TAIL)
    assert "it reads '实验结果表明' when re-decoded" in finding.message


@pytest.mark.parametrize(
    "zh",
    [
        "我们研究特级初榨橄榄油的氧化过程，并对棕榈油样本进行了对照实验。",
        "浏览器渲染引擎在多设备上的差异会影响网页生成模型的评估结果。",
        "涓涓细流汇成江河：我们用小样本逐步构建大规模语料。",
    ],
)
def test_real_text_with_rare_characters_is_not_gbk_mojibake(zh):
    assert check(abstract_zh=zh) == []


def test_a_single_garbled_character_is_found():
    garbled = "和".encode("utf-8").decode("cp1252")  # 'å’Œ': too short for ftfy's heuristic alone
    zh = "我们比较了LVLMs" + garbled + "LLMs的表现。"
    (finding,) = check(abstract_zh=zh)
    assert finding.code == "encoding.mojibake" and finding.evidence.translation == garbled
