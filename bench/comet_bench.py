"""COMET benchmark: evalkit's one-run batched scoring vs ``comet-score`` per file, and the score cache.

    python bench/comet_bench.py [--issues 20] [--models DIR] [--precision fp32|fp16] [--keep DIR]

Uses the tiny reference-free (QE) model of ``tests/comet_models.py`` (built offline into a temporary
directory unless ``--models`` names one built before) on the aligned sentence pairs of ``--issues``
digests spread over ``../shared/corpus/raw``. Three measurements, each a fresh process as a user runs it
(interpreter start, imports and model load included):

1. evalkit, cold cache: every segment of every issue scored in one run (one model load, one batch);
2. ``comet-score`` once per issue file on the same segments (one model load per file; fp16, as the CLI
   always is since comet 2.2.5);
3. evalkit again on unchanged input: every score from the cache, no model load.

evalkit runs twice cold: in fp16 (like for like with comet-score) and in ``--precision`` (default fp32,
evalkit's default); the cached re-run repeats the latter.

Parsing and alignment are done once up front and left out of all three, since they are the same work
whichever way COMET is run. Then the same issues end to end, as a user types it: ``evalkit score FILES
--comet-model MODEL`` cold, again on unchanged input (cache), and with ``--no-comet`` (what COMET adds).
Prints the figures (and the largest difference between evalkit's and comet-score's scores); writes
nothing into the repository. ``bench/run.py --only comet`` puts them into ``bench/RESULTS.md``.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "raw"
COMET_SCORE = str(Path(sys.executable).with_name("comet-score"))

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for tests.comet_models when run as a script

#: The evalkit side, run in a child process: read segments, score them all, report counts and timing.
CHILD = """
import json, sys, time
started = time.perf_counter()
from evalkit.metrics.comet import CometScorer, Segment
segments_file, model, cache_dir, precision, out = sys.argv[1:6]
issues = json.load(open(segments_file, encoding="utf-8"))
segments = [Segment(s, m) for issue in issues for s, m in issue["pairs"]]
scorer = CometScorer(model, precision=precision, cache_dir=cache_dir, allow_download=False)
scores = scorer.score(segments)
json.dump({"scores": scores, "stats": vars(scorer.stats), "seconds": time.perf_counter() - started,
           "signature": scorer.signature, "modules": sorted(m for m in ("torch", "comet") if m in sys.modules)},
          open(out, "w"))
