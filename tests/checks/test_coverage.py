"""coverage.omission / coverage.addition: sentences left out of, or added to, the Chinese abstract."""

from __future__ import annotations

import pytest

from evalkit.align import align
from evalkit.records import Severity
from tests.align import GRASP, GRASP_CUT_EN, GRASP_ZH_COMPLETE_PART, SPARSE, TRAFFIC, XRAY, Paper, digest_of
from tests.checks.util import declared_codes, parse, run_check
from tests.digest_builder import entry_line

NAME = "coverage"
UNRELATED_ZH = "此外，作者还计划明年将该系统部署到多家银行的客服中心。"
ABSTRACT_ZH_LINE = 10  # offsets from an entry's first line
ABSTRACT_EN_LINE = 12


def check(paper: Paper, **fields: str) -> list:
    return run_check(NAME, digest_of((paper, fields)))


def codes(findings: list) -> list[tuple[str, Severity]]:
    return [(f.code, f.severity) for f in findings]


@pytest.mark.parametrize("paper", [SPARSE, TRAFFIC, XRAY, GRASP], ids=["sparse", "traffic", "xray", "grasp"])
def test_faithful_translation_has_no_findings(paper):
    assert check(paper) == []


def test_declared_codes():
    assert declared_codes(NAME) == {"coverage.omission": Severity.WARNING, "coverage.addition": Severity.WARNING}


# --- coverage.omission -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "paper,k,severity",
    [
        (SPARSE, 1, Severity.ERROR),  # 24 of SPARSE's 90 words: more than a fifth of the abstract
        (SPARSE, 3, Severity.WARNING),  # 16 of 90
        (TRAFFIC, 1, Severity.WARNING),  # 19 of 100
        (TRAFFIC, 4, Severity.ERROR),  # 22 of 100
        (XRAY, 3, Severity.ERROR),  # 18 of 77
    ],
)
def test_omitted_sentence_is_reported(paper, k, severity):
    (finding,) = check(paper, abstract_zh=paper.zh_with(drop=(k,)))
    assert finding.code == "coverage.omission" and finding.severity is severity
    assert ("English words lost in all" in finding.message) is (severity is Severity.ERROR)
    assert finding.ref == 1 and finding.line == entry_line(1, 1) + ABSTRACT_EN_LINE
    assert f"English sentence {k + 1} has no counterpart" in finding.message
    evidence = finding.evidence
    assert evidence.field == "abstract_en" and evidence.source == paper.en[k]
    a, b = evidence.source_span
    assert paper.abstract_en[a:b] == paper.en[k]


@pytest.mark.parametrize("paper,k", [(SPARSE, 0), (GRASP, 1)])
def test_omitted_sentence_partly_echoed_elsewhere_is_a_warning(paper, k):
    # these sentences share some words with the rest of the Chinese (coverage 0.36 and 0.46)
    (finding,) = check(paper, abstract_zh=paper.zh_with(drop=(k,)))
    assert finding.code == "coverage.omission" and finding.severity is Severity.WARNING
    assert finding.evidence.source == paper.en[k]


def test_a_sentence_merged_away_into_a_two_to_one_bead_is_an_omission():
    # GRASP without sentence 5 ("We transfer the controller ..."): the aligner pairs English 5 and 6 with
    # Chinese 6, which renders sentence 6 and only 14% of sentence 5, and its words recur too little elsewhere
    (finding,) = check(GRASP, abstract_zh=GRASP.zh_with(drop=(4,)))
    assert finding.code == "coverage.omission" and finding.evidence.source == GRASP.en[4]
    assert "rendered by the Chinese sentence aligned with it" in finding.message


def test_no_merged_away_omission_next_to_an_unsure_pair():
    # without sentence 4 the aligner pairs English 4 with Chinese 5 at similarity 0.07 and merges English 5
    # into the next bead: sentence 5 is translated, its Chinese is only paired next door, so it is not reported
    findings = check(GRASP, abstract_zh=GRASP.zh_with(drop=(3,)))
    assert all(f.evidence.source != GRASP.en[4] for f in findings)


def test_omissions_that_together_lose_a_fifth_of_the_english_are_errors():
    # GRASP has 163 words: sentences 2 and 6 (21 and 23 words) lose 27% of them together, 13% alone
    alone = check(GRASP, abstract_zh=GRASP.zh_with(drop=(1,)))
    assert [f.severity for f in alone] == [Severity.WARNING]
    together = check(GRASP, abstract_zh=GRASP.zh_with(drop=(1, 5)))
    assert [f.severity for f in together] == [Severity.ERROR, Severity.ERROR]
    assert all("44 of 163 English words lost in all" in f.message for f in together)


