"""terminology.*: glossary violations, dropped acronyms and acronym expansions the English does not give.

Every English and Chinese text here is written for these tests.
"""

from __future__ import annotations

import ast
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

import evalkit
import evalkit.align.lexicon
import evalkit.checks.terminology
from evalkit.checks import all_codes
from evalkit.checks.terminology import (
    chinese_latin_keys,
    english_names,
    find_definitions,
    is_name,
    mask_english,
    spelled_out,
)
from evalkit.checks.terminology.tables import ambiguous_acronyms, known_expansions, not_names, rendered_acronyms
from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, entry_line, make_entry

NAME = "terminology"
EN_FILLER = "We study how translation quality varies across settings and report what we find. "
ZH_FILLER = "我们研究了翻译质量在不同设置下如何变化，并报告了我们的发现。"


def check(en: str, zh: str) -> list:
    """Findings of the terminology check on one entry with this English and Chinese abstract."""
    return run_check(NAME, build_digest([make_entry(1, abstract_en=en, abstract_zh=zh)]))


def codes(en: str, zh: str) -> list[str]:
    return sorted(f.code for f in check(en, zh))


def cut_english(body: str, tail: str) -> str:
    """A 1,000-character English line (the generator's cut): ``body``, filler sentences, the cut ``tail``."""
    line = body
    while len(line) + 1 + len(EN_FILLER) + len(tail) < 1000:
        line += " " + EN_FILLER.strip()
    line += " " * (1000 - len(line) - len(tail)) + tail  # extra spaces, as paragraph breaks leave them
    assert len(line) == 1000
    return line


def long_chinese(text: str) -> str:
    """``text`` after enough filler that the Chinese is not far shorter than a cut English."""
    return text + ZH_FILLER * 7


# --- registration and quiet inputs ----------------------------------------------------------------


def test_codes_and_default_severities():
    codes_ = all_codes()
    assert codes_["terminology.forbidden"].severity is Severity.WARNING
    for code in ("terminology.glossary", "terminology.acronym-dropped", "terminology.invented-expansion"):
        assert codes_[code].severity is Severity.WARNING


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_fixtures_are_clean(fixture):
    assert run_check_on_fixture(NAME, fixture) == []


def test_default_entry_is_clean():
    assert run_check(NAME, build_digest([make_entry(1)])) == []


def test_untranslated_or_empty_chinese_is_left_to_other_checks():
    en = "We propose HiQA, a zero-shot retrieval system."
    assert check(en, "") == []
    assert check(en, "We propose a retrieval system.") == []


# --- terminology.forbidden ------------------------------------------------------------------------


def test_forbidden_rendering_is_reported_with_evidence():
    en = "We study zero-shot transfer of vision models to new domains."
    zh = "我们研究了视觉模型在新领域上的零射击迁移。"
    (finding,) = check(en, zh)
    assert finding.code == "terminology.forbidden" and finding.severity is Severity.WARNING
    assert "零射击" in finding.message and "零样本" in finding.message
    ev = finding.evidence
    assert ev.field == "abstract_zh" and ev.translation == "零射击"
    assert zh[ev.translation_span[0] : ev.translation_span[1]] == "零射击"
    assert en[ev.source_span[0] : ev.source_span[1]] == "zero-shot"
    assert finding.line == entry_line(1, 1) + 10  # the Chinese abstract line


def test_accepted_rendering_is_fine():
    en = "We study zero-shot transfer of vision models to new domains."
    assert check(en, "我们研究了视觉模型在新领域上的零样本迁移。") == []


def test_forbidden_string_that_renders_another_term_of_the_english_is_excused():
    # 政策 is wrong for the "policy" of reinforcement learning, right inside 货币政策
    en = "We model how monetary policy announcements move bond yields, and how the policy is communicated."
    zh = "我们对货币政策公告如何影响债券收益率以及政策如何传达进行建模。"
    assert check(en, zh) == []


