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


def run_child(argv: list[str]) -> tuple[float, float, float, int]:
    """Run ``argv`` once with its output discarded: (wall s, CPU s of it and its reaped children, peak RSS MB
    of the largest of them, exit status). ``os.wait4`` gives the child's own usage, not the caller's."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child: exec with stdout/stderr discarded
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execv(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def measure(argv: list[str], repeat: int) -> tuple[float, float, subprocess.CompletedProcess]:
    """Best-of-``repeat`` wall seconds and the largest peak RSS (MB) of a child process."""
    runs = [run_child(argv) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[2] for r in runs), subprocess.CompletedProcess(argv, runs[-1][3])


def measure_cpu(argv: list[str], repeat: int) -> tuple[float, float]:
    """Best-of-``repeat`` wall seconds and best CPU seconds (user + system) of a child process.

    CPU time is the steadier figure on a shared machine, where wall time also counts waiting for a core.
    """
    runs = [run_child(argv) for _ in range(repeat)]
    for *_, status in runs:
        if status != 0:
            raise RuntimeError(f"{argv[0]} failed with exit code {status}")
    return min(r[0] for r in runs), min(r[1] for r in runs)


def bench_corpus_score(repeat: int) -> list[Row]:
    """Issue #3: score the whole corpus to JSON (parse, align, every default check), in one process and
    with the default worker pool (one per core)."""
    if not CORPUS.is_dir():
        return [Row("corpus score", "skipped: ../shared/corpus/raw is absent", "", "")]
    files = sorted(CORPUS.rglob("*.md"))
    rows = []
    for jobs, label in (("1", "one process (-j1)"), ("0", "default, one worker per core")):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "r.json"
            argv = [EVALKIT, "score", str(CORPUS), "-j", jobs, "--format", "json", "--output", str(out)]
            wall, rss, proc = measure(argv, repeat)
            report = json.loads(out.read_text(encoding="utf-8"))
        command = f"evalkit score ../shared/corpus/raw -j {jobs} --format json --output r.json"
        rss_note = "" if jobs == "1" else " (largest single process; see the whole tree below)"
        rows += [
            Row(f"corpus score, all checks + alignment, {label}: wall", f"{wall:.2f} s", "≤ 30 s", command),
            Row(f"corpus score, all checks + alignment, {label}: peak RSS", f"{rss:.0f} MB{rss_note}", "≤ 600 MB", command),
        ]
    tree = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "tree_memory.py"), "--", EVALKIT, "score", str(CORPUS), "--format", "json",
         "--output", os.devnull],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    rows.append(
        Row(
            "corpus score, all checks + alignment, default: whole process tree (parent + workers), sampled",
            tree,
            "≤ 600 MB",
            "python bench/tree_memory.py -- evalkit score ../shared/corpus/raw --format json --output /dev/null",
        )
    )
    rows.append(
        Row(
            "corpus score: coverage",
            f"{len(files)} files, {report['summary']['entries']} entries, {len(report['errors'])} input errors, exit {proc.returncode}",
            "415 files, 15,500 entries, 0 errors",
            "evalkit score ../shared/corpus/raw --format json --output r.json",
        )
    )
    return rows


#: The checks of issue #2 only (structure, empty translation, truncation), as a fast structural run.
FOUNDATION_ONLY = ["--no-align"] + [
    arg for name in ("encoding", "language", "leak", "numbers", "untranslated") for arg in ("--disable", name)
]


def bench_corpus_foundation(repeat: int) -> list[Row]:
    """Issue #2: the foundation checks over the whole corpus (no alignment)."""
    if not CORPUS.is_dir():
        return [Row("corpus score, foundation checks", "skipped: ../shared/corpus/raw is absent", "", "")]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        argv = [EVALKIT, "score", str(CORPUS), *FOUNDATION_ONLY, "-j1", "--format", "json", "--output", str(out)]
        wall, rss, proc = measure(argv, repeat)
        entries = json.loads(out.read_text(encoding="utf-8"))["summary"]["entries"]
    command = "evalkit score ../shared/corpus/raw " + " ".join(FOUNDATION_ONLY) + " -j1 --format json --output r.json"
    return [
        Row("corpus score, foundation checks (-j1): wall", f"{wall:.2f} s ({entries} entries, exit {proc.returncode})", "≤ 5 s", command),
        Row("corpus score, foundation checks (-j1): peak RSS", f"{rss:.0f} MB", "≤ 400 MB", command),
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


#: The direct sacrebleu baseline of :func:`bench_sacrebleu`: read the same JSONL, score it, write the scores.
SACREBLEU_DIRECT = """
import json, sys
from sacrebleu.metrics import BLEU, CHRF
hyps, refs = [], []
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        row = json.loads(line)
        hyps.append(row["mt"])
        refs.append(row["ref"])
scores = {"bleu": BLEU(tokenize="zh").corpus_score(hyps, [refs]).score, "chrf": CHRF().corpus_score(hyps, [refs]).score}
with open(sys.argv[2], "w", encoding="utf-8") as fh:
    json.dump(scores, fh)
"""


def corpus_triples(path: Path) -> int:
    """Write every entry of the corpus as a triple: src = English abstract, mt = Chinese abstract, and as the
    stand-in reference the entry's own Chinese one-line summary (its Chinese title in v0 entries, which have
    no summary). The corpus has no human references; this only gives both tools the same text to score."""
    sys.path.insert(0, str(ROOT))
    from evalkit.errors import InputError
    from evalkit.parse import parse_digest, read_source

    rows = 0
    with path.open("w", encoding="utf-8") as out:
        for file in sorted(CORPUS.rglob("*.md")):
            try:
                issue = parse_digest(read_source(str(file))).issue
            except InputError:
                continue
            for e in issue.entries:
                ref = e.summary_zh.strip() or e.title_zh.strip()
                if not ref:
                    continue
                out.write(json.dumps({"id": e.arxiv_id, "src": e.abstract_en, "mt": e.abstract_zh, "ref": ref}, ensure_ascii=False) + "\n")
                rows += 1
    return rows


def bench_sacrebleu(repeat: int) -> list[Row]:
    """Issue #4: evalkit's BLEU/chrF over the whole corpus equal sacrebleu's, at most 1.3x its time.

    evalkit runs ``score --triples`` (BLEU and chrF, per-segment scores, corpus scores from sufficient
    statistics, 1000-resample bootstrap intervals, JSON report); the baseline is a Python process calling
    sacrebleu's ``corpus_score`` directly on the same JSONL. Both times include interpreter start and reading.
    """
    if not CORPUS.is_dir():
        return [Row("sacrebleu parity", "skipped: ../shared/corpus/raw is absent", "", "")]
    with tempfile.TemporaryDirectory() as tmp:
        triples = Path(tmp) / "corpus.jsonl"
        rows = corpus_triples(triples)
        ours, theirs = Path(tmp) / "evalkit.json", Path(tmp) / "sacrebleu.json"
        evalkit_argv = [EVALKIT, "score", "--triples", str(triples), "--metric", "bleu", "--metric", "chrf",
                        "--format", "json", "--output", str(ours)]
        direct_argv = [sys.executable, "-c", SACREBLEU_DIRECT, str(triples), str(theirs)]
        # alternate the two, so a busy moment on a shared machine does not fall on one side only
        runs = [(measure_cpu(evalkit_argv, 1), measure_cpu(direct_argv, 1)) for _ in range(repeat)]
        evalkit_wall, evalkit_cpu = min(r[0][0] for r in runs), min(r[0][1] for r in runs)
        direct_wall, direct_cpu = min(r[1][0] for r in runs), min(r[1][1] for r in runs)
        report = json.loads(ours.read_text(encoding="utf-8"))
        direct = json.loads(theirs.read_text(encoding="utf-8"))
    mine = {name: report["summary"]["scores"][name]["value"] for name in ("bleu", "chrf")}
    same = all(mine[name] == direct[name] for name in mine)
    command = (
        "evalkit score --triples corpus.jsonl --metric bleu --metric chrf --format json --output r.json "
        "vs python: sacrebleu BLEU(tokenize='zh') and CHRF() corpus_score on the same JSONL"
    )
    figure = ", ".join(f"{n} {mine[n]!r} vs {direct[n]!r}" for n in mine)
    return [
        Row(
            f"sacrebleu parity over the corpus ({rows} entries; mt = Chinese abstract, stand-in ref = own Chinese summary)",
            f"{'identical' if same else 'DIFFERENT'}: {figure}",
            "identical",
            command,
        ),
        Row(
            "BLEU+chrF CPU time, evalkit / sacrebleu direct (both incl. interpreter start and reading)",
            f"{evalkit_cpu / direct_cpu:.2f} ({evalkit_cpu:.1f} s / {direct_cpu:.1f} s)",
            "≤ 1.3",
            command,
        ),
        Row(
            "BLEU+chrF wall time, evalkit / sacrebleu direct",
            f"{evalkit_wall / direct_wall:.2f} ({evalkit_wall:.1f} s / {direct_wall:.1f} s)",
            "≤ 1.3",
            command,
        ),
    ]


def bench_comet(repeat: int) -> list[Row]:
    """COMET with the tiny QE model on 20 corpus issues: one run vs comet-score per file, the cache."""
    if not CORPUS.is_dir():
        return [Row("COMET", "skipped: ../shared/corpus absent", "", "")]
    sys.path.insert(0, str(ROOT / "bench"))
    import comet_bench

    command = "python bench/comet_bench.py --issues 20"
    return [Row(f"COMET: {name}", figure, COMET_TARGETS.get(name, ""), command) for name, figure in comet_bench.measure(20)]


def bench_html(repeat: int) -> list[Row]:
    """The HTML page of the largest shared digest: size, render time, readiness in Chromium."""
    if not CORPUS.is_dir():
        return [Row("HTML page", "skipped: ../shared/corpus absent", "", "")]
    sys.path.insert(0, str(ROOT / "bench"))
    import html_bench

    command = "python bench/html_bench.py"
    rows = html_bench.measure(html_bench.largest_digest(), repeat=max(repeat, 3))
    return [Row(f"HTML page: {name}", figure, target, command) for name, figure, target, _ in rows]


def bench_index(repeat: int) -> list[Row]:
    """The index of the whole corpus (``evalkit report``): page size, load and first chart draw in Chromium."""
    sys.path.insert(0, str(ROOT / "bench"))
    import tempfile

    import index_bench

    corpus = next((c for c in index_bench.CORPORA if c.is_dir()), None)
    if corpus is None:
        return [Row("index page", "skipped: ../shared/corpus absent", "", "")]
    command = "python bench/index_bench.py"
    rows = index_bench.measure(corpus, None, max(repeat, 3), Path(tempfile.mkdtemp(prefix="index-bench-")))
    return [Row(f"index page: {name}", figure, target, command) for name, figure, target, _ in rows]


#: Targets of the COMET rows that have one (issue #4).
COMET_TARGETS = {
    "ratio comet-score per file / evalkit one run (both fp16)": "> 1 (report the ratio)",
    "speed-up of the cached re-run over the cold run": "≥ 20×",
}

BENCHMARKS = {
    "startup": bench_startup,
    "foundation": bench_corpus_foundation,
    "corpus": bench_corpus_score,
    "defects": bench_defects,
    "sacrebleu": bench_sacrebleu,
    "comet": bench_comet,
    "html": bench_html,
    "index": bench_index,
}

NOTES = """
Notes:
- The default `evalkit score` uses one worker process per core (2 here); `-j1` is the single-process figure.
  The whole-tree figure sums PSS over the parent and its workers (pages shared copy-on-write, such as the
  dictionary loaded before the fork, are split rather than counted twice).
- The foundation row runs only the checks of issue #2 (`--no-align` and the text checks disabled).
- The defect bench and the corpus are third-party data under `../shared`; these rows are skipped without it.
- COMET rows use the tiny offline QE model of `tests/comet_models.py` (2 layers, random weights): they
  measure evalkit's plumbing (one model load, one batch, the cache), not COMET's quality. The first rows
  score the same pre-aligned segments both ways (parsing and alignment left out); the "end to end" rows
  are `evalkit score FILES --comet-model MODEL` as typed, where parsing, alignment and checks dominate.
"""


def machine_note() -> str:
    """Where the figures were taken."""
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def previous_rows(path: Path) -> list[Row]:
    """The rows of an existing RESULTS.md table (none if there is no file)."""
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.startswith("| ") and len(cells) == 4 and cells[0] not in ("benchmark", "---"):
            rows.append(Row(cells[0], cells[1], cells[2], cells[3].strip("`")))
    return rows


def merge_rows(old: list[Row], new: list[Row]) -> list[Row]:
    """``old`` with rows of the same name replaced by ``new`` ones, other new rows appended (``--only``)."""
    fresh = {r.name: r for r in new}
    merged = [fresh.pop(r.name, r) for r in old]
    return merged + [r for r in new if r.name in fresh]


def main() -> None:
    """Run the chosen benchmarks and write the Markdown table (with ``--only``, merged into the old one)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows: list[Row] = []
    for name in args.only or BENCHMARKS:
        rows += BENCHMARKS[name](args.repeat)
    if args.only:
        rows = merge_rows(previous_rows(Path(args.out)), rows)
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
    lines += NOTES.rstrip("\n").split("\n")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
