"""How fast evalkit is for a pre-commit hook and for an archive rescan: the figures of issue 16.

    python bench/speed_bench.py [--repeat 3] [--corpus ../shared/corpus/raw] [--only NAME ...]
                                [--baseline-report r.json] [--keep-report r.json] [--out bench/SPEED.md]

Rows (each the installed ``evalkit`` in a fresh subprocess, wall time including interpreter start, best
of ``--repeat``; CPU is user + system of the process and its workers):

- ``gate``: ``evalkit gate`` on a 10-entry digest (the summary table and first 10 entries of the largest
  corpus issue, written to a temporary directory), ``--no-config --no-references``; warm caches.
- ``corpus``: the whole corpus, every check, default jobs (one worker per core), JSON to a file.
- ``corpus-j1``: the same in one process.
- ``tree``: peak memory of the whole process tree of the default run (PSS summed over the parent and
  its workers, sampled every 0.1 s from /proc: shared copy-on-write pages are split, not counted twice).
- ``no-align``: the whole corpus with ``--no-align``, default jobs.
- ``scaling``: 1x, 2x and 4x the corpus (each copy a directory of copies of its files: evalkit reads a
  file reached twice, by a link or a repeated argument, once), default jobs: seconds per 1,000 entries
  should stay flat.
- ``identical``: the default run's report equals the ``-j1`` report byte for byte, and, with
  ``--baseline-report``, the report of another evalkit version (the before/after check: write one
  with ``--keep-report`` on the old version).

``--out`` also writes the lines to a Markdown file (the command and the machine on top). The corpus is
third-party data: nothing of it is kept. Rows that need it are skipped when it is absent.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from run import run_child  # noqa: E402
from tree_memory import tree_peak  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "raw"
#: The largest corpus issue: the gate row's 10 entries are its first ones.
SOURCE = "qhduan/20260818T091448Z_7cfcc14e_cs.AI.md"
EVALKIT = str(Path(sys.executable).with_name("evalkit"))
ROWS = ("gate", "corpus", "corpus-j1", "tree", "no-align", "scaling", "identical")


def ten_entry_digest(source: Path, target: Path, entries: int = 10) -> Path:
    """The table rows and detail entries 1..``entries`` of ``source``, written to ``target``."""
    text = source.read_text(encoding="utf-8")
    head, details = text.split("\n# 详细", 1)
    kept = [line for line in head.splitlines() if not line.startswith("| [^") or int(re.match(r"\| \[\^(\d+)\]", line)[1]) <= entries]
    cut = re.search(rf"^\[\^{entries + 1}\]", details, re.M)
    target.write_text("\n".join(kept).rstrip() + "\n\n# 详细" + (details[: cut.start()] if cut else details).rstrip() + "\n", encoding="utf-8")
    return target


def best(argv: list[str], repeat: int) -> tuple[float, float, int, int]:
    """The fastest of ``repeat`` runs (wall, its CPU, status), and the largest peak RSS MB of all of them."""
    runs = [run_child(argv) for _ in range(repeat)]
    fastest = min(runs, key=lambda r: r[0])
    return fastest[0], fastest[1], int(max(r[2] for r in runs)), fastest[3]


def copies(corpus: Path, target: Path, count: int) -> list[str]:
    """``count`` directories under ``target``, each holding a copy of every digest of ``corpus``."""
    import shutil

    out = []
    for k in range(count):
        root = target / f"copy{k}"
        for path in sorted(corpus.rglob("*.md")):
            copy = root / path.relative_to(corpus)
            copy.parent.mkdir(parents=True, exist_ok=True)
            if not copy.exists():
                shutil.copyfile(path, copy)
        out.append(str(root))
    return out


def entries_of(corpus: Path) -> int:
    """Entries in the corpus: footnote definitions ``[^N]:`` opening a line (as the parser counts them)."""
    return sum(len(re.findall(r"^\[\^\d+\]", p.read_text(encoding="utf-8"), re.M)) for p in corpus.rglob("*.md"))


def sha(path: Path) -> str:
    """The first 16 hex digits of a file's sha256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--only", action="append", choices=ROWS)
    ap.add_argument("--baseline-report", type=Path, help="a corpus report of another version to compare bytes with")
    ap.add_argument("--keep-report", type=Path, help="copy the default run's corpus report here")
    ap.add_argument("--out", type=Path, help="also write the results to this Markdown file")
    args = ap.parse_args()
    lines: list[str] = []

    def say(line: str) -> None:
        """Print a result line and keep it for --out."""
        lines.append(line)
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    only = set(args.only or ROWS)
    corpus = args.corpus.resolve()
    if not (corpus / SOURCE).is_file():
        sys.exit(f"skipped: the corpus is not at {corpus}")
    import platform

    # The reports (and the workers' JSON spools beside them) go to the temporary directory: on a machine
    # whose /tmp is slow to write, point TMPDIR elsewhere, and the line says where they went.
    say(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; best of {args.repeat};"
        f" files in {tempfile.gettempdir()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if "gate" in only:
            digest = ten_entry_digest(corpus / SOURCE, tmp_path / "d10.md")
            argv = [EVALKIT, "gate", str(digest), "--no-config", "--no-references", "-q"]
            run_child(argv)  # fills the derived-table caches if they are cold
            wall, cpu, rss, status = best(argv, max(args.repeat, 5))
            say(f"gate, 10-entry digest: {wall:.2f} s wall, {cpu:.2f} s CPU, peak RSS {rss} MB, exit {status} (target <= 0.4 s, <= 120 MB)")
        score = [EVALKIT, "score", str(corpus), "--no-config", "--format", "json"]
        default_report, j1_report = tmp_path / "default.json", tmp_path / "j1.json"
        if only & {"corpus", "identical"}:
            wall, cpu, rss, status = best([*score, "--output", str(default_report)], args.repeat)
            say(f"corpus, default jobs: {wall:.2f} s wall, {cpu:.2f} s CPU, largest process {rss} MB, exit {status} (target <= 12 s)")
            if args.keep_report:
                args.keep_report.write_bytes(default_report.read_bytes())
        if only & {"corpus-j1", "identical"}:
            wall, cpu, rss, status = best([*score, "-j1", "--output", str(j1_report)], args.repeat)
            say(f"corpus, -j1: {wall:.2f} s wall, {cpu:.2f} s CPU, peak RSS {rss} MB, exit {status} (target <= 25 s)")
        if "tree" in only:
            pss, rss, status = tree_peak([*score, "--output", os.devnull])
            say(f"corpus, default jobs, whole process tree: peak PSS {pss} MB, peak RSS {rss} MB, exit {status} (target <= 600 MB)")
        if "no-align" in only:
            wall, cpu, rss, status = best([*score, "--no-align", "--output", str(tmp_path / "na.json")], args.repeat)
            say(f"corpus, --no-align: {wall:.2f} s wall, {cpu:.2f} s CPU, exit {status} (target <= 2 s)")
        if "scaling" in only:
            entries = entries_of(corpus)
            for factor in (1, 2, 4):
                dirs = copies(corpus, tmp_path / "scaled", factor)
                argv = [EVALKIT, "score", *dirs, "--no-config", "--format", "json", "--output", str(tmp_path / "s.json")]
                wall, cpu, rss, status = best(argv, 1 if factor > 1 else args.repeat)
                per = wall / (entries * factor) * 1000
                say(f"scaling {factor}x ({entries * factor} entries): {wall:.2f} s wall, {cpu:.2f} s CPU, {per:.3f} s per 1,000 entries, exit {status}")
        if "identical" in only:
            same = filecmp.cmp(default_report, j1_report, shallow=False)
            say(f"identical: default jobs vs -j1 report: {'byte-identical' if same else 'DIFFERENT'} ({sha(default_report)}, {default_report.stat().st_size} bytes)")
            if args.baseline_report:
                same = filecmp.cmp(default_report, args.baseline_report, shallow=False)
                say(f"identical: vs {args.baseline_report}: {'byte-identical' if same else 'DIFFERENT'} ({sha(args.baseline_report)})")
    if args.out:
        command = "python bench/speed_bench.py " + " ".join(sys.argv[1:])
        body = "\n".join(f"- {line}" for line in lines)
        args.out.write_text(f"# Speed (issue 16)\n\nWritten by `{command}`.\n\n{body}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
