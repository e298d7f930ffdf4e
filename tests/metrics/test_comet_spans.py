"""COMET's error spans: read from a prediction and placed exactly in the translation.

The spans here are written by hand as COMET's decoding gives them (its offsets and its decoded text),
so every correction is checked on a known input; ``test_comet_xcomet.py`` runs the real decoding.
"""

from __future__ import annotations

from evalkit.metrics.comet.spans import UNKNOWN, locate_spans, raw_spans
from evalkit.metrics.segments import ErrorSpan

MIXED = "基于 Transformer 的模型 很好 ， model works well"


def span(text: str, start: int, end: int, severity: str = "major", confidence: float | None = 0.5) -> ErrorSpan:
    return ErrorSpan(text, start, end, severity, confidence)


def test_an_exact_span_is_kept_as_it_is():
    spans, dropped = locate_spans("我们提出了一种新的句子对齐方法。", [span("句子对齐", 9, 13)])
    assert spans == (span("句子对齐", 9, 13),) and dropped == 0


def test_a_span_whose_offsets_take_in_the_space_before_it_starts_after_the_space():
    # COMET reports " works" (the token's ▁ covers the space) for the text "works".
    start = MIXED.index(" works")
    spans, dropped = locate_spans(MIXED, [span("works", start, start + len(" works"))])
    assert dropped == 0
    assert [(s.start, s.end) for s in spans] == [(start + 1, start + 6)]
    assert MIXED[spans[0].start : spans[0].end] == "works" == spans[0].text


def test_raw_spans_take_out_special_tokens_and_mark_unknown_ones():
    raw = raw_spans(
        [
            {"text": "<s> 基于 Tran", "start": 0, "end": 7, "severity": "critical", "confidence": 0.4},
            {"text": "模型 <unk> ", "start": 16, "end": 22, "severity": "minor", "confidence": 0.3},
            {"text": "well</s>", "start": 40, "end": 0, "severity": "major", "confidence": 0.6},
        ]
    )
    assert [s.text for s in raw] == ["基于 Tran", f"模型 {UNKNOWN}", "well"]
    assert [(s.start, s.end, s.severity) for s in raw] == [(0, 7, "critical"), (16, 22, "minor"), (40, 0, "major")]


def test_an_unknown_token_matches_the_characters_it_stands_for():
    start = MIXED.index("模型")
    spans, dropped = locate_spans(MIXED, [span(f"模型 {UNKNOWN}", start, start + 6)])
    assert dropped == 0 and spans[0].text == "模型 很好" and MIXED[spans[0].start : spans[0].end] == "模型 很好"


def test_a_span_running_into_the_end_token_is_placed_by_its_text():
    # The end token's offsets are (0, 0): COMET's end lies before its start.
    start = MIXED.index("well")
    spans, dropped = locate_spans(MIXED, [span("well", start, 0)])
    assert dropped == 0 and (spans[0].start, spans[0].end) == (start, start + 4)


def test_nfkc_decoded_punctuation_matches_the_full_width_original():
    mt = "结果表明，仅靠扩大规模是不够的。"
    spans, dropped = locate_spans(mt, [span("表明,仅靠", 2, 7)])  # the tokenizer normalises ， to ,
    assert dropped == 0 and spans[0].text == "表明，仅靠" and (spans[0].start, spans[0].end) == (2, 7)


def test_offsets_that_point_elsewhere_move_to_the_nearest_occurrence_of_the_text():
    mt = "模型很好。模型很好。模型很好。"
    spans, dropped = locate_spans(mt, [span("模型", 9, 11)])  # "好。" there; "模型" at 5 and 10
    assert dropped == 0 and (spans[0].start, spans[0].end) == (10, 12)


def test_a_span_whose_text_is_not_in_the_translation_is_dropped_and_counted():
    spans, dropped = locate_spans(MIXED, [span("不存在", 0, 3), span("   ", 2, 3), span(UNKNOWN, 4, 6), span("的", 15, 16)])
    assert dropped == 3
    assert [s.text for s in spans] == ["的"]


def test_severity_confidence_and_category_survive_placing():
    source = ErrorSpan("works", MIXED.index(" works"), MIXED.index(" works") + 6, "critical", 0.25, "accuracy")
    (placed,), _ = locate_spans(MIXED, [source])
    assert (placed.severity, placed.confidence, placed.category) == ("critical", 0.25, "accuracy")
