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
