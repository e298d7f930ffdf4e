"""meaning.comparison: a bound or comparison on a number points the other way in the Chinese."""

from __future__ import annotations

from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, declared_codes, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, make_entry

NAME = "meaning.comparison"
EN_START = "We build a planner for warehouse robots. "
ZH_START = "我们为仓库机器人构建了一个规划器。"
EN_END = " The code is public."
ZH_END = "代码已公开。"


def findings(en: str, zh: str) -> list:
    entry = make_entry(1, abstract_en=EN_START + en + EN_END, abstract_zh=ZH_START + zh + ZH_END)
    return run_check(NAME, build_digest([entry]))


def test_declared_as_warning() -> None:
    assert declared_codes(NAME) == {NAME: Severity.WARNING}


def test_flipped_bound_is_found_on_both_sides() -> None:
    en = "In every test warehouse it needs at most 12 seconds for a full plan."
    zh = "在每个测试仓库中，它至少需要12秒完成一次完整规划。"
    (finding,) = findings(en, zh)
    assert finding.severity == Severity.WARNING and finding.evidence.field == "abstract_zh"
    start, end = finding.evidence.translation_span
    assert (ZH_START + zh + ZH_END)[start:end] == finding.evidence.translation == "至少需要12"
    en_start, en_end = finding.evidence.source_span
    assert (EN_START + en + EN_END)[en_start:en_end] == finding.evidence.source == "at most 12"


def test_flipped_comparison_after_the_number_is_found() -> None:
    (finding,) = findings(
        "The planner succeeds in more than 85% of the trials.",
        "该规划器在85%以下的试验中取得成功。",
    )
    assert finding.evidence.translation == "85%以下"


def test_same_direction_is_quiet() -> None:
    assert findings("It needs at most 12 seconds per plan.", "它每次规划最多需要12秒。") == []
    assert findings("It succeeds in more than 85% of the trials.", "它在超过85%的试验中取得成功。") == []
    assert findings("It succeeds in more than 85% of the trials.", "它在85%以上的试验中取得成功。") == []


def test_other_number_or_both_directions_are_quiet() -> None:
    # the Chinese bound is on another number than the English one
    assert findings("It needs at most 12 seconds for 30 shelves.", "它对至少30个货架最多需要12秒。") == []
    # the English gives both bounds of the same number in one sentence
    en = "Runs take at least 5 minutes and at most 5 hours."
    assert findings(en, "运行至少需要5分钟，至多5小时。") == []


def test_fixtures_are_quiet() -> None:
    for fixture in ALL_FIXTURES:
        assert run_check_on_fixture(NAME, fixture) == [], fixture
