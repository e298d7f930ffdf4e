"""The SQLite history: appends, baselines, de-duplication, and two processes appending at once."""

from __future__ import annotations

import datetime
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from evalkit.gate.history import History, HistoryError
from tests.gate.util import synthetic_issue

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime.datetime(2026, 1, 31, 12, 0, tzinfo=datetime.timezone.utc)


def append(history: History, *issues) -> None:  # noqa: ANN002
    history.append(list(issues), tool_version="test", policy="p", now=NOW)


def test_append_and_read_back(tmp_path):
    path = str(tmp_path / "reports" / "history.sqlite")  # the folder is created
    issue = synthetic_issue(2, 10, name="a.md", date="2026-01-02", scores=[50.0] * 10)
    with History(path) as history:
        result = history.append([issue], tool_version="test", policy="p", commit="abc", now=NOW)
        assert (result.added, result.already) == (1, 0)
        assert history.count() == 1
        (back,) = list(history.rows())
    assert back.entries == issue.entries
    assert (back.path, back.series, back.date, back.failing) == ("a.md", "cs.CL", "2026-01-02", 2)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_same_content_is_recorded_once(tmp_path):
    issue = synthetic_issue(0, 5, name="a.md")
    with History(str(tmp_path / "h.sqlite")) as history:
        append(history, issue)
        result = history.append([issue], tool_version="test", policy="p", now=NOW)
        assert (result.added, result.already) == (0, 1)
        assert history.count() == 1


def test_baseline_is_the_last_n_of_the_series_without_the_issue_itself(tmp_path):
    with History(str(tmp_path / "h.sqlite")) as history:
        for day in range(1, 8):
            append(history, synthetic_issue(0, 5, name=f"d{day}.md", date=f"2026-01-0{day}"))
        append(history, synthetic_issue(0, 5, name="other.md", series="stat.ML", date="2026-01-05"))
        new = synthetic_issue(1, 5, name="d6.md", date="2026-01-06")  # an edited version of day 6
        names = [b.path for b in history.baseline(new, 3)]
        assert names == ["d5.md", "d4.md", "d3.md"]  # not day 6 itself, not day 7 (later), not stat.ML
        assert len(history.baseline(new, 3, same_series=False)) == 3
        assert "other.md" in [b.path for b in history.baseline(new, 10, same_series=False)]
        assert history.baseline(new, 0) == []


def test_a_rewritten_undated_file_is_a_series_of_issues(tmp_path):
    """Repositories that rewrite cs.CL.md every day: each content is an issue of the series 'cs.CL.md'."""
    with History(str(tmp_path / "h.sqlite")) as history:
        for k in range(4):
            issue = replace(synthetic_issue(k, 5, name="cs.CL.md", series="cs.CL.md"), channel=None, digest=f"v{k}")
            append(history, issue)
        new = replace(synthetic_issue(0, 5, name="cs.CL.md", series="cs.CL.md"), channel=None, digest="v-new")
        assert [b.digest for b in history.baseline(new, 10)] == ["v3", "v2", "v1", "v0"]


def test_missing_history_is_no_baseline_and_a_broken_one_is_an_error(tmp_path):
    history = History(str(tmp_path / "none.sqlite"))
    assert history.baseline(synthetic_issue(0, 5, name="a.md"), 5) == []
    assert history.count() == 0
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryError, match="broken.sqlite"):
        History(str(broken)).baseline(synthetic_issue(0, 5, name="a.md"), 5)


def test_another_schema_version_is_refused(tmp_path):
    path = str(tmp_path / "h.sqlite")
    with History(path) as history:
        append(history, synthetic_issue(0, 5, name="a.md"))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(HistoryError, match="history schema 99"):
        History(path).count()


_WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from evalkit.gate.history import History
    from tests.gate.util import synthetic_issue

    tag, count, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sys.stdin.readline()  # both writers start together
    with History(path) as history:
        for k in range(count):
            # one transaction per issue, as many small commits as possible, to interleave with the other writer
            history.append([synthetic_issue(k % 3, 6, name=f"{{tag}}-{{k}}.md")], tool_version="t", policy="p")
    print("done")
    """
)


def test_two_processes_appending_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "reports" / "history.sqlite")
    script = tmp_path / "writer.py"
    script.write_text(_WRITER.format(root=str(ROOT)), encoding="utf-8")
    count = 60
    writers = [
        subprocess.Popen([sys.executable, str(script), tag, str(count), path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for tag in ("a", "b")
    ]
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        out, _ = writer.communicate(timeout=120)
        assert writer.returncode == 0 and out.strip() == "done"
    with History(path) as history:
        paths = sorted(i.path for i in history.rows())
    assert len(paths) == 2 * count
    assert paths == sorted(f"{tag}-{k}.md" for tag in ("a", "b") for k in range(count))


def test_setting_wal_while_another_connection_holds_the_write_lock_waits(tmp_path, monkeypatch):
    """The cause of "database is locked" on a new history: PRAGMA journal_mode = WAL fails at once, busy
    timeout or not, while another process holds the write lock of the new file (it is creating it
    too). Here a connection holds that lock; the history must wait for it, then open."""
    import threading

    import evalkit.gate.history as history_module

    path = str(tmp_path / "history.sqlite")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waited = threading.Event()
    real_pause = history_module._pause

    def pause(seconds: float) -> None:
        waited.set()  # the opener met the lock and is waiting, not failing
        real_pause(seconds)

    monkeypatch.setattr(history_module, "_pause", pause)
    outcome: list[object] = []

    def open_history() -> None:
        try:
            with History(path) as history:
                append(history, synthetic_issue(0, 5, name="a.md"))
                outcome.append(history.count())
        except Exception as exc:  # noqa: BLE001 - handed to the main thread's assertion
            outcome.append(exc)

    opener = threading.Thread(target=open_history)
    opener.start()
    while opener.is_alive() and not waited.wait(0.05):
        pass
    holder.execute("ROLLBACK")
    holder.close()
    opener.join(timeout=120)
    assert outcome == [1]
    assert waited.is_set()


_CREATOR = textwrap.dedent(
    """
    import multiprocessing, os, sys
    sys.path.insert(0, {root!r})
    from evalkit.gate.history import History
    from tests.gate.util import synthetic_issue

    def create(path, barrier, tag):
        barrier.wait()  # every process opens the same new file at the same moment
        with History(path) as history:
            history.append([synthetic_issue(0, 3, name=f"{{tag}}.md")], tool_version="t", policy="p")

    if __name__ == "__main__":
        folder, rounds, width = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        context = multiprocessing.get_context("fork")
        failures = 0
        for r in range(rounds):
            path = os.path.join(folder, f"h{{r}}.sqlite")
            barrier = context.Barrier(width)
            procs = [context.Process(target=create, args=(path, barrier, f"p{{k}}")) for k in range(width)]
            for p in procs:
                p.start()
            for p in procs:
                p.join()
                failures += p.exitcode != 0
            if History(path).count() != width:
                failures += 1
        print(failures)
    """
)


def test_many_processes_creating_one_history_at_once_all_succeed(tmp_path):
    """Before the fix 5-15% of the processes of this loop failed with "database is locked"."""
    script = tmp_path / "creator.py"
    script.write_text(_CREATOR.format(root=str(ROOT)), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path), "15", "6"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0", done.stderr


_BATCH_WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from evalkit.gate.history import History
    from tests.gate.util import synthetic_issue

    path, run = sys.argv[1], sys.argv[2]
    with History(path) as history:
        k = 0
        while True:  # batches of 5 issues, one transaction each, until killed
            batch = [synthetic_issue(j % 3, 6, name=f"{{run}}-{{k}}-{{j}}.md") for j in range(5)]
            history.append(batch, tool_version="t", policy="p")
            print(k, flush=True)
            k += 1
    """
)


