"""Benchmark the per-issue HTML page on the largest shared digest (647 entries).

    python bench/html_bench.py [--digest FILE] [--repeat N] [--keep DIR]

Scores the digest once (``evalkit score --format json``, not timed), then measures:

- page size (target ≤ 5 MB);
- render time, report JSON → HTML, in process (load + render) and as ``evalkit render`` wall time
  including interpreter start (target ≤ 3 s);
- in Chromium (Debian's, via Playwright; skipped with a note when either is missing), opened from
  file://: the load event, the moment the page's script is ready for input (target ≤ 1 s after the load
  event), and how long a filter, a sort and opening a drill-down take until the next frame is painted.

Prints one line per figure with its target and PASS/FAIL; exit status 1 if any target is missed. The
corpus is third-party data: the benchmark reads it from ../shared/corpus and copies nothing.
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
CORPUS = ROOT.parent / "shared" / "corpus" / "raw"
EVALKIT = str(Path(sys.executable).with_name("evalkit"))
CHROMIUM = os.environ.get("EVALKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
MAX_BYTES = 5 * 1000 * 1000
MAX_RENDER_S = 3.0
MAX_READY_AFTER_LOAD_MS = 1000.0


def largest_digest() -> Path:
    """The corpus file with the most entries, read from the manifest (else by counting entry heads)."""
    manifest = CORPUS / "manifest.tsv"
    if manifest.is_file():
        rows = [line.split("\t") for line in manifest.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
        best = max(rows, key=lambda r: int(r[7]))
        return CORPUS / best[0]
    files = sorted(CORPUS.rglob("*.md"))
    return max(files, key=lambda p: p.read_text(encoding="utf-8", errors="replace").count("\n[^"))


def measure(digest: Path, repeat: int = 3, keep: Path | None = None) -> list[tuple[str, str, str, bool | None]]:
    """Score ``digest``, render it, measure; ``(name, figure, target, met)`` rows (``met`` None: no target)."""
    work = keep or Path(tempfile.mkdtemp(prefix="html-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    report_path, page_path = work / "report.json", work / "page.html"
    subprocess.run([EVALKIT, "score", str(digest), "--format", "json", "-o", str(report_path), "-q"], check=False)

    from evalkit.report.html import load_report, render_issue_page

    in_process = []
    for _ in range(repeat):
        start = time.perf_counter()
        report = load_report(str(report_path))
        html = render_issue_page(report, report["issues"][0])
        in_process.append(time.perf_counter() - start)
    page_path.write_text(html, encoding="utf-8")
    cli = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([EVALKIT, "render", str(report_path), "-o", str(page_path)], check=True, capture_output=True)
        cli.append(time.perf_counter() - start)
    size = page_path.stat().st_size
    entries = len(report["issues"][0]["entries"])

    results: list[tuple[str, str, str, bool | None]] = [
        ("digest", f"{digest.name} ({entries} entries, {digest.stat().st_size / 1e6:.2f} MB)", "", None),
        ("page size", f"{size / 1e6:.2f} MB", "≤ 5 MB", size <= MAX_BYTES),
        ("render, in process (load JSON + render)", f"{min(in_process):.2f} s", "≤ 3 s", min(in_process) <= MAX_RENDER_S),
        ("render, evalkit render wall time", f"{min(cli):.2f} s", "≤ 3 s", min(cli) <= MAX_RENDER_S),
    ]
    return results + browser_figures(page_path, repeat, keep)


def main() -> int:
    """Score, render, measure, print; 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digest", help="digest to render (default: the corpus file with the most entries)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N for the timings (default 3)")
    parser.add_argument("--keep", metavar="DIR", help="keep the JSON report, the page and a screenshot in DIR")
    args = parser.parse_args()

    digest = Path(args.digest) if args.digest else (largest_digest() if CORPUS.is_dir() else None)
    if digest is None or not digest.is_file():
        print(f"skipped: no digest (the shared corpus is not at {CORPUS})")
        return 0
    results = measure(digest, args.repeat, Path(args.keep) if args.keep else None)
    failed = False
    for name, figure, target, ok in results:
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        failed |= ok is False
        print(f"{name:48s} {figure:34s} {target:22s} {verdict}")
    print(f"command: {Path(sys.executable).name} bench/html_bench.py" + (f" --digest {args.digest}" if args.digest else ""))
    return 1 if failed else 0


def browser_figures(page: Path, repeat: int, keep: Path | None) -> list[tuple[str, str, str, bool | None]]:
    """Load, ready and interaction timings in Chromium (best of ``repeat`` fresh page loads)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [("browser", "skipped: playwright is not installed", "", None)]
    if not Path(CHROMIUM).is_file():
        return [("browser", f"skipped: no Chromium at {CHROMIUM}", "", None)]
    runs = []
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
                  const ready = performance.getEntriesByName('evalkit-ready')[0];
                  return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, ready: ready ? ready.startTime : null};
                }"""
            )
            # each interaction: the handler's work plus style, layout and paint of the next frame
            frame = "() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))"
            interact = f"""async (action) => {{
                const start = performance.now();
                action === 'filter' ? (() => {{ const s = document.getElementById('f-status'); s.value = 'bad'; s.dispatchEvent(new Event('change')); }})()
                : action === 'sort' ? document.querySelector('#entries thead th:first-child button').click()
                : document.querySelector('#entries tbody tr[data-i] button.open').click();
                await ({frame})();
                return performance.now() - start;
            }}"""
            timing["filter"] = tab.evaluate(interact, "filter")
            timing["sort"] = tab.evaluate(interact, "sort")
            timing["drill"] = tab.evaluate(interact, "drill")
            timing["errors"] = errors
            if keep is not None and k == 0:
                tab.screenshot(path=str(keep / "page.png"))
            runs.append(timing)
            tab.close()
        browser.close()
    best = min(runs, key=lambda t: t["ready"] or float("inf"))
    after_load = max(0.0, (best["ready"] or 0) - best["load"])
    errors = sorted({e for t in runs for e in t["errors"]})
    return [
        ("Chromium: DOMContentLoaded", f"{best['dcl']:.0f} ms after navigation start", "", None),
        ("Chromium: load event", f"{best['load']:.0f} ms after navigation start", "", None),
        ("Chromium: script ready for input", f"{best['ready']:.0f} ms ({after_load:.0f} ms after load)", "≤ 1 s after load", after_load <= MAX_READY_AFTER_LOAD_MS),
        ("Chromium: filter (status) to next frame", f"{min(t['filter'] for t in runs):.0f} ms", "", None),
        ("Chromium: sort (ref) to next frame", f"{min(t['sort'] for t in runs):.0f} ms", "", None),
        ("Chromium: open a drill-down to next frame", f"{min(t['drill'] for t in runs):.0f} ms", "", None),
        ("Chromium: console errors", str(len(errors)) + (f": {errors[0]}" if errors else ""), "0", not errors),
    ]


if __name__ == "__main__":
    sys.exit(main())
