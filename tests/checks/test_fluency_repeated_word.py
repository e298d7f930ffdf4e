"""fluency.repeated-word: a Chinese word doubled back to back where the English says it once."""

from __future__ import annotations

from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, declared_codes, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, make_entry

NAME = "fluency.repeated-word"
EN = "Without human supervision, the planner still has strong generalisation on unseen maps."


def findings(zh: str, en: str = EN, field: str = "abstract_zh") -> list:
    english_field = "title_en" if field == "title_zh" else "abstract_en"
    return run_check(NAME, build_digest([make_entry(1, **{field: zh, english_field: en})]))


def test_declared_as_warning() -> None:
    assert declared_codes(NAME) == {NAME: Severity.WARNING}


def test_doubled_word_is_found_with_its_exact_span() -> None:
    zh = "在缺少人工监督监督的情况下，该规划器对未见过的地图仍具有很强的泛化能力。"
    (finding,) = findings(zh)
    assert finding.code == NAME and finding.severity == Severity.WARNING
    start, end = finding.evidence.translation_span
    assert finding.evidence.field == "abstract_zh"
    assert zh[start:end] == "监督监督"


def test_doubled_function_word_and_title() -> None:
    zh = "在缺少人工监督的情况下，该规划器对未见过的地图仍具有具有很强的泛化能力。"
    (finding,) = findings(zh)
    assert finding.evidence.translation == "具有具有"
    (title,) = findings("面向未知地图地图的规划方法", en="Planning for Unseen Maps", field="title_zh")
    assert title.evidence.field == "title_zh" and title.evidence.translation == "地图地图"


def test_single_copy_is_quiet() -> None:
    assert findings("在缺少人工监督的情况下，该规划器对未见过的地图仍具有很强的泛化能力。") == []


def test_copies_belonging_to_two_words_are_quiet() -> None:
    # 多语言|语言模型 and 人工智能|智能体: each copy is part of another word.
    en = "Multilingual language models let artificial intelligence agents plan."
    assert findings("多语言语言模型让人工智能智能体能够进行规划。", en=en) == []


def test_noun_then_verb_is_quiet() -> None:
    # "this study studies ..." and "the limit limits ...": a noun, then the same word as a verb.
    en = "This work examines planners. The limitation restricts their use."
    assert findings("本研究研究了规划器。这一限制限制了它们的使用。", en=en) == []


def test_repeat_that_the_english_also_makes_is_quiet() -> None:
    en = "We study learning to learn with planners."
    assert findings("我们研究了规划器的学习学习问题。", en=en) == []
    en = "We list the unknown unknowns of planners."
    assert findings("我们列出了规划器的未知未知。", en=en) == []


def test_listed_reduplication_and_single_characters_are_quiet() -> None:
    en = "The planner visits the rooms one by one and often stops."
    assert findings("规划器一个一个地访问房间，并且常常停下。", en=en) == []


def test_fixtures_are_quiet() -> None:
    for fixture in ALL_FIXTURES:
        assert run_check_on_fixture(NAME, fixture) == [], fixture
