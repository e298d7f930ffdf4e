"""Issues' canonical JSON written by the workers that scored them, then copied into the report."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from evalkit.pipeline import score
from evalkit.report import build_report, dumps_report, iter_report_json
from evalkit.report import canonical
from evalkit.report.spool import IssueJsonSpool
from tests.digest_builder import FIXTURES
from tests.helpers import foundation_config

PATHS = [str(FIXTURES)]


def _report(run, config) -> str:  # noqa: ANN001 - a RunResult and its Config
    return "".join(iter_report_json(run, config))


@pytest.fixture
def spooled_run(tmp_path):
    config = foundation_config()
    with IssueJsonSpool(tmp_path) as spool:
        yield score(PATHS, config, jobs=2, spool=spool), config, spool


def test_a_pooled_run_spools_every_issue_and_the_report_is_unchanged(spooled_run, monkeypatch):
    run, config, _ = spooled_run
    assert run.issues and len(run.spooled) == len(run.issues)
    assert all(issue is spooled for (spooled, _), issue in zip(run.spooled, run.issues))
    expected = dumps_report(build_report(score(PATHS, config, jobs=1), config))
    assert _report(run, config) == expected

    # The copies are really used: with the parent's own dumping broken the report is still whole.
    def broken(issue):  # noqa: ANN001, ANN202
        raise AssertionError("dumped in the parent")

    monkeypatch.setattr(canonical, "iter_issue_json", broken)
    assert _report(run, config) == expected


def test_a_lost_or_short_spool_file_is_dumped_anew(spooled_run):
    run, config, _ = spooled_run
    expected = dumps_report(build_report(score(PATHS, config, jobs=1), config))
    (_, first), (_, second) = run.spooled[0], run.spooled[1]
    os.unlink(first.path)
    with open(second.path, "r+b") as fh:
        fh.truncate(second.size // 2)
    assert first.read() is None and second.read() is None
    assert _report(run, config) == expected


def test_an_issue_replaced_after_spooling_is_dumped_as_it_now_is(spooled_run):
    run, config, _ = spooled_run
    k = next(k for k, issue in enumerate(run.issues) if len(issue.entries) > 1)
    changed = replace(run.issues[k], entries=run.issues[k].entries[:1])
    edited = replace(run, issues=(*run.issues[:k], changed, *run.issues[k + 1 :]))
    assert _report(edited, config) == dumps_report(build_report(edited, config))
    assert _report(edited, config) != _report(run, config)


def test_one_process_spools_nothing(tmp_path):
    with IssueJsonSpool(tmp_path) as spool:
        run = score(PATHS, foundation_config(), jobs=1, spool=spool)
        assert run.spooled == ()
        assert os.listdir(spool.directory) == []


def test_the_directory_is_removed_and_so_are_those_of_dead_processes(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".evalkit-spool.{int(dead.stdout)}.0badf00d"
    stale.mkdir()
    (stale / "1-0.json").write_text("{}")
    alive = tmp_path / f".evalkit-spool.{os.getpid()}.0000beef"
    alive.mkdir()
    with IssueJsonSpool(tmp_path) as spool:
        assert Path(spool.directory).parent == tmp_path and Path(spool.directory).name.startswith(".evalkit-spool.")
        assert not stale.exists() and alive.exists()
    assert not Path(spool.directory).exists()


def test_an_issue_that_cannot_be_written_is_left_to_the_parent(tmp_path):
    run = score(PATHS, foundation_config(), jobs=1)
    spool = IssueJsonSpool(tmp_path)
    spool.close()  # its directory is gone
    assert spool(run.issues[0]) is None


def test_the_cli_report_of_a_pooled_run_leaves_no_spool_behind(tmp_path):
    from tests.hardening.util import run_evalkit

    out = tmp_path / "out"
    out.mkdir()
    for jobs in ("1", "2"):
        proc = run_evalkit(
            ["score", str(FIXTURES), "--no-config", "--no-references", "-f", "json", "-j", jobs, "-o", f"out/{jobs}.json"], tmp_path
        )
        assert proc.returncode in (0, 2), proc.stderr
    assert (out / "1.json").read_bytes() == (out / "2.json").read_bytes()
    assert sorted(os.listdir(out)) == ["1.json", "2.json"]


def test_a_report_to_a_new_directory_or_to_stdout_spools_in_the_temporary_directory_and_cleans_up(tmp_path):
    from tests.hardening.util import run_evalkit

    temp = tmp_path / "temp"
    temp.mkdir()
    args = ["score", str(FIXTURES), "--no-config", "--no-references", "-f", "json", "-j", "2"]
    to_file = run_evalkit([*args, "-o", "new/dir/r.json"], tmp_path, TMPDIR=str(temp))
    to_stdout = run_evalkit(args, tmp_path, TMPDIR=str(temp))
    assert to_file.returncode == to_stdout.returncode and to_file.returncode in (0, 2), to_file.stderr
    assert (tmp_path / "new" / "dir" / "r.json").read_text(encoding="utf-8") == to_stdout.stdout
    assert os.listdir(tmp_path / "new" / "dir") == ["r.json"]
    assert os.listdir(temp) == []
