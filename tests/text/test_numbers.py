"""evalkit.text.numbers: reading numbers from English and Chinese text, and comparing them."""

from __future__ import annotations

import pytest

from evalkit.text.numbers import (
    DIGITS,
    IDENTIFIER,
    WORDS,
    Number,
    NumberIndex,
    chinese_numeral_value,
    digit_numbers,
    english_words_value,
    extract_numbers,
    same_digits_other_magnitude,
    same_number,
    word_numbers,
)


def quantities(text: str) -> list[tuple[str, float, bool]]:
    """(text, value, percent) of the ``digits`` numbers of ``text``."""
    return [(n.text, n.value, n.percent) for n in digit_numbers(text) if n.kind == DIGITS]


def one(text: str) -> Number:
    (number,) = [n for n in digit_numbers(text) if n.kind == DIGITS]
    return number


# --- reading digits -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("we label 42 images", 42),
        ("an F-score of 0.86 overall", 0.86),
        ("about .5 of the time", 0.5),
        ("a corpus of 838,305 sentences", 838305),
        ("共有1，183个样本", 1183),
        ("over 10{,}000 questions", 10000),
        ("a set of 5 017 documents", 5017),
        ("１２３个模型", 123),
    ],
)
def test_integers_decimals_and_thousands_separators(text, value):
    assert one(text).value == pytest.approx(value)


def test_spans_point_into_the_original_text():
    text = "在１２３个任务上提升了4.5％"
    for n in digit_numbers(text):
        assert text[n.start : n.end] == n.text
    assert [n.text for n in digit_numbers(text)] == ["１２３", "4.5％"]


@pytest.mark.parametrize(
    "text, value, percent",
    [
        ("improves recall by 15%", 15, True),
        ("improves recall by 15 %", 15, True),
        ("improves recall by 15\\%", 15, True),
        ("improves recall by 15 percent", 15, True),
        ("召回率提升了１５％", 15, True),
        ("召回率提升了百分之15", 15, True),
        ("improves recall by 15 points", 15, False),
    ],
)
def test_percentages(text, value, percent):
    number = one(text)
    assert (number.value, number.percent) == (value, percent)


@pytest.mark.parametrize(
    "text, value",
    [
        ("with $9.91\\times 10^9$ states", 9.91e9),
        ("a learning rate of 10^{-3}", 1e-3),
        ("a learning rate of $10^{-4}$", 1e-4),
        ("weight decay 1e-5 is used", 1e-5),
        ("3 \\times 10^{5} steps", 3e5),
        ("sequences of 2^{10} tokens", 1024),
    ],
)
def test_scientific_and_tex_forms(text, value):
    number = one(text)
    assert number.value == pytest.approx(value) and number.scaled


@pytest.mark.parametrize(
    "text, value",
    [
        ("1.2 million users", 1.2e6),
        ("1.2 Million users", 1.2e6),
        ("46 billion tokens", 4.6e10),
        ("3 trillion tokens", 3e12),
        ("5 thousand images", 5e3),
        ("a 4-million-parameter model", 4e6),
        ("$\\sim 5.6$ million curves", 5.6e6),
        ("a 7B model", 7e9),
        ("a 7b model", 7e9),
        ("1.5M parameters", 1.5e6),
        ("a 128k context", 1.28e5),
        ("120万用户", 1.2e6),
        ("1.2亿个参数", 1.2e8),
        ("3千个样本", 3e3),
        ("5百万条记录", 5e6),
        ("10亿个标记", 1e9),
        ("2千万张图像", 2e7),
    ],
)
def test_magnitude_words_and_suffixes(text, value):
    number = one(text)
    assert number.value == pytest.approx(value) and number.scaled


def test_one_letter_suffix_keeps_the_bare_value_as_a_second_reading():
    # "30K" may be 30 kelvin: the comparison may match it against a bare 30
    assert one("a peak error of 30K").alt == 30
    assert one("1.2 million users").alt is None


def test_ranges_share_their_unit():
    assert quantities("gains of 10-20% on both") == [("10", 10, True), ("20%", 20, True)]
    low, high = (n for n in digit_numbers("between 1–2 million users") if n.kind == DIGITS)
    assert (low.value, high.value) == (1e6, 2e6)
    assert low.alt == 1  # "from 1 to 10 billion" may mean the number 1
    assert [n.value for n in digit_numbers("3至5万人") if n.kind == DIGITS] == [3e4, 5e4]


def test_precision_is_kept():
    assert one("0.86").ulp == pytest.approx(0.01)
    assert one("3").ulp == 1
    assert one("1.23 million").ulp == pytest.approx(1e4)
    assert one("123万").ulp == pytest.approx(1e4)