def test_a_writer_killed_at_random_moments_leaves_whole_transactions(tmp_path):
    """SIGKILL during appends: the store stays readable and holds whole batches, never part of one."""
    import random
    import signal
    import sqlite3
    import time

    path = str(tmp_path / "history.sqlite")
    script = tmp_path / "batch_writer.py"
    script.write_text(_BATCH_WRITER.format(root=str(ROOT)), encoding="utf-8")
    rng = random.Random(11)
    recorded = 0
    for run in range(4):
        proc = subprocess.Popen([sys.executable, str(script), path, str(run)], stdout=subprocess.PIPE, text=True)
        proc.stdout.readline()  # at least one batch is in
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        with History(path) as history:
            rows = list(history.rows())
        assert len(rows) % 5 == 0 and len(rows) > recorded  # whole batches only, and nothing lost
        recorded = len(rows)


def test_reading_a_history_never_changes_it(tmp_path):
    """A baseline read opens the file read-only: a rollback-journal history (written on a file system without
    WAL, say) keeps its bytes, where opening it for writing would turn it into a WAL file."""
    path = tmp_path / "h.sqlite"
    with History(str(path)) as history:
        append(history, synthetic_issue(0, 5, name="a.md", date="2026-01-02"))
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = DELETE")
    before = path.read_bytes()
    with History(str(path)) as history:
        assert history.count() == 1
        assert len(history.baseline(synthetic_issue(1, 5, name="b.md", date="2026-01-03"), 3)) == 1
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.sqlite"]


@pytest.fixture
def read_only(tmp_path):
    """Make a folder and the files in it read-only, for root too (the immutable attribute) where possible."""
    import os
    import shutil

    sealed: list[Path] = []

    def seal(folder: Path) -> None:
        targets = [*folder.iterdir(), folder]
        if os.geteuid() == 0:
            chattr = shutil.which("chattr")
            if chattr is None or subprocess.run([chattr, "+i", *map(str, targets)], capture_output=True).returncode:
                pytest.skip("root ignores permission bits and chattr +i is not available here")
            sealed.extend(targets)
        else:
            for target in targets:
                target.chmod(0o555 if target.is_dir() else 0o444)
        try:
            (folder / "probe").write_text("x", encoding="utf-8")
        except OSError:
            return
        pytest.skip("could not make the folder read-only")

    yield seal
    if sealed:
        subprocess.run(["chattr", "-i", *map(str, sealed)], check=True)
    for target in tmp_path.rglob("*"):
        target.chmod(0o755 if target.is_dir() else 0o644)


def test_a_read_only_history_serves_as_a_baseline(tmp_path, read_only):
    folder = tmp_path / "reports"
    path = str(folder / "history.sqlite")
    with History(path) as history:
        append(history, synthetic_issue(0, 5, name="a.md", date="2026-01-02"))
    read_only(folder)
    with History(path) as history:
        assert history.count() == 1
        assert [i.path for i in history.baseline(synthetic_issue(1, 5, name="b.md", date="2026-01-03"), 3)] == ["a.md"]
        with pytest.raises(HistoryError, match="history.sqlite"):
            append(history, synthetic_issue(1, 5, name="b.md"))


