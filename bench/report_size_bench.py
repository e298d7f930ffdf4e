"""Size of the JSON report of a whole corpus: canonical (``-f json``) against compact (``-f json --compact``).

    python bench/report_size_bench.py [--corpus ../shared/corpus/raw] [--keep DIR] [--no-check]

Runs this checkout's ``evalkit score CORPUS --no-config -f json -o FILE`` once without and once with
``--compact`` (subprocesses, ``PYTHONPATH`` set to this checkout so an installed evalkit does not stand
in for it) and prints both sizes, the bytes per entry and the wall time of each run. Unless
``--no-check``, it then reads both files back the way every evalkit reader does
(:func:`evalkit.report.html.load_report`), checks that the compact one expands to exactly the
canonical data and bytes, and times serialising that data in both forms (the runs' wall times are
mostly scoring, and noisy on a shared machine). The reports go to a temporary directory, removed afterwards unless ``--keep``:
the corpus is third-party data, so nothing derived from it stays in the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Where the shared corpus sits beside a checkout (``main/``) or a worktree (``wt/NAME/``).
CORPORA = (ROOT.parent / "shared" / "corpus" / "raw", ROOT.parents[1] / "shared" / "corpus" / "raw")


def score(corpus: Path, target: Path, *extra: str) -> float:
    """Wall seconds of one ``evalkit score`` of ``corpus`` to ``target``; exits on a failed run."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    argv = [sys.executable, "-m", "evalkit", "score", str(corpus), "--no-config", "-q", "-f", "json", "-o", str(target), *extra]
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return time.perf_counter() - start


def check(canonical: Path, compact: Path) -> tuple[str, float, float]:
    """("ok" when the compact report reads back as exactly the canonical one, else what differs; the
    seconds :func:`dumps_report` and :func:`dumps_compact` take to serialise that data, in this process:
    the runs' wall times are mostly scoring)."""
    sys.path.insert(0, str(ROOT))
    from evalkit.report import dumps_report
    from evalkit.report.compact import dumps_compact
    from evalkit.report.html import load_report

    expanded = load_report(str(compact))
    start = time.perf_counter()
    text = dumps_report(expanded)
    middle = time.perf_counter()
    dumps_compact(expanded)
    times = (middle - start, time.perf_counter() - middle)
    if expanded != load_report(str(canonical)):
        return ("DIFFERENT data", *times)
    return ("ok" if text == canonical.read_text(encoding="utf-8") else "same data, DIFFERENT bytes", *times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=next((c for c in CORPORA if c.is_dir()), CORPORA[0]))
    ap.add_argument("--keep", type=Path, help="write the two reports here (canonical.json, compact.json) and keep them")
    ap.add_argument("--no-check", action="store_true", help="do not read the reports back")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"skipped: the corpus {args.corpus} is not here (give --corpus DIR)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        canonical, compact = folder / "canonical.json", folder / "compact.json"
        wall_canonical = score(args.corpus, canonical)
        wall_compact = score(args.corpus, compact, "--compact")
        summary = json.loads(compact.read_text(encoding="utf-8"))["summary"]
        entries = summary["entries"]
        sizes = {"canonical": canonical.stat().st_size, "compact": compact.stat().st_size}
        print(f"corpus {args.corpus}: {summary['issues']} issues, {entries} entries")
        for name, wall in (("canonical", wall_canonical), ("compact", wall_compact)):
            size = sizes[name]
            print(f"  {name:9}  {size:>12,} bytes  {size / 2**20:7.1f} MiB  {size / max(entries, 1):7,.0f} bytes/entry  ({wall:.1f} s)")
        print(f"  compact/canonical: {sizes['compact'] / sizes['canonical']:.3f}")
        if not args.no_check:
            verdict, dump_canonical, dump_compact = check(canonical, compact)
            print(f"  compact expands to the canonical report: {verdict}")
            print(f"  serialising the data in-process: canonical {dump_canonical:.2f} s, compact {dump_compact:.2f} s")


if __name__ == "__main__":
    main()
