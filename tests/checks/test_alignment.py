"""alignment.other-entry / alignment.unrelated: the Chinese abstract is not a translation of its own English."""

from __future__ import annotations

from evalkit.align.similarity import lexical_fit
from evalkit.records import Severity
from tests.align import GRASP, SPARSE, TRAFFIC, XRAY, digest_of
from tests.checks.util import declared_codes, run_check
from tests.digest_builder import entry_line

NAME = "alignment"
ABSTRACT_ZH_LINE = 10


def check(*entries) -> list:
    return run_check(NAME, digest_of(*entries))


def summary(findings: list) -> list[tuple[str, int]]:
    return [(f.code, f.ref) for f in findings]


def test_declared_codes():
    assert declared_codes(NAME) == {"alignment.other-entry": Severity.ERROR, "alignment.unrelated": Severity.ERROR}


def test_faithful_translations_have_no_findings():
    assert check(SPARSE, TRAFFIC, XRAY, GRASP) == []
    assert check(XRAY) == []


# --- alignment.other-entry -------------------------------------------------------------------------


def test_swapped_abstracts_name_each_other():
    findings = check(
        (SPARSE, {"abstract_zh": TRAFFIC.abstract_zh}),
        (TRAFFIC, {"abstract_zh": SPARSE.abstract_zh}),
        XRAY,
    )
    assert summary(findings) == [("alignment.other-entry", 1), ("alignment.other-entry", 2)]
    first, second = findings
    assert first.severity is Severity.ERROR
    assert "translates [^2] (2401.10002)" in first.message
    assert "translates [^1] (2401.10003)" in second.message
    assert first.line == entry_line(1, 3) + ABSTRACT_ZH_LINE
    assert second.line == entry_line(2, 3) + ABSTRACT_ZH_LINE
    assert first.evidence.field == "abstract_zh"
    assert first.evidence.translation == TRAFFIC.abstract_zh[:120]
    assert first.evidence.source == SPARSE.abstract_en[:120]


def test_abstract_copied_from_another_entry():
    # [^3] repeats [^1]'s Chinese abstract: only [^3] is wrong
    findings = check(SPARSE, TRAFFIC, (XRAY, {"abstract_zh": SPARSE.abstract_zh}))
    assert summary(findings) == [("alignment.other-entry", 3)]
    assert "translates [^1]" in findings[0].message


def test_chinese_that_mostly_translates_another_entry():
    # one sentence of SPARSE, then four of XRAY: fit 0.25 to its own English, 0.39 to XRAY's
    mixed = "".join(SPARSE.zh[:1] + XRAY.zh[1:])
    findings = check((SPARSE, {"abstract_zh": mixed}), TRAFFIC, XRAY)
    assert summary(findings) == [("alignment.other-entry", 1)]
    assert "translates [^3]" in findings[0].message


def test_other_entry_needs_a_clear_margin():
    # half SPARSE, half TRAFFIC: both Englishes fit about equally (0.37 vs 0.34) -> nothing to say
    mixed = "".join(SPARSE.zh[:3] + TRAFFIC.zh[3:])
    own, other = lexical_fit(mixed, SPARSE.abstract_en), lexical_fit(mixed, TRAFFIC.abstract_en)
    assert own < 0.38 and abs(own - other) < 0.12
    assert check((SPARSE, {"abstract_zh": mixed}), TRAFFIC) == []


def test_slightly_better_fit_elsewhere_does_not_name_the_other_entry():
    # one SPARSE sentence, then three XRAY ones: 0.26 here, 0.35 to XRAY's English (less than the
    # 0.12 margin better), so the entry is called unrelated rather than XRAY's
    mixed = "".join(SPARSE.zh[:1] + XRAY.zh[2:])
    own, other = lexical_fit(mixed, SPARSE.abstract_en), lexical_fit(mixed, XRAY.abstract_en)
    assert 0 < other - own < 0.12 and other >= 0.30
    assert summary(check((SPARSE, {"abstract_zh": mixed}), TRAFFIC, XRAY)) == [("alignment.unrelated", 1)]


# --- alignment.unrelated ---------------------------------------------------------------------------


def test_translation_of_a_paper_not_in_the_issue_is_unrelated():
    findings = check((SPARSE, {"abstract_zh": GRASP.abstract_zh}), TRAFFIC, XRAY)
    assert summary(findings) == [("alignment.unrelated", 1)]
    finding = findings[0]
    assert finding.severity is Severity.ERROR
    assert "hardly renders its English" in finding.message
    assert finding.line == entry_line(1, 3) + ABSTRACT_ZH_LINE


def test_unrelated_in_a_single_entry_issue():
    (finding,) = check((TRAFFIC, {"abstract_zh": XRAY.abstract_zh}))
    assert finding.code == "alignment.unrelated" and finding.ref == 1


def test_mostly_foreign_chinese_without_its_source_in_the_issue_is_unrelated():
    mixed = "".join(SPARSE.zh[:1] + XRAY.zh[1:])
    assert summary(check((SPARSE, {"abstract_zh": mixed}), TRAFFIC)) == [("alignment.unrelated", 1)]


def test_suspicious_fit_above_the_unrelated_line_is_not_reported():
    # two SPARSE sentences then three XRAY ones: own fit 0.34 (suspicious, but above 0.30) and
    # XRAY's English fits no better
    mixed = "".join(SPARSE.zh[:2] + XRAY.zh[2:])
    assert 0.30 <= lexical_fit(mixed, SPARSE.abstract_en) < 0.38
    assert check((SPARSE, {"abstract_zh": mixed}), TRAFFIC, XRAY) == []


def test_short_texts_are_not_judged():
    short_zh = "本文研究交通流量预测。"  # under 40 characters
    assert check((SPARSE, {"abstract_zh": short_zh}), TRAFFIC) == []
    short_en = "We study traffic."
    assert check((SPARSE, {"abstract_en": short_en}), TRAFFIC) == []
