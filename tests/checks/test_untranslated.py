"""untranslated: English prose left in the Chinese fields; all-English titles and summaries."""

from __future__ import annotations

import pytest

from evalkit.checks.untranslated import prose_runs
from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, entry_line, make_entry

NAME = "untranslated"
HEAD = "低资源语言的机器翻译长期受限于平行语料不足。"
TAIL = "在六个语言对上的实验表明该方法有效。"


def check(**fields) -> list:
    """Findings of the check on a one-entry digest built from the default entry with ``fields`` changed."""
    return run_check(NAME, build_digest([make_entry(1, **fields)]))


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_fixtures_are_clean(fixture):
    assert run_check_on_fixture(NAME, fixture) == []


def test_clean_entry():
    assert check() == []


# --- untranslated.text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "english",
    [
        "In this paper, we propose a retrieval-augmented framework that feeds related sentences to the model.",
        "We show that the gains hold across all language pairs and model sizes.",
        "Experiments on six benchmarks demonstrate the effectiveness of $\\mathcal{L}_{ret}$ for low-resource settings.",
        "contribute to the growing gap between high- and low-resource languages",
        "remains an open problem.",
    ],
)
def test_english_prose_in_the_abstract(english):
    zh = HEAD + english + TAIL
    (finding,) = check(abstract_zh=zh)
    assert finding.code == "untranslated.text" and finding.severity is Severity.ERROR
    assert finding.line == entry_line(1, 1) + 10 and finding.ref == 1
    start, end = finding.evidence.translation_span
    assert finding.evidence.field == "abstract_zh"
    assert zh[start:end] == finding.evidence.translation
    assert english.rstrip(".").startswith(zh[start:end].rstrip("."))


def test_several_stretches_are_one_finding():
    zh = HEAD + "We propose a simple method for this task." + TAIL + "It is easy to implement and fast to train." + "。"
    (finding,) = check(abstract_zh=zh)
    assert "in 2 places" in finding.message


@pytest.mark.parametrize("field", ["title_zh", "summary_zh"])
def test_english_prose_in_title_and_summary(field):
    text = "一种新方法：" + "how to adapt the model to a language that has no parallel data"
    (finding,) = check(**{field: text})
    assert finding.code == "untranslated.text" and finding.evidence.field == field


@pytest.mark.parametrize(
    "zh",
    [
        # names, acronyms and title-cased expansions
        "我们提出了Retrieval-Augmented Translation for Low-Resource Languages（RATLR）框架。",
        "我们在Journal of Machine Learning Research上发表的方法基础上进行改进。",
        "我们比较了GPT-4、Claude 3 Opus、Llama-3-70B-Instruct和Mistral-7B在MMLU上的表现。",
        "我们称之为SEED，即Sample-Efficient adaptation with Error-Driven learning for code generation，并在多个基准上验证。",
        # TeX, code, URLs and citations
        "我们定义损失函数 $\\mathcal{L} = \\sum_{i=1}^{n} \\log p(y_i \\mid x_i)$ 并在验证集上调参。",
        "代码见 https://github.com/example/retrieval-translation/tree/main/src ，数据见附录。",
        "我们调用 torch.nn.functional.cross_entropy 和 model.generate(max_new_tokens=64) 进行训练与推理。",
        "与 Rudy et al., 2017 以及 Smith and Jones (2020) 的结果一致。",
        # quoted English examples are kept on purpose
        "例如提示词“Please answer the question step by step and explain your reasoning”显著提升了准确率。",
        # keyword lists and short terms
        "关键词包括 machine translation, low-resource languages, retrieval augmentation, adapters。",
        "我们使用 a : b :: c : d 形式的类比题。",
    ],
)
def test_latin_script_that_is_not_prose(zh):
    assert check(abstract_zh=zh) == []
    assert list(prose_runs(zh)) == []


# --- untranslated.title / untranslated.summary ---------------------------------------------


def test_title_left_in_english():
    title = "Retrieval-Augmented Translation for Low-Resource Languages"
    (finding,) = check(title_zh=title)
    assert finding.code == "untranslated.title" and finding.severity is Severity.ERROR
    assert finding.line == entry_line(1, 1) and finding.evidence.field == "title_zh"
    assert finding.evidence.source == make_entry(1).title_en


@pytest.mark.parametrize("title", ["GPT-4o", "SQT - std Q-target", "\\textit{MinMaxMin} $Q$-learning", "LLaMA-3"])
def test_title_that_is_only_a_name(title):
    assert check(title_zh=title) == []


def test_summary_in_english():
    summary = "This paper proposes a retrieval-augmented method that improves translation for low-resource languages."
    (finding,) = check(summary_zh=summary)
    assert finding.code == "untranslated.summary" and finding.severity is Severity.ERROR
    assert finding.line == entry_line(1, 1) + 6


def test_abstract_without_chinese_is_left_to_the_language_check():
    assert check(abstract_zh=make_entry(1).abstract_en) == []


def test_other_scripts_are_left_to_the_language_check():
    assert check(title_zh="저자원 언어를 위한 검색 증강 번역") == []
    assert check(summary_zh="Перевод с извлечением для языков с малым количеством ресурсов.") == []


def test_empty_fields_are_left_to_the_structure_checks():
    assert check(summary_zh="", title_zh="") == []
