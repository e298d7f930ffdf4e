"""Benchmark ``evalkit compare`` and its HTML page on the largest shared digest (647 entries).

    python bench/compare_bench.py [--digest FILE] [--share 0.1] [--seed N] [--repeat 3] [--keep DIR]

Writes a copy of the digest with injected defects into a temporary folder: a seeded, deterministic
choice of about ``--share`` of the entries, each given one of four defects in its Chinese abstract (an
RSS ``公告类型：新`` leak, a number made ten times larger, a sentence dropped, the ending cut off). Then
times, end to end as a person runs them (interpreter start and scoring of both files included):

- ``python -m evalkit compare ORIG INJECTED -f html -o page.html`` and the same with ``-f json``;
- the page's size;
- in Chromium (Debian's, via Playwright; skipped with a note when either is missing), opened from
  file://: navigation start to the page script's ``evalkit-ready`` mark (set once the entry table's
  first page is drawn) and to the load event; the later of the two must come within 1 s, best of
  ``--repeat`` fresh loads.

Also counts, per defect, how many injected entries the comparison shows with findings that changed. Prints a small table; exit 1 if a
target is missed. The corpus is third-party data: it is read from ../shared/corpus and copied only into
the temporary folder. Skips with a message when the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The shared corpus beside the checkout (a worktree may sit one folder deeper), or $EVALKIT_CORPUS.
CORPUS = Path(os.environ.get("EVALKIT_CORPUS") or next(
    (p / "shared" / "corpus" / "raw" for p in ROOT.parents if (p / "shared" / "corpus" / "raw").is_dir()),
    ROOT.parent / "shared" / "corpus" / "raw",
))
CHROMIUM = os.environ.get("EVALKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
MAX_READY_MS = 1000.0
DEFECTS = ("leak", "number", "drop", "truncate")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def largest_digest() -> Path | None:
    """The corpus digest with the most detail entries (``[^N]:`` lines), or ``None`` without a corpus."""
    files = sorted(CORPUS.rglob("*.md")) if CORPUS.is_dir() else []
    if not files:
        return None
    return max(files, key=lambda p: (p.read_text(encoding="utf-8", errors="replace").count("\n[^"), p.stat().st_size))


def inject(line: str, defect: str) -> str | None:
    """The Chinese abstract line with one defect, or ``None`` when this line cannot take it."""
    indent, text = line[: len(line) - len(line.lstrip())], line.strip()
    if defect in ("leak", "number") and ("arXiv:" in text or "公告类型" in text):
        # The generator already leaked the RSS line here: a second leak adds no new finding, and the first
        # number is the leaked arXiv id, so neither would be a new defect to find.
        return None
    if defect == "leak":
        return f"{indent}{text}公告类型：新"
    if defect == "number":
        match = _NUMBER.search(text)
        return None if match is None else f"{indent}{text[: match.end()]}0{text[match.end():]}"
    sentences = [s for s in re.split(r"(?<=。)", text) if s]
    if defect == "drop":
        return None if len(sentences) < 3 else indent + "".join(sentences[:1] + sentences[2:])
    if len(text) < 40:  # truncate: stop mid-sentence, two thirds in
        return None
    return indent + text[: len(text) * 2 // 3]


def write_injected(digest: Path, target: Path, share: float, seed: int) -> dict[str, str]:
    """Copy ``digest`` to ``target`` with defects in about ``share`` of its entries; arXiv id → defect."""
    from evalkit.parse.digest import parse_digest
    from evalkit.parse.reader import read_source

    parsed = parse_digest(read_source(str(digest)))
    lines = digest.read_text(encoding="utf-8").split("\n")
    rng = random.Random(seed)
    entries = [e for e in parsed.issue.entries if e.arxiv_id and "abstract_zh" in e.lines]
    chosen = rng.sample(entries, max(1, round(share * len(entries))))
    done: dict[str, str] = {}
    for k, entry in enumerate(sorted(chosen, key=lambda e: e.line)):
        index = entry.lines["abstract_zh"] - 1
        for defect in DEFECTS[k % len(DEFECTS):] + DEFECTS[: k % len(DEFECTS)]:
            changed = inject(lines[index], defect)
            if changed is not None:
                lines[index] = changed
                done[str(entry.arxiv_id)] = defect
                break
    target.write_text("\n".join(lines), encoding="utf-8")
    return done


def timed(command: list[str]) -> float:
    """Wall time of ``command`` in seconds; it must succeed (exit 0)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - start


