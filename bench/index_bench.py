"""Benchmark the index page (``evalkit report``) on the whole shared corpus (415 digests, two sources).

    python bench/index_bench.py [--corpus DIR] [--report FILE] [--repeat N] [--keep DIR]

Scores the corpus once to JSON (``evalkit score DIR --format json``, a few minutes; ``--report`` reuses a
report written before), writes the site (``evalkit report REPORT -o SITE``, timed), then measures:

- the index page's size (target ≤ 2 MB) and its chart data;
- in Chromium (Debian's, via Playwright; skipped with a note when either is missing), opened from
  file://, best of N fresh loads: the load event and the first chart draw (the page's
  ``evalkit-charts`` mark), both from navigation start (target < 1 s for the later of the two);
- redrawing every chart for one channel, and paging the table, until the next frame is painted;
- the page's height (the table is paged) and that nothing overflows sideways.

Prints one line per figure with its target and PASS/FAIL; exit status 1 if a target is missed. The corpus
is third-party data: the benchmark reads it where it lies and copies nothing into the repository.
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
#: Where the shared corpus may lie: beside the repository, or the workplace's shared folder.
CORPORA = [ROOT.parent / "shared" / "corpus" / "raw", Path("/work/shared/corpus/raw")]
CHROMIUM = os.environ.get("EVALKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
MAX_BYTES = 2 * 1000 * 1000
MAX_LOAD_MS = 1000.0

Row = tuple[str, str, str, "bool | None"]


def evalkit(*args: str) -> subprocess.CompletedProcess:
    """``python -m evalkit ARGS`` with this interpreter (the checkout's code when PYTHONPATH names it)."""
    return subprocess.run([sys.executable, "-m", "evalkit", *args], capture_output=True, text=True)


def measure(corpus: Path, report: Path | None, repeat: int, work: Path) -> list[Row]:
    """Score (unless ``report`` is given), write the site, measure; ``(name, figure, target, met)`` rows."""
    rows: list[Row] = []
    if report is None:
        report = work / "corpus.json"
        start = time.perf_counter()
        done = evalkit("score", str(corpus), "--format", "json", "-o", str(report), "--no-progress")
        if done.returncode not in (0, 2) or not report.is_file():
            raise SystemExit(f"evalkit score failed ({done.returncode}): {done.stderr.strip()[-400:]}")
        rows.append(("score the corpus to JSON (not a target)", f"{time.perf_counter() - start:.0f} s", "", None))
    site = work / "site"
    start = time.perf_counter()
    done = evalkit("report", str(report), "-o", str(site), "-q")
    if done.returncode != 0:
        raise SystemExit(f"evalkit report failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    rows.append(("evalkit report (index + issue pages), wall", f"{time.perf_counter() - start:.1f} s", "", None))
    index = site / "index.html"
    text = index.read_text(encoding="utf-8")
    size = index.stat().st_size
    marker = '<script type="application/json" id="index-data">'
    data = len(text.split(marker, 1)[1].split("</script>", 1)[0].encode()) if marker in text else 0
    issues = text.count("<tr data-channel=")
    rows += [
        ("issues on the index", f"{issues}", "", None),
        ("index page size", f"{size / 1e6:.2f} MB (chart data {data / 1e6:.2f} MB)", "≤ 2 MB", size <= MAX_BYTES),
        ("absolute corpus path on the index", "absent" if str(corpus) not in text else "PRESENT", "absent", str(corpus) not in text),
    ]
    return rows + browser_figures(index, repeat, work)


def browser_figures(page: Path, repeat: int, work: Path) -> list[Row]:
    """Load, first chart draw, redraw and paging timings in Chromium (best of ``repeat`` fresh loads)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [("browser", "skipped: playwright is not installed", "", None)]
    if not Path(CHROMIUM).is_file():
        return [("browser", f"skipped: no Chromium at {CHROMIUM}", "", None)]
    runs = []
    frame = "() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for k in range(repeat):
            tab = browser.new_page(viewport={"width": 1366, "height": 900})
            errors: list[str] = []
            tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.goto(page.as_uri(), wait_until="load")
            tab.wait_for_selector("html[data-ready='1']")
            timing = tab.evaluate(
                """() => {
                  const nav = performance.getEntriesByType('navigation')[0];
                  const drawn = performance.getEntriesByName('evalkit-charts')[0];
                  return {load: nav.loadEventEnd, charts: drawn ? drawn.startTime : null,
                          height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth};
                }"""
            )
            channel = tab.eval_on_selector("#i-channel", "s => s.options[Math.min(2, s.options.length - 1)].value")
            timing["redraw"] = tab.evaluate(
                f"""async (value) => {{
                    const start = performance.now();
                    const s = document.getElementById('i-channel'); s.value = value; s.dispatchEvent(new Event('change'));
                    await ({frame})();
                    return performance.now() - start;
                }}""",
                channel,
            )
            tab.select_option("#i-channel", "")
            timing["page"] = tab.evaluate(
                f"""async () => {{
                    const start = performance.now();
                    document.getElementById('i-next').click();
                    await ({frame})();
                    return performance.now() - start;
                }}"""
            )
            timing["channel"] = channel
            timing["errors"] = errors
            if k == 0:
                tab.screenshot(path=str(work / "index.png"))
            runs.append(timing)
            tab.close()
        browser.close()
    best = min(runs, key=lambda t: max(t["load"], t["charts"] or float("inf")))
    shown = max(best["load"], best["charts"] or float("inf"))
    errors = sorted({e for t in runs for e in t["errors"]})
    return [
        ("Chromium: load event", f"{best['load']:.0f} ms after navigation start", "", None),
        ("Chromium: first chart draw", f"{best['charts']:.0f} ms after navigation start" if best["charts"] else "never", "", None),
        ("Chromium: loaded and charts drawn", f"{shown:.0f} ms (best of {len(runs)})", "< 1 s", shown < MAX_LOAD_MS),
        (f"Chromium: redraw every chart for {best['channel']}", f"{min(t['redraw'] for t in runs):.0f} ms to next frame", "", None),
        ("Chromium: next page of the table", f"{min(t['page'] for t in runs):.0f} ms to next frame", "", None),
        ("page height / width at 1366 px", f"{best['height']} px / {best['width']} px", "no sideways overflow", best["width"] <= 1366),
        ("console errors", "; ".join(errors) or "none", "none", not errors),
    ]


def main() -> int:
    """Score, write the site, measure, print; 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", help="digest folder (default: the shared corpus)")
    parser.add_argument("--report", help="a JSON report of the corpus written before (skips scoring)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N page loads (default 3)")
    parser.add_argument("--keep", metavar="DIR", help="keep the report, the site and a screenshot in DIR")
    args = parser.parse_args()

    corpus = Path(args.corpus) if args.corpus else next((c for c in CORPORA if c.is_dir()), None)
    if corpus is None or not corpus.is_dir():
        print(f"skipped: no corpus (the shared corpus is not at {', '.join(map(str, CORPORA))})")
        return 0
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="index-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = measure(corpus, Path(args.report) if args.report else None, args.repeat, work)
    failed = False
    for name, figure, target, ok in results:
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        failed |= ok is False
        print(f"{name:46s} {figure:44s} {target:20s} {verdict}")
    print(f"command: {Path(sys.executable).name} bench/index_bench.py" + "".join(f" {a}" for a in sys.argv[1:]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
