"""An XCOMET-shaped model through the COMET scorer: error spans kept, placed exactly, cached.

The model is the tiny XCOMET of :func:`tests.comet_models.build_tiny_xcomet`: COMET's real XCOMET
class and decoding, random weights, so which spans it finds means nothing but their offsets are
COMET's own. Tests that need particular spans patch the prediction.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from evalkit.metrics.comet import CACHE_FILE, Comet, CometScorer, Segment, clear_loaded_models, resolve_model
from evalkit.metrics.comet.spans import locate_spans, raw_spans
from evalkit.records import Severity
from tests.comet_models import SENTENCES

MIXED = Segment("The model works well.", "基于 Transformer 的模型 model works well")


def segments() -> list[Segment]:
    return [Segment(en, zh) for en, zh in SENTENCES] + [MIXED]


def test_the_tiny_xcomet_is_a_word_level_model(tiny_xcomet, tiny_comet):
    info = resolve_model(tiny_xcomet)
    assert info.class_identifier == "xcomet_metric" and info.word_level
    assert info.input_segments == ("mt", "src", "ref") and not info.needs_reference
    assert not resolve_model(tiny_comet.qe).word_level and not resolve_model(tiny_comet.reference).word_level


def test_spans_come_through_scoring_exactly_placed(tiny_xcomet, tmp_path):
    scorer = CometScorer(tiny_xcomet, cache_dir=tmp_path)
    segs = segments()
    scores = scorer.score_detailed(segs)
    spans = [(seg, s) for seg, sc in zip(segs, scores) for s in sc.error_spans]
    assert len(spans) >= 5  # the tiny model's weights tag a random mix of tokens
    for seg, s in spans:
        assert seg.mt[s.start : s.end] == s.text and s.text == s.text.strip() and s.text
        assert s.severity in {"minor", "major", "critical"} and 0 <= s.confidence <= 1
    assert all(sc.model == "tiny-xcomet" and sc.metric == "comet-qe" for sc in scores)
    assert scorer.stats.spans == len(spans)


def test_comet_s_own_decoding_puts_a_span_s_start_on_the_space_before_it(tiny_xcomet):
    """The offset bug (Unbabel/COMET#179), shown with COMET's decoding of hand-set tags: a span of a
    word after a space starts at the space (its token's ``▁`` covers it), and evalkit moves it onto the word."""
    import comet
    import torch

    model = comet.load_from_checkpoint(str(tiny_xcomet), local_files_only=True)
    # The model's inputs as its predict() builds them: the translation's tokens and their offsets.
    (inputs,) = model.prepare_sample([{"src": MIXED.src, "mt": MIXED.mt}], stage="predict")
    ids, offsets = inputs["input_ids"], inputs["mt_offsets"]
    tokens = model.encoder.tokenizer.convert_ids_to_tokens(ids[0].tolist())
    # A word token after a space ("▁model" in the tiny vocabulary): its offsets take in the space.
    word = next(i for i, t in enumerate(tokens) if t.startswith("▁") and len(t) > 2)
    start, end = offsets[0][word]
    assert MIXED.mt[start] == " " and MIXED.mt[start + 1 : end] == tokens[word][1:]
    labels = model.label_encoder.labels_to_id
    probs = torch.zeros(1, len(offsets[0]), len(labels))
    probs[0, :, labels["O"]] = 1.0
    probs[0, word, labels["O"]] = 0.0
    probs[0, word, labels["I-major"]] = 1.0
    (decoded,) = model.decode(probs, ids, offsets)
    assert [(d["text"], d["start"], d["end"], d["severity"]) for d in decoded] == [(tokens[word][1:], start, end, "major")]
    (placed,), dropped = locate_spans(MIXED.mt, raw_spans(decoded))
    assert dropped == 0 and (placed.start, placed.end, placed.text) == (start + 1, end, tokens[word][1:])


@pytest.fixture
def patched_spans(monkeypatch: pytest.MonkeyPatch):
    """Make the loaded model's prediction carry the given spans (COMET's format), one list per sample."""
    from comet.models.multitask.xcomet_metric import XCOMETMetric

    original = XCOMETMetric.predict
    given: dict[str, list[dict]] = {}

    def predict(self, samples, *args, **kwargs):
        out = original(self, samples, *args, **kwargs)
        out.metadata["error_spans"] = [given.get(s["mt"], []) for s in samples]
        return out

    monkeypatch.setattr(XCOMETMetric, "predict", predict)
    clear_loaded_models()
    yield given
    clear_loaded_models()


def test_patched_spans_are_corrected_and_a_span_not_in_the_translation_is_counted(tiny_xcomet, tmp_path, patched_spans):
    start = MIXED.mt.index(" works")
    patched_spans[MIXED.mt] = [
        {"text": "works", "start": start, "end": start + 6, "severity": "minor", "confidence": 0.4},
        {"text": "<s> 基于", "start": 0, "end": 2, "severity": "critical", "confidence": 0.9},
        {"text": "不在这里", "start": 3, "end": 7, "severity": "major", "confidence": 0.7},
    ]
    scorer = CometScorer(tiny_xcomet, cache_dir=tmp_path)
    (score,) = scorer.score_detailed([MIXED])
    assert [(s.text, s.start, s.end, s.severity) for s in score.error_spans] == [
        ("works", start + 1, start + 6, "minor"),
        ("基于", 0, 2, "critical"),
    ]
    assert scorer.stats.spans_dropped == 1
    assert any("1 error span(s) of COMET model 'tiny-xcomet' left out" in n for n in scorer.notices)


def test_a_rerun_gives_the_same_spans_from_the_cache(tiny_xcomet, tmp_path):
    first = CometScorer(tiny_xcomet, cache_dir=tmp_path).score_detailed(segments())
    again = CometScorer(tiny_xcomet, cache_dir=tmp_path)
    second = again.score_detailed(segments())
    assert again.stats.hits == len(segments()) and again.stats.computed == 0 and again.stats.model_loads == 0
    assert all(s.cached for s in second)
    assert [s.error_spans for s in second] == [s.error_spans for s in first]
    assert [s.value for s in second] == [s.value for s in first]


def test_a_cache_without_spans_is_scored_again_not_trusted(tiny_xcomet, tmp_path):
    """A cache written before spans were kept (a scores row, no spans row) still loads; its XCOMET
    scores are computed again so their spans are not silently missing."""
    first = CometScorer(tiny_xcomet, cache_dir=tmp_path).score_detailed(segments())
    with sqlite3.connect(tmp_path / CACHE_FILE) as conn:
        conn.execute("DROP TABLE spans")  # as the previous version left the file
    again = CometScorer(tiny_xcomet, cache_dir=tmp_path)
    second = again.score_detailed(segments())
    assert again.stats.computed == len(segments()) and again.stats.corrupt == 0
    assert [s.error_spans for s in second] == [s.error_spans for s in first]
    third = CometScorer(tiny_xcomet, cache_dir=tmp_path)
    assert all(s.cached for s in third.score_detailed(segments()))  # and now they are cached with spans


def test_a_damaged_spans_row_is_recomputed(tiny_xcomet, tmp_path):
    first = CometScorer(tiny_xcomet, cache_dir=tmp_path).score_detailed(segments())
    with sqlite3.connect(tmp_path / CACHE_FILE) as conn:
        conn.execute("UPDATE spans SET spans = '[[\"x\", 0, 1, \"minor\", 0.5, null]]'")
    again = CometScorer(tiny_xcomet, cache_dir=tmp_path)
    second = again.score_detailed(segments())
    assert again.stats.corrupt == len(segments()) and again.stats.computed == len(segments())
    assert [s.error_spans for s in second] == [s.error_spans for s in first]


def test_a_score_only_model_keeps_no_spans(tiny_comet, tmp_path):
    scorer = CometScorer(tiny_comet.qe, cache_dir=tmp_path)
    assert not scorer.gives_spans
    assert all(s.error_spans == () for s in scorer.score_detailed(segments()))
    with sqlite3.connect(tmp_path / CACHE_FILE) as conn:
        assert conn.execute("SELECT COUNT(*) FROM spans").fetchone() == (0,)


def test_the_metric_exposes_its_span_severities(tiny_xcomet):
    assert Comet([tiny_xcomet]).span_severity == {
        "critical": Severity.ERROR, "major": Severity.ERROR, "minor": Severity.WARNING,
    }
    custom = Comet([tiny_xcomet], span_severity={"minor": Severity.INFO})
    assert custom.span_severity == {"minor": Severity.INFO}


def test_the_fixture_builds_offline_and_small(tiny_xcomet: Path):
    assert tiny_xcomet.stat().st_size < 5_000_000
