"""The token estimate and the usage reader."""

from __future__ import annotations

from evalkit.judges.llm.tokens import estimate_answer_tokens, estimate_prompt_tokens, estimate_text_tokens, usage_tokens


def test_cjk_characters_count_one_token_each_and_latin_four_characters_a_token():
    assert estimate_text_tokens("") == 0
    assert estimate_text_tokens("模型训练") == 4
    assert estimate_text_tokens("abcdefgh") == 2
    assert estimate_text_tokens("abcde") == 2  # rounded up
    assert estimate_text_tokens("模型abcd，") == 4  # 2 ideographs + full-width comma + 4 Latin


def test_a_prompt_adds_message_framing():
    messages = [{"role": "system", "content": "abcd"}, {"role": "user", "content": "模型"}]
    assert estimate_prompt_tokens(messages) == 1 + 2 + 2 * 4


def test_the_expected_answer_is_capped_by_max_output_tokens():
    assert estimate_answer_tokens(10_000) > 100
    assert estimate_answer_tokens(50) == 50


def test_usage_reads_only_plain_counts():
    assert usage_tokens({"prompt_tokens": 12, "completion_tokens": 3}) == (12, 3)
    assert usage_tokens({"prompt_tokens": True, "completion_tokens": -1}) == (None, None)
    assert usage_tokens(None) == (None, None)
