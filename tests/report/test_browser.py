"""The generated pages in a real browser (Debian's Chromium driven by Playwright), opened from file://.

Checks: no console errors or dialogs, sorting and filtering change the visible rows, a drill-down opens
with highlighted spans, hostile digest text stays text, deep links open entries, index links resolve,
and a phone-sized viewport does not overflow. Screenshots are kept under ``tests/artifacts/browser/``
(git-ignored) for a person to look at.

Skipped, with the reason, when the ``playwright`` package or the Chromium binary is missing: ``make test``
installs both (``pip install '.[test]'``; ``apt-get install chromium`` when /usr/bin/chromium is absent).
Playwright's own browser downloads are never used (``EVALKIT_CHROMIUM`` may point at another binary).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlparse

import pytest

from evalkit.report.index import write_report_html, write_site
from tests.digest_builder import fixture_path
from tests.report.test_html import HOSTILE_TAIL, HOSTILE_TITLE_ZH, example_report, hostile_digest, run_report

CHROMIUM = os.environ.get("EVALKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
EXAMPLE_PAGE = "20260820T091500Z_0a1b2c3d_cs.CL.html"
HOSTILE_PAGE = "20260301_hostile.html"

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    pytest.skip("playwright is not installed (pip install -e '.[test]', or make test)", allow_module_level=True)

if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM} (make test installs Debian's chromium with apt-get)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as pw:
        try:
            instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            pytest.skip(f"Chromium at {CHROMIUM} does not start: {str(exc).splitlines()[0]}")
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Pages for the example digest, a hostile digest and a fixture, plus their index."""
    folder = tmp_path_factory.mktemp("site")
    hostile = folder / "20260301_hostile.md"
    hostile.write_text(hostile_digest(), encoding="utf-8")
    reports = [("example.json", example_report()), ("more.json", run_report([str(hostile), fixture_path("v1_s3.md")]))]
    write_site(reports, str(folder / "out"))
    return folder / "out"


class Visit:
    """An open page that records console errors, uncaught exceptions and dialogs."""

    def __init__(self, browser: Any, url: str, viewport: dict[str, int] | None = None) -> None:
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport=viewport or {"width": 1280, "height": 900})
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("dialog", self._dialog)
        self.page.goto(url)
        # Generous: two suites at once on two cores can keep a cold chromium busy for many seconds.
        self.page.wait_for_selector("html[data-ready='1']", timeout=60_000)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visible_refs(self) -> list[str]:
        """Refs of the entry rows currently shown, top to bottom."""
        return self.page.eval_on_selector_all(
            "#entries tbody tr[data-i]", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.ref)"
        )

    def shot(self, name: str, full_page: bool = False) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)

    def close(self) -> None:
        assert self.problems == [], self.problems
        assert self.dialogs == [], self.dialogs
        self.page.close()


@pytest.fixture
def visit(browser):
    opened: list[Visit] = []

    def open_(url: str, **kwargs: Any) -> Visit:
        opened.append(Visit(browser, url, **kwargs))
        return opened[-1]

    yield open_
    for v in opened:
        v.close()


def test_every_page_loads_without_errors(site, visit):
    for page in sorted(site.glob("*.html")):
        v = visit(page.as_uri())
        assert v.page.title()
        v.shot(f"load-{page.stem}", full_page=True)


def test_sorting_changes_the_row_order(site, visit):
    v = visit((site / EXAMPLE_PAGE).as_uri())
    assert v.visible_refs()[-1] == "1"  # worst first: the one passing entry is last
    v.page.click("#entries thead button:text-is('ref')")
    assert v.visible_refs() == ["1", "2", "3", "4"]
    v.page.click("#entries thead button:text-is('ref')")
    assert v.visible_refs() == ["4", "3", "2", "1"]
    v.page.click("#entries thead button:text-is('chrf ↑')")  # worst (lowest) first
    chrf = {str(e["ref"]): e["scores"]["chrf"] for e in example_report()["issues"][0]["entries"]}
    assert v.visible_refs() == sorted(chrf, key=chrf.get)
    assert v.page.get_attribute("#entries thead th:has(button:text-is('chrf ↑'))", "aria-sort") == "ascending"