def test_ordinary_word_outside_its_field_is_not_held_to_the_glossary():
    en = "We evaluate a new housing policy in three cities and estimate its effect on rents."
    zh = "我们评估了三个城市的一项新住房政策，并估计了其对租金的影响。"
    assert check(en, zh) == []


def test_ordinary_word_inside_its_field_is_only_a_warning():
    en = "We train a reinforcement learning agent whose policy adapts to sparse rewards."
    zh = "我们训练了一个强化学习智能体，其政策能够适应稀疏奖励。"
    (finding,) = check(en, zh)
    assert finding.code == "terminology.forbidden" and finding.severity is Severity.WARNING


def test_forbidden_string_that_translates_another_english_phrase_is_excused():
    en = "Language models often rely on surface language patterns rather than meaning."
    zh = "语言模型往往依赖表面的语言模式而非语义。"
    assert check(en, zh) == []


# --- terminology.glossary -------------------------------------------------------------------------


def test_missing_glossary_rendering_is_a_warning():
    en = "We compress the detector with knowledge distillation and keep its accuracy."
    zh = "我们用知识提炼压缩检测器，并保持了其准确率。"
    (finding,) = check(en, zh)
    assert finding.code == "terminology.glossary" and finding.severity is Severity.WARNING
    assert "knowledge distillation" in finding.message and "知识蒸馏" in finding.message
    assert finding.evidence.translation == zh  # the aligned Chinese sentence


@pytest.mark.parametrize(
    "zh",
    [
        "我们用知识蒸馏压缩检测器，并保持了其准确率。",  # accepted rendering
        "我们用knowledge distillation压缩检测器，并保持了其准确率。",  # English kept
    ],
)
def test_accepted_or_kept_term_is_fine(zh):
    en = "We compress the detector with knowledge distillation and keep its accuracy."
    assert check(en, zh) == []


def test_term_replaced_by_its_acronym_is_fine():
    en = "Deep neural networks are fragile under small input shifts."
    assert check(en, "DNN在输入的微小偏移下很脆弱。") == []


def test_term_inside_a_longer_term_is_judged_as_the_longer_one():
    en = "We speed up Markov chain Monte Carlo sampling for large posteriors."
    zh = "我们加速了针对大型后验的马尔可夫链蒙特卡罗采样。"
    assert check(en, zh) == []
    # "Markov chain" alone is not reported when the longer term lacks its rendering
    found = check(en, "我们加速了针对大型后验的马氏采样。")
    assert [f.evidence.source for f in found if f.code == "terminology.glossary"] == ["Markov chain Monte Carlo"]


def test_small_liberties_with_an_accepted_rendering_are_fine():
    en = "Adversarial attacks on the classifier are blocked by our filter."
    assert check(en, "我们的过滤器能阻止对该分类器的对抗性攻击。") == []  # 对抗攻击 with 性 inserted


def test_ordinary_word_with_a_general_sense_is_not_checked_for_renderings():
    en = "Graph anomaly detection has attracted increasing attention in recent years."
    zh = "近年来，图异常检测受到了越来越多的关注。"
    assert check(en, zh) == []


def test_term_only_in_the_cut_last_sentence_is_not_reported():
    body = "We compress a large detector for mobile devices and keep its accuracy."
    en = cut_english(body, "Our method relies on knowledge distil")
    zh = long_chinese("我们压缩了一个面向移动设备的大型检测器，并保持了其准确率。我们的方法依赖于知识提炼。")
    assert [f for f in check(en, zh) if f.code == "terminology.glossary"] == []


def test_far_too_short_chinese_is_left_to_truncation():
    en = "We compress the detector with knowledge distillation and keep its accuracy. " + EN_FILLER * 6
    assert codes(en, "我们压缩检测器。") == []


# --- terminology.acronym-dropped ------------------------------------------------------------------


