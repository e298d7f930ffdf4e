"""structure.empty-field: titles, link and English abstract must not be empty."""

from __future__ import annotations

import pytest

from evalkit.pipeline import score
from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, entry_line, make_entry

NAME = "structure.empty-field"


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_generator_output_has_no_empty_field(fixture):
    # v0 has no summary paragraph and every v1 fixture has an empty English summary: neither counts
    assert run_check_on_fixture(NAME, fixture) == []


@pytest.mark.parametrize(
    "field, offset, label",
    [
        ("title_zh", 0, "Chinese title"),
        ("title_en", 2, "English title"),
        ("link", 4, "link"),
        ("abstract_en", 12, "English abstract"),
    ],
)
def test_each_required_field(field, offset, label):
    text = build_digest([make_entry(1), make_entry(2, **{field: ""})])
    # the emptied entry is [^1] (higher link sorts first) unless the link itself was emptied
    k = 2 if field == "link" else 1
    (finding,) = run_check(NAME, text)
    assert finding.code == NAME and finding.severity is Severity.ERROR
    assert finding.line == entry_line(k, 2) + offset
    assert finding.ref == k
    assert f"the {label} is empty" in finding.message
    assert finding.evidence.field == field


def test_whitespace_only_counts_as_empty():
    text = build_digest([make_entry(1, title_en="   ")])
    (finding,) = run_check(NAME, text)
    assert finding.evidence.field == "title_en"


def test_empty_chinese_abstract_is_not_this_checks_business():
    assert run_check(NAME, build_digest([make_entry(1, abstract_zh="")])) == []


def test_v0_entry_without_summary_paragraphs_is_complete():
    assert run_check(NAME, build_digest([make_entry(1, layout="v0", summary_zh="")])) == []


def test_empty_chinese_summary_is_reported_by_some_check(write_file):
    """structure.empty-field or a dedicated summary check: an empty v1 summary does not pass silently."""
    run = score([write_file("d.md", build_digest([make_entry(1, summary_zh="")]))])
    (entry,) = run.issues[0].entries
    summary_findings = [f for f in entry.findings if f.line == entry.entry.lines["summary_zh"]]
    assert summary_findings and all(f.severity is not Severity.INFO for f in summary_findings)


def test_several_empty_fields_give_several_findings():
    text = build_digest([make_entry(1, title_zh="", abstract_en="")])
    assert sorted(f.evidence.field for f in run_check(NAME, text)) == ["abstract_en", "title_zh"]
