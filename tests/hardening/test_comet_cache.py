"""The COMET score cache (:class:`evalkit.metrics.comet.ScoreCache`) under tampering, damage, kills and
concurrency, exercised directly (no COMET model needed).

The contract: a value the cache returns is exactly the value that was stored for that key. A row that was
changed in any column, a file damaged at any byte, a writer killed at any moment, or several processes
writing at once may cost cached values (they are recomputed), never give a wrong one, never raise.
"""

from __future__ import annotations

import math
from contextlib import closing, contextmanager
import multiprocessing
import os
import random
import signal
import sqlite3
import time
from pathlib import Path
from typing import Iterator

from hypothesis import given
from hypothesis import strategies as st

from evalkit.metrics.comet import CACHE_FILE, ScoreCache
from tests.property.budget import examples, repeats

Row = tuple[str, float, bool, str]

_ROWS = st.dictionaries(
    st.text(max_size=40),
    st.tuples(st.floats(allow_nan=False, allow_infinity=False, width=64), st.booleans(), st.sampled_from(["cpu", "cuda", "cuda:1"])),
    min_size=1,
    max_size=12,
).map(lambda d: [(k, s, c, dev) for k, (s, c, dev) in d.items()])

#: One way each of damaging a row behind the cache's back (``?`` is the key).
TAMPER = {
    "score-changed": "UPDATE scores SET score = score + 0.125 WHERE key = ?",
    "score-negated": "UPDATE scores SET score = -score - 1 WHERE key = ?",
    "score-as-text": "UPDATE scores SET score = 'high' WHERE key = ?",
    "score-as-blob": "UPDATE scores SET score = x'00ff' WHERE key = ?",
    "score-infinite": "UPDATE scores SET score = 9e999 WHERE key = ?",
    "score-integer": "UPDATE scores SET score = 12345 WHERE key = ?",
    "cropped-flipped": "UPDATE scores SET cropped = 1 - cropped WHERE key = ?",
    "cropped-out-of-range": "UPDATE scores SET cropped = 7 WHERE key = ?",
    "cropped-as-text": "UPDATE scores SET cropped = 'yes' WHERE key = ?",
    "device-changed": "UPDATE scores SET device = 'tpu' WHERE key = ?",
    "device-as-blob": "UPDATE scores SET device = x'ff' WHERE key = ?",
    "checksum-zeroed": "UPDATE scores SET checksum = '0000000000000000' WHERE key = ?",
    "checksum-empty": "UPDATE scores SET checksum = '' WHERE key = ?",
    "checksum-as-number": "UPDATE scores SET checksum = 42 WHERE key = ?",
}


