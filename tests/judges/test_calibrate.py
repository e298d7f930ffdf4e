"""The calibration arithmetic: the precision/recall curve, the proposal, thresholds and label matching."""

from __future__ import annotations

import math
import tomllib
from dataclasses import replace

import pytest

from evalkit.errors import InputError
from evalkit.judges.calibrate import (
    Calibration,
    Defect,
    Label,
    LabelledPair,
    label_pairs,
    locate_defects,
    post_edit_pairs,
    pr_curve,
    propose,
    read_labels,
    shortest_above,
    shortest_between,
    toml_string,
    unlocated_place,
)
from evalkit.pipeline import check_issue
from evalkit.config import Config
from tests.checks.util import parse
from tests.digest_builder import build_digest, make_entry


def pair(score: float, bad: bool, always: bool = False) -> LabelledPair:
    return LabelledPair("e", 1, 0, score, bad, "", always)


#: Five scored pairs and one copy of the English (flagged at every threshold). Bad: 0.1, 0.3 and the copy.
EXAMPLE = [pair(0.1, True), pair(0.2, False), pair(0.3, True), pair(0.4, False), pair(0.5, False), pair(0.9, True, True)]


def test_curve_by_hand():
    curve = pr_curve(EXAMPLE)
    rows = [(p.threshold, p.score, p.flagged, p.true_positives, p.false_positives, p.false_negatives) for p in curve]
    assert rows == [
        (0.1, 0.1, 1, 1, 0, 2),  # only the copy is flagged
        (0.2, 0.2, 2, 2, 0, 1),
        (0.3, 0.3, 3, 2, 1, 1),
        (0.4, 0.4, 4, 3, 1, 0),
        (0.5, 0.5, 5, 3, 2, 0),
        (0.6, None, 6, 3, 3, 0),  # above every score: all flagged
    ]
    assert [p.precision for p in curve] == [1.0, 1.0, 2 / 3, 0.75, 0.6, 0.5]
    assert [p.recall for p in curve] == [1 / 3, 2 / 3, 2 / 3, 1.0, 1.0, 1.0]
    assert [round(p.f1, 4) for p in curve] == [0.5, 0.8, 0.6667, 0.8571, 0.75, 0.6667]


def test_proposal_best_f1_and_with_a_target_precision():
    curve = pr_curve(EXAMPLE)
    assert propose(curve).threshold == 0.4  # best F1 6/7
    assert propose(curve, 0.9).threshold == 0.2  # precision 1.0 with recall 2/3 beats recall 1/3
    assert propose(curve, 0.7).threshold == 0.4  # precision 0.75, recall 1
    assert propose(curve, 0.75).threshold == 0.4  # "at least" the target
    assert propose(curve, 1.0).threshold == 0.2
    assert propose(pr_curve([pair(0.1, False), pair(0.2, True)]), 0.9) is None  # the bad pair scores highest


def test_no_bad_pair_no_proposal_and_precision_undefined_when_nothing_is_flagged():
    curve = pr_curve([pair(0.1, False), pair(0.2, False)])
    assert propose(curve) is None
    assert curve[0].precision is None and curve[0].recall is None and curve[0].f1 == 0.0


def test_ties_go_to_the_higher_precision_then_the_lower_threshold():
    # Thresholds 0.3 and 0.4 both flag the one bad pair; 0.3 adds no false alarm.
    curve = pr_curve([pair(0.2, True), pair(0.3, False), pair(0.5, False)])
    assert propose(curve).threshold == 0.3


def test_thresholds_are_the_shortest_decimals_that_flag_the_same_pairs():
    assert shortest_between(0.31, 0.3149) == 0.314
    assert shortest_between(-math.inf, 0.2) == 0.2
    assert shortest_between(0.1, 0.19) == 0.19  # 0.1 itself would flag one pair fewer
    assert shortest_between(-0.3585, -0.3379) == -0.34
    assert shortest_above(0.5) == 0.6 and shortest_above(0.83) == 0.9 and shortest_above(-0.3) == -0.2
    for low, high in ((0.123456, 0.123457), (0.7, 0.7000001), (-2.0, -1.99)):
        value = shortest_between(low, high)
        assert low < value <= high


