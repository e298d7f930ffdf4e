"""Inputs and environments that once ended in a Python traceback and exit 1 (which ``gate`` users read as
"the gate failed"). Each must now be a one-line ``evalkit: error: ...`` naming the file, and exit 2, or
simply work. The commands run as the installed script in a child process, so ``main()``, the real
standard streams and the interpreter's own start-up and shutdown are part of what is tested.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.digest_builder import fixture_text
from tests.gate.util import dated_name, good_entries, write_digest
from tests.hardening.util import EVALKIT, env

BAD_NAME = os.fsdecode(b"bad\xff.md")  # a file name that is not UTF-8 (the byte 0xff), as Linux allows
DEEP = 100_000


def run(args, cwd, *, stdout=subprocess.PIPE, **extra: str) -> subprocess.CompletedProcess:
    """Run evalkit; stdout and stderr as text, undecodable bytes shown as ``\\xNN`` (never a decode error here)."""
    proc = subprocess.run(
        [EVALKIT, *args], cwd=cwd, env=env(**extra), stdout=stdout, stderr=subprocess.PIPE, timeout=300
    )
    out = proc.stdout.decode("utf-8", "backslashreplace") if proc.stdout is not None else None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, proc.stderr.decode("utf-8", "backslashreplace"))


def assert_one_line_error(proc: subprocess.CompletedProcess, *fragments: str) -> str:
    """Exit 2, no traceback, and exactly one ``evalkit: error:`` line holding every fragment; that line."""
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    errors = [line for line in proc.stderr.splitlines() if line.startswith("evalkit: error:")]
    assert len(errors) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in errors[0], (fragment, errors[0])
    assert "internal error" not in errors[0]
    return errors[0]


def assert_clean(proc: subprocess.CompletedProcess, code: int = 0) -> None:
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr
    assert proc.returncode == code, (proc.returncode, proc.stderr)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A directory holding a good digest ``x.md`` and the same digest under a non-UTF-8 name."""
    text = fixture_text("v1_s3.md")
    (tmp_path / "x.md").write_text(text, encoding="utf-8")
    (tmp_path / BAD_NAME).write_text(text, encoding="utf-8")
    return tmp_path


# --- a non-UTF-8 file name -----------------------------------------------------------------------


def test_non_utf8_file_name_score_json_output(work):
    proc = run(["score", "--no-config", "-f", "json", "-o", "r.json", BAD_NAME], work)
    assert_clean(proc)
    raw = (work / "r.json").read_bytes()
    raw.decode("utf-8")  # valid UTF-8 ...
    report = json.loads(raw)  # ... and valid JSON ...
    assert os.fsencode(report["issues"][0]["path"]) == b"bad\xff.md"  # ... that keeps the exact name


@pytest.mark.parametrize("fmt", ["markdown", "html", "table"])
def test_non_utf8_file_name_score_text_output(work, fmt):
    proc = run(["score", "--no-config", "-f", fmt, "-o", f"r.{fmt}", BAD_NAME], work)
    assert_clean(proc)
    text = (work / f"r.{fmt}").read_bytes().decode("utf-8")
    # Markdown escapes the backslash itself (``bad\\\\xff`` renders as ``bad\\xff``); the others show it as is.
    assert ("bad\\\\xff" if fmt == "markdown" else "bad\\xff") in text


def test_non_utf8_file_name_score_to_stdout(work):
    proc = run(["score", "--no-config", "-f", "json", BAD_NAME], work)
    assert_clean(proc)
    assert os.fsencode(json.loads(proc.stdout)["issues"][0]["path"]) == b"bad\xff.md"


def test_non_utf8_file_name_gate_report(work):
    proc = run(["gate", "--no-config", "--report", "g.json", BAD_NAME], work)
    assert_clean(proc)
    report = json.loads((work / "g.json").read_bytes().decode("utf-8"))
    assert report["verdict"] == "pass"
    assert BAD_NAME in json.dumps(report, ensure_ascii=False)


def test_non_utf8_file_name_gate_summary(work):
    proc = run(["gate", "--no-config", "--summary", "s.md", BAD_NAME], work)
    assert_clean(proc)
    assert "bad\\\\xff.md" in (work / "s.md").read_bytes().decode("utf-8")  # Markdown for the text bad\\xff.md


def test_non_utf8_file_name_gate_html(work):
    proc = run(["gate", "--no-config", "--html", "site", BAD_NAME], work)
    assert_clean(proc)
    pages = list((work / "site").glob("*.html"))
    assert len(pages) == 1 and "bad\\xff" in pages[0].read_bytes().decode("utf-8")


