"""summary.*: the one-line summary is empty, describes another entry, differs from the table, or invents numbers."""

from __future__ import annotations

import pytest

from evalkit.records import Severity
from tests.align import GRASP, SPARSE, TRAFFIC, XRAY, digest_of, paper_entry
from tests.checks.util import declared_codes, run_check
from tests.digest_builder import build_digest, entry_line

NAME = "summary"
SUMMARY_LINE = 6  # offset of the summary paragraph from an entry's first line


def check(*entries) -> list:
    return run_check(NAME, digest_of(*entries))


def summary(findings: list) -> list[tuple[str, int]]:
    return [(f.code, f.ref) for f in findings]


def with_table_cell(text: str, old: str, new: str) -> str:
    """``text`` with the table's summary cell ``old`` (first occurrence, in the table) replaced by ``new``."""
    table, details = text.split("\n# 详细\n", 1)
    assert table.count(f") | {old} |") == 1
    return table.replace(f") | {old} |", f") | {new} |") + "\n# 详细\n" + details


def table_row_line(ref: int) -> int:
    return 4 + ref


def test_declared_codes():
    assert declared_codes(NAME) == {
        "summary.empty": Severity.ERROR,
        "summary.other-entry": Severity.ERROR,
        "summary.table-differs": Severity.WARNING,
        "summary.numbers": Severity.WARNING,
    }


def test_faithful_summaries_have_no_findings():
    assert check(SPARSE, TRAFFIC, XRAY, GRASP) == []


# --- summary.empty ---------------------------------------------------------------------------------


def test_empty_summary_is_an_error():
    findings = check(SPARSE, (TRAFFIC, {"summary_zh": ""}))
    assert summary(findings) == [("summary.empty", 2)]  # nothing else is judged for that entry
    assert findings[0].severity is Severity.ERROR
    assert findings[0].line == entry_line(2, 2) + SUMMARY_LINE


def test_v0_entries_have_no_summary_paragraph_to_check():
    text = build_digest([paper_entry(SPARSE, layout="v0", summary_zh="")])
    assert run_check(NAME, text) == []


# --- summary.other-entry ---------------------------------------------------------------------------


def test_swapped_summaries_name_each_other():
    findings = check(
        (SPARSE, {"summary_zh": TRAFFIC.summary_zh}),
        (TRAFFIC, {"summary_zh": SPARSE.summary_zh}),
        XRAY,
    )
    assert summary(findings) == [("summary.other-entry", 1), ("summary.other-entry", 2)]
    first, second = findings
    assert first.severity is Severity.ERROR
    assert "the summary paragraph describes [^2]" in first.message
    assert "the summary paragraph describes [^1]" in second.message
    assert first.line == entry_line(1, 3) + SUMMARY_LINE
    assert first.evidence.field == "summary_zh" and first.evidence.translation == TRAFFIC.summary_zh


def test_summary_copied_from_another_entry():
    findings = check(SPARSE, TRAFFIC, (XRAY, {"summary_zh": SPARSE.summary_zh}))
    assert summary(findings) == [("summary.other-entry", 3)]
    assert "describes [^1]" in findings[0].message


def test_loose_summary_of_no_entry_is_not_named_after_another():
    # shares little wording with any abstract: nothing to attribute it to
    loose = "一篇关于模型效率的有趣论文。"
    assert check((SPARSE, {"summary_zh": loose}), TRAFFIC, XRAY) == []


def test_vague_summary_slightly_closer_to_another_entry_is_not_attributed():
    # shares 城市/规划 with TRAFFIC's abstract, which is not enough of a margin to call it TRAFFIC's
    vague = "这是一篇有趣的论文，与城市规划有关。"
    assert check((SPARSE, {"summary_zh": vague}), TRAFFIC, XRAY) == []


def test_correct_summaries_survive_swapped_abstracts():
    # The Chinese abstracts of [^1] and [^3] are swapped (alignment.other-entry's business). Each
    # summary still renders its own English, so it must not be attributed to the entry that now holds
    # the Chinese abstract it was written from.
    findings = check(
        (SPARSE, {"abstract_zh": XRAY.abstract_zh}),
        TRAFFIC,
        (XRAY, {"abstract_zh": SPARSE.abstract_zh}),
    )
    assert findings == []


# --- summary.table-differs -------------------------------------------------------------------------