def load_times(page: Path, repeat: int) -> tuple[float, float, list[str]] | str:
    """Best (load event, ready mark) in ms over ``repeat`` fresh loads, and console errors; or why not."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "skipped: playwright is not installed"
    if not Path(CHROMIUM).is_file():
        return f"skipped: no Chromium at {CHROMIUM}"
    runs, errors = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(repeat):
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.goto(page.as_uri(), wait_until="load")
            tab.wait_for_selector("html[data-ready='1']")
            runs.append(tab.evaluate(
                """() => {
                  const nav = performance.getEntriesByType('navigation')[0];
                  const ready = performance.getEntriesByName('evalkit-ready')[0];
                  return [nav.loadEventEnd, ready ? ready.startTime : Infinity];
                }"""
            ))
            tab.close()
        browser.close()
    load, ready = min(runs, key=lambda r: r[1])
    return load, ready, sorted(set(errors))


def main() -> int:
    """Inject, compare, measure, print; 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digest", help="digest to compare (default: the corpus file with the most entries)")
    parser.add_argument("--share", type=float, default=0.1, help="share of entries given a defect (default 0.1)")
    parser.add_argument("--seed", type=int, default=20260818, help="seed of the defect choice")
    parser.add_argument("--repeat", type=int, default=3, help="best of N page loads (default 3)")
    parser.add_argument("--keep", metavar="DIR", help="keep the injected copy, the page and the JSON in DIR")
    args = parser.parse_args()

    digest = Path(args.digest) if args.digest else largest_digest()
    if digest is None or not digest.is_file():
        print(f"skipped: no digest (the shared corpus is not at {CORPUS})")
        return 0
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="compare-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    injected = work / digest.name
    defects = write_injected(digest, injected, args.share, args.seed)
    page, report = work / "page.html", work / "compare.json"
    base = [sys.executable, "-m", "evalkit", "compare", str(digest), str(injected), "-n", "original", "-n", "injected", "-q"]
    html_s = timed(base + ["-f", "html", "-o", str(page)])
    json_s = timed(base + ["-f", "json", "-o", str(report)])
    comparison = json.loads(report.read_text(encoding="utf-8"))["comparisons"][0]
    changed = {e["key"] for e in comparison["entries"] if e["appeared"] or e["disappeared"]}
    found = {d: sum(1 for key, v in defects.items() if v == d and key in changed) for d in DEFECTS}

    rows: list[tuple[str, str, str, bool | None]] = [
        ("digest", f"{digest.name}: {comparison['matched']} entries matched", "", None),
        ("injected defects", ", ".join(f"{d} {sum(v == d for v in defects.values())}" for d in DEFECTS) + f" ({len(defects)} entries)", "", None),
        ("injected entries whose findings changed", ", ".join(f"{d} {found[d]}" for d in DEFECTS) + f" ({sum(found.values())} of {len(defects)})", "", None),
        ("compare -f html, end to end", f"{html_s:.1f} s", "", None),
        ("compare -f json, end to end", f"{json_s:.1f} s", "", None),
        ("page size", f"{page.stat().st_size / 1e6:.2f} MB", "", None),
    ]
    measured = load_times(page, args.repeat)
    if isinstance(measured, str):
        rows.append(("Chromium", measured, "", None))
    else:
        load, ready, errors = measured
        # the script runs before the load event; the page is usable when both have happened
        usable = max(load, ready)
        rows += [
            ("Chromium: navigation → table drawn", f"{ready:.0f} ms", "", None),
            ("Chromium: navigation → load event", f"{load:.0f} ms", "", None),
            (f"Chromium: loaded and drawn (best of {args.repeat})", f"{usable:.0f} ms", "< 1 s", usable < MAX_READY_MS),
            ("Chromium: console errors", str(len(errors)) + (f": {errors[0]}" if errors else ""), "0", not errors),
        ]
    failed = False
    for name, figure, target, ok in rows:
        failed |= ok is False
        print(f"{name:52s} {figure:44s} {target:8s} {'' if ok is None else 'PASS' if ok else 'FAIL'}")
    print(f"command: {Path(sys.executable).name} bench/compare_bench.py" + (f" --digest {args.digest}" if args.digest else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
