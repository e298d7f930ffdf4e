"""Detection on real defects (issue 13): the labelled real entries, the injected-defect bench, corpus cost.

    python bench/detection_bench.py [--baseline REV] [--repeat 3] [--skip-corpus]

1. ``../shared/bench/score_real.py`` on ``../shared/bench/real-dev``: recall of all and of major labelled
   defects, the entries with a major defect the gate fails, labelled clean entries with an error, and the
   precision of every code with at least 5 warnings/errors there;
2. ``../shared/bench/score_defects.py`` on ``../shared/bench/defects-dev``: recall and the share of
   untouched entries with an error;
3. ``evalkit score ../shared/corpus/raw --format json`` (every check, default jobs), best of ``--repeat``
   wall seconds; with ``--baseline REV`` the same for a checkout of REV (a temporary git worktree run with
   this virtualenv), so the two are timed on the same machine at the same time.

Prints a Markdown table against the issue's targets. Needs the shared corpus and benches; says so and
exits 0 when they are absent. Writes nothing into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "raw"
REAL_DEV = SHARED / "bench" / "real-dev"
DEFECTS = SHARED / "bench" / "defects-dev"
EVALKIT = str(Path(sys.executable).with_name("evalkit"))
#: Codes with fewer flags than this on the labelled entries are not held to the precision target.
MIN_FLAGS = 5


def run_real(evalkit: str, env: dict[str, str]) -> tuple[dict, dict[str, tuple[int, int]]]:
    """score_real.py's JSON summary and its precision table (code -> (matching, flags))."""
    out = subprocess.run(
        [sys.executable, str(SHARED / "bench" / "score_real.py"), str(REAL_DEV), "--evalkit", evalkit],
        capture_output=True, text=True, check=True, env=env,
    ).stdout
    summary = json.loads(out.strip().splitlines()[-1])
    precision = {}
    section = False
    for line in out.splitlines():
        if line.startswith("precision by evalkit code"):
            section = True
            continue
        if section:
            found = re.match(r"\s+(\S+)\s+(\d+)/(\d+)", line)
            if not found:
                break
            precision[found.group(1)] = (int(found.group(2)), int(found.group(3)))
    return summary, precision


def run_defects(evalkit: str, env: dict[str, str]) -> tuple[float, float]:
    """score_defects.py's recall and untouched-entry error rate, in percent."""
    out = subprocess.run(
        [sys.executable, str(SHARED / "bench" / "score_defects.py"), str(DEFECTS), "--evalkit", evalkit],
        capture_output=True, text=True, check=True, env=env,
    ).stdout
    found = re.search(r"recall ([\d.]+)% clean_error_rate ([\d.]+)%", out)
    if not found:
        raise SystemExit(f"score_defects.py printed no summary line:\n{out[-500:]}")
    return float(found.group(1)), float(found.group(2))


def time_corpus(evalkit: str, env: dict[str, str], repeat: int) -> float:
    """Best wall seconds of scoring the whole corpus, every check, default jobs, JSON to a file."""
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(
                [evalkit, "score", str(CORPUS), "--format", "json", "--output", f"{tmp}/r.json", "--no-progress"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
            )
            best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", help="a git revision to time the corpus run against (e.g. the commit before the change)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-corpus", action="store_true", help="leave out the corpus timing")
    a = ap.parse_args()
    if not (REAL_DEV / "labels.jsonl").exists() or not CORPUS.is_dir():
        print(f"skipped: the shared corpus and benches are absent ({SHARED})")
        return
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    summary, precision = run_real(EVALKIT, env)
    recall, untouched = run_defects(EVALKIT, env)
    failed, majors = summary["gate_fails_major"]
    clean_errors, clean = summary["clean_with_error"]
    rows = [
        ("gate fails entries with a major defect", f"{failed}/{majors} ({failed / majors:.0%})", ">= 75%"),
        ("labelled clean entries with an error", f"{clean_errors}/{clean} ({clean_errors / clean:.0%})", "<= 5%"),
        ("recall of major defects", f"{summary['recall_major']:.1%}", ">= 80%"),
        ("recall of all defects", f"{summary['recall']:.1%}", ">= 55%"),
    ]
    for code, (hits, flags) in sorted(precision.items(), key=lambda kv: -kv[1][1]):
        if flags >= MIN_FLAGS:
            rows.append((f"precision of `{code}`", f"{hits}/{flags} ({hits / flags:.0%})", ">= 70%"))
    rows += [
        ("injected-defect bench recall", f"{recall:.1f}%", ">= 95%"),
        ("injected-defect bench: untouched entries with an error", f"{untouched:.1f}%", "<= 5%"),
    ]
    if not a.skip_corpus:
        now = time_corpus(EVALKIT, env, a.repeat)
        if a.baseline:
            with tempfile.TemporaryDirectory() as tmp:
                tree = Path(tmp) / "baseline"
                subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), a.baseline], check=True)
                try:
                    before = time_corpus(EVALKIT, dict(os.environ, PYTHONPATH=str(tree)), a.repeat)
                finally:
                    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
            rows.append((f"corpus score, best of {a.repeat} (baseline {a.baseline})", f"{now:.1f} s vs {before:.1f} s ({now / before - 1:+.0%})", "<= +20%"))
        else:
            rows.append((f"corpus score, best of {a.repeat}", f"{now:.1f} s", "-"))
    print("| figure | measured | target |\n|---|---|---|")
    for name, figure, target in rows:
        print(f"| {name} | {figure} | {target} |")


if __name__ == "__main__":
    main()