@contextmanager
def _db(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that is committed *and closed* on exit (sqlite3's own context manager only commits;
    a connection left open holds locks that make the cache under test wait its 30 s busy timeout)."""
    with closing(sqlite3.connect(path)) as db:
        with db:
            yield db


def _fill(directory: Path, rows: list[Row]) -> None:
    cache = ScoreCache(directory)
    cache.put_many(rows)
    cache.close()


def _truth(rows: list[Row]) -> dict[str, tuple[float, bool, str]]:
    return {k: (float(s), bool(c), d) for k, s, c, d in rows}


def _assert_subset_of_truth(found: dict, truth: dict) -> None:
    for key, value in found.items():
        assert key in truth and value == truth[key], (key, value, truth.get(key))


@examples(30)
@given(_ROWS, st.data())
def test_a_tampered_row_is_never_trusted_and_is_healed_by_the_next_write(tmp_path_factory, rows, data):
    directory = tmp_path_factory.mktemp("cache")
    _fill(directory, rows)
    truth = _truth(rows)
    victims = data.draw(st.lists(st.sampled_from(sorted(truth)), unique=True, max_size=len(truth)))
    changed = set()
    with _db(directory / CACHE_FILE) as db:
        for key in victims:
            sql = TAMPER[data.draw(st.sampled_from(sorted(TAMPER)))]
            db.execute(sql, (key,))
            stored = db.execute("SELECT score, cropped, device, checksum FROM scores WHERE key = ?", (key,)).fetchone()
            score, cropped, device, _ = stored
            if (score, cropped, device) != (truth[key][0], int(truth[key][1]), truth[key][2]) or sql.startswith("UPDATE scores SET checksum"):
                changed.add(key)
    cache = ScoreCache(directory)
    found = cache.get_many(sorted(truth))
    _assert_subset_of_truth(found, truth)
    assert set(truth) - set(found) == changed  # exactly the damaged rows are dropped...
    assert cache.corrupt == len(changed)  # ...and counted, for the run's statistics
    cache.put_many(rows)  # what a run does after recomputing them
    healed = ScoreCache(directory)
    assert healed.get_many(sorted(truth)) == truth and healed.corrupt == 0


def test_swapped_keys_are_caught_by_the_checksum(tmp_path):
    rows = [("a", 0.25, False, "cpu"), ("b", 0.75, True, "cpu")]
    _fill(tmp_path, rows)
    with _db(tmp_path / CACHE_FILE) as db:
        db.execute("UPDATE scores SET key = 'tmp' WHERE key = 'a'")
        db.execute("UPDATE scores SET key = 'a' WHERE key = 'b'")
        db.execute("UPDATE scores SET key = 'b' WHERE key = 'tmp'")
    cache = ScoreCache(tmp_path)
    assert cache.get_many(["a", "b"]) == {} and cache.corrupt == 2


def test_non_finite_scores_are_not_stored(tmp_path):
    cache = ScoreCache(tmp_path)
    cache.put_many([("nan", math.nan, False, "cpu"), ("inf", math.inf, False, "cpu"), ("ok", 0.5, False, "cpu")])
    assert ScoreCache(tmp_path).get_many(["nan", "inf", "ok"]) == {"ok": (0.5, False, "cpu")}


@examples(15)
@given(_ROWS, st.data())
def test_a_cache_file_damaged_at_any_byte_gives_only_true_values_or_none(tmp_path_factory, rows, data):
    directory = tmp_path_factory.mktemp("cache")
    _fill(directory, rows)
    path = directory / CACHE_FILE
    with _db(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
    raw = bytearray(path.read_bytes())
    how = data.draw(st.sampled_from(["flip", "truncate", "zero-page", "garbage-wal"]))
    if how == "flip":
        for at in data.draw(st.lists(st.integers(0, len(raw) - 1), min_size=1, max_size=8)):
            raw[at] ^= data.draw(st.integers(1, 255))
        path.write_bytes(bytes(raw))
    elif how == "truncate":
        path.write_bytes(bytes(raw[: data.draw(st.integers(0, len(raw) - 1))]))
    elif how == "zero-page":
        page = data.draw(st.integers(0, max(0, len(raw) // 4096 - 1)))
        raw[page * 4096 : (page + 1) * 4096] = bytes(min(4096, len(raw) - page * 4096))
        path.write_bytes(bytes(raw))
    else:
        Path(f"{path}-wal").write_bytes(data.draw(st.binary(min_size=1, max_size=9000)))
    cache = ScoreCache(directory)
    truth = _truth(rows)
    found = cache.get_many(sorted(truth))  # must not raise, whatever the damage
    _assert_subset_of_truth(found, truth)
    cache.put_many(rows)  # and the cache (or a fresh one beside the damaged file) keeps working
    again = ScoreCache(directory).get_many(sorted(truth))
    _assert_subset_of_truth(again, truth)
    if not cache.disabled:
        assert again == truth


def test_invalid_utf8_in_a_damaged_schema_does_not_escape(tmp_path):
    _fill(tmp_path, [("k", 0.5, False, "cpu")])
    path = tmp_path / CACHE_FILE
    with _db(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(path.read_bytes())
    raw[raw.index(b"CREATE TABLE scores") + 7] ^= 0x80  # one bit: the schema text is no longer UTF-8
    path.write_bytes(bytes(raw))
    cache = ScoreCache(tmp_path)
    assert cache.get_many(["k"]) in ({}, {"k": (0.5, False, "cpu")})
    cache.put_many([("k", 0.5, False, "cpu")])


def test_a_negative_zero_score_is_cached(tmp_path):
    cache = ScoreCache(tmp_path)
    cache.put_many([("z", -0.0, False, "cpu")])
    again = ScoreCache(tmp_path)
    assert again.get_many(["z"]) == {"z": (0.0, False, "cpu")} and again.corrupt == 0


def test_a_row_that_is_not_utf8_costs_at_most_the_cache_never_a_wrong_value(tmp_path):
    rows = [("k", 0.5, False, "cpu"), ("j", 0.25, True, "cpu")]
    _fill(tmp_path, rows)
    with _db(tmp_path / CACHE_FILE) as db:
        db.execute("UPDATE scores SET device = CAST(x'ff' AS TEXT) WHERE key = 'k'")
    cache = ScoreCache(tmp_path)
    _assert_subset_of_truth(cache.get_many(["k", "j"]), _truth(rows))
    cache.put_many(rows)
    assert ScoreCache(tmp_path).get_many(["k", "j"]) == _truth(rows)


# --- several processes, and processes killed while writing ---------------------------------------------


def _value(key: str) -> tuple[float, bool, str]:
    n = int(key.split("-")[-1])
    return (n / 7.0, n % 3 == 0, "cpu")


def _hammer(directory: str, worker: int, rounds: int, result: "multiprocessing.Queue") -> None:
    """Write overlapping batches (every writer agrees on a key's value) and read others' rows back."""
    cache = ScoreCache(directory)
    problems = []
    for r in range(rounds):
        keys = [f"k-{(worker * 37 + r * 11 + i) % 600}" for i in range(120)]
        cache.put_many([(k, *_value(k)) for k in keys])
        probe = [f"k-{i}" for i in range(0, 600, 3)]
        for key, value in cache.get_many(probe).items():
            if value != _value(key):
                problems.append((key, value))
    result.put((worker, problems, cache.corrupt, list(cache.notices), cache.disabled))


def test_concurrent_processes_share_the_cache_without_damage(tmp_path):
    context = multiprocessing.get_context("fork")
    result = context.Queue()
    workers = [context.Process(target=_hammer, args=(str(tmp_path), w, repeats(40, 400), result)) for w in range(4)]
    for p in workers:
        p.start()
    reports = [result.get(timeout=300) for _ in workers]
    for p in workers:
        p.join(timeout=60)
        assert p.exitcode == 0
    for worker, problems, corrupt, notices, disabled in reports:
        assert problems == [] and corrupt == 0 and notices == [] and not disabled, (worker, problems, notices)
    final = ScoreCache(tmp_path).get_many([f"k-{i}" for i in range(600)])
    assert final and all(value == _value(key) for key, value in final.items())
    with _db(tmp_path / CACHE_FILE) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


WRITER = """
import sys
from evalkit.metrics.comet import ScoreCache
cache = ScoreCache(sys.argv[1])
batch = int(sys.argv[2])
while True:
    keys = [f"b{batch}-{i}" for i in range(400)]
    cache.put_many([(k, int(k.split("-")[-1]) / 7.0, int(k.split("-")[-1]) % 3 == 0, "cpu") for k in keys])
    if batch == int(sys.argv[2]):
        print("committed", flush=True)  # the test kills only after this: one batch is always there
    batch += 1
"""


def test_writers_killed_at_random_moments_leave_a_consistent_cache(tmp_path):
    import subprocess
    import sys

    from tests.hardening.util import env

    rng = random.Random()
    written = 0
    for run in range(repeats(4, 60)):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), str(run * 100_000)], env=env(), stdout=subprocess.PIPE, text=True
        )
        # Wait for the first commit rather than guessing the start-up time: on a loaded machine the interpreter
        # may take longer than any fixed sleep, and a writer killed before it wrote anything tests nothing.
        assert proc.stdout is not None and proc.stdout.readline().strip() == "committed"
        time.sleep(rng.uniform(0.0, 0.3))  # then somewhere inside a stream of transactions
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        cache = ScoreCache(tmp_path)
        with _db(tmp_path / CACHE_FILE) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            keys = [k for (k,) in db.execute("SELECT key FROM scores")]
        found = cache.get_many(keys)
        assert cache.corrupt == 0 and cache.notices == [] and len(found) == len(keys)
        assert all(value == _value(key) for key, value in found.items())
        assert len(keys) % 400 == 0  # whole transactions only: a batch is all there or not at all
        assert len(keys) >= written
        written = len(keys)
        cache.close()
    assert written > 0


def test_a_full_disk_is_not_damage_the_cache_is_kept_and_reused(tmp_path):
    """SQLITE_FULL (here: a page limit, the same error a full disk gives) turns the cache off for the run
    and keeps the file; only a damaged file is moved aside."""
    stored = [(f"key-{k}", k / 100, False, "cpu") for k in range(20)]
    cache = ScoreCache(tmp_path)
    cache.put_many(stored)
    conn = cache._connect()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # no room for one more page
    cache.put_many([(f"more-{k}-" + "x" * 500, 0.5, False, "cpu") for k in range(200)])
    assert cache.disabled and any("full" in n for n in cache.notices), cache.notices
    assert not any("damaged" in n for n in cache.notices)
    cache.close()
    assert not list(tmp_path.glob(CACHE_FILE + ".corrupt-*"))
    again = ScoreCache(tmp_path)
    assert again.get_many([k for k, *_ in stored]) == {k: (s, c, d) for k, s, c, d in stored}


def test_an_io_error_on_open_is_not_damage(tmp_path, monkeypatch):
    cache = ScoreCache(tmp_path)
    cache.put_many([("k", 0.25, True, "cpu")])
    cache.close()
    real_connect = sqlite3.connect

    def failing_connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.close()
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(sqlite3, "connect", failing_connect)
    broken = ScoreCache(tmp_path)
    assert broken.get_many(["k"]) == {} and broken.disabled
    monkeypatch.undo()
    assert not list(tmp_path.glob(CACHE_FILE + ".corrupt-*"))
    assert ScoreCache(tmp_path).get_many(["k"]) == {"k": (0.25, True, "cpu")}
