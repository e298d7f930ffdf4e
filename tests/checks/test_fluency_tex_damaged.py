"""fluency.tex-damaged: TeX math of the English broken in the Chinese (``\\ alpha``, ``$f（x）$``)."""

from __future__ import annotations

from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, declared_codes, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, make_entry

NAME = "fluency.tex-damaged"


def findings(en: str, zh: str) -> list:
    return run_check(NAME, build_digest([make_entry(1, abstract_en=en, abstract_zh=zh)]))


def test_declared_as_warning() -> None:
    assert declared_codes(NAME) == {NAME: Severity.WARNING}


def test_space_inside_a_command_is_found_with_its_span() -> None:
    en = r"We bound the drift by $\alpha_t \leq \beta$ for every step."
    zh = r"我们对每一步用 $ \ alpha_t \ leq \beta $ 约束漂移。"
    (finding,) = findings(en, zh)
    assert finding.severity == Severity.WARNING and finding.evidence.field == "abstract_zh"
    start, end = finding.evidence.translation_span
    assert zh[start:end] == r"\ alpha"
    assert "2" in finding.message  # both damaged commands are counted


def test_cut_command_name_is_found() -> None:
    # the Chinese keeps only the start of \epsilon, after an inserted space
    en = r"The error decays as $O(1/\epsilon)$ in the worst case."
    zh = r"在最坏情况下误差以 $O(1/\ ep)$ 衰减。"
    (finding,) = findings(en, zh)
    assert finding.evidence.translation == r"\ ep"


def test_full_width_punctuation_inside_math_is_found() -> None:
    en = r"The density $q(s,t)$ is smooth."
    zh = r"密度 $q（s，t）$ 是光滑的。"
    (finding,) = findings(en, zh)
    start, end = finding.evidence.translation_span
    assert zh[start:end] == r"$q（s，t）$"


def test_intact_math_is_quiet() -> None:
    en = r"We bound the drift by $\alpha_t \leq \beta$ and the density $q(s,t)$."
    zh = r"我们用 $\alpha_t \leq \beta$ 约束漂移，并给出密度 $q(s,t)$。"
    assert findings(en, zh) == []


def test_control_space_the_english_also_has_is_quiet() -> None:
    en = r"The cost is $a\ b$ per unit."
    zh = r"每单位成本为 $a\ b$。"
    assert findings(en, zh) == []


def test_dollar_amounts_with_chinese_between_are_quiet() -> None:
    en = "Prices fell from $5 to $3 over the year."
    zh = "一年内价格从 $5（约合人民币）降到 $3。"
    assert findings(en, zh) == []


def test_fixtures_are_quiet() -> None:
    for fixture in ALL_FIXTURES:
        assert run_check_on_fixture(NAME, fixture) == [], fixture
