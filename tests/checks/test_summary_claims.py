"""summary.unsupported-claim: the summary claims novelty, superiority, significance or results no abstract makes."""

from __future__ import annotations

import pytest

from evalkit.checks.summary_claims import claim_classes
from evalkit.records import Severity
from tests.align import GRASP, SPARSE, TRAFFIC, XRAY, Paper, digest_of
from tests.checks.util import declared_codes, parse, run_check

NAME = "summary.unsupported-claim"

#: An invented paper whose abstract describes a method and reports no result at all.
CODEC = Paper(
    title_en="Recurrent Packet Loss Concealment for Mobile Speech Codecs",
    title_zh="面向移动语音编解码器的循环丢包隐藏",
    summary_zh="本文提出一种用轻量级循环解码器预测缺失帧的丢包隐藏模型，可在移动CPU上实时运行。",
    en=(
        "Speech codecs used in video calls degrade badly when the network drops packets.",
        "We propose a packet loss concealment model that predicts the missing frames from the surrounding audio with a lightweight recurrent decoder.",
        "The model runs in real time on a single mobile CPU core.",
    ),
    zh=(
        "视频通话中使用的语音编解码器在网络丢包时质量严重下降。",
        "我们提出一种丢包隐藏模型，用轻量级循环解码器根据前后音频预测缺失的帧。",
        "该模型可在单个移动CPU核心上实时运行。",
    ),
)
BASE_SUMMARY = CODEC.summary_zh


def findings_for(summary_zh: str, **changes: str) -> list:
    return run_check(NAME, digest_of((CODEC, {"summary_zh": summary_zh, **changes})))


def claimed(findings: list) -> list[str]:
    return [f.evidence.translation for f in findings]