def test_acronym_defined_and_used_but_dropped():
    en = (
        "We propose an optimistically tempered (OT) online learning framework. "
        "The OT approach is validated on three benchmarks."
    )
    zh = "我们提出了一种乐观调节的在线学习框架。该方法在三个基准上得到了验证。"
    (finding,) = check(en, zh)
    assert finding.code == "terminology.acronym-dropped" and finding.severity is Severity.WARNING
    assert "'OT'" in finding.message
    ev = finding.evidence
    assert en[ev.source_span[0] : ev.source_span[1]] == "OT"
    assert ev.source_span[0] > en.index("(OT)")  # the use in the second sentence, not the definition
    assert ev.translation == "该方法在三个基准上得到了验证。"


@pytest.mark.parametrize("kept", ["OT", "ot", "Ot"])
def test_acronym_kept_in_any_case_is_fine(kept):
    en = (
        "We propose an optimistically tempered (OT) online learning framework. "
        "The OT approach is validated on three benchmarks."
    )
    zh = f"我们提出了一种乐观调节（{kept}）在线学习框架。该{kept}方法在三个基准上得到了验证。"
    assert check(en, zh) == []


def test_coined_name_dropped():
    en = "We present HiQA, a framework for multi-document question answering over long manuals."
    zh = "我们提出了一个面向长手册的多文档问答框架。"
    (finding,) = check(en, zh)
    assert finding.code == "terminology.acronym-dropped" and "'HiQA'" in finding.message


def test_undefined_acronym_dropped():
    en = "We bound the sample complexity in terms of the VC dimension of the hypothesis class."
    zh = "我们用假设类的维度来界定样本复杂度。"
    (finding,) = check(en, zh)
    assert finding.code == "terminology.acronym-dropped" and "'VC'" in finding.message


def test_known_acronym_dropped_without_its_rendering():
    en = "We explain the predictions of a CNN image classifier with human concepts."
    zh = "我们用人类可理解的概念来解释图像分类器的预测。"
    assert codes(en, zh) == ["terminology.acronym-dropped"]


@pytest.mark.parametrize(
    "en, zh",
    [
        # a common acronym translators render in Chinese
        ("AI systems are now used in hospitals.", "人工智能系统现在已用于医院。"),
        # a known acronym rendered through the glossary rendering of its expansion
        ("We solve PDEs on irregular meshes.", "我们在不规则网格上求解偏微分方程。"),
        # introduced in parentheses and never used again
        (
            "Collaborative filtering (CF) is widely used in recommendation. It learns from past ratings.",
            "协同过滤在推荐中被广泛使用。它从过去的评分中学习。",
        ),
        # the expansion written out at every use
        (
            "Collaborative filtering (CF) is widely used. We improve CF models with graphs.",
            "协同过滤被广泛使用。我们用图改进协同过滤模型。",
        ),
        # plural in the English, singular in the Chinese; a hyphen in one and not the other
        ("LLMs and GPT-4 both fail on this task.", "LLM和GPT4在这项任务上都失败了。"),
        # styled English words are no names
        ("eXplainable models help doctors.", "可解释的模型能帮助医生。"),
        # an acronym the English does not expand, rendered by words that spell it (user equipment)
        ("The model generalizes poorly to different UE configurations.", "该模型对不同的用户设备配置泛化能力差。"),
    ],
)
def test_acronyms_that_are_not_dropped(en, zh):
    assert check(en, zh) == []


def test_acronym_only_in_the_cut_last_sentence_is_not_reported():
    body = "We study streaming estimation of principal subspaces from noisy data."
    en = cut_english(body, "We compare against streaming PC")
    zh = long_chinese("我们研究了从噪声数据中流式估计主子空间的问题。我们与流式方法进行比较。")
    assert [f for f in check(en, zh) if f.code == "terminology.acronym-dropped"] == []


