"""Crash safety of every file evalkit writes: reports, reference files, and (in test_comet_cache.py) the
COMET score cache.

A run killed with SIGKILL at a random moment, repeated many times, must leave the previous version of
the file byte for byte, or the complete new one: never a partial file. A killed run cannot delete its
temporary file; the next write to the same path removes it, so none accumulate (write_text's contract).
Repetitions: see :func:`tests.property.budget.repeats` (more with ``EVALKIT_FUZZ=1``).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from evalkit.report.write import remove_stale_temporaries, temporary_files, write_text
from tests.digest_builder import build_digest, make_entry
from tests.hardening.util import EVALKIT, kill_at_random, phase_length, run_evalkit, timed_run
from tests.property.budget import repeats

SEED = random.randrange(1 << 30)

WRITER = r"""
import sys
from evalkit.report.write import write_text
target, blocks = sys.argv[1], int(sys.argv[2])
line = "NEW " + "x" * 1019 + "\n"  # 1 KiB
write_text(target, (line for _ in range(blocks)))
"""
BLOCKS = 48 * 1024  # 48 MiB in 1 KiB chunks: long enough that most random moments fall inside the write


def _assert_old_or_complete_new(path: Path, old: bytes, new_size: int) -> str:
    data = path.read_bytes()
    if data == old:
        return "old"
    assert len(data) == new_size and data.startswith(b"NEW ") and data.endswith(b"x\n"), (
        f"partial or foreign file: {len(data)} bytes, seed {SEED}"
    )
    return "new"


def test_write_text_killed_at_random_moments_keeps_the_old_file(tmp_path):
    rng = random.Random(SEED)
    target = tmp_path / "report.json"
    old = b'{"old": true}\n'
    target.write_bytes(old)
    argv = [sys.executable, "-c", WRITER, str(target), str(BLOCKS)]
    writing = lambda: bool(temporary_files(target))  # noqa: E731
    full, write_phase = phase_length(argv, tmp_path, writing)  # how long a run, and its write, take
    new_size = BLOCKS * 1024
    outcomes = {"old": 0, "new": 0}
    strays = 0
    for k in range(repeats(8, 150)):
        target.write_bytes(old)
        if k % 4 == 0:  # anywhere in the run, start-up included
            kill_at_random(argv, tmp_path, latest=full * 1.2, rng=rng)
        else:  # while the temporary file is being written, synced and renamed
            kill_at_random(argv, tmp_path, latest=write_phase * 1.2, rng=rng, after=writing)
        outcomes[_assert_old_or_complete_new(target, old, new_size)] += 1
        strays += bool(temporary_files(target))
        remove_stale_temporaries(target)  # what the next write does first
        assert temporary_files(target) == []
        assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    assert outcomes["old"] >= 1, outcomes  # some kills landed before the rename (the interesting case)
    print(f"write_text SIGKILL runs: {outcomes}, runs that left a temporary file: {strays}, seed {SEED}")


def test_the_next_write_removes_temporaries_of_dead_processes_only(tmp_path):
    target = tmp_path / "r.json"
    dead = _dead_pid()
    stale = tmp_path / f".r.json.{dead}.0123abcd.tmp"
    alive = tmp_path / ".r.json.1.89abcdef.tmp"  # pid 1 always runs
    other = tmp_path / f".other.json.{dead}.0123abcd.tmp"  # another target's: not ours to touch
    for p in (stale, alive, other):
        p.write_text("partial")
    write_text(str(target), "{}\n")
    assert target.read_text() == "{}\n"
    assert not stale.exists() and alive.exists() and other.exists()


def test_an_exception_while_writing_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old\n")

    def chunks():
        yield "new, half"
        raise KeyboardInterrupt  # Ctrl-C in the middle of a large report

    with pytest.raises(KeyboardInterrupt):
        write_text(str(target), chunks())
    assert target.read_text() == "old\n" and temporary_files(target) == []


def _dead_pid() -> int:
    import subprocess

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# --- the real command line ---------------------------------------------------------------------------


def _big_digest(n: int) -> str:
    specs = [make_entry(k).but(link=f"https://arxiv.org/abs/2402.{k:05d}") for k in range(1, n + 1)]
    return build_digest(specs)


CLI_ARGS = ["score", "big.md", "--no-align", "--no-config", "--no-references", "-j1", "--format", "json", "--output", "out/r.json"]


@pytest.fixture(scope="module")
def big_run(tmp_path_factory):
    """A directory with a 3,000-entry digest, the report an uninterrupted run writes for it, and how long
    the run and its writing phase take."""
    work = tmp_path_factory.mktemp("cli-kill")
    (work / "big.md").write_text(_big_digest(3000), encoding="utf-8")
    target = work / "out" / "r.json"
    full, write_phase = phase_length([EVALKIT, *CLI_ARGS], work, lambda: bool(temporary_files(target)))
    return work, (full, write_phase), target.read_bytes()


def test_evalkit_score_killed_at_random_moments_keeps_the_previous_report(big_run):
    work, (full, write_phase), complete = big_run
    rng = random.Random(SEED)
    target = work / "out" / "r.json"
    old = b'{"previous": "report"}\n'
    outcomes = {"old": 0, "new": 0}
    writing = lambda: bool(temporary_files(target))  # noqa: E731
    for k in range(repeats(4, 40)):
        target.write_bytes(old)
        if k % 2 == 0:
            kill_at_random([EVALKIT, *CLI_ARGS], work, latest=full * 1.1, rng=rng)
        else:
            kill_at_random([EVALKIT, *CLI_ARGS], work, latest=write_phase * 1.2, rng=rng, after=writing)
        data = target.read_bytes()
        assert data in (old, complete), f"partial report ({len(data)} of {len(complete)} bytes), seed {SEED}"
        outcomes["old" if data == old else "new"] += 1
        remove_stale_temporaries(target)
        assert [p.name for p in target.parent.iterdir()] == ["r.json"]
    print(f"evalkit score SIGKILL runs: {outcomes}, seed {SEED}")


def test_a_rerun_after_a_kill_cleans_up_and_writes_the_same_report(big_run):
    work, (full, write_phase), complete = big_run
    target = work / "out" / "r.json"
    writing = lambda: bool(temporary_files(target))  # noqa: E731
    kill_at_random([EVALKIT, *CLI_ARGS], work, latest=write_phase / 2, rng=random.Random(1), after=writing)
    assert temporary_files(target), "the kill was meant to land while the report was being written"
    proc = run_evalkit(CLI_ARGS, work)
    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes() == complete
    assert [p.name for p in target.parent.iterdir()] == ["r.json"]


# --- evalkit refs import -----------------------------------------------------------------------------


def test_refs_import_killed_at_random_moments_keeps_the_previous_reference_file(tmp_path):
    rng = random.Random(SEED)
    (tmp_path / ".git").mkdir()
    (tmp_path / "edited.md").write_text(_big_digest(2000), encoding="utf-8")
    args = ["refs", "import", "edited.md", "--who", "tester", "--when", "2026-08-21", "--references", "refs"]
    full, proc = timed_run([EVALKIT, *args], tmp_path)
    assert proc.returncode == 0, proc.stderr
    target = tmp_path / "refs" / "edited.jsonl"
    complete = target.read_bytes()
    old = complete.split(b"\n", 1)[0] + b"\n"  # a valid earlier version: one reference from the same source
    outcomes = {"old": 0, "new": 0}
    writing = lambda: bool(temporary_files(target))  # noqa: E731
    for k in range(repeats(2, 30)):
        target.write_bytes(old)
        if k % 2 == 0:
            kill_at_random([EVALKIT, *args], tmp_path, latest=full * 1.1, rng=rng)
        else:  # aim at the write: a few milliseconds for this file
            kill_at_random([EVALKIT, *args], tmp_path, latest=0.02, rng=rng, after=writing)
        data = target.read_bytes()
        assert data in (old, complete), f"partial reference file ({len(data)} bytes), seed {SEED}"
        outcomes["old" if data == old else "new"] += 1
        remove_stale_temporaries(target)
        assert [p.name for p in target.parent.iterdir()] == ["edited.jsonl"]
    print(f"refs import SIGKILL runs: {outcomes}, seed {SEED}")


def test_a_failed_refs_import_leaves_the_reference_file_alone(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "edited.md").write_text(build_digest([make_entry(1), make_entry(2)]), encoding="utf-8")
    args = ["refs", "import", "edited.md", "--who", "tester", "--when", "2026-08-21", "--references", "refs"]
    assert run_evalkit(args, tmp_path).returncode == 0
    target = tmp_path / "refs" / "edited.jsonl"
    before = target.read_bytes()
    (tmp_path / "edited.md").write_bytes(b"\x00binary now")
    proc = run_evalkit(args, tmp_path)
    assert proc.returncode == 2 and "binary" in proc.stderr and "Traceback" not in proc.stderr
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["edited.jsonl"]