def test_filters_change_the_visible_rows(site, visit):
    v = visit((site / EXAMPLE_PAGE).as_uri())
    entries = example_report()["issues"][0]["entries"]
    v.page.select_option("#f-status", "pass")
    assert v.visible_refs() == [str(e["ref"]) for e in entries if e["status"] == "pass"]
    assert v.page.text_content("#f-count") == "1 of 4 entries shown"
    v.page.click("#f-reset")
    assert len(v.visible_refs()) == 4
    v.page.select_option("#f-code", "code:truncation.fabricated")
    assert v.visible_refs() == ["2"]
    v.page.select_option("#f-code", "cat:coverage")
    assert v.visible_refs() == ["4"]
    v.page.click("#f-reset")
    v.page.select_option("#f-metric", "chrf")
    v.page.fill("#f-min", "55")
    expected = {str(e["ref"]) for e in entries if e["scores"]["chrf"] >= 55}
    assert set(v.visible_refs()) == expected and 0 < len(expected) < 4
    v.page.fill("#f-max", "60")
    assert set(v.visible_refs()) == {str(e["ref"]) for e in entries if 55 <= e["scores"]["chrf"] <= 60}
    v.page.click("#f-reset")
    v.page.fill("#f-text", "2608.12004")
    assert v.visible_refs() == ["3"]
    v.shot("filtered")


def test_chart_bar_filters_the_entries(site, visit):
    v = visit((site / EXAMPLE_PAGE).as_uri())
    v.page.click("svg g[data-filter='f-code=cat:numbers']")
    assert v.page.input_value("#f-code") == "cat:numbers"
    assert v.visible_refs() == ["2"]
    v.page.click("button.card[data-filter='f-status=fail']")
    assert v.page.input_value("#f-status") == "fail" and len(v.visible_refs()) == 1  # numbers and fail


def test_drilldown_shows_pairs_and_highlighted_spans(site, visit):
    v = visit((site / EXAMPLE_PAGE).as_uri())
    v.page.click("#entries tr[data-ref='2'] td.title")
    drill = v.page.locator("tr.drill")
    assert drill.count() == 1 and drill.is_visible()
    assert v.page.get_attribute("#entries tr[data-ref='2'] button.open", "aria-expanded") == "true"
    entry = next(e for e in example_report()["issues"][0]["entries"] if e["ref"] == 2)
    assert drill.locator(".pair:not(.phead)").count() == len(entry["pairs"])
    fabricated = next(f for f in entry["findings"] if f["code"] == "truncation.fabricated")
    start, end = fabricated["evidence"]["translation_span"]
    marked = "".join(drill.locator(".zh mark.sev-error").all_text_contents())
    assert entry["text"]["abstract_zh"][start:end] in marked  # the fabricated ending, exactly
    numbers = [f["evidence"]["translation"] for f in entry["findings"] if f["code"] == "numbers.added"]
    assert all(any(n in t for t in drill.locator("mark.hl").all_text_contents()) for n in numbers)
    assert drill.locator(".pair.tail .cutmark").count() == 1  # where the English was cut
    assert drill.locator("a[href='https://arxiv.org/abs/2608.13877']").count() == 1
    assert drill.locator("li.finding").count() == len(entry["findings"])
    drill.locator("li.finding.has-span", has_text="truncation.fabricated").click()
    assert drill.locator("mark.flash").count() >= 1
    v.shot("drilldown")
    v.page.click("#entries tr[data-ref='2'] button.open")
    assert v.page.locator("tr.drill").count() == 0


def test_deep_link_opens_the_entry(site, visit):
    v = visit((site / EXAMPLE_PAGE).as_uri() + "#ref-4")
    assert v.page.locator("tr.drill").count() == 1
    assert v.page.locator("tr.drill .missing", has_text="not translated").count() >= 1  # the omitted sentences


def test_hostile_text_stays_text(site, visit):
    v = visit((site / HOSTILE_PAGE).as_uri())
    page = v.page
    for row in page.locator("#entries tr[data-i] button.open").all():
        row.click()
    assert page.locator("tr.drill").count() == 2
    assert page.locator("img, textarea, iframe, object, embed").count() == 0
    assert page.locator("a[href^='javascript:' i]").count() == 0
    text = page.locator("main").inner_text()
    assert HOSTILE_TITLE_ZH in text and HOSTILE_TAIL in text and "javascript:alert(5)" in text
    assert page.evaluate("document.querySelectorAll('script').length") == 2
    v.shot("hostile")
    # Visit.close asserts that no alert() dialog opened and nothing was logged as an error


def test_index_links_resolve(site, visit):
    v = visit((site / "index.html").as_uri())
    # SVG links (chart dots) included: resolve every href attribute against the page
    hrefs = v.page.eval_on_selector_all("a[href]", "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)")
    local = [h for h in hrefs if h.startswith("file:")]
    assert len({h.split("#")[0] for h in local}) == 3
    for href in local:
        assert Path(unquote(urlparse(href).path)).is_file(), href
    v.shot("index", full_page=True)
    v.page.click(f"#issues a[href='{EXAMPLE_PAGE}']")
    v.page.wait_for_selector("html[data-ready='1'] #entries")
    assert v.page.url.endswith(EXAMPLE_PAGE)
    v.page.click("nav.crumbs a")  # back to the index
    v.page.wait_for_selector("#issues")


