"""translation.empty: the Chinese abstract is missing."""

from __future__ import annotations

import pytest

from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, entry_line, make_entry

NAME = "translation.empty"


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_fixtures_have_translations(fixture):
    assert run_check_on_fixture(NAME, fixture) == []


@pytest.mark.parametrize("empty", ["", "   "])
def test_empty_chinese_abstract(empty):
    entry = make_entry(1, abstract_zh=empty)
    (finding,) = run_check(NAME, build_digest([entry]))
    assert finding.code == NAME and finding.severity is Severity.ERROR
    assert finding.line == entry_line(1, 1) + 10
    assert finding.ref == 1
    assert f"{len(entry.abstract_en)} characters of English untranslated" in finding.message
    assert finding.evidence.field == "abstract_zh"
    assert finding.evidence.source == entry.abstract_en[:200]


def test_v0_entry_line():
    text = build_digest([make_entry(1, layout="v0", abstract_zh="")])
    (finding,) = run_check(NAME, text)
    assert finding.line == entry_line(1, 1, "v0") + 6


def test_one_character_is_not_empty():
    assert run_check(NAME, build_digest([make_entry(1, abstract_zh="无。")])) == []
