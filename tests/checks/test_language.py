"""language: Chinese fields in another language or script (error) or in Traditional characters (warning)."""

from __future__ import annotations

import pytest

from evalkit.checks.language import PAIRS, SIMPLIFIED_CHARS, TRADITIONAL_CHARS
from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, entry_line, make_entry

NAME = "language"

JAPANESE = "本研究では、低資源言語の機械翻訳のために検索拡張手法を提案する。実験により、その有効性を示した。"
KOREAN = "본 연구에서는 저자원 언어의 기계 번역을 위한 검색 증강 방법을 제안한다. 실험 결과 그 효과를 확인하였다."
RUSSIAN = "Мы предлагаем метод перевода с извлечением для языков с малым количеством ресурсов и показываем его эффективность."
TRADITIONAL = "我們提出一種檢索增強的翻譯方法，這個方法對於低資源語言的機器翻譯有顯著的幫助，實驗結果證明了它的效果。"
SIMPLIFIED = "我们提出一种检索增强的翻译方法，这个方法对于低资源语言的机器翻译有显著的帮助，实验结果证明了它的效果。"


def check(**fields) -> list:
    """Findings of the check on a one-entry digest built from the default entry with ``fields`` changed."""
    return run_check(NAME, build_digest([make_entry(1, **fields)]))


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_fixtures_are_clean(fixture):
    assert run_check_on_fixture(NAME, fixture) == []


def test_clean_entry():
    assert check() == []
    assert check(abstract_zh=SIMPLIFIED) == []


# --- language.wrong ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "language"), [(JAPANESE, "Japanese"), (KOREAN, "Korean"), (RUSSIAN, "Cyrillic")])
def test_abstract_in_another_script(text, language):
    (finding,) = check(abstract_zh=text)
    assert finding.code == "language.wrong" and finding.severity is Severity.ERROR
    assert finding.line == entry_line(1, 1) + 10 and finding.ref == 1
    assert language in finding.message
    assert finding.evidence.field == "abstract_zh" and finding.evidence.translation_span == (0, len(text))


@pytest.mark.parametrize("field", ["title_zh", "summary_zh"])
def test_title_and_summary_in_another_script(field):
    (finding,) = check(**{field: KOREAN})
    assert finding.code == "language.wrong" and finding.evidence.field == field


@pytest.mark.parametrize(
    "zh",
    [
        # a quoted Japanese or Korean name inside Chinese is not a change of language
        "我们在日语数据集「やさしい日本語」和韩语语料「한국어」上评估了该方法，结果表明检索增强对低资源语言的提升尤为明显。",
        "我们引用了 Колмогоров 的经典结果，并将其推广到高维情形，证明了新的收敛速率与误差界。",
        # katakana-style marks used in Chinese text
        "该方法在「检索・翻译」两阶段框架中实现，性能优于基线。",
    ],
)
def test_a_few_foreign_letters_are_fine(zh):
    assert check(abstract_zh=zh) == []


def test_abstract_left_in_english():
    en = make_entry(1).abstract_en
    (finding,) = check(abstract_zh=en)
    assert finding.code == "language.wrong" and "left in English" in finding.message


def test_abstract_in_another_latin_language():
    zh = "Predlažemo novu metodu prevođenja za jezike sa malo resursa i pokazujemo njenu efikasnost na šest parova."
    (finding,) = check(abstract_zh=zh)
    assert finding.code == "language.wrong" and "another Latin-script language" in finding.message


def test_abstract_with_only_the_arxiv_id():
    (finding,) = check(abstract_zh="arXiv:2501.04321v1")
    assert finding.code == "language.wrong" and "no Chinese at all" in finding.message


def test_empty_abstract_is_left_to_translation_empty():
    assert check(abstract_zh="") == []


def test_english_title_is_left_to_untranslated():
    assert check(title_zh=make_entry(1).title_en) == []


# --- language.traditional ------------------------------------------------------------------


@pytest.mark.parametrize("field", ["title_zh", "summary_zh", "abstract_zh"])
def test_traditional_chinese(field):
    (finding,) = check(**{field: TRADITIONAL})
    assert finding.code == "language.traditional" and finding.severity is Severity.WARNING
    assert finding.evidence.field == field
    start, end = finding.evidence.translation_span
    assert TRADITIONAL[start:end] == finding.evidence.translation


def test_a_stray_traditional_character_is_fine():
    assert check(abstract_zh="我们提出一种检索增强的翻译方法，於低资源语言上显著优于基线，实验结果证明了它的效果。") == []


def test_the_character_table_is_consistent():
    assert all(len(pair) == 2 and pair[0] != pair[1] for pair in PAIRS)
    assert not set(TRADITIONAL_CHARS) & set(SIMPLIFIED_CHARS)