"""


def pick_issues(count: int) -> list[Path]:
    """``count`` digests spread evenly over the corpus (sorted paths, a fixed stride): deterministic."""
    files = sorted(CORPUS.rglob("*.md"))
    if len(files) < count:
        raise SystemExit(f"need {count} digests under {CORPUS}, found {len(files)}")
    stride = len(files) / count
    return [files[int(i * stride)] for i in range(count)]


def issue_segments(path: Path) -> list[tuple[str, str]]:
    """The aligned (en, zh) sentence pairs of every entry of one digest, as the pipeline would score them."""
    from evalkit.align import align_entry
    from evalkit.metrics.comet import pair_segments
    from evalkit.parse import parse_digest, read_source

    issue = parse_digest(read_source(str(path))).issue
    out = []
    for entry in issue.entries:
        if not entry.abstract_en.strip() or not entry.abstract_zh.strip():
            continue
        for _, segment in pair_segments(entry, align_entry(entry).pairs):
            # comet-score reads one segment per line: keep both sides on one line for a fair comparison.
            out.append((" ".join(segment.src.split()), " ".join(segment.mt.split())))
    return out


def run_evalkit(segments_file: Path, model: Path, cache_dir: Path, precision: str, work: Path) -> tuple[float, dict]:
    """Wall seconds of one evalkit scoring process and what it reported."""
    out = work / "evalkit-out.json"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", CHILD, str(segments_file), str(model), str(cache_dir), precision, str(out)],
        check=True, cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    wall = time.perf_counter() - started
    return wall, json.loads(out.read_text(encoding="utf-8"))


def run_comet_score(issues: list[dict], model: Path, work: Path) -> tuple[float, list[float]]:
    """Wall seconds of ``comet-score`` run once per issue file, and its scores in issue order."""
    scores: list[float] = []
    total = 0.0
    for n, issue in enumerate(issues):
        src, mt, out = work / f"{n:02d}.src", work / f"{n:02d}.mt", work / f"{n:02d}.json"
        src.write_text("".join(s + "\n" for s, _ in issue["pairs"]), encoding="utf-8")
        mt.write_text("".join(m + "\n" for _, m in issue["pairs"]), encoding="utf-8")
        started = time.perf_counter()
        subprocess.run(
            [COMET_SCORE, "-s", str(src), "-t", str(mt), "--model", str(model), "--gpus", "0", "--quiet",
             "--to_json", str(out)],
            check=True, capture_output=True, env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
        total += time.perf_counter() - started
        scores += [row["COMET"] for row in json.loads(out.read_text(encoding="utf-8"))[str(mt)]]
    return total, scores


def run_end_to_end(paths: list[str], model: Path, cache_dir: Path, extra: list[str], work: Path) -> tuple[float, str]:
    """Wall seconds of ``evalkit score PATHS --comet-model MODEL`` (plus ``extra``) and its stderr."""
    evalkit = str(Path(sys.executable).with_name("evalkit"))
    argv = [evalkit, "score", *paths, "--comet-model", str(model), "--no-references", "-f", "json",
            "-o", str(work / "e2e.json"), *extra]
    started = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=work,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "EVALKIT_CACHE_DIR": str(cache_dir)})
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"evalkit score failed ({proc.returncode}): {proc.stderr}")
    return wall, proc.stderr.strip()


def measure(issue_count: int = 20, precision: str = "fp32", models: Path | None = None,
            keep: Path | None = None) -> list[tuple[str, str]]:
    """Run every measurement and return ``(name, figure)`` rows (see the module docstring)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if models:
            model = models / "tiny-comet-qe" / "checkpoints" / "model.ckpt"
        else:
            from tests.comet_models import build_tiny_models

            model = build_tiny_models(work / "models").qe

        picked = pick_issues(issue_count)
        issues = [{"path": str(p), "pairs": issue_segments(p)} for p in picked]
        issues = [i for i in issues if i["pairs"]]
        segments_file = work / "segments.json"
        segments_file.write_text(json.dumps(issues, ensure_ascii=False), encoding="utf-8")
        n_segments = sum(len(i["pairs"]) for i in issues)
        cache_dir = work / "cache"

        # fp16 first: the like-for-like comparison with comet-score, which always runs in fp16.
        half_wall, half = run_evalkit(segments_file, model, work / "cache-fp16", "fp16", work)
        cold_wall, cold = run_evalkit(segments_file, model, cache_dir, precision, work)
        warm_wall, warm = run_evalkit(segments_file, model, cache_dir, precision, work)
        cli_wall, cli_scores = run_comet_score(issues, model, work)

        paths = [str(p) for p in picked]
        e2e_cache = work / "cache-e2e"
        e2e_cold, _ = run_end_to_end(paths, model, e2e_cache, ["--comet-precision", precision], work)
        e2e_warm, warm_note = run_end_to_end(paths, model, e2e_cache, ["--comet-precision", precision], work)
        e2e_none, _ = run_end_to_end(paths, model, e2e_cache, ["--no-comet"], work)

    def stats(run: dict) -> str:
        s = run["stats"]
        return (f"model load+predict {s['model_seconds']:.2f} s, {s['predict_calls']} predict call(s), "
                f"{s['computed']} computed")

    rows = [
        ("issues / segments (aligned pairs)", f"{len(issues)} / {n_segments} ({cold['stats']['unique']} distinct)"),
        ("comet-score per issue file (fp16)", f"{cli_wall:.2f} s wall for {len(issues)} runs"),
        ("evalkit, one run, cold cache (fp16)", f"{half_wall:.2f} s wall; {stats(half)}"),
        ("ratio comet-score per file / evalkit one run (both fp16)", f"{cli_wall / half_wall:.1f}×"),
        (f"evalkit, one run, cold cache ({precision})", f"{cold_wall:.2f} s wall; {stats(cold)}"),
        (f"ratio comet-score per file / evalkit one run ({precision})", f"{cli_wall / cold_wall:.1f}×"),
        (f"evalkit re-run, unchanged input, cache ({precision})",
         f"{warm_wall:.3f} s wall; {warm['stats']['hits']} hits, {warm['stats']['computed']} computed, "
         f"imports {warm['modules'] or 'neither torch nor comet'}"),
        ("speed-up of the cached re-run over the cold run", f"{cold_wall / warm_wall:.0f}×"),
        ("max |evalkit fp16 - comet-score| per segment",
         f"{max(abs(a - b) for a, b in zip(half['scores'], cli_scores)):.2e}"),
        (f"max |evalkit {precision} - comet-score| per segment",
         f"{max(abs(a - b) for a, b in zip(cold['scores'], cli_scores)):.2e}"),
        ("signature", cold["signature"]),
        (f"end to end: evalkit score {len(paths)} issues --comet-model (QE, {precision}), cold cache",
         f"{e2e_cold:.2f} s wall"),
        ("end to end: same command again, unchanged input", f"{e2e_warm:.2f} s wall ({warm_note})"),
        ("end to end: same issues with --no-comet (parse, align, checks, report)", f"{e2e_none:.2f} s wall"),
        ("end to end: time COMET adds, cold / cached re-run",
         f"{e2e_cold - e2e_none:.2f} s / {max(e2e_warm - e2e_none, 0):.2f} s"),
    ]
    return rows


def main() -> None:
    """Parse the options, run the measurements, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--issues", type=int, default=20)
    ap.add_argument("--models", type=Path, help="directory where tests.comet_models built the tiny models")
    ap.add_argument("--precision", choices=("fp32", "fp16"), default="fp32", help="evalkit's precision")
    ap.add_argument("--keep", type=Path, help="work directory to keep (default: a temporary one)")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"the corpus is absent: {CORPUS}")
    if not Path(COMET_SCORE).exists():
        raise SystemExit(f"comet-score not found next to {sys.executable}: pip install -e '.[comet]'")
    rows = measure(args.issues, args.precision, args.models, args.keep)
    load = os.getloadavg()[0]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average at the end {load:.1f}")
    for name, figure in rows:
        print(f"{name}: {figure}")


if __name__ == "__main__":
    main()