def test_table_cell_reworded():
    text = with_table_cell(digest_of(SPARSE, TRAFFIC), SPARSE.summary_zh, "本文提出路由稀疏注意力，使长文档摘要更准确、更省内存。")
    findings = run_check(NAME, text)
    assert summary(findings) == [("summary.table-differs", 1)]
    finding = findings[0]
    assert finding.severity is Severity.WARNING
    assert finding.line == table_row_line(1)
    assert finding.evidence.source.startswith("本文提出路由稀疏注意力")
    assert finding.evidence.translation == SPARSE.summary_zh


def test_table_cell_of_another_entry():
    text = with_table_cell(digest_of(SPARSE, TRAFFIC, XRAY), SPARSE.summary_zh, TRAFFIC.summary_zh)
    findings = run_check(NAME, text)
    assert summary(findings) == [("summary.table-differs", 1), ("summary.other-entry", 1)]
    other = findings[1]
    assert "the table summary describes [^2]" in other.message
    assert other.line == table_row_line(1)


def test_table_cell_matching_the_paragraph_is_fine():
    text = digest_of(SPARSE, TRAFFIC)
    assert with_table_cell(text, SPARSE.summary_zh, SPARSE.summary_zh) == text
    assert run_check(NAME, text) == []


def test_empty_table_cell_is_not_a_difference():
    text = with_table_cell(digest_of(SPARSE, TRAFFIC), TRAFFIC.summary_zh, "")
    assert run_check(NAME, text) == []


# --- summary.numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "该方法将ROUGE-L提高了1.8分，内存占用降低45%。",  # both numbers in both abstracts
        "该方法可处理16,000个词元的长输入。",  # thousands separator
    ],
    ids=["decimal-and-percent", "thousands-separator"],
)
def test_numbers_found_in_the_abstracts_are_fine(text):
    assert check((SPARSE, {"summary_zh": text})) == []


def test_number_only_in_the_english_is_fine():
    english = SPARSE.abstract_en.replace("three scientific", "3 scientific")
    assert check((SPARSE, {"abstract_en": english, "summary_zh": "该方法在3个科学摘要基准上表现最佳。"})) == []


def test_number_only_in_the_chinese_abstract_is_fine():
    chinese = SPARSE.abstract_zh.replace("三个科学文献", "3个科学文献")
    assert check((SPARSE, {"abstract_zh": chinese, "summary_zh": "该方法在3个科学摘要基准上表现最佳。"})) == []


def test_number_in_neither_abstract_is_a_warning():
    findings = check((SPARSE, {"summary_zh": "该方法将ROUGE-L提高了2.6分，推理速度提升了1.8倍。"}))
    assert summary(findings) == [("summary.numbers", 1)]
    finding = findings[0]
    assert finding.severity is Severity.WARNING
    assert "states 2.6" in finding.message
    assert finding.evidence.translation == "2.6"
    assert finding.line == entry_line(1, 1) + SUMMARY_LINE


def test_only_the_first_invented_number_is_reported():
    findings = check((TRAFFIC, {"summary_zh": "该模型将误差降低了9.5%，训练速度提高了4倍。"}))
    assert summary(findings) == [("summary.numbers", 1)]
    assert "states 9.5" in findings[0].message


def test_invented_number_is_judged_per_entry():
    # 7.2 belongs to TRAFFIC's abstracts, not to SPARSE's
    findings = check((SPARSE, {"summary_zh": "该方法将误差降低了7.2%。"}), TRAFFIC)
    assert summary(findings) == [("summary.numbers", 1)]


def test_full_width_thousands_separator_in_the_summary():
    # "16，000" is 16,000 written with a full-width comma (docs/format.md §13); the check already
    # drops "，" from the Chinese abstract, and must read the summary the same way
    assert check((SPARSE, {"summary_zh": "该方法可处理16，000个词元的长输入。"})) == []


@pytest.mark.parametrize(
    "text",
    [
        "该方法可处理1.6万个词元的长输入。",  # 1.6万 = 16,000
        "该方法在3个科学摘要基准上优于基线。",  # English "three", Chinese "三个"
    ],
    ids=["wan-magnitude", "number-word"],
)
def test_numbers_written_differently_in_the_abstracts(text):
    # the value is in both abstracts, only written another way (docs/format.md §13: compare numbers
    # after normalising 万/亿 against K/M/B and number words); evalkit.text.numbers does this
    assert check((SPARSE, {"summary_zh": text})) == []
