"""structure.table-mismatch: the summary table and the detail entries must agree."""

from __future__ import annotations

import pytest

from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, entry_line, make_entry

NAME = "structure.table-mismatch"


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_generator_output_has_no_mismatch(fixture):
    # includes S1 (suffix only in the detail line), v0 (summary only in the table) and "|" in cells
    assert run_check_on_fixture(NAME, fixture) == []


def _two() -> str:
    return build_digest([make_entry(1), make_entry(2)])


def test_different_link_in_the_table():
    text = _two().replace("(https://arxiv.org/abs/2401.10001) |", "(https://arxiv.org/abs/2401.19999) |", 1)
    (finding,) = run_check(NAME, text)
    assert finding.code == NAME and finding.severity is Severity.WARNING
    assert finding.line == 6 and finding.ref == 2
    assert "link" in finding.message
    assert finding.evidence.source == "https://arxiv.org/abs/2401.19999"
    assert finding.evidence.translation == "https://arxiv.org/abs/2401.10001"


def test_different_title_in_the_table():
    text = _two().replace("[Retrieval-Augmented Translation for Low-Resource Languages, Part 2](", "[Another Title](", 1)
    (finding,) = run_check(NAME, text)
    assert finding.line == 5 and finding.ref == 1 and "title" in finding.message
    assert finding.evidence.field == "title"


def test_title_whitespace_and_s1_suffix_do_not_count():
    text = _two().replace("Part 2](", "Part  2](", 1)  # doubled space in the table title
    assert run_check(NAME, text) == []


def test_different_summary_in_the_table():
    text = _two()
    summary = make_entry(1).summary_zh
    first_row = text.index(f"| {summary} |")
    text = text[:first_row] + "| 被编辑过的摘要。 |" + text[first_row + len(summary) + 4 :]
    (finding,) = run_check(NAME, text)
    assert finding.ref == 1 and "summary" in finding.message
    assert finding.evidence.source == "被编辑过的摘要。"


def test_row_without_entry_and_entry_without_row():
    text = _two()
    lines = text.split("\n")
    lines[4] = lines[4].replace("[^1]", "[^7]", 1)  # the row for [^1] now claims [^7]
    findings = run_check(NAME, "\n".join(lines))
    messages = sorted(f.message for f in findings)
    assert messages == ["entry [^1] has no row in the summary table", "table row [^7] has no detail entry"]
    by_message = {f.message: f for f in findings}
    assert by_message["table row [^7] has no detail entry"].line == 5
    assert by_message["entry [^1] has no row in the summary table"].line == entry_line(1, 2)


def test_entries_with_an_empty_table_are_reported():
    """The table header is there but every row is gone: each entry lacks its row."""
    text = "\n".join(line for line in _two().split("\n") if not line.startswith("| [^"))
    findings = run_check(NAME, text)
    assert sorted(f.ref for f in findings) == [1, 2]