def test_a_comet_cache_is_refused_as_history_and_left_as_it_was(tmp_path):
    from evalkit.metrics.comet import ScoreCache

    cache = ScoreCache(tmp_path / "cache")
    cache.put_many([("k1", 0.5, False, "cpu")])
    cache.close()
    before = cache.path.read_bytes()
    for use in (lambda h: h.count(), lambda h: h.baseline(synthetic_issue(0, 5, name="a.md"), 3), lambda h: append(h, synthetic_issue(0, 5, name="a.md"))):
        with History(str(cache.path)) as history, pytest.raises(HistoryError, match="is not an evalkit history"):
            use(history)
    with sqlite3.connect(cache.path) as db:
        tables = sorted(r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    assert tables == ["checkpoints", "scores", "spans"]  # the COMET cache's own tables, no history table added
    assert cache.path.read_bytes() == before


def test_an_empty_file_is_no_history_yet_and_can_be_recorded_into(tmp_path):
    path = tmp_path / "h.sqlite"
    path.touch()
    with History(str(path)) as history:
        assert history.count() == 0 and list(history.rows()) == []
        assert history.baseline(synthetic_issue(0, 5, name="a.md"), 3) == []
        append(history, synthetic_issue(0, 5, name="a.md"))
        assert history.count() == 1


def _drop_not_null(path: str) -> None:
    """Rebuild the table's declaration without its NOT NULL rules, as a hand edit with a raw tool might."""
    db = sqlite3.connect(path)
    db.executescript(
        "PRAGMA writable_schema = ON;"
        "UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') WHERE name = 'issues';"
        "PRAGMA writable_schema = OFF;"
    )
    db.close()


HAND_EDITS = {
    "entry facts not JSON": ("entry_facts", "not JSON"),
    "entry facts a JSON object": ("entry_facts", '{"ref": 1}'),
    "ref not a number": ("entry_facts", '[{"ref": "one"}]'),
    "ref missing": ("entry_facts", '[{"arxiv_id": "2401.00001"}]'),
    "unknown severity": ("entry_facts", '[{"ref": 1, "findings": [["x", "fatal"]]}]'),
    "scores not an object": ("entry_facts", '[{"ref": 1, "scores": "high"}]'),
    "infinite score": ("entry_facts", '[{"ref": 1, "scores": {"chrf": 1e999}}]'),
    "entry facts nested 100k deep": ("entry_facts", "[" * 100_000 + "]" * 100_000),
    "entry facts NULL": ("entry_facts", None),
    "failing NULL": ("failing", None),
    "failing text": ("failing", "many"),
    "path NULL": ("path", None),
    "failing a fraction": ("failing", 1.5),  # an INTEGER column keeps a REAL as it is
    "digest a BLOB": ("digest", b"\x00"),
}


@pytest.mark.parametrize("column, value", HAND_EDITS.values(), ids=HAND_EDITS.keys())
def test_hand_edited_history_row_is_an_error_naming_file_and_row(tmp_path, column, value):
    path = str(tmp_path / "history.sqlite")
    with History(path) as history:
        append(history, synthetic_issue(0, 3, name="a.md", date="2026-01-02", scores=[50.0] * 3))
    _drop_not_null(path)
    with sqlite3.connect(path) as db:
        db.execute(f"UPDATE issues SET {column} = ?", (value,))
        (row_id,) = db.execute("SELECT id FROM issues").fetchone()
    new = synthetic_issue(0, 3, name="b.md", date="2026-01-03")
    with History(path) as history:
        with pytest.raises(HistoryError) as error:
            list(history.rows())
        message = str(error.value)
        assert message.startswith(f"{path}: row {row_id}: ") and "\n" not in message
        try:
            # A row the baseline's query selects fails the same way; a NULL path, say, is never selected.
            assert history.baseline(new, 3) == []
        except HistoryError as again:
            assert str(again) == message


def test_non_utf8_path_is_recorded_with_the_byte_escaped(tmp_path):
    import os

    name = os.fsdecode(b"bad\xff.md")
    path = str(tmp_path / "history.sqlite")
    with History(path) as history:
        issue = replace(synthetic_issue(0, 2, name=name, series=name), digest="d1")
        append(history, issue)
        append(history, issue)  # the same path and content: no new row
        assert history.count() == 1
        (back,) = list(history.rows())
        assert back.path == "bad\\xff.md"
        later = replace(issue, digest="d2")
        assert [i.path for i in history.baseline(later, 3)] == ["bad\\xff.md"]
