"""The comparison page (``evalkit compare --format html``): self-contained, escaped, CSP-hashed, and
showing what the ``evalkit.compare/1`` report holds: measures and verdicts, scatter geometry, buckets,
findings by code, entry data for the drill-down, unmatched entries."""

from __future__ import annotations

import copy
import json
import math
from html import escape
from pathlib import Path
from typing import Any

import pytest

from evalkit.compare.html import entry_data, measure_row, page_context, render_compare_html
from evalkit.compare.scatter import DOT_R, axis_ticks, count_scatter, pair_scatter, score_scatter
from evalkit.compare.text import fmt_p, fmt_value, verdict
from evalkit.report.html.assets import STYLE_ASSET, asset, csp_hash
from tests.compare.versions import APPEARED, DISAPPEARED, HOSTILE_TITLE_EN, run_compare, write_versions
from tests.report.test_html import collect

HOSTILE = "</script><img src=x onerror=alert(1)><!-- x -->"


@pytest.fixture(scope="module")
def digests(tmp_path_factory) -> tuple[Path, Path]:
    return write_versions(tmp_path_factory.mktemp("digests"))


@pytest.fixture(scope="module")
def report(digests) -> dict[str, Any]:
    a, b = digests
    out = a.parent / "compare.json"
    result = run_compare([str(a), str(b), "-f", "json", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def page(report) -> str:
    return render_compare_html(report)


def blob(page: str) -> dict[str, Any]:
    parser = collect(page)
    return json.loads(next(text for attrs, text in parser.scripts if attrs.get("type") == "application/json"))


# --- self-contained and safe ----------------------------------------------------------------------


def test_csp_admits_exactly_the_style_and_the_compare_script(page):
    parser = collect(page)
    policy = parser.csp()
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    (style,) = parser.styles
    (script,) = [text for attrs, text in parser.scripts if attrs.get("type") != "application/json"]
    assert script == asset("compare.js.j2") and style == asset(STYLE_ASSET)
    assert f"script-src {csp_hash(script)}" in policy and f"style-src {csp_hash(style)}" in policy
    assert not parser.attrs("style") and not parser.attrs("src")
    assert not any(k.startswith("on") for _, a in parser.tags for k in a)


def test_compare_script_builds_markup_only_from_text():
    script = asset("compare.js.j2")
    for api in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", ".style"):
        assert api not in script, api


def test_hostile_text_stays_text(report):
    hostile = copy.deepcopy(report)
    hostile["systems"][1]["name"] = HOSTILE
    comparison = hostile["comparisons"][0]
    comparison["system"] = HOSTILE
    entry = comparison["entries"][0]
    entry["text"]["abstract_en"] = HOSTILE
    entry["text"]["abstract_zh"][1] = "译文" + HOSTILE
    page = render_compare_html(hostile)
    parser = collect(page)
    names = [t for t, _ in parser.tags]
    assert "img" not in names and names.count("script") == 2
    assert parser.comments == []
    assert HOSTILE in "".join(parser.text)  # the system's name, shown as characters
    data_text = next(text for attrs, text in parser.scripts if attrs.get("type") == "application/json")
    assert "<" not in data_text and ">" not in data_text
    data = json.loads(data_text)["pairs"][0]
    assert data["s"] == HOSTILE
    assert data["entries"][0]["t"]["aen"] == HOSTILE and data["entries"][0]["t"]["azh"][1] == "译文" + HOSTILE
    # the fixture's own hostile English title travels as data
    assert any(e["t"]["ten"] == HOSTILE_TITLE_EN for e in data["entries"])


def test_no_absolute_path_beyond_the_inputs_as_given(digests, report, page):
    folder = str(digests[0].parent)
    # the report's unmatched entries carry absolute paths; the page shows only the inputs, as given
    assert folder in json.dumps(report["comparisons"][0]["unmatched"])
    assert page.count(folder) == 2 == sum(len(s["inputs"]) for s in report["systems"])


def test_relative_inputs_leave_no_absolute_path(digests, monkeypatch, tmp_path):
    monkeypatch.chdir(digests[0].parent)
    out = tmp_path / "page.html"
    result = run_compare(["a.md", "b.md", "-f", "html", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert str(digests[0].parent) not in text
    assert "<code>a.md</code>" in text and "<code>b.md</code>" in text


# --- what the page shows --------------------------------------------------------------------------


def test_measures_table_agrees_with_the_text_outputs(report, page):
    comparison = report["comparisons"][0]
    context = page_context(report)
    rows = context["pairs"][0].measures
    assert len(rows) == len(comparison["measures"])
    for m, row in zip(comparison["measures"], rows):
        assert row.verdict == verdict(m)
        assert row.p_bs == fmt_p(m["p_bs"]) and row.p_ar == fmt_p(m["p_ar"])
        assert row.delta == fmt_value(m["delta"], m["digits"], signed=True)
        assert row.significant == (m["significant"] and m["better"] != "same")
        if m["baseline_ci"]:
            assert row.baseline_ci == f"bootstrap mean {fmt_value(m['baseline_ci'][0], m['digits'])} ± {fmt_value(m['baseline_ci'][1], m['digits'])}"
    significant = [m for m in comparison["measures"] if m["significant"]]
    assert significant, "the fixture's added leaks must be significant"
    parser = collect(page)
    marked = [a.get("class", "") for t, a in parser.tags if t == "tr" and "v-" in (a.get("class") or "")]
    assert sum(c.startswith("sig ") for c in marked) == len(significant)
    assert sum(c.startswith("ns ") for c in marked) == len(comparison["measures"]) - len(significant)


def test_measure_row_units_arrows_and_missing_values():
    m = {"name": "failing", "label": "failing entries", "unit": "%", "higher_is_better": False, "digits": 1,
         "baseline": 10.0, "system": 12.5, "delta": 2.5, "better": "baseline", "p_bs": None, "p_ar": None,
         "significant": False, "baseline_ci": None, "system_ci": None}
    row = measure_row(m)
    assert (row.label, row.arrow, row.baseline, row.delta, row.p_bs, row.verdict) == ("failing entries (%)", "↓", "10.0", "+2.5", "—", "n.s.")
    assert row.baseline_ci == "" and not row.significant


def test_count_scatter_stacks_entries_on_one_point():
    entries = [
        {"key": "a", "errors": [0, 0], "warnings": [0, 0]},
        {"key": "b", "errors": [0, 0], "warnings": [0, 0]},
        {"key": "c", "errors": [0, 0], "warnings": [0, 0]},
        {"key": "d", "errors": [0, 1], "warnings": [0, 1]},
        {"key": "e", "errors": [1, 0], "warnings": [0, 0]},
    ]
    chart = count_scatter(entries, "A", "B")
    assert chart is not None and chart.mode == "count"
    dots = {d.cell: d for d in chart.dots}
    assert set(dots) == {"0,0", "0,2", "1,0"}
    assert dots["0,0"].n == 3 and dots["0,0"].key is None and dots["0,0"].r > DOT_R
    assert dots["0,2"].key == "d" and dots["0,2"].r == DOT_R and dots["0,2"].cls == "down"
    assert dots["1,0"].cls == "up" and dots["0,0"].cls == "same"
    # the axis runs 0..2 on both sides: (0, 0) is the plot's bottom-left, (0, 2) its top-left
    assert (dots["0,0"].x, dots["0,0"].y) == (chart.left, chart.base)
    assert (dots["0,2"].x, dots["0,2"].y) == (chart.left, chart.top)
    x1, y1, x2, y2 = chart.diagonal
    assert (x1, y1, x2, y2) == (chart.left, chart.base, chart.right, chart.top)
    assert math.isclose(dots["1,0"].x, (chart.left + chart.right) / 2, abs_tol=0.1)


def test_axis_ticks_are_round_and_cover_the_range():
    assert axis_ticks(0, 100) == [0, 25, 50, 75, 100]
    assert axis_ticks(0, 10) == [0, 2.5, 5, 7.5, 10]
    assert axis_ticks(0, 3) == [0, 1, 2, 3]
    assert axis_ticks(4, 4) == [4]


def test_score_scatter_places_each_entry_by_its_two_scores():
    measure = {"name": "chrf", "label": "chrf", "higher_is_better": True, "digits": 1}
    entries = [{"key": "x", "scores": {"chrf": [25.0, 75.0]}}, {"key": "y", "scores": {"chrf": [50.0, 50.0]}}, {"key": "z", "scores": {}}]
    chart = score_scatter(entries, measure, "A", "B")
    assert chart is not None and chart.mode == "score" and len(chart.dots) == 2
    x, y = chart.dots
    width, height = chart.right - chart.left, chart.base - chart.top
    assert math.isclose(x.x, chart.left + 0.25 * width, abs_tol=0.1) and math.isclose(x.y, chart.base - 0.75 * height, abs_tol=0.1)
    assert x.cls == "up" and x.key == "x" and y.cls == "same" and "25.0 → 75.0" in x.title
    lower = score_scatter(entries, dict(measure, higher_is_better=False), "A", "B")
    assert lower is not None and lower.dots[0].cls == "down"


def test_pair_scatter_falls_back_to_counts_without_a_primary(report, page):
    comparison = report["comparisons"][0]
    assert comparison["primary"] is None
    chart = pair_scatter(comparison)
    assert chart is not None and chart.mode == "count"
    assert sum(d.n for d in chart.dots) == comparison["matched"]
    parser = collect(page)
    circles = [a for t, a in parser.tags if t == "circle" and "cmp-dot" in (a.get("class") or "")]
    assert len(circles) == len(chart.dots)
    assert sorted(a["data-cell"] for a in circles) == sorted(d.cell for d in chart.dots)
    primed = copy.deepcopy(comparison)
    primed["primary"] = "bleu"
    primed["measures"].insert(0, {"name": "bleu", "label": "bleu", "higher_is_better": True, "digits": 2})
    for k, e in enumerate(primed["entries"]):
        e["scores"] = {"bleu": [float(k), float(k + 1)]}
    scored = pair_scatter(primed)
    assert scored is not None and scored.mode == "score" and len(scored.dots) == comparison["matched"]


def test_buckets_and_codes_are_rendered(report, page):
    comparison = report["comparisons"][0]
    view = page_context(report)["pairs"][0]
    headings = [h for h, _ in view.buckets]
    assert headings[:2] == ["by English length", "by cut"]
    shown = {r.bucket: r for _, rows in view.buckets for r in rows}
    for b in comparison["buckets"]:
        row = shown[b["bucket"]]
        assert row.entries == b["entries"]
        assert row.failing == tuple("—" if v is None else f"{v:.1f}%" for v in (b["a"]["failing"], b["b"]["failing"]))
        assert row.findings[1] == f"{b['b']['findings']:.1f}"
        assert f"<td>{escape(b['bucket'])}</td>" in page
    by_code = comparison["findings"]["by_code"]
    assert {c.code for c in view.codes} == set(by_code)
    assert view.codes[0].code == "leak.metadata"  # most appeared + disappeared first
    for code in by_code:
        assert f'data-code="{code}"' in page


def test_entry_data_labels_each_finding_by_its_change(report, page):
    entries = {e["k"]: e for e in blob(page)["pairs"][0]["entries"]}
    for key, codes in APPEARED.items():
        e = entries[key]
        assert {f["c"] for f in e["f"][1] if f["ch"] == "appeared"} == codes
        assert e["ap"] == len(codes) and e["rank"] is not None
    for key, codes in DISAPPEARED.items():
        assert {f["c"] for f in entries[key]["f"][0] if f["ch"] == "disappeared"} == codes
    source = next(e for e in report["comparisons"][0]["entries"] if e["key"] == "2401.10002")
    data = entry_data(source, 0)
    for f, raw in zip(data["f"][1], source["findings"][1]):
        span = (raw.get("evidence") or {}).get("translation_span")
        assert f.get("zs") == span
        if span:
            # a code-point span into the system's own abstract
            assert source["text"]["abstract_zh"][1][span[0]:span[1]] == raw["evidence"]["translation"]
    assert {f["ch"] for f in data["f"][0]} <= {"persisted", "info"}


def test_unmatched_entries_are_listed(report, page):
    unmatched = report["comparisons"][0]["unmatched"]
    assert unmatched["baseline"] and unmatched["system"]
    for side in ("baseline", "system"):
        for u in unmatched[side]:
            assert f"<code>{u['arxiv_id']}</code>" in page


def test_several_pairs_get_a_selector(digests, tmp_path):
    a, b = digests
    out = tmp_path / "three.html"
    result = run_compare([str(a), str(b), str(a), "-n", "one", "-n", "two", "-n", "three", "-f", "html", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    parser = collect(out.read_text(encoding="utf-8"))
    options = [a for t, a in parser.tags if t == "option" and a.get("value") in ("0", "1", "2")]
    assert len(options) == 3
    sections = [a for t, a in parser.tags if t == "section" and "cmp-pair" in (a.get("class") or "") and "cmp-unmatched" not in (a.get("class") or "")]
    assert [s["data-pair"] for s in sections] == ["0", "1", "2"]
    assert ["hidden" in s for s in sections] == [False, True, True]


def test_rendering_is_deterministic(report, page):
    assert render_compare_html(copy.deepcopy(report)) == page
