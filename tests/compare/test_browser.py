"""The comparison page in a real browser (Debian's Chromium driven by Playwright), opened from file://.

Two versions of a digest with known changes (:mod:`tests.compare.versions`) are compared by the real
``evalkit compare ... -f html``; the page must load without console errors or dialogs, show the verdicts
the JSON report has, open a side-by-side drill-down (from a row, a scatter dot and a deep link) in which
exactly the injected findings are marked as new or gone, and not overflow sideways at 1280 px or at
phone width. Screenshots go to ``tests/artifacts/browser/`` (git-ignored).

Skipped, with the reason, when the ``playwright`` package or the Chromium binary is missing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from evalkit.compare.text import verdict
from tests.compare.versions import APPEARED, DISAPPEARED, DROP_ID, NUMBER_ID, run_compare, write_versions
from tests.report.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PlaywrightError, Visit, sync_playwright

PHONE = {"width": 390, "height": 844}


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
def compared(tmp_path_factory) -> tuple[Path, dict[str, Any]]:
    """The comparison page and the JSON report of the same run."""
    folder = tmp_path_factory.mktemp("compare")
    a, b = write_versions(folder)
    page, report = folder / "compare.html", folder / "compare.json"
    for fmt, out in (("html", page), ("json", report)):
        result = run_compare([str(a), str(b), "-f", fmt, "-o", str(out), "-q"])
        assert result.exit_code == 0, result.output
    return page, json.loads(report.read_text(encoding="utf-8"))


@pytest.fixture
def visit(browser):
    opened: list[Visit] = []

    def open_(url: str, **kwargs: Any) -> Visit:
        opened.append(Visit(browser, url, **kwargs))
        return opened[-1]

    yield open_
    for v in opened:
        v.close()


def marked_changes(v: Visit) -> dict[str, set[str]]:
    """The finding codes the open drill-down lists as new (system side) and gone (baseline side),
    and the changes its marks in the two Chinese texts show."""
    return v.page.evaluate(
        """() => {
          const box = document.querySelector('#drill .cmp-box');
          const codes = (side, change) => Array.from(box.querySelectorAll(`ol[data-side="${side}"] li[data-change="${change}"] code`)).map(c => c.textContent);
          const marks = side => Array.from(box.querySelectorAll(`.cmp-text[data-side="${side}"] mark`)).map(m => m.className);
          return {appeared: codes(1, 'appeared'), disappeared: codes(0, 'disappeared'),
                  marks0: marks(0), marks1: marks(1), key: box.dataset.key};
        }"""
    )


def no_overflow(v: Visit) -> None:
    width = v.page.evaluate("document.documentElement.scrollWidth")
    viewport = v.page.viewport_size["width"]
    assert width <= viewport, f"page is {width}px wide in a {viewport}px viewport"


def test_page_loads_and_shows_the_reports_verdicts(compared, visit):
    page, report = compared
    v = visit(page.as_uri())
    rows = v.page.eval_on_selector_all(
        "section.cmp-pair[data-pair='0'] table.cmp-measures tbody tr",
        "rows => rows.map(r => ({verdict: r.querySelector('.vd').textContent, sig: r.classList.contains('sig')}))",
    )
    measures = report["comparisons"][0]["measures"]
    assert [r["verdict"] for r in rows] == [verdict(m) for m in measures]
    assert [r["sig"] for r in rows] == [bool(m["significant"]) and m["better"] != "same" for m in measures]
    assert any(r["sig"] for r in rows) and not all(r["sig"] for r in rows)
    # the most changed entries come first, in the report's order
    keys = v.page.eval_on_selector_all("#centries tbody tr", "rows => rows.map(r => r.dataset.key)")
    most = report["comparisons"][0]["most_changed"]
    assert keys[: len(most)] == most and len(keys) == report["comparisons"][0]["matched"]
    no_overflow(v)
    v.shot("compare-load", full_page=True)


def test_clicking_a_changed_entry_marks_exactly_the_injected_findings(compared, visit):
    page, _ = compared
    v = visit(page.as_uri())
    v.page.click(f"#centries tbody tr[data-key='{NUMBER_ID}']")
    v.page.wait_for_selector("#drill .cmp-box")
    got = marked_changes(v)
    assert got["key"] == NUMBER_ID
    assert sorted(got["appeared"]) == sorted(APPEARED[NUMBER_ID]) and got["disappeared"] == []
    assert sum("ch-appeared" in c for c in got["marks1"]) >= 1 and not any("ch-appeared" in c for c in got["marks0"])
    # the changed number is marked in the system's text, on "30%"
    texts = v.page.eval_on_selector_all("#drill .cmp-text[data-side='1'] mark.ch-appeared", "ms => ms.map(m => m.textContent)")
    assert any("30%" in t for t in texts) and any("公告类型" in t for t in texts)
    assert v.page.evaluate("location.hash") == f"#entry={NUMBER_ID}"
    no_overflow(v)
    v.shot("compare-drill", full_page=True)
    # an entry whose baseline finding is gone: marked in the baseline's text, nothing new
    (fixed,) = DISAPPEARED
    v.page.click(f"#centries tbody tr[data-key='{fixed}']")
    v.page.wait_for_selector(f"#drill .cmp-box[data-key='{fixed}']")
    got = marked_changes(v)
    assert sorted(got["disappeared"]) == sorted(DISAPPEARED[fixed]) and got["appeared"] == []
    assert any("ch-disappeared" in c for c in got["marks0"]) and got["marks1"] == []


def test_a_scatter_dot_filters_or_opens_its_entries(compared, visit):
    page, report = compared
    v = visit(page.as_uri())
    entry = next(e for e in report["comparisons"][0]["entries"] if e["key"] == DROP_ID)
    cell = f"{entry['errors'][0] + entry['warnings'][0]},{entry['errors'][1] + entry['warnings'][1]}"
    dot = f"section.cmp-pair[data-pair='0'] circle.cmp-dot[data-cell='{cell}']"
    n = int(v.page.get_attribute(dot, "data-n"))
    v.page.click(dot)
    if n == 1:
        v.page.wait_for_selector(f"#drill .cmp-box[data-key='{DROP_ID}']")
    else:
        keys = v.page.eval_on_selector_all("#centries tbody tr", "rows => rows.map(r => r.dataset.key)")
        assert DROP_ID in keys and len(keys) == n
        v.page.click(f"#centries tbody tr[data-key='{DROP_ID}']")
    got = marked_changes(v)
    assert got["key"] == DROP_ID and sorted(got["appeared"]) == sorted(APPEARED[DROP_ID])


def test_deep_link_opens_the_entry(compared, visit):
    page, _ = compared
    v = visit(page.as_uri() + f"#entry={DROP_ID}")
    v.page.wait_for_selector(f"#drill .cmp-box[data-key='{DROP_ID}']")
    assert sorted(marked_changes(v)["appeared"]) == sorted(APPEARED[DROP_ID])


def test_filters_and_paging(compared, visit):
    page, report = compared
    v = visit(page.as_uri())
    entries = report["comparisons"][0]["entries"]
    v.page.select_option("#c-changed", "disappeared")
    keys = v.page.eval_on_selector_all("#centries tbody tr", "rows => rows.map(r => r.dataset.key)")
    assert keys == [e["key"] for e in entries if e["disappeared"]]
    v.page.select_option("#c-changed", "")
    v.page.select_option("#c-code", "numbers.magnitude")
    keys = v.page.eval_on_selector_all("#centries tbody tr", "rows => rows.map(r => r.dataset.key)")
    assert keys == [NUMBER_ID]
    v.page.click("#c-reset")
    v.page.fill("#c-text", "2401.10003")
    keys = v.page.eval_on_selector_all("#centries tbody tr", "rows => rows.map(r => r.dataset.key)")
    assert keys == [DROP_ID]


def test_phone_width_does_not_overflow(compared, visit):
    page, _ = compared
    v = visit(page.as_uri() + f"#entry={NUMBER_ID}", viewport=PHONE)
    v.page.wait_for_selector("#drill .cmp-box")
    no_overflow(v)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    v.shot("compare-phone", full_page=True)


def test_the_pair_selector_switches_sections_and_entries(compared, visit, tmp_path):
    page, _ = compared
    a, b = page.parent / "a.md", page.parent / "b.md"
    three = tmp_path / "three.html"
    result = run_compare([str(a), str(b), str(a), "-n", "one", "-n", "two", "-n", "three", "-f", "html", "-o", str(three), "-q"])
    assert result.exit_code == 0, result.output
    v = visit(three.as_uri())
    shown = "() => Array.from(document.querySelectorAll('section.cmp-pair:not(.cmp-unmatched)')).filter(s => !s.hidden).map(s => s.dataset.pair)"
    assert v.page.evaluate(shown) == ["0"]
    v.page.select_option("#pair-select", "2")  # two → three: the baseline's text again, so NUMBER_ID's findings are gone
    assert v.page.evaluate(shown) == ["2"]
    v.page.click(f"#centries tbody tr[data-key='{NUMBER_ID}']")
    got = marked_changes(v)
    assert got["appeared"] == [] and sorted(got["disappeared"]) == sorted(APPEARED[NUMBER_ID])
    assert v.page.evaluate("location.hash") == f"#entry={NUMBER_ID}&pair=2"
    no_overflow(v)