def test_toml_snippet_round_trips_with_awkward_model_paths():
    for model in ("Unbabel/wmt22-cometkiwi-da", r"C:\models\qe\checkpoints\model.ckpt", 'odd "name"', "tab\there"):
        point = pr_curve([pair(0.2, True), pair(0.5, False)])[1]
        calibration = Calibration(model, "labels", (), (point,), point)
        parsed = tomllib.loads(calibration.toml())
        assert parsed == {"comet": {"qe_thresholds": {model: point.threshold}}}
    assert toml_string('a"b') == '"a\\"b"'


def entry_result(**changes: str):
    result, _ = check_issue(parse(build_digest([make_entry(1, **changes)])), [], Config())
    er = result.entries[0]
    assert len(er.pairs) == 3
    return replace(er, pair_scores=({"comet-qe": 0.1}, {"comet-qe": 0.2}, {"comet-qe": 0.3}))


def test_a_defect_quote_marks_the_pairs_it_overlaps_and_unfound_quotes_are_counted():
    er = entry_result()
    quotes = (Defect("mistranslation", "major", "检索相关句子作为额外上下文"), Defect("omission", "minor", "不在译文里"))
    pairs, missing = label_pairs(er, Label(1, "L1", "d.md", 1, None, quotes))
    assert [p.bad for p in pairs] == [False, True, False] and missing == 1
    assert [p.score for p in pairs] == [0.1, 0.2, 0.3] and pairs[1].reason == "defect"
    # A quote across a sentence boundary marks both pairs.
    spans, _ = locate_defects(er.entry.abstract_zh, [Defect("x", "minor", "不足。我们提出")])
    across, _ = label_pairs(er, Label(1, "L1", "d.md", 1, None, (Defect("x", "minor", "不足。我们提出"),)))
    assert len(spans) == 1 and [p.bad for p in across] == [True, True, False]
    clean, missing = label_pairs(er, Label(1, "L1", "d.md", 1, None, ()))
    assert not any(p.bad for p in clean) and missing == 0


def test_an_untranslated_pair_is_bad_and_always_flagged():
    first_en = "Machine translation for low-resource languages is limited by the scarcity of parallel data."
    er = entry_result(abstract_zh=make_entry(1).abstract_zh.replace("低资源语言的机器翻译长期受限于平行语料不足。", first_en))
    pairs, _ = label_pairs(er, Label(1, "L1", "d.md", 1, None, ()))
    assert (pairs[0].bad, pairs[0].always_flagged, pairs[0].reason) == (True, True, "is a copy of the English")


def test_post_edit_pairs_are_bad_under_the_chrf_line():
    er = entry_result()
    er = replace(er, pair_scores=({"comet-qe": 0.1, "chrf": 95.0}, {"comet-qe": 0.2, "chrf": 40.0}, {"comet-qe": 0.3, "chrf": 70.0}))
    assert [p.bad for p in post_edit_pairs(er)] == [False, True, False]


def test_read_labels_names_the_line_of_a_bad_one(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text('{"id": "a", "file": "x.md", "ref": 3}\n\n{"id": "b", "file": "x.md"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"labels.jsonl:3: 'ref' must be"):
        read_labels(str(path))
    path.write_text('{"id": "a", "file": "x.md", "ref": 3, "defects": [{"cat": "c", "sev": "minor", "zh": "词"}]}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r":2: not a JSON object"):
        read_labels(str(path))
    path.write_text('{"id": "a", "file": "x.md", "ref": 3, "defects": [{"cat": "c", "sev": "minor", "zh": "词"}]}\n', encoding="utf-8")
    (label,) = read_labels(str(path))
    assert (label.id, label.ref, label.line, label.defects[0].zh) == ("a", 3, 1, "词")


def test_a_quote_outside_the_abstract_says_where_it_is():
    entry = entry_result().entry
    assert unlocated_place(entry, Defect("summary", "minor", entry.summary_zh[2:8])) == "summary"
    assert unlocated_place(entry, Defect("title", "minor", entry.title_zh[:6])) == "title"
    assert unlocated_place(entry, Defect("omission", "major", "")) == "no quote"
    assert unlocated_place(entry, Defect("x", "minor", "无此句")) == "not found"
