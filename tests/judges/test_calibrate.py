"""Calibration inputs: labels read from JSON lines, defect quotes matched to pairs, post-edited pairs."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evalkit.config import Config
from evalkit.errors import InputError
from evalkit.judges.calibrate import Defect, Label, label_pairs, locate_defects, post_edit_pairs, read_labels, unlocated_place
from evalkit.pipeline import check_issue
from tests.checks.util import parse
from tests.digest_builder import build_digest, make_entry


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