def test_acronym_in_an_untranslated_sentence_is_left_to_coverage():
    en = (
        "We study how translation quality varies across settings. "
        "Our HiQA benchmark holds questions about long technical manuals with many tables."
    )
    zh = "我们研究了翻译质量在不同设置下如何变化。"
    assert [f for f in check(en, zh) if f.code == "terminology.acronym-dropped"] == []


# --- terminology.invented-expansion ---------------------------------------------------------------


def test_invented_expansion_of_a_defined_acronym():
    en = "Large language models (LLMs) are strong reasoners. We test LLMs on arithmetic."
    zh = "大型语言模型是强大的推理者。我们在算术上测试了LLMs（逻辑-概率模型）。"
    found = {f.code: f for f in check(en, zh)}
    finding = found["terminology.invented-expansion"]
    assert finding.severity is Severity.WARNING
    assert "逻辑-概率模型" in finding.message and "large language models" in finding.message.lower()
    assert finding.evidence.translation == "LLMs（逻辑-概率模型）"
    assert "terminology.forbidden" in found  # the glossary forbids that rendering outright


def test_invented_expansion_against_the_usual_meaning():
    en = "We ask whether an LLM can grade essays as well as teachers do."
    zh = "我们探讨了LLM（逻辑推理机）能否像教师一样给作文评分。"
    (finding,) = check(en, zh)
    assert finding.code == "terminology.invented-expansion"
    assert "usually stands for 'large language model'" in finding.message


def test_invented_expansion_before_the_acronym():
    en = "Retrieval-augmented generation (RAG) grounds answers in documents. We make RAG faster."
    zh = "随机图模型（RAG）使回答有文档依据。我们让RAG更快。"
    (finding,) = check(en, zh)  # no terminology.glossary: the Chinese uses the acronym for the term
    assert finding.code == "terminology.invented-expansion"
    assert finding.evidence.translation == "随机图模型（RAG）"


def test_partly_right_expansion_is_not_a_clear_contradiction():
    en = "Retrieval-augmented generation (RAG) grounds answers in documents. We make RAG faster."
    zh = "随机图生成（RAG）使回答有文档依据。我们让RAG更快。"  # 生成 renders "generation"
    assert "terminology.invented-expansion" not in codes(en, zh)


@pytest.mark.parametrize(
    "en, zh",
    [
        # the right expansion, after or before the acronym
        (
            "Retrieval-augmented generation (RAG) grounds answers in documents. We make RAG faster.",
            "RAG（检索增强生成）使回答有文档依据。我们让RAG更快。",
        ),
        (
            "Retrieval-augmented generation (RAG) grounds answers in documents. We make RAG faster.",
            "检索增强生成（RAG）使回答有文档依据。我们让RAG更快。",
        ),
        # examples, not an expansion
        ("LLMs such as GPT-4 can write code.", "LLMs（如GPT-4）能够编写代码。"),
        # the Chinese mirrors an English parenthesis that is no expansion
        ("RNNs (linear and non-linear) struggle with this task.", "RNN（线性和非线性）在这项任务上表现不佳。"),
        # an English-defined acronym rendered by a synonym the dictionary does not know
        (
            "We study human-in-the-loop (HITL) labeling. HITL reduces errors.",
            "我们研究了人工介入（HITL）标注。HITL减少了错误。",
        ),
        # an acronym with no known meaning: nothing to compare with
        ("The XYZ index rose sharply.", "XYZ（某种指数）急剧上升。"),
    ],
)
def test_expansions_that_are_fine(en, zh):
    assert [f for f in check(en, zh) if f.code == "terminology.invented-expansion"] == []


# --- the pieces -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "piece, expected",
    [
        ("PCA", True), ("OT", True), ("HiQA", True), ("ValiTex", True), ("ChatGPT", True), ("SHapley", True),
        ("GPT4", True), ("T5", True), ("LLMs", True), ("NeRFs", True),
        ("The", False), ("Causal", False), ("eXplainable", False), ("AutoEncoder", False), ("LinkedIn", False),
        ("GHz", False), ("III", False), ("3D", False), ("7B", False), ("IN", False), ("CORRECTION", False),
        ("word2vec", False),
    ],
)
def test_is_name(piece, expected):
    assert is_name(piece) is expected


