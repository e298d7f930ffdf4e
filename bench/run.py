"""Run evalkit's benchmarks and write bench/RESULTS.md (figure, command, machine note).

    python bench/run.py [--out bench/RESULTS.md] [--only NAME ...] [--repeat N]

Each benchmark runs the installed ``evalkit`` as a user would, in a subprocess, and measures wall time
(including interpreter start) and peak RSS of that process. Benchmarks that need the shared corpus
(``../shared/corpus/raw``) or the defect bench are skipped, with a note, when it is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "raw"
DEFECTS = SHARED / "bench" / "defects-dev"
EVALKIT = str(Path(sys.executable).with_name("evalkit"))


@dataclass
class Row:
    """One measured figure."""

    name: str
    figure: str
    target: str
    command: str


def measure(argv: list[str], repeat: int) -> tuple[float, float, subprocess.CompletedProcess]:
    """Best-of-``repeat`` wall seconds and the largest peak RSS (MB) of a child process."""
    best, peak, proc = float("inf"), 0.0, None
    for _ in range(repeat):
        pid_start = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # child: exec evalkit with stdout/stderr discarded
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.execv(argv[0], argv)
        _, status, usage = os.wait4(pid, 0)
        best = min(best, time.perf_counter() - pid_start)
        peak = max(peak, usage.ru_maxrss / 1024)
        proc = subprocess.CompletedProcess(argv, os.waitstatus_to_exitcode(status))
    assert proc is not None
    return best, peak, proc


def bench_corpus_score(repeat: int) -> list[Row]:
    """Issues #2/#3: score the whole corpus to JSON (parse, align, every default check)."""
    if not CORPUS.is_dir():
        return [Row("corpus score", "skipped: ../shared/corpus/raw is absent", "", "")]
    files = sorted(CORPUS.rglob("*.md"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        argv = [EVALKIT, "score", str(CORPUS), "--format", "json", "--output", str(out)]
        wall, rss, proc = measure(argv, repeat)
        report = json.loads(out.read_text(encoding="utf-8"))
    entries = report["summary"]["entries"]
    command = "evalkit score ../shared/corpus/raw --format json --output r.json"
    return [
        Row("corpus score, all checks + alignment: wall (incl. interpreter start)", f"{wall:.2f} s", "≤ 30 s", command),
        Row("corpus score, all checks + alignment: peak RSS", f"{rss:.0f} MB", "≤ 600 MB", command),
        Row(
            "corpus score: coverage",
            f"{len(files)} files, {entries} entries, {len(report['errors'])} input errors, exit {proc.returncode}",
            "415 files, 15,500 entries, 0 errors",
            command,
        ),
    ]


def bench_startup(repeat: int) -> list[Row]:
    """Issue #2: ``evalkit --help`` must start well under a second."""
    wall, rss, _ = measure([EVALKIT, "--help"], max(repeat, 5))
    return [Row("evalkit --help: wall", f"{wall * 1000:.0f} ms", "well under 1 s", "evalkit --help")]


def bench_defects(repeat: int) -> list[Row]:
    """Issue #3: detection recall per injected defect kind and the error rate on untouched entries."""
    script = SHARED / "bench" / "score_defects.py"
    if not DEFECTS.is_dir() or not script.is_file():
        return [Row("defect bench", "skipped: ../shared/bench/defects-dev is absent", "", "")]
    proc = subprocess.run(
        [sys.executable, str(script), str(DEFECTS), "--evalkit", EVALKIT, "--json"],
        capture_output=True, text=True, check=True,
    )
    result = json.loads(proc.stdout)
    command = "python3 ../shared/bench/score_defects.py ../shared/bench/defects-dev --evalkit .venv/bin/evalkit"
    rows = [
        Row(f"defect recall: {kind}", f"{hit}/{total} ({hit / max(1, total):.0%})", "≥ 90%", command)
        for kind, (hit, total) in sorted(result["per_defect"].items())
    ]
    rows.append(Row("defect recall: all kinds", f"{result['recall']:.1%}", "≥ 90% per kind", command))
    rows.append(
        Row(
            "untouched entries with an error",
            f"{result['clean_error_rate']:.1%} of {result['clean_entries']}",
            "≤ 5%",
            command,
        )
    )
    return rows


BENCHMARKS = {"startup": bench_startup, "corpus": bench_corpus_score, "defects": bench_defects}


def machine_note() -> str:
    """Where the figures were taken."""
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main() -> None:
    """Run the chosen benchmarks and write the Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows: list[Row] = []
    for name in args.only or BENCHMARKS:
        rows += BENCHMARKS[name](args.repeat)
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`python bench/run.py`). Machine: {machine_note()}.",
        f"Wall time is the best of {args.repeat} runs of the installed `evalkit` in a fresh process; peak RSS is",
        "the child's `ru_maxrss`.",
        "",
        "| benchmark | figure | target | command |",
        "|---|---|---|---|",
    ]
    lines += [f"| {r.name} | {r.figure} | {r.target} | `{r.command}` |" for r in rows]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