def test_non_utf8_file_name_gate_record(work):
    proc = run(["gate", "--no-config", "--record", "--history", "h.sqlite", BAD_NAME], work)
    assert_clean(proc)
    with sqlite3.connect(work / "h.sqlite") as db:
        assert db.execute("SELECT path FROM issues").fetchall() == [("bad\\xff.md",)]
    again = run(["gate", "--no-config", "--record", "--history", "h.sqlite", BAD_NAME], work)
    assert_clean(again)
    assert "already" in again.stdout  # the same path and content: recorded once


# --- a hand-edited history -------------------------------------------------------------------------


def test_hand_edited_history_row_under_baseline(tmp_path):
    # Each kind of hand edit is in tests/gate/test_history.py; this is one of them end to end.
    write_digest(tmp_path, dated_name(5), good_entries(3))
    write_digest(tmp_path, dated_name(6), good_entries(3, start=4))
    assert_clean(run(["gate", "--no-config", "--record", "--history", "h.sqlite", dated_name(5)], tmp_path))
    db = sqlite3.connect(tmp_path / "h.sqlite")
    # A hand edit can break the table's own NOT NULL rules too: rebuild it without them, as an editor might.
    db.executescript(
        "PRAGMA writable_schema = ON;"
        "UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') WHERE name = 'issues';"
        "PRAGMA writable_schema = OFF;"
    )
    db.close()
    db = sqlite3.connect(tmp_path / "h.sqlite")
    db.execute("UPDATE issues SET entry_facts = ?", ("not JSON",))
    db.commit()
    row_id = db.execute("SELECT id FROM issues").fetchone()[0]
    db.close()
    proc = run(["gate", "--no-config", "--baseline", "3", "--history", "h.sqlite", dated_name(6)], tmp_path)
    assert_one_line_error(proc, "h.sqlite", f"row {row_id}")


# --- nested 100k deep ------------------------------------------------------------------------------


def deep_json() -> str:
    return "[" * DEEP + "]" * DEEP


def test_deep_json_report_render(tmp_path):
    (tmp_path / "deep.json").write_text(deep_json())
    assert_one_line_error(run(["render", "deep.json", "-o", "d.html"], tmp_path), "deep.json", "nested")
    assert_one_line_error(run(["render", "-f", "markdown", "deep.json"], tmp_path), "deep.json", "nested")
    assert not (tmp_path / "d.html").exists()


def test_deep_json_report_index(tmp_path):
    (tmp_path / "deep.json").write_text(deep_json())
    assert_one_line_error(run(["report", "deep.json", "-o", "site"], tmp_path), "deep.json", "nested")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "deep.json").write_text('{"schema": "evalkit.report/1", "x": ' + deep_json() + "}")
    # Inside a directory, JSON that does not parse is skipped (a reports folder holds other JSON too).
    assert_one_line_error(run(["report", "dir", "-o", "site"], tmp_path), "no evalkit JSON reports found")


def test_deep_json_export(tmp_path):
    (tmp_path / "deep.json").write_text(deep_json())
    assert_one_line_error(run(["export", "deep.json", "--to", "out"], tmp_path), "deep.json", "nested")


def test_deep_json_triples(tmp_path):
    (tmp_path / "t.jsonl").write_text('{"src": "a", "mt": "b", "ref": "c"}\n{"src": ' + deep_json() + "}\n")
    assert_one_line_error(run(["score", "--no-config", "--triples", "t.jsonl"], tmp_path), "t.jsonl:2", "nested")


def test_deep_json_references(work):
    (work / "refs").mkdir()
    (work / "refs" / "a.jsonl").write_text('{"arxiv_id": "2401.00001", "abstract": ' + deep_json() + "}\n")
    proc = run(["score", "--no-config", "--references", "refs", "x.md"], work)
    assert_one_line_error(proc, "refs/a.jsonl:1", "nested")
    check = run(["refs", "check", "--references", "refs"], work)
    assert "Traceback" not in check.stderr and check.returncode == 2
    assert "refs/a.jsonl:1" in check.stderr and "nested" in check.stderr


def test_deep_toml_config(work):
    (work / "deep.toml").write_text("disable = " + "[" * DEEP + "]" * DEEP + "\n")
    assert_one_line_error(run(["score", "--config", "deep.toml", "x.md"], work), "deep.toml", "nested")
    (work / "evalkit.toml").write_text("disable = " + "[" * DEEP + "]" * DEEP + "\n")
    assert_one_line_error(run(["gate", "x.md"], work), "evalkit.toml", "nested")


def test_deep_toml_waivers(work):
    (work / "w.toml").write_text("waiver = " + "[" * DEEP + "]" * DEEP + "\n")
    assert_one_line_error(run(["gate", "--no-config", "--waivers", "w.toml", "x.md"], work), "w.toml", "nested")


# --- numbers JSON cannot hold ----------------------------------------------------------------------