def test_omitted_sentence_whose_words_recur_elsewhere_is_not_reported():
    # "We introduce a dynamic graph model ..." is dropped, but 动态/图/模型 occur in other sentences
    assert check(TRAFFIC, abstract_zh=TRAFFIC.zh_with(drop=(2,))) == []


@pytest.mark.parametrize(
    "extra,reported",
    [
        ("Weather-aware, holiday-adjusted, incident-triggered heuristics underperform.", False),  # 5 words
        ("Weather-aware, holiday-adjusted, incident-triggered rerouting heuristics underperform.", True),  # 6 words
    ],
)
def test_short_untranslated_sentences_are_not_reported(extra, reported):
    english = " ".join(TRAFFIC.en[:2] + (extra,) + TRAFFIC.en[2:])
    findings = check(TRAFFIC, abstract_en=english)
    assert codes(findings) == ([("coverage.omission", Severity.WARNING)] if reported else [])
    if reported:
        assert findings[0].evidence.source == extra and "English sentence 3" in findings[0].message


def test_two_sentences_merged_into_one_are_not_an_omission():
    merged = (
        "我们提出一种动态图模型，在每个时间步根据最近的传感器读数更新边的权重，"
        "并通过一个时间卷积模块捕获每日和每周尺度上的周期性模式。"
    )
    assert check(TRAFFIC, abstract_zh=TRAFFIC.zh_with(replace={2: merged}, drop=(3,))) == []


@pytest.mark.parametrize("paper,k", [(SPARSE, 5), (XRAY, 0)], ids=["last-sentence", "first-sentence"])
def test_dropped_sentence_absorbed_into_a_two_to_one_bead_is_still_an_omission(paper, k):
    # The sentence has (almost) no rendering anywhere in the Chinese: SPARSE's last sentence has
    # coverage 0.0, XRAY's first 0.05. The aligner pairs it with a neighbour in a 2-1 bead, so the
    # check, which only looks at 1-0 links, must not lose it.
    findings = check(paper, abstract_zh=paper.zh_with(drop=(k,)))
    assert codes(findings) == [("coverage.omission", Severity.WARNING)]
    assert findings[0].evidence.source == paper.en[k]


def test_a_dropped_cut_tail_is_an_omission_naming_what_was_lost():
    # the Chinese stops after sentence 7: the cut 8th sentence, 16 words with the failure analysis, is lost
    (finding,) = check(GRASP, abstract_en=GRASP_CUT_EN, abstract_zh=GRASP_ZH_COMPLETE_PART)
    assert finding.code == "coverage.omission" and finding.severity is Severity.WARNING
    assert "the last English sentence (8, cut by the generator) has no counterpart" in finding.message
    assert finding.evidence.source == GRASP_CUT_EN[GRASP_CUT_EN.index("Finally") :]
    assert GRASP_CUT_EN[slice(*finding.evidence.source_span)] == finding.evidence.source


def test_a_short_dropped_cut_tail_is_not_reported():
    # "Finally, we analyze" (3 words) carries too little to report as lost; the first sentence is made
    # longer so that the generator's 1,000-character cut falls right after those words
    first = GRASP.en[0].replace("textiles", "textiles (for example ripe peaches, soft sandwich bread and thin woven cottons)")
    english = " ".join((first, *GRASP.en[1:7])) + " Finally, we analyze"
    assert len(english) == 1000
    (entry,) = parse(digest_of((GRASP, {"abstract_en": english}))).entries
    assert entry.source_truncated
    assert check(GRASP, abstract_en=english, abstract_zh=GRASP_ZH_COMPLETE_PART) == []


def test_a_rendered_cut_tail_is_left_to_the_truncation_checks():
    chinese = GRASP_ZH_COMPLETE_PART + "最后，我们分析了失败案例，发现其中大多数涉及高刚度的物体，该方法显著提高了抓取稳定性。"
    assert check(GRASP, abstract_en=GRASP_CUT_EN, abstract_zh=chinese) == []


def test_the_same_sentence_left_out_of_a_complete_source_is_an_omission():
    (finding,) = check(GRASP, abstract_zh=GRASP_ZH_COMPLETE_PART)
    assert finding.code == "coverage.omission" and finding.evidence.source == GRASP.en[7]


def test_omission_before_the_cut_of_a_truncated_source_is_reported():
    chinese = "".join(GRASP.zh[:5] + GRASP.zh[6:7]) + "最后，我们分析了失败案例，发现其中大多数涉及高刚度的物体。"
    (finding,) = check(GRASP, abstract_en=GRASP_CUT_EN, abstract_zh=chinese)
    assert finding.code == "coverage.omission" and finding.evidence.source == GRASP.en[5]