def test_index_sorts_and_filters(site, visit):
    v = visit((site / "index.html").as_uri())
    rows = "#issues tbody tr"

    def column(k: int) -> list[str]:
        return v.page.eval_on_selector_all(rows, f"rs => rs.filter(r => !r.hidden).map(r => r.cells[{k}].dataset.v)")

    heads = v.page.eval_on_selector_all("#issues thead th", "hs => hs.map(h => h.textContent.trim())")
    entries = heads.index("entries")  # the source column comes and goes with the inputs' folders
    v.page.click("#issues thead button:text-is('entries')")  # most entries first
    counts = [int(x) for x in column(entries)]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    v.page.click("#issues thead button:text-is('entries')")
    assert [int(x) for x in column(entries)] == sorted(counts)
    v.page.select_option("#i-status", "pass")
    assert all(s == "pass" for s in v.page.eval_on_selector_all(rows, "rs => rs.filter(r => !r.hidden).map(r => r.dataset.status)"))
    v.page.select_option("#i-status", "")
    v.page.fill("#i-text", "hostile")
    assert column(1) == ["20260301_hostile"]


def test_phone_viewport_does_not_overflow(site, visit):
    v = visit((site / EXAMPLE_PAGE).as_uri(), viewport={"width": 390, "height": 844})
    v.page.click("#entries tr[data-ref='2'] button.open")
    width = v.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, f"the page is {width}px wide on a 390px screen"
    v.shot("phone", full_page=True)


def test_big_numbers_of_rows_stay_interactive(tmp_path, visit):
    """A synthetic 650-entry issue: the page is ready and a filter applies quickly."""
    report = copy.deepcopy(example_report())
    issue = report["issues"][0]
    entries = issue["entries"]
    issue["entries"] = [dict(copy.deepcopy(entries[k % len(entries)]), ref=k + 1) for k in range(650)]
    issue["summary"]["entries"] = 650
    (target,) = write_report_html(report, str(tmp_path / "big.html"))
    v = visit(Path(target).as_uri())
    started = v.page.evaluate("performance.now()")
    v.page.select_option("#f-status", "fail")
    elapsed = v.page.evaluate("performance.now()") - started
    assert re.fullmatch(r"\d+ of 650 entries shown", v.page.text_content("#f-count") or "")
    assert elapsed < 1000


# --- issue 13: every new finding is marked on its exact span ------------------------------------------


def issue13_digest() -> str:
    """Entries with the defects of issue 13's codes, in invented text (see tests/align for the papers)."""
    from tests.align import GRASP, GRASP_CUT_EN, GRASP_ZH_COMPLETE_PART, SPARSE, TRAFFIC, digest_of

    invented = "最后，我们分析了失败案例，发现其中大多数涉及高刚度的物体，该方法显著提高了抓取稳定性。"
    return digest_of(
        (GRASP, {"abstract_en": GRASP_CUT_EN, "abstract_zh": GRASP_ZH_COMPLETE_PART + invented,
                 "summary_zh": "本文提出一种触觉刚度估计控制器，该方法显著提高了抓取稳定性。"}),
        (GRASP, {"abstract_en": GRASP_CUT_EN, "abstract_zh": GRASP_ZH_COMPLETE_PART}),
        (SPARSE, {"title_en": "Sparse Transformers for Long Documents", "title_zh": "面向长文档的稀疏变压器",
                  "abstract_zh": SPARSE.zh_with(replace={0: SPARSE.zh[0].replace("困难", "困难困难", 1)})}),
        (TRAFFIC, {"summary_zh": "本文首次提出一种交通流预测方法。"}),
    )


