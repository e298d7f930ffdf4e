"""Reading answers defensively, and locating spans verbatim."""

from __future__ import annotations

import pytest

from evalkit.judges.llm.parse import MalformedAnswer, locate_spans, parse_answer

GOOD = '{"errors": [{"span": "小模型", "side": "translation", "category": "mistranslation", "severity": "major", "explanation": "x"}]}'


@pytest.mark.parametrize(
    "content",
    [
        GOOD,
        f"```json\n{GOOD}\n```",
        f"```\n{GOOD}\n```",
        f"Here is my review:\n{GOOD}\nHope this helps.",
        f"  \n{GOOD}\n",
    ],
)
def test_well_defined_cleanups_find_the_json(content):
    assert parse_answer(content)[0]["span"] == "小模型"


@pytest.mark.parametrize(
    "content",
    [
        '{"errors": [{"span": "a",},]}',  # trailing commas: not fixed by guessing
        "{'errors': []}",
        '{"errors": [{"span": "cut off',
        "no JSON at all",
        '{"errors": "none"}',
        '"just a string"',
        "",
    ],
)
def test_anything_else_is_malformed(content):
    with pytest.raises(MalformedAnswer) as caught:
        parse_answer(content)
    assert caught.value.reason.startswith("malformed JSON")


def test_an_empty_object_and_a_bare_list_are_read():
    assert parse_answer("{}") == []
    assert parse_answer('[{"span": "a"}]') == [{"span": "a"}]


def err(span, side="translation", category="mistranslation", severity="major"):
    return {"span": span, "side": side, "category": category, "severity": severity, "explanation": "  two\n words "}


def test_a_span_is_located_by_exact_substring():
    located = locate_spans([err("模型")], "A model.", "一个模型。")
    (span,) = located.spans
    assert (span.start, span.end, span.text, span.side) == (2, 4, "模型", "translation")
    assert span.explanation == "two words"
    assert located.dropped == 0


def test_a_repeated_span_takes_the_next_unused_occurrence():
    translation = "模型A和模型B和模型C"
    located = locate_spans([err("模型"), err("模型"), err("模型"), err("模型")], "", translation)
    assert [s.start for s in located.spans] == [0, 4, 8]
    assert located.duplicates == 1 and located.dropped == 0


def test_an_overlapping_different_quote_at_the_same_place_is_kept():
    located = locate_spans([err("模型"), err("模型A")], "", "模型A")
    assert [(s.start, s.end) for s in located.spans] == [(0, 2), (0, 3)]


def test_spans_not_in_the_text_are_dropped_and_counted_never_guessed():
    located = locate_spans([err("大模型"), err("模 型"), err("Model", side="source")], "a model", "小模型")
    assert located.spans == () and located.dropped == 3


def test_an_omission_quotes_the_source():
    source = "We test on 3 datasets and 2 languages."
    located = locate_spans([err("and 2 languages", side="source", category="omission")], source, "我们在3个数据集上测试。")
    (span,) = located.spans
    assert span.side == "source" and source[span.start : span.end] == "and 2 languages"


def test_missing_side_defaults_by_category():
    no_side = {"span": "2 languages", "category": "omission", "severity": "minor"}
    located = locate_spans([no_side], "on 2 languages", "两种语言")
    assert located.spans[0].side == "source"


def test_words_are_normalised_and_unknown_categories_become_other():
    located = locate_spans(
        [err("模型", category="Invented Ending", severity="MAJOR"), err("一个", category="style")], "", "一个模型"
    )
    assert [s.category for s in located.spans] == ["invented-ending", "other"]
    assert located.spans[0].severity == "major"


def test_unusable_error_objects_are_counted_as_invalid():
    located = locate_spans(
        ["a string", {"side": "translation"}, err("  "), err("模型", severity="fatal"), err("模型", side="both")],
        "", "模型",
    )
    assert located.spans == () and located.invalid == 5
