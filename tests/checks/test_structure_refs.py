"""structure.refs: duplicate-ref, missing-ref, duplicate-link."""

from __future__ import annotations

import pytest

from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, entry_line, make_entry

NAME = "structure.refs"


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_generator_output_has_no_ref_findings(fixture):
    assert run_check_on_fixture(NAME, fixture) == []


def test_duplicate_ref():
    text = build_digest([make_entry(1), make_entry(2), make_entry(3)], refs=[1, 2, 2])
    (finding,) = run_check(NAME, text)
    assert finding.code == "structure.duplicate-ref" and finding.severity is Severity.ERROR
    assert finding.line == entry_line(3, 3) and finding.ref == 2
    assert f"first at line {entry_line(2, 3)}" in finding.message


def test_missing_ref():
    text = build_digest([make_entry(1), make_entry(2), make_entry(3)], refs=[1, 2, 4])
    (finding,) = run_check(NAME, text)
    assert finding.code == "structure.missing-ref" and finding.severity is Severity.WARNING
    assert "[^3]" in finding.message and "[^1]" not in finding.message
    assert finding.line == entry_line(1, 3)


def test_many_missing_refs_are_abbreviated():
    text = build_digest([make_entry(1), make_entry(2)], refs=[1, 20])
    (finding,) = run_check(NAME, text)
    assert finding.message.count("[^") == 10 and finding.message.endswith("…")
    assert "[^2]" in finding.message and "[^12]" not in finding.message


def test_duplicate_link_same_paper_on_another_host():
    twin = make_entry(1, link="https://rss.arxiv.org/abs/2401.10001", title_zh="同一篇论文的另一个链接")
    text = build_digest([make_entry(1), twin])
    (finding,) = run_check(NAME, text)
    assert finding.code == "structure.duplicate-link" and finding.severity is Severity.WARNING
    assert "2401.10001" in finding.message
    assert finding.ref == 2
    assert finding.line == entry_line(2, 2) + 4  # the link line of the repeat


def test_different_papers_are_not_duplicates():
    text = build_digest([make_entry(n) for n in range(1, 6)])
    assert run_check(NAME, text) == []