def test_issue13_findings_are_marked_on_their_exact_spans(tmp_path, visit):
    digest = tmp_path / "20260901_issue13.md"
    digest.write_text(issue13_digest(), encoding="utf-8")
    report = run_report([str(digest)])
    page = tmp_path / "issue13.html"
    write_report_html(report, str(page))
    entries = {e["ref"]: e for e in report["issues"][0]["entries"]}
    wanted = {"truncation.fabricated", "summary.invented-ending", "coverage.omission", "terminology.wrong-sense",
              "fluency.repeated-word", "summary.unsupported-claim"}
    seen = set()
    v = visit(page.as_uri())
    for ref, entry in entries.items():
        v.page.click(f"#entries tr[data-ref='{ref}'] td.title")
        drill = v.page.locator("tr.drill")
        for item in drill.locator("li.finding.has-span").all():
            k = item.get_attribute("data-f")
            codes = [c for c in wanted if c in item.text_content()]
            if not codes:
                continue
            code = codes[0]
            finding = next(f for f in entry["findings"] if f["code"] == code)
            ev = finding["evidence"]
            family = ev["field"].rsplit("_", 1)[0]
            for span_key, side in (("translation_span", "zh"), ("source_span", "en")):
                if not ev.get(span_key) or f"{family}_{side}" not in entry["text"]:
                    continue
                expected = entry["text"][f"{family}_{side}"][slice(*ev[span_key])]
                marked = "".join(drill.locator(f".{side} mark[data-f~='{k}']").all_text_contents())
                # a span across sentences is marked in each aligned pair; the space between them is not marked
                assert marked.replace(" ", "") == expected.replace(" ", ""), (code, side, marked, expected)
                seen.add(code)
        v.page.click(f"#entries tr[data-ref='{ref}'] button.open")
    assert seen == wanted
    v.shot("issue13-marks")


# --- the index at archive scale: 120 issues, 8 channels, 2 sources, a year ----------------------------

SCALE_CHANNELS = ["cs.AI", "cs.CL", "cs.CV", "cs.LG", "cs.RO", "econ", "math.OC", "stat.ML"]


def archive_reports(root: str = "/srv/archive/raw") -> list[tuple[str, dict[str, Any]]]:
    """120 issues spread over 2025, each a copy of the example issue with its own figures (no entries)."""
    import random

    rng = random.Random(7)
    base = example_report()
    report = copy.deepcopy(base)
    issues = []
    for k in range(120):
        channel = SCALE_CHANNELS[k % len(SCALE_CHANNELS)]
        source = "alpha" if k % 3 else "beta"
        day = f"2025-{1 + k // 11:02d}-{1 + (k * 7) % 27:02d}"
        n = rng.choice([1, 2, 5, 12, 30, 45, 60])
        fail = rng.randint(0, n)
        warn = rng.randint(0, n - fail)
        cut = rng.randint(0, n)
        leak, numbers = rng.randint(0, n), rng.randint(0, 2 * n)
        stamp = day.replace("-", "") + f"T09{k:04d}Z"
        issues.append({
            "path": f"{root}/{source}/{stamp}_{k:08x}_{channel}.md", "id": f"{stamp}_{k:08x}_{channel}", "date": day,
            "channel": channel, "layout": "v1", "findings": [], "entries": [],
            "summary": {
                "entries": n, "pass": n - fail - warn, "warn": warn, "fail": fail, "errors": fail + leak // 2,
                "warnings": warn + numbers + leak - leak // 2, "infos": cut, "source_truncated": cut,
                "by_category": {"leak": {"error": leak // 2, "warning": leak - leak // 2, "info": 0},
                                "numbers": {"error": fail, "warning": numbers + warn, "info": 0}},
                "by_code": {"truncation.fabricated": rng.randint(0, cut)}, "with_references": 0, "scores": {},
            },
        })
    report["issues"] = issues
    report["errors"] = []
    return [(f"{root}/../reports/archive.json", report)]


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, list[tuple[str, dict[str, Any]]]]:
    reports = archive_reports()
    out = tmp_path_factory.mktemp("archive") / "site"
    write_site(reports, str(out))
    return out, reports


def expected_points(reports: list[tuple[str, dict[str, Any]]], chart: str, grain: str, channel: str = "", source: str = "") -> list[tuple[str, float]]:
    """The ``(bucket label, value)`` points the page should draw, computed by the Python trend code."""
    from evalkit.report.index import collect_issues, display_of, trend_items
    from evalkit.report.trends import aggregate, bucket_label, headline_measures

    sources, _ = collect_issues(reports)
    items = [i for i in trend_items(sources, display_of(sources)) if (not channel or i.channel == channel) and (not source or i.source == source)]
    measure = next(m for m in headline_measures() if m.key == chart)
    return [(bucket_label(p.bucket, grain), round(p.value, measure.digits)) for p in aggregate(items, measure, grain)]


def drawn_points(v: Visit, chart: str) -> list[tuple[str, float]]:
    dots = v.page.eval_on_selector_all(
        f"figure[data-chart='{chart}'] circle.dot", "ds => ds.map(d => [d.dataset.b, parseFloat(d.dataset.v)])"
    )
    return [(b, value) for b, value in dots]


def visible_ids(v: Visit) -> list[str]:
    return v.page.eval_on_selector_all("#issues tbody tr", "rs => rs.filter(r => !r.hidden).map(r => r.cells[1].dataset.v)")