def cut_english(ending: str) -> str:
    """CODEC's English padded with neutral sentences so that the generator's 1,000-character cut ends in
    ``ending``, the start of a sentence the cut leaves unfinished."""
    head = CODEC.abstract_en + " "
    need = 1000 - len(head) - len(ending)
    short, long = "Codecs vary. ", "Networks vary. "  # 13 and 15 characters: any length from 168 on
    for n_long in range(13):
        rest = need - n_long * len(long)
        if rest >= 0 and rest % len(short) == 0:
            text = head + long * n_long + short * (rest // len(short)) + ending
            assert len(text) == 1000
            return text
    raise AssertionError("cannot pad to the cut")


def test_declared_code_is_a_warning():
    assert declared_codes(NAME) == {NAME: Severity.WARNING}


def test_every_claim_class_has_cues_and_support():
    classes = claim_classes()
    assert {c.name for c in classes} >= {"novelty", "superlative", "comparison", "intensity", "result"}
    assert all(c.cues and c.support for c in classes)


def test_faithful_summaries_have_no_findings():
    # GRASP's summary says 显著减少 and its abstract measures 31% -> 6%: a quantity supports intensity.
    assert run_check(NAME, digest_of(SPARSE, TRAFFIC, XRAY, GRASP, CODEC)) == []


@pytest.mark.parametrize(
    "claim, summary_zh",
    [
        ("首次", "本文首次提出一种用循环解码器预测缺失帧的丢包隐藏模型。"),
        ("最先进", "本文提出的丢包隐藏模型在移动设备上取得了最先进的语音质量。"),
        ("优于", "本文提出的丢包隐藏模型优于传统的波形复制方法，可在移动CPU上实时运行。"),
        ("显著", "本文提出一种循环丢包隐藏模型，显著改善了丢包时的通话质量。"),
        ("实验表明", "本文提出一种循环丢包隐藏模型，实验表明它能恢复丢失的语音。"),
    ],
)
def test_a_claim_no_abstract_makes_is_flagged_on_its_span(claim, summary_zh):
    findings = findings_for(summary_zh)
    assert claimed(findings) == [claim]
    finding = findings[0]
    assert finding.severity is Severity.WARNING and finding.ref == 1
    start, end = finding.evidence.translation_span
    assert finding.evidence.field == "summary_zh" and summary_zh[start:end] == claim


@pytest.mark.parametrize(
    "summary_zh, added_sentence_en",
    [
        ("本文首次提出一种用循环解码器预测缺失帧的丢包隐藏模型。", "This is the first concealment model small enough for phones."),
        ("本文提出的丢包隐藏模型在移动设备上取得了最先进的语音质量。", "It reaches state-of-the-art speech quality on mobile devices."),
        ("本文提出的丢包隐藏模型优于传统的波形复制方法。", "It outperforms waveform repetition in listening tests."),
        ("本文提出一种循环丢包隐藏模型，显著改善了丢包时的通话质量。", "It substantially improves call quality under packet loss."),
        ("本文提出一种循环丢包隐藏模型，显著改善了丢包时的通话质量。", "It raises the listening score by 0.4 points."),
        ("本文提出一种循环丢包隐藏模型，实验表明它能恢复丢失的语音。", "Experiments show that it recovers most of the lost speech."),
    ],
)
def test_a_claim_the_english_abstract_makes_is_not_flagged(summary_zh, added_sentence_en):
    assert findings_for(summary_zh, abstract_en=CODEC.abstract_en + " " + added_sentence_en) == []


def test_a_claim_the_chinese_abstract_makes_is_not_flagged():
    summary_zh = "本文首次提出一种用循环解码器预测缺失帧的丢包隐藏模型。"
    assert findings_for(summary_zh, abstract_zh=CODEC.abstract_zh + "这是首个可在手机上运行的此类模型。") == []


@pytest.mark.parametrize("summary_zh", ["该模型未显著增加解码延迟，可在移动CPU上实时运行。", "该模型在丢包时的表现并不优于简单方法。"])
def test_a_negated_claim_is_no_claim(summary_zh):
    assert findings_for(summary_zh) == []


def test_each_kind_of_claim_is_reported_once():
    summary_zh = "本文首次提出循环丢包隐藏模型，显著改善了通话质量，并显著降低了延迟。"
    assert claimed(findings_for(summary_zh)) == ["首次", "显著"]


def test_the_chinese_of_the_cut_sentence_supports_no_claim():
    # The English stops in mid-sentence; the Chinese completes that sentence with an invented result.
    english = cut_english("In listening tests, listeners rated the model and waveform rep")
    chinese = CODEC.abstract_zh + "在听音测试中，该模型显著优于波形复制方法。"
    summary_zh = "本文提出一种循环丢包隐藏模型，显著优于波形复制方法。"
    issue = parse(digest_of((CODEC, {"abstract_en": english, "abstract_zh": chinese, "summary_zh": summary_zh})))
    assert issue.entries[0].source_truncated
    assert claimed(findings_for(summary_zh, abstract_en=english, abstract_zh=chinese)) == ["优于", "显著"]


def test_a_cut_word_that_may_begin_a_support_word_is_given_the_benefit_of_the_doubt():
    english = cut_english("In listening tests, the model outperfo")
    summary_zh = "本文提出的丢包隐藏模型优于传统的波形复制方法。"
    assert findings_for(summary_zh, abstract_en=english) == []
    # The same cut in a word that begins no comparison leaves the claim unsupported.
    assert claimed(findings_for(summary_zh, abstract_en=cut_english("In listening tests, the model was rat"))) == ["优于"]


def test_the_fast_support_search_answers_as_the_case_blind_pattern():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from evalkit.checks.summary_claims import claim_classes
    from evalkit.text.phrases import PhraseSearch

    searches = [(c.support_pattern(), PhraseSearch(c.support, "letter")) for c in claim_classes()]
    phrases = sorted({w for c in claim_classes() for w in c.support})[:60]
    pieces = st.sampled_from([*phrases, *(p.upper() for p in phrases[:20]), "x", " ", "-", "ſ", "K", "İ", "ı", "É", "é", "Σ", "结果", "。"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(pieces, max_size=8).map("".join))
    def agree(text):
        for original, fast in searches:
            assert fast.found(text, text.lower()) == (original.search(text) is not None), (text, original.pattern[:80])

    agree()
