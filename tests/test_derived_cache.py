"""evalkit.derived_cache: a derived table is built once, then loaded; stale, damaged or unwritable caches rebuild."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from evalkit.derived_cache import KEEP, load_or_build, sha256_of, table_path


class Builder:
    """Counts its calls, so a test sees whether the table came from the cache."""

    def __init__(self, table):
        self.table, self.calls = table, 0

    def __call__(self):
        self.calls += 1
        return self.table


def test_built_once_then_loaded(tmp_path):
    build = Builder({"模型": frozenset({"model"})})
    assert load_or_build("t", "k1", build, tmp_path) == build.table
    assert load_or_build("t", "k1", build, tmp_path) == build.table
    assert build.calls == 1


def test_another_key_is_built_and_kept_beside_the_first(tmp_path):
    load_or_build("t", "k1", Builder({"a": 1}), tmp_path)
    fresh = Builder({"a": 2})
    assert load_or_build("t", "k2", fresh, tmp_path) == {"a": 2} and fresh.calls == 1
    assert load_or_build("t", "k2", Builder({"a": 3}), tmp_path) == {"a": 2}
    assert load_or_build("t", "k1", Builder({"a": 4}), tmp_path) == {"a": 1}  # two checkouts do not rebuild in turn


def test_only_the_most_recently_used_tables_of_a_name_are_kept(tmp_path):
    import os

    for n in range(KEEP + 2):
        load_or_build("t", f"k{n}", Builder(n), tmp_path)
        os.utime(table_path(tmp_path, "t", f"k{n}"), ns=(n * 10**9, n * 10**9))  # k0 oldest
    load_or_build("t", "k0", Builder(-1), tmp_path)  # a hit marks k0 as just used (if still there)
    load_or_build("t", "new", Builder("new"), tmp_path)
    kept = sorted(p.name for p in tmp_path.glob("t-*.marshal"))
    assert len(kept) == KEEP and table_path(tmp_path, "t", "new").name in kept
    load_or_build("u", "k", Builder(0), tmp_path)  # another name is not pruned with them
    assert table_path(tmp_path, "u", "k").exists()


@pytest.mark.parametrize("damage", [lambda b: b[:-7], lambda b: b[:-1] + bytes([b[-1] ^ 1]), lambda b: b"", lambda b: b"junk"])
def test_a_damaged_file_is_rebuilt_never_decoded(tmp_path, damage):
    load_or_build("t", "k", Builder([1, 2, 3]), tmp_path)
    path = table_path(tmp_path, "t", "k")
    path.write_bytes(damage(path.read_bytes()))
    rebuilt = Builder([1, 2, 3])
    assert load_or_build("t", "k", rebuilt, tmp_path) == [1, 2, 3] and rebuilt.calls == 1
    assert load_or_build("t", "k", Builder(None), tmp_path) == [1, 2, 3]  # and written back whole


def test_an_unusable_directory_still_gives_the_table(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    build = Builder({"x": 1})
    assert load_or_build("t", "k", build, blocker / "cache") == {"x": 1}
    assert load_or_build("t", "k", build, blocker / "cache") == {"x": 1} and build.calls == 2


def test_the_key_separates_its_parts():
    assert sha256_of("ab", "c") != sha256_of("a", "bc") and sha256_of(b"x") == sha256_of("x")


def _first_run(args) -> bool:
    directory, barrier = args
    barrier.wait()
    table = load_or_build("t", "k", lambda: {str(n): n for n in range(20000)}, Path(directory))
    return table == {str(n): n for n in range(20000)}


def test_concurrent_first_runs_both_succeed(tmp_path):
    ctx = multiprocessing.get_context("fork")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(4)
        with ctx.Pool(4) as pool:
            assert pool.map(_first_run, [(str(tmp_path), barrier)] * 4) == [True] * 4
    assert [p.name for p in tmp_path.iterdir()] == [table_path(tmp_path, "t", "k").name]  # no temporary file left behind


def test_the_lexicon_from_the_cache_equals_a_fresh_build(tmp_path, monkeypatch):
    from evalkit.align import lexicon

    monkeypatch.setenv("EVALKIT_CACHE_DIR", str(tmp_path))
    lexicon.load_lexicon.cache_clear()
    try:
        first = lexicon.load_lexicon()  # builds and writes
        assert any(p.name.startswith("lexicon-") for p in tmp_path.iterdir())
        lexicon.load_lexicon.cache_clear()
        monkeypatch.setattr(lexicon, "build_glosses", lambda: pytest.fail("built again although cached"))
        second = lexicon.load_lexicon()
        assert second.glosses == first.glosses and second.tries == first.tries
    finally:
        lexicon.load_lexicon.cache_clear()
    assert os.environ["EVALKIT_CACHE_DIR"] == str(tmp_path)


def test_a_table_marshal_cannot_write_is_still_returned_and_nothing_is_left_behind(tmp_path):
    class Opaque:
        pass

    table = {"x": Opaque()}
    assert load_or_build("t", "k", lambda: table, tmp_path) is table
    assert list(tmp_path.iterdir()) == []