def test_archive_index_draws_per_channel_series_that_match_the_data(archive, visit):
    out, reports = archive
    v = visit((out / "index.html").as_uri())
    assert v.page.input_value("#t-grain") == "month"  # a year of issues: monthly by default
    everything = drawn_points(v, "failing")
    assert everything == expected_points(reports, "failing", "month") and len(everything) == 11
    tips = v.page.eval_on_selector_all("figure[data-chart='failing'] circle.dot title", "ts => ts.map(t => t.textContent)")
    assert all(re.search(r"\d+ of \d+ entries · \d+ issues?", t) and "95%" in t for t in tips), tips[:2]
    v.shot("archive-index")
    for channel in ("cs.CL", "stat.ML"):
        v.page.select_option("#i-channel", channel)
        for chart in ("failing", "findings", "leaks", "cut"):
            assert drawn_points(v, chart) == expected_points(reports, chart, "month", channel), (channel, chart)
        assert drawn_points(v, "failing") != everything
    v.shot("archive-channel")
    v.page.select_option("#i-source", "beta")
    assert drawn_points(v, "failing") == expected_points(reports, "failing", "month", "stat.ML", "beta")
    v.page.select_option("#i-channel", "")
    v.page.select_option("#t-grain", "week")
    assert drawn_points(v, "findings") == expected_points(reports, "findings", "week", source="beta")
    # the small multiples share one y-scale: every category chart has the same tick labels
    ticks = v.page.eval_on_selector_all(
        ".small-multiples figure", "fs => fs.map(f => Array.from(f.querySelectorAll('text.tick')).map(t => t.textContent).join(','))"
    )
    assert len(ticks) == 2 and len(set(ticks)) == 1


def test_archive_table_pages_filters_and_counts(archive, visit):
    out, reports = archive
    v = visit((out / "index.html").as_uri())
    assert len(visible_ids(v)) == 50 and v.page.text_content("#i-count") == "120 of 120 issues shown"
    assert v.page.text_content("#i-page") == "page 1 of 3 · rows 1–50"
    first = visible_ids(v)
    v.page.click("#i-next")
    second = visible_ids(v)
    assert len(second) == 50 and not set(first) & set(second)
    v.page.click("#i-last")
    assert len(visible_ids(v)) == 20 and v.page.is_disabled("#i-next")
    # sorting orders every row, then shows its first page
    v.page.click("#issues thead button:text-is('entries')")
    column = v.page.eval_on_selector_all("#issues thead th", "hs => hs.map(h => h.textContent.trim())").index("entries")
    counts = [int(x) for x in v.page.eval_on_selector_all("#issues tbody tr", f"rs => rs.filter(r => !r.hidden).map(r => r.cells[{column}].dataset.v)")]
    every = sorted((i["summary"]["entries"] for i in reports[0][1]["issues"]), reverse=True)
    assert counts == every[:50]
    # a filter works over all rows and resets the page
    v.page.select_option("#i-channel", "cs.CL")
    ids = visible_ids(v)
    assert len(ids) == 15 and all(i.endswith("_cs.CL") for i in ids)
    assert v.page.text_content("#i-count") == "15 of 120 issues shown" and v.page.is_hidden("#i-pager")
    v.page.select_option("#i-channel", "")
    v.page.select_option("#i-status", "pass")
    wanted = sum(1 for i in reports[0][1]["issues"] if not (i["summary"]["fail"] or i["summary"]["errors"] or i["summary"]["warn"] or i["summary"]["warnings"]))
    assert v.page.text_content("#i-count") == f"{wanted} of 120 issues shown"
    # dates never wrap, paths are relative to the archive's root, and nothing overflows sideways
    lines = v.page.eval_on_selector_all(
        "#issues td.date", "cs => cs.filter(c => !c.closest('tr').hidden).map(c => { const r = document.createRange();"
        " r.selectNodeContents(c); return r.getClientRects().length; })"
    )
    assert lines and set(lines) == {1}  # each date is one line box
    assert v.page.eval_on_selector_all("#issues td.date", "cs => cs.every(c => getComputedStyle(c).whiteSpace === 'nowrap')")
    page_text = v.page.content()
    assert "/srv/archive" not in page_text and "alpha/2025" in page_text
    assert v.page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_archive_index_on_a_phone_does_not_overflow(archive, visit):
    out, _ = archive
    v = visit((out / "index.html").as_uri(), viewport={"width": 390, "height": 844})
    v.page.select_option("#i-channel", "econ")
    width = v.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, f"the index is {width}px wide on a 390px screen"
    v.shot("archive-phone", full_page=True)
