"""Start-up cost of one small run: ``evalkit gate`` on a 10-entry digest, as a pre-commit hook runs it.

    python bench/startup_bench.py [--repeat 5] [--corpus ../shared/corpus/raw]

The digest is the summary table and the first 10 entries of the largest corpus issue, written to a
temporary directory (the corpus is third-party data: nothing of it is kept). Each run is the venv's
``evalkit gate DIGEST --no-config --no-references -q`` in a subprocess: wall time including interpreter
start, user+sys CPU and peak RSS (``ru_maxrss`` of the child), best of ``--repeat``. The first run
after a change of CC-CEDICT, the glossary or the lexicon version also builds the lexicon cache; the
figures are for a warm cache (what every later run sees), after one run that fills it.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "raw"
SOURCE = "qhduan/20260818T091448Z_7cfcc14e_cs.AI.md"
EVALKIT = str(Path(sys.executable).with_name("evalkit"))


def ten_entry_digest(source: Path, target: Path, entries: int = 10) -> Path:
    """The table rows and detail entries 1..``entries`` of ``source``, written to ``target``."""
    text = source.read_text(encoding="utf-8")
    head, details = text.split("\n# 详细", 1)
    kept = [line for line in head.splitlines() if not line.startswith("| [^") or int(re.match(r"\| \[\^(\d+)\]", line)[1]) <= entries]
    cut = re.search(rf"^\[\^{entries + 1}\]", details, re.M)
    target.write_text("\n".join(kept).rstrip() + "\n\n# 详细" + (details[: cut.start()] if cut else details).rstrip() + "\n", encoding="utf-8")
    return target


def run_once(argv: list[str]) -> tuple[float, float, int]:
    """(wall s, user+sys CPU s, peak RSS MB) of one subprocess run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss // 1024  # ru_maxrss: the largest child so far, in KB


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    args = ap.parse_args()
    source = args.corpus / SOURCE
    if not source.is_file():
        sys.exit(f"skipped: the corpus digest {source} is not here")
    with tempfile.TemporaryDirectory() as tmp:
        digest = ten_entry_digest(source, Path(tmp) / "d10.md")
        argv = [EVALKIT, "gate", str(digest), "--no-config", "--no-references", "-q"]
        run_once(argv)  # fills the lexicon cache if it is cold
        runs = [run_once(argv) for _ in range(args.repeat)]
    wall = min(r[0] for r in runs)
    cpu = min(r[1] for r in runs)
    rss = max(r[2] for r in runs)
    print(f"evalkit gate, 10-entry digest, no references: best of {args.repeat}: {wall:.2f} s wall, {cpu:.2f} s CPU; peak RSS {rss} MB")
    print("  all walls: " + ", ".join(f"{r[0]:.2f}" for r in runs))


if __name__ == "__main__":
    main()