@pytest.fixture
def report_json(work) -> str:
    proc = run(["score", "--no-config", "-f", "json", "-o", "ok.json", "x.md"], work)
    assert_clean(proc)
    return (work / "ok.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["render", "markdown", "report", "export"])
def test_non_finite_number_in_report(work, report_json, command):
    # NaN, Infinity and the other literals JSON cannot hold: tests/test_safe_load.py.
    # "pass" is a count the HTML only shows, so nothing downstream would notice an infinite one.
    assert '"pass": 3,' in report_json
    (work / "inf.json").write_text(report_json.replace('"pass": 3,', '"pass": 1e999,', 1), encoding="utf-8")
    args = {
        "render": ["render", "inf.json", "-o", "i.html"],
        "markdown": ["render", "-f", "markdown", "inf.json"],
        "report": ["report", "inf.json", "-o", "site"],
        "export": ["export", "inf.json", "--to", "out"],
    }[command]
    line = assert_one_line_error(run(args, work), "inf.json:")
    assert "number" in line


# --- --max-file-size ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["99999999999999999999999MB", "9" * 400, "9" * 400 + ".5GB"])
def test_huge_max_file_size(work, size):
    # A limit beyond anything a file can be is no limit: the digest is read and scored.
    proc = run(["score", "--no-config", "-f", "json", "--max-file-size", size, "x.md"], work)
    assert_clean(proc)
    assert json.loads(proc.stdout)["summary"]["entries"] == 3


def test_huge_max_file_size_in_config(work):
    (work / "evalkit.toml").write_text("max_file_size = 99999999999999999999\n")
    proc = run(["score", "-f", "json", "x.md"], work)
    assert_clean(proc)
    assert json.loads(proc.stdout)["summary"]["entries"] == 3


# --- standard output that cannot take the text ----------------------------------------------------


@pytest.mark.parametrize("encoding, fmt", [("ascii", "table"), ("ascii", "json"), ("latin-1", "markdown")])
def test_ascii_or_latin1_stdout_score(work, encoding, fmt):
    proc = run(["score", "--no-config", "-f", fmt, "x.md"], work, PYTHONIOENCODING=encoding)
    assert_clean(proc)
    proc.stdout.encode(encoding)  # nothing outside the declared encoding was written
    assert "\\u" in proc.stdout  # what it cannot hold is escaped, not dropped
    if fmt == "json":
        expected = run(["score", "--no-config", "-f", "json", "x.md"], work)
        assert json.loads(proc.stdout) == json.loads(expected.stdout)  # \uXXXX escapes are JSON's own


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_ascii_or_latin1_stdout_gate(work, encoding):
    proc = run(["gate", "--no-config", "--summary", "-", "x.md"], work, PYTHONIOENCODING=encoding)
    assert_clean(proc)
    proc.stdout.encode(encoding)
    assert "PASS" in proc.stdout and "\\u2705" in proc.stdout


# --- a closed standard output ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [["score", "--no-config", "x.md"], ["score", "--no-config", "-f", "json", "x.md"], ["gate", "--no-config", "x.md"]]
)
def test_closed_stdout(work, args):
    # close_fds cannot close fd 1; a child started with stdout=None inherits ours, so close it in the child.
    proc = subprocess.run(
        ["sh", "-c", 'exec "$0" "$@" >&-', EVALKIT, *args], cwd=work, env=env(), capture_output=True, timeout=300
    )
    stderr = proc.stderr.decode("utf-8", "backslashreplace")
    assert_one_line_error(subprocess.CompletedProcess(args, proc.returncode, "", stderr), "standard output")


@pytest.mark.parametrize(
    "args", [["score", "--no-config", "x.md"], ["score", "--no-config", "-f", "json", "x.md"], ["gate", "--no-config", "x.md"]]
)
def test_stdout_reader_gone(work, args):
    # As `evalkit ... | head -c1` once head has exited: the pipe's reading end is closed before evalkit
    # writes, so every write gets EPIPE (deterministically, whatever the pipe buffer holds).
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([EVALKIT, *args], cwd=work, env=env(), stdout=write_end, stderr=subprocess.PIPE, timeout=300)
    finally:
        os.close(write_end)
    stderr = proc.stderr.decode("utf-8", "backslashreplace")
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert proc.returncode == 2 and stderr == "", (proc.returncode, stderr)  # quiet, as Unix tools are on EPIPE


# --- the last resort -------------------------------------------------------------------------------


def test_unexpected_error_is_an_internal_error_line(work, monkeypatch, capsys):
    import sys

    from evalkit import cli, pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(pipeline, "score", broken)
    monkeypatch.setattr(sys, "argv", ["evalkit", "score", "--no-config", str(work / "x.md")])
    monkeypatch.delenv("EVALKIT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" in err and "RuntimeError: a bug" in err and "EVALKIT_DEBUG=1" in err
    monkeypatch.setenv("EVALKIT_DEBUG", "1")
    with pytest.raises(RuntimeError, match="a bug"):
        cli.main()
