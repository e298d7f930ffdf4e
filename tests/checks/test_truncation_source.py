"""truncation.source: the English line was cut at the generator's 1,000 characters."""

from __future__ import annotations

import pytest

from evalkit.records import Severity
from tests.checks.util import run_check, run_check_on_fixture
from tests.digest_builder import build_digest, entry_line, make_entry, s3_abstract

NAME = "truncation.source"
LONG = "Pretraining data decides much of what a model can do, and filtering it is cheap. " * 20


def test_fixture_with_one_cut_line():
    (finding,) = run_check_on_fixture(NAME, "v1_s3.md")
    assert finding.code == NAME and finding.severity is Severity.INFO
    assert finding.ref == 2 and finding.line == 37  # the English abstract line of [^2]
    assert "cut at 1000 characters" in finding.message
    assert finding.message.endswith("disproporti'")
    assert finding.evidence.field == "abstract_en"
    start, end = finding.evidence.source_span
    assert end - start == 40 and finding.evidence.source.endswith("disproporti")


@pytest.mark.parametrize("fixture", ["v1_s1.md", "v1_s2.md", "v0.md", "hazards.md", "mixed.md", "empty.md"])
def test_complete_abstracts_are_not_cut(fixture):
    assert run_check_on_fixture(NAME, fixture) == []


def test_s1_line_of_exactly_1000_characters():
    text = build_digest([make_entry(1, abstract_en=LONG[:1000])])
    (finding,) = run_check(NAME, text)
    assert finding.line == entry_line(1, 1) + 12


def test_s3_prefix_counts_towards_the_1000():
    line = s3_abstract("2402.01234", 1, "new", LONG)[:1000]
    (finding,) = run_check(NAME, build_digest([make_entry(1, abstract_en=line)]))
    assert "cut at 1000" in finding.message
    short = s3_abstract("2402.01234", 1, "new", LONG[:940].rstrip() + ".")
    assert len(short) < 1000
    assert run_check(NAME, build_digest([make_entry(1, abstract_en=short)])) == []


def test_joined_hyphen_break_after_the_cut():
    text = build_digest([make_entry(1, abstract_en=LONG[:998])])  # ends mid-word at 998
    (finding,) = run_check(NAME, text)
    assert "cut at 998 characters" in finding.message