def test_english_names_keys_and_spans():
    text = "LLMs beat older LLM baselines; ChatGPT and Llama2 too. The Model is fine."
    names = english_names(text)
    assert set(names) == {"llm", "chatgpt", "llama2"}
    assert names["llm"].spellings == ("LLMs", "LLM")
    assert [text[a:b] for a, b in names["llm"].spans] == ["LLMs", "LLM"]


def test_definitions_in_both_directions():
    text = "We use retrieval-augmented generation (RAG) and LSTM (long short-term memory) cells."
    found = {d.key: d.long for d in find_definitions(text)}
    assert found == {"rag": "retrieval-augmented generation", "lstm": "long short-term memory"}


def test_definition_long_form_is_the_shortest_that_spells_the_acronym():
    (d,) = find_definitions("Data from a new Metapath-based Semi-supervised Anomaly Detection (MSAD) model.")
    assert d.long == "Metapath-based Semi-supervised Anomaly Detection"


def test_masking_keeps_offsets_and_hides_tex_urls_and_citations():
    text = r"Use $\mathcal{O}(n)$ via \textcolor{RED}{Fast} (ICML 2019), see vaswani2017attention at http://x.org/a."
    masked = mask_english(text)
    assert len(masked) == len(text)
    assert "RED" not in masked and "ICML" not in masked and "vaswani" not in masked and "x.org" not in masked
    assert "Fast" in masked


def test_chinese_latin_keys():
    keys = chinese_latin_keys("基于GPT-4和Llama 2的ReRAM方法（LLMs），CO₂排放")
    assert {"gpt", "gpt4", "llama2", "ram", "reram", "llm", "llms", "co2"} <= keys


def test_spelled_out_needs_words_the_english_does_not_explain():
    en = "The model generalizes poorly to different UE configurations."
    assert spelled_out("ue", en, "该模型对不同的用户设备配置泛化能力差。")
    assert not spelled_out("ue", en, "该模型对不同的配置泛化能力差。")


def test_rendered_acronym_list_stays_small():
    assert len(rendered_acronyms()) < 50 and {"ai", "llm", "nlp", "rl", "qa"} <= rendered_acronyms()


# --- the package: its tables and what it uses of the lexicon -----------------------------------------

PACKAGE = Path(evalkit.checks.terminology.__file__).parent


def test_tables_are_read_once_from_the_package_data():
    assert rendered_acronyms() is rendered_acronyms() and known_expansions() is known_expansions()
    assert known_expansions()["eeg"] == ("electroencephalography", "electroencephalogram")
    assert known_expansions()["llm"] == ("large language model",)
    assert {"pos", "fl"} <= ambiguous_acronyms() <= set(known_expansions())
    assert {"ghz", "iii", "arxiv"} <= not_names()
    assert all(key.islower() or key.isdigit() or not key.isalpha() for key in known_expansions())


def test_table_files_are_package_data():
    pyproject = tomllib.loads((Path(evalkit.__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["evalkit"]
    files = sorted((PACKAGE / "data").iterdir())
    assert len(files) == 5
    for path in files:
        inside = path.relative_to(Path(evalkit.__file__).parent).as_posix()
        assert any(fnmatch(inside, pattern) for pattern in patterns), inside


def test_terminology_uses_only_the_public_lexicon_api():
    public = set(evalkit.align.lexicon.__all__)
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "evalkit.align.lexicon":
                assert id(node) in top_level, f"{path.name}:{node.lineno}: a function-level import of the lexicon"
                assert {a.name for a in node.names} <= public, f"{path.name}:{node.lineno}"
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("glosses", "longest"), f"{path.name}:{node.lineno}: lexicon internals"