# --- names, ids and markup are not quantities ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "we fine-tune GPT-4 on it",
        "we fine-tune GPT-4o on it",
        "with Llama-3.2-1B as backbone",
        "with Qwen2.5-7B-Instruct as backbone",
        "ResNet-50 features",
        "the COVID-19 pandemic",
        "trained on T5 outputs",
        "see arXiv:2401.12345v2 for details",
        "see 2401.12345 for details",
        "code at https://github.com/abc/x2y-3 now",
        "mail a1@lab2.org",
        "the $\\ell_1$ norm and $x_{12}$",
        "grows as $n^2$ and $n^ {-1/2}$",
        "as shown in [12] and [3, 4]",
        "as shown in \\cite{smith2021}",
        "(1) a parser and (2) a tagger",
        "本文提出：1）一种解析器",
        "pass@1 and Recall@10",
        "in 3D scenes",
        "version 1.2.3 is out",
    ],
)
def test_names_ids_and_markup_give_no_quantities(text):
    assert quantities(text) == []


def test_name_digits_are_kept_as_identifiers():
    kinds = {(n.text, n.kind) for n in digit_numbers("GPT-4 scores 86% here")}
    assert ("4", IDENTIFIER) in kinds and ("86%", DIGITS) in kinds


def test_years_and_units_are_quantities():
    assert quantities("at IWSLT 2017 with 24h of audio") == [("2017", 2017, False), ("24", 24, False)]
    assert quantities("3x faster") == [("3x", 3, False)]


def test_centuries_and_decades_are_only_counterparts():
    kinds = [n.kind for n in digit_numbers("自19世纪20年代以来")]
    assert kinds == [WORDS, WORDS]


# --- words and numerals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words, value",
    [(["three"], 3), (["twenty", "five"], 25), (["two", "hundred"], 200), (["a"], None),
     (["three", "thousand"], 3000), (["dozen"], 12), (["two", "million"], 2e6), (["first"], 1)],
)
def test_english_words_value(words, value):
    assert english_words_value(words) == value


def test_english_word_numbers():
    found = [(n.text, n.value) for n in word_numbers("Three tasks, twenty-five languages and a dozen models")]
    assert found == [("Three", 3), ("twenty-five", 25), ("dozen", 12)]
    assert [n.value for n in word_numbers("from March to May")] == [3, 5]


def test_magnitude_word_after_digits_is_not_repeated():
    assert [n.text for n in word_numbers("1.2 million users")] == []
    assert [n.text for n in word_numbers("a million users")] == ["million"]


@pytest.mark.parametrize(
    "numeral, value",
    [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("两千", 2000), ("一百零五", 105),
     ("三万", 30000), ("十亿", 1_000_000_000), ("三亿五千万", 350_000_000), ("二〇二三", 2023), ("万", 10_000)],
)
def test_chinese_numeral_value(numeral, value):
    assert chinese_numeral_value(numeral) == value


def test_chinese_numeral_value_rejects_other_characters():
    assert chinese_numeral_value("三个") is None


def test_chinese_numerals_in_text():
    found = [(n.text, n.value, n.percent) for n in word_numbers("我们在三个任务和十二种语言上实验，成本仅增加百分之八")]
    assert found == [("三", 3, False), ("十二", 12, False), ("百分之八", 8, True)]
    fraction = {n.value for n in word_numbers("约三分之一的样本")}
    assert {1, 3} <= fraction and any(abs(v - 1 / 3) < 1e-9 for v in fraction)


def test_extract_numbers_merges_all_kinds_in_text_order():
    found = extract_numbers("GPT-4 solves three of 12 tasks")
    assert [(n.text, n.kind) for n in found] == [("4", IDENTIFIER), ("three", WORDS), ("12", DIGITS)]


def test_no_digits_no_work():
    assert digit_numbers("没有任何数字的句子。") == ()


# --- comparison --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "en, zh",
    [
        ("3.0", "3"),
        ("42.0%", "42%"),
        ("42%", "42％"),
        ("3.14", "3.1"),  # rounded by the translator
        ("1.96", "2"),
        ("1.2 million", "120万"),
        ("1.2 million", "1.2M"),
        ("7B", "70亿"),
        ("0.42", "42%"),  # a fraction given as a percentage
        ("42", "42%"),  # the sign added around "accuracy of 42"
        ("1,183", "1183"),
    ],
)
def test_same_number(en, zh):
    assert same_number(one(en), one(zh))


@pytest.mark.parametrize(
    "en, zh",
    [("0.86", "0.83"), ("15%", "19%"), ("500", "530"), ("838,305", "638,305"), ("3", "3.4"), ("1.2 million", "12万")],
)
def test_different_numbers(en, zh):
    assert not same_number(one(en), one(zh))