# --- coverage.addition -----------------------------------------------------------------------------


@pytest.mark.parametrize("paper,k", [(SPARSE, 2), (TRAFFIC, 3), (XRAY, 1), (XRAY, 3)])
def test_inserted_unrelated_sentence_is_reported(paper, k):
    chinese = paper.zh_with(insert={k: UNRELATED_ZH})
    (finding,) = check(paper, abstract_zh=chinese)
    assert finding.code == "coverage.addition" and finding.severity is Severity.WARNING
    assert finding.ref == 1 and finding.line == entry_line(1, 1) + ABSTRACT_ZH_LINE
    assert f"Chinese sentence {k + 1} renders nothing" in finding.message
    evidence = finding.evidence
    assert evidence.field == "abstract_zh" and evidence.translation == UNRELATED_ZH
    a, b = evidence.translation_span
    assert chinese[a:b] == UNRELATED_ZH


def test_inserted_sentence_with_a_few_rendered_words_is_a_warning():
    # 工作 ("work") and 获得 are found in SPARSE's English: coverage 0.25
    note = "值得注意的是，这项工作获得了国家自然科学基金的资助。"
    (finding,) = check(SPARSE, abstract_zh=SPARSE.zh_with(insert={3: note}))
    assert finding.code == "coverage.addition" and finding.severity is Severity.WARNING
    assert finding.evidence.translation == note


@pytest.mark.parametrize(
    "note,reported",
    [("（译文仅供读者参考。）", False), ("（本译文仅供读者参考。）", True)],
    ids=["11-chars", "12-chars"],
)
def test_short_added_sentences_are_not_reported(note, reported):
    # a translator's note renders nothing of the English; it counts from 12 characters on
    chinese = SPARSE.abstract_zh + note
    alignment = align(SPARSE.abstract_en, chinese)
    assert alignment.pairs[-1].kind == "0-1" and alignment.zh_sentence_coverage[-1] == 0.0
    findings = check(SPARSE, abstract_zh=chinese)
    assert codes(findings) == ([("coverage.addition", Severity.WARNING)] if reported else [])


def test_sentence_added_after_the_cut_is_left_to_truncation_fabricated():
    chinese = GRASP_ZH_COMPLETE_PART + "最后，我们分析了失败案例，发现其中大多数涉及高刚度的物体；" + UNRELATED_ZH
    assert [p.kind for p in align(GRASP_CUT_EN, chinese, True).pairs][-1] == "0-1"
    assert check(GRASP, abstract_en=GRASP_CUT_EN, abstract_zh=chinese) == []


def test_sentence_added_at_the_end_of_a_complete_source_is_an_addition():
    (finding,) = check(SPARSE, abstract_zh=SPARSE.abstract_zh + UNRELATED_ZH)
    assert finding.code == "coverage.addition" and finding.evidence.translation == UNRELATED_ZH
    assert "Chinese sentence 7" in finding.message


def test_added_sentence_absorbed_into_a_one_to_two_bead_is_still_an_addition():
    # The added sentence renders nothing of the English (coverage 0.0), but the aligner joins it to the
    # last sentence's translation in a 1-2 bead; the check only looks at 0-1 links and loses it.
    chinese = GRASP_ZH_COMPLETE_PART + "最后，我们分析了失败案例，发现其中大多数涉及高刚度的物体；" + UNRELATED_ZH
    findings = check(GRASP, abstract_zh=chinese)
    assert codes(findings) == [("coverage.addition", Severity.WARNING)]
    assert findings[0].evidence.translation == UNRELATED_ZH


def test_omission_and_addition_together():
    chinese = SPARSE.zh_with(drop=(1,), insert={4: UNRELATED_ZH})
    findings = check(SPARSE, abstract_zh=chinese)
    assert [f.code for f in findings] == ["coverage.omission", "coverage.addition"]


# --- scope -----------------------------------------------------------------------------------------


def test_empty_sides_are_left_to_other_checks():
    assert check(SPARSE, abstract_zh="") == []
    assert check(SPARSE, abstract_en="") == []


def test_findings_name_the_right_entry():
    text = digest_of(SPARSE, (TRAFFIC, {"abstract_zh": TRAFFIC.zh_with(drop=(1,))}), XRAY)
    (finding,) = run_check(NAME, text)
    assert finding.ref == 2 and finding.line == entry_line(2, 3) + ABSTRACT_EN_LINE
    assert finding.evidence.source == TRAFFIC.en[1]
