"""The answer cache: keys, round trip, damage and an unusable directory, concurrent writers."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from evalkit.judges.llm.cache import CACHE_FILE, AnswerCache, answer_key
from evalkit.judges.llm import JudgeItem, run_judge
from tests.judges.llm.conftest import NO_ENV, SOURCE, TRANSLATION, settings_for

MESSAGES = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]


def key(**changes):
    values = {"model": "m", "prompt": "mqm-zh-1", "messages": MESSAGES, "seed": 0, "max_output_tokens": 1024}
    values.update(changes)
    return answer_key(**values)


def test_the_key_changes_with_everything_that_decides_an_answer():
    keys = {
        key(), key(model="m2"), key(prompt="mqm-zh-2"), key(seed=1), key(seed=None), key(max_output_tokens=512),
        key(messages=[{"role": "system", "content": "s"}, {"role": "user", "content": "u2"}]),
    }
    assert len(keys) == 7
    assert key() == key()


def test_answers_round_trip(tmp_path):
    cache = AnswerCache(tmp_path)
    cache.put_many([("k1", '{"errors": []}'), ("k2", "答案")])
    cache.close()
    assert AnswerCache(tmp_path).get_many(["k1", "k2", "k3"]) == {"k1": '{"errors": []}', "k2": "答案"}


def test_the_default_directory_is_evalkit_cache_dir(isolated_caches):
    assert AnswerCache().path == isolated_caches / CACHE_FILE


def test_a_row_with_a_bad_checksum_is_missing(tmp_path):
    cache = AnswerCache(tmp_path)
    cache.put_many([("k1", "good")])
    cache.close()
    with sqlite3.connect(tmp_path / CACHE_FILE) as conn:
        conn.execute("UPDATE answers SET content = 'tampered'")
    again = AnswerCache(tmp_path)
    assert again.get_many(["k1"]) == {} and again.corrupt == 1


def test_a_damaged_file_is_moved_aside_with_a_notice(tmp_path):
    (tmp_path / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    cache = AnswerCache(tmp_path)
    assert cache.get_many(["k"]) == {}
    cache.put_many([("k", "v")])
    assert cache.get_many(["k"]) == {"k": "v"}
    assert any("damaged" in n and "moved aside" in n for n in cache.notices)
    assert list(tmp_path.glob(f"{CACHE_FILE}.corrupt-*"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_directory_is_a_notice_and_the_run_goes_on(tmp_path, server):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        batch = run_judge([JudgeItem(1, SOURCE, TRANSLATION)], settings_for(server, cache_dir=str(locked / "sub")), environ=NO_ENV)
    finally:
        locked.chmod(0o700)
    assert batch.run.status == "computed" and batch.outcomes[0].status == "judged"
    assert any("LLM judge cache" in n and "judging without it" in n for n in batch.run.notices)


def test_a_cache_dir_that_is_a_file_is_a_notice(tmp_path, server):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    batch = run_judge([JudgeItem(1, SOURCE, TRANSLATION)], settings_for(server, cache_dir=str(blocker)), environ=NO_ENV)
    assert batch.run.status == "computed"
    assert any("judging without it" in n for n in batch.run.notices)


WRITER = """
import sys
from evalkit.judges.llm.cache import AnswerCache
cache = AnswerCache(sys.argv[1])
for n in range(40):
    cache.put_many([(f"{sys.argv[2]}-{n}", "x" * 200)])
"""


def test_two_processes_write_at_once(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), name], env=env) for name in ("a", "b")]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    held = AnswerCache(tmp_path).get_many([f"{name}-{n}" for name in "ab" for n in range(40)])
    assert len(held) == 80