def test_same_digits_other_magnitude():
    assert same_digits_other_magnitude(one("1.2 million"), one("12万"))
    assert same_digits_other_magnitude(one("1.2 million"), one("1.2亿"))
    assert same_digits_other_magnitude(one("80 billion"), one("80亿"))
    assert not same_digits_other_magnitude(one("1.2 million"), one("120万"))
    assert not same_digits_other_magnitude(one("0.5"), one("50%"))  # a percentage is not a magnitude
    assert not same_digits_other_magnitude(one("500"), one("530"))


def test_number_index_finds_counterparts():
    index = NumberIndex(n for n in digit_numbers("accuracy 0.86, 1.2 million users, 30K peak") if n.kind == DIGITS)
    assert index.find(one("86%"), as_translation=True) is not None
    assert index.find(one("120万"), as_translation=True) is not None
    assert index.find(one("30"), as_translation=True) is not None  # the bare reading of 30K
    assert index.find(one("0.9"), as_translation=True) is not None  # 0.86 rounded
    assert index.find(one("0.83"), as_translation=True) is None
    assert index.count(one("0.86")) == 1


# --- Chinese numerals with decimals, 百分之 and 成, read through cn2an -------------------------------

#: (text, the numeral span, is it a percentage, the part cn2an converts, the power of ten applied after it)
CN2AN_CASES = [
    ("误差为二点九", "二点九", False, "二点九", 1),
    ("提升了三点五倍", "三点五", False, "三点五", 1),
    ("准确率提高了百分之三十五点五", "百分之三十五点五", True, "三十五点五", 1),
    ("约三成用户", "三成", True, "三", 10),
    ("七成的样本", "七成", True, "七", 10),
    ("成本下降两成", "两成", True, "两", 10),
    ("共有一百二十万条", "一百二十万", False, "一百二十万", 1),
    ("规模达三点五万人", "三点五万", False, "三点五", 10_000),
    ("参数两点五亿个", "两点五亿", False, "两点五", 100_000_000),
    ("三亿五千万零五百", "三亿五千万零五百", False, "三亿五千万零五百", 1),
    ("误差仅零点零五", "零点零五", False, "零点零五", 1),
    ("在二〇二三年", "二〇二三", False, "二〇二三", 1),
]


@pytest.mark.parametrize("text, span, percent, converted, scale", CN2AN_CASES)
def test_chinese_numerals_equal_cn2an(text, span, percent, converted, scale):
    import cn2an

    (number,) = [n for n in word_numbers(text) if n.text == span]
    assert number.value == pytest.approx(cn2an.cn2an(converted, "normal") * scale, rel=1e-12)
    assert number.percent is percent
    assert [n.text for n in word_numbers(text)] == [span]  # read once, not as its digits one by one


def test_a_chinese_decimal_keeps_its_precision():
    (number,) = word_numbers("二点九")
    assert number.ulp == pytest.approx(0.1) and number.decimals == 1
    (share,) = word_numbers("三成")
    assert share.ulp == 10  # 三成 says "about 30%"


@pytest.mark.parametrize("text", ["一成不变", "把它们统一成一个框架", "特点是简单", "三点钟"])
def test_words_with_成_or_点_are_not_shares_or_decimals(text):
    assert all(n.percent is False and n.ulp >= 1 for n in word_numbers(text))
    assert not any("成" in n.text or "点" in n.text for n in word_numbers(text))


# --- the shortcut in front of the English number-word scan --------------------------------------------

_PIECES = ["one", "Two", "TWENTY", "five", "percent", "per", "cent", "million", "done", "often", "May", "ſix", "İ", "ı",
           "K", "3", "-", " ", "  ", "fold", "x", "和", "百分之", "onepercent", "ninety-nine", "first", "Ninth", "é"]


def test_the_shortcut_never_drops_what_the_full_scan_finds():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from evalkit.text.numbers import _english_words, _scan_english_words

    @settings(max_examples=500, deadline=None)
    @given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
    def agree(text):
        assert _english_words(text) == _scan_english_words(text)

    agree()
    assert [n.value for n in _english_words("Twenty-five percent of one")] == [25, 1]


def test_numbers_not_in_gives_the_digits_no_source_states():
    from evalkit.text.numbers import numbers_not_in

    assert [n.text for n in numbers_not_in("准确率提高了12%，参数量为3亿", "accuracy improves by 12%", "")] == ["3亿"]
    assert numbers_not_in("提高了12%", "by twelve percent and 12%") == []
    assert numbers_not_in("没有数字", "12") == []
