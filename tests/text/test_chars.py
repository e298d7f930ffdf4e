"""Endings of Chinese texts (evalkit.text.chars)."""

from __future__ import annotations

import pytest

from evalkit.text.chars import ends_in_dots, ends_with_ellipsis


@pytest.mark.parametrize("text", ["效果大约翻倍……", "效果大约翻倍...", "效果大约翻倍（GPT-4o接近……）。", "他说“接近……”"])
def test_dots_closed_by_brackets_quotes_or_a_stop_still_end_in_dots(text):
    assert ends_in_dots(text)


def test_only_the_bare_ellipsis_is_ends_with_ellipsis():
    assert not ends_with_ellipsis("效果大约翻倍（GPT-4o接近……）。")


@pytest.mark.parametrize("text", ["效果大约翻倍。", "效果（约两倍）。", "省略号……出现在中间。"])
def test_a_closed_sentence_does_not_end_in_dots(text):
    assert not ends_in_dots(text)
