"""Helpers of the hardening tests: running evalkit in a subprocess, killing it at a random moment."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parents[2]
EVALKIT = str(Path(sys.executable).with_name("evalkit"))


def env(**extra: str) -> dict[str, str]:
    """The environment of a child: the project importable, no user configuration, caches in the temp dir."""
    out = {k: v for k, v in os.environ.items() if not k.startswith(("EVALKIT_", "HF_", "PYTHONHASHSEED"))}
    out["PYTHONPATH"] = str(ROOT) + (os.pathsep + out["PYTHONPATH"] if out.get("PYTHONPATH") else "")
    out.update(extra)
    return out


def run_evalkit(args: Sequence[str], cwd: str | Path, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([EVALKIT, *args], cwd=cwd, env=env(**extra), capture_output=True, text=True, timeout=timeout)


def kill_at_random(
    argv: Sequence[str],
    cwd: str | Path,
    latest: float,
    rng: random.Random,
    after: Callable[[], bool] | None = None,
    **extra: str,
) -> float:
    """Start ``argv`` and SIGKILL it after a random delay in ``[0, latest)`` seconds; return the delay.

    With ``after``, the delay counts from the moment ``after()`` first holds (polled every millisecond),
    to aim at one phase of the run, such as "the temporary file exists". The child gets its own process
    group and the whole group is killed (a pool's workers too).
    """
    delay = rng.uniform(0, latest)
    proc = subprocess.Popen(
        list(argv), cwd=cwd, env=env(**extra), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        if after is not None:
            while proc.poll() is None and not after():
                time.sleep(0.001)
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    return delay


def phase_length(argv: Sequence[str], cwd: str | Path, start: Callable[[], bool], **extra: str) -> tuple[float, float]:
    """Seconds of a whole uninterrupted run and of its part after ``start()`` first holds."""
    began = time.perf_counter()
    proc = subprocess.Popen(list(argv), cwd=cwd, env=env(**extra), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = None
    while proc.poll() is None:
        if seen is None and start():
            seen = time.perf_counter()
        time.sleep(0.001)
    ended = time.perf_counter()
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else proc.returncode
    return ended - began, ended - (seen or ended)


def timed_run(argv: Sequence[str], cwd: str | Path, **extra: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    proc = subprocess.run(list(argv), cwd=cwd, env=env(**extra), capture_output=True, text=True, timeout=600)
    return time.perf_counter() - started, proc
