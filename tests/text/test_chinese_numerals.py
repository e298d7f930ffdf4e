"""evalkit.text.chinese_numerals: the table of short numerals is cn2an's own answers, and a lookup needs no cn2an."""

from __future__ import annotations

import subprocess
import sys

from evalkit.text import chinese_numerals
from evalkit.text.chinese_numerals import ALPHABET, TABLE_LENGTH, build_table, cn2an_reading, short_numerals
from evalkit.text.numbers import chinese_numeral_value


def test_the_table_holds_cn2ans_answer_for_every_short_string():
    table = build_table()
    assert len(table) == sum(len(ALPHABET) ** n for n in range(1, TABLE_LENGTH + 1))
    assert all(table[s] == cn2an_reading(s) for s in table)
    assert table["十二"] == 12 and table["二点五"] == 2.5 and table["三三十"] is None


def test_long_numerals_and_other_characters_still_go_to_cn2an():
    assert chinese_numeral_value("三亿五千万") == 350_000_000
    assert chinese_numeral_value("三个") is None
    assert chinese_numeral_value("万") == 10_000  # a bare magnitude is one of it, read from the table


def test_the_table_is_cached_under_cn2ans_source(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALKIT_CACHE_DIR", str(tmp_path))
    short_numerals.cache_clear()
    try:
        assert short_numerals()["两千"] == 2000
        assert [p.name.split("-")[0:2] for p in tmp_path.iterdir()] == [["cn2an", "short"]]
        short_numerals.cache_clear()
        monkeypatch.setattr(chinese_numerals, "build_table", lambda: {"两千": -1})
        assert short_numerals()["两千"] == 2000  # read back, not rebuilt
    finally:
        short_numerals.cache_clear()


def test_reading_a_short_numeral_with_a_warm_cache_does_not_import_cn2an(tmp_path):
    code = (
        "import sys\n"
        "from evalkit.text.numbers import chinese_numeral_value\n"
        "assert chinese_numeral_value('十二') == 12\n"
        "print('cn2an' in sys.modules)\n"
    )
    env = {"EVALKIT_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)  # builds the table
    warm = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    assert warm.stdout.strip() == "False"
