"""Run the whole test suite several times, two suites at once, and count the rounds that fail.

    python bench/stress_suite.py [--rounds 10] [--parallel 2] [--pytest-args "-q -x"]

A flaky test blocks landing, so the suite must pass every time on a loaded 2-core machine. Each round
starts ``--parallel`` suites at the same moment, each in its own clean clone of the committed tree (so
they share no artefact directory, Hypothesis database or cache) with the project's virtualenv, and waits
for all of them. The script prints one line per suite and the number of failed suites; it exits 1 when
any suite failed, and keeps the tail of every failing log under ``--logs``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def clone(into: Path) -> Path:
    """A clean clone of the committed tree at ``into`` (what CI runs on)."""
    subprocess.run(["git", "clone", "-q", str(ROOT), str(into)], check=True)
    return into


def start_suite(checkout: Path, log: Path, pytest_args: list[str]) -> subprocess.Popen:
    """Start ``pytest`` in ``checkout`` with the project's interpreter, that checkout first on the path."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *pytest_args],
            cwd=checkout,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def main() -> int:
    """Run the rounds; return 1 when any suite failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--pytest-args", default="-q")
    parser.add_argument("--logs", type=Path, default=Path(tempfile.gettempdir()) / "evalkit-stress")
    args = parser.parse_args()
    args.logs.mkdir(parents=True, exist_ok=True)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="evalkit-stress-") as scratch:
        checkouts = [clone(Path(scratch) / f"suite{i}") for i in range(args.parallel)]
        for round_no in range(1, args.rounds + 1):
            started = time.perf_counter()
            logs = [args.logs / f"round{round_no}-suite{i}.log" for i in range(args.parallel)]
            procs = [start_suite(c, log, args.pytest_args.split()) for c, log in zip(checkouts, logs)]
            for i, (proc, log) in enumerate(zip(procs, logs)):
                code = proc.wait()
                tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["(no output)"]
                print(f"round {round_no} suite {i}: exit {code} after {time.perf_counter() - started:.0f} s: {tail[0]}")
                if code != 0:
                    failed += 1
                else:
                    log.unlink()
            sys.stdout.flush()
    print(f"{failed} of {args.rounds * args.parallel} suites failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
