"""evalkit.text.lazy_re.LazyPattern behaves as the compiled pattern, compiled only on first use."""

from __future__ import annotations

import re

from evalkit.text.lazy_re import LazyPattern


def test_compiles_on_first_use_and_acts_as_the_pattern():
    lazy = LazyPattern(r"知识图谱?", re.IGNORECASE)
    assert lazy._compiled is None
    assert lazy.search("构建知识图").group() == "知识图"
    assert [m.span() for m in lazy.finditer("知识图谱 知识图")] == [(0, 4), (5, 8)]
    assert lazy.compiled() is lazy.compiled() and lazy.flags & re.IGNORECASE


def test_equality_and_hash_follow_the_source():
    assert LazyPattern("a|b") == LazyPattern("a|b") and hash(LazyPattern("a|b")) == hash(LazyPattern("a|b"))
    assert LazyPattern("a") != LazyPattern("a", re.IGNORECASE)
    assert LazyPattern("a") == re.compile("a")


def test_a_bad_pattern_fails_where_it_is_used():
    lazy = LazyPattern("(")
    try:
        lazy.search("x")
    except re.error:
        pass
    else:  # pragma: no cover - the assertion below explains
        raise AssertionError("an invalid pattern must raise re.error on use")
