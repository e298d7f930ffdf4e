"""Peak memory of a whole process tree (a command and its worker processes), sampled from /proc.

    python bench/tree_memory.py -- evalkit score ../shared/corpus/raw --format json --output r.json

Prints the largest sum over the tree of PSS (proportional set size: pages shared copy-on-write
between the parent and forked workers are split among them, not counted twice) and of RSS, sampled
every 0.1 s. Linux only.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    kids = [int(x) for x in text.split()]
    return kids + [g for k in kids for g in _children(k)]


def _field(pid: int, name: str, path: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])  # kB
    except OSError:
        pass
    return 0


def tree_peak(argv: list[str]) -> tuple[int, int, int]:
    """Run ``argv`` (its output discarded): (peak tree PSS MB, peak tree RSS MB, exit status)."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_pss = peak_rss = 0
    while proc.poll() is None:
        tree = [proc.pid, *_children(proc.pid)]
        peak_pss = max(peak_pss, sum(_field(p, "Pss", "smaps_rollup") for p in tree))
        peak_rss = max(peak_rss, sum(_field(p, "VmRSS", "status") for p in tree))
        time.sleep(0.1)
    return peak_pss // 1024, peak_rss // 1024, proc.returncode


def main() -> None:
    """Run the command after ``--`` and print its tree's peak PSS and RSS in MB."""
    pss, rss, status = tree_peak(sys.argv[sys.argv.index("--") + 1 :])
    print(f"exit {status}; peak tree PSS {pss} MB, peak tree RSS {rss} MB")


if __name__ == "__main__":
    main()
