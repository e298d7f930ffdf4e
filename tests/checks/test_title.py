"""title.other-entry / title.mismatch: the Chinese title does not render its English title."""

from __future__ import annotations

import pytest

from evalkit.align.similarity import lexical_fit, title_fit
from evalkit.records import Severity
from tests.align import GRASP, SPARSE, TRAFFIC, XRAY, digest_of
from tests.checks.util import declared_codes, run_check
from tests.digest_builder import entry_line

NAME = "title"


def check(*entries) -> list:
    return run_check(NAME, digest_of(*entries))


def summary(findings: list) -> list[tuple[str, int]]:
    return [(f.code, f.ref) for f in findings]


def test_declared_codes():
    assert declared_codes(NAME) == {"title.other-entry": Severity.ERROR, "title.mismatch": Severity.WARNING}


def test_faithful_titles_have_no_findings():
    assert check(SPARSE, TRAFFIC, XRAY, GRASP) == []


def test_free_rendering_that_shares_the_abstract_wording_is_fine():
    # not a word-for-word translation, but it reuses the abstract's terms
    assert check((SPARSE, {"title_zh": "长文档摘要中的稀疏注意力机制"}), TRAFFIC) == []


# --- title.other-entry -----------------------------------------------------------------------------


def test_swapped_titles_name_each_other():
    findings = check(
        (SPARSE, {"title_zh": TRAFFIC.title_zh}),
        (TRAFFIC, {"title_zh": SPARSE.title_zh}),
        XRAY,
    )
    assert summary(findings) == [("title.other-entry", 1), ("title.other-entry", 2)]
    first, second = findings
    assert first.severity is Severity.ERROR
    assert f"'{TRAFFIC.title_zh}' is the title of [^2]" in first.message
    assert f"'{SPARSE.title_zh}' is the title of [^1]" in second.message
    assert first.line == entry_line(1, 3) and second.line == entry_line(2, 3)
    assert first.evidence.field == "title_zh"
    assert first.evidence.translation == TRAFFIC.title_zh and first.evidence.source == SPARSE.title_en


def test_title_copied_from_another_entry():
    findings = check(SPARSE, TRAFFIC, (XRAY, {"title_zh": TRAFFIC.title_zh}))
    assert summary(findings) == [("title.other-entry", 3)]
    assert "is the title of [^2]" in findings[0].message


# --- title.mismatch --------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["基于扩散模型的蛋白质结构生成", "面向科研论文的自动综述"])
def test_title_of_no_entry_is_a_mismatch(title):
    findings = check((SPARSE, {"title_zh": title}), TRAFFIC, XRAY)
    assert summary(findings) == [("title.mismatch", 1)]
    finding = findings[0]
    assert finding.severity is Severity.WARNING
    assert "renders little of the English title" in finding.message
    assert finding.evidence.translation == title and finding.evidence.source == SPARSE.title_en


def test_mismatch_in_a_single_entry_issue():
    (finding,) = check((TRAFFIC, {"title_zh": "基于扩散模型的蛋白质结构生成"}))
    assert finding.code == "title.mismatch"


def test_weak_but_related_title_is_not_a_mismatch():
    # renders no English title word, but its wording comes from the abstract (fit 0.11)
    title = "关于路由器的若干讨论"
    assert lexical_fit(title, SPARSE.title_en) < 0.1
    assert 0.1 <= title_fit(title, SPARSE.title_en, SPARSE.abstract_zh) < 0.2
    assert check((SPARSE, {"title_zh": title}), TRAFFIC) == []


# --- scope -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["", "Routed Sparse Attention for Long-Document Summarization", "稀 Attention"])
def test_empty_or_untranslated_titles_are_left_to_other_checks(title):
    assert check((SPARSE, {"title_zh": title}), TRAFFIC) == []
