"""The per-issue HTML page: self-contained, strictly escaped, CSP-hashed, and showing what the report holds.

The helpers at the top (a hostile digest, a scored report, an HTML tag collector) are shared with the
index and browser tests.
"""

from __future__ import annotations

import copy
import json
import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from evalkit.config import Config
from evalkit.errors import InputError
from evalkit.pipeline import score
from evalkit.report import build_report, dumps_report
from evalkit.report.html import charts, load_report, render_issue_page
from evalkit.report.html.assets import asset, csp_hash, json_for_script, SCRIPT_ASSET, STYLE_ASSET
from evalkit.report.html.page import entry_data, metrics_of
from tests.digest_builder import build_digest, fixture_path, make_entry

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "20260820T091500Z_0a1b2c3d_cs.CL.md")
REFERENCES = str(ROOT / "references")

# Digest text that would run script, open elements or comments, or make links if it were not escaped.
HOSTILE_TITLE_ZH = "<script>alert('title')</script>标题</textarea>"
HOSTILE_TITLE_EN = "</script><img src=x onerror=alert(1)> A Hostile Title <!-- comment -->"
HOSTILE_SUMMARY = '摘要 <a href="javascript:alert(3)">点我</a> [x](javascript:alert(4))'
HOSTILE_TAIL = "<!-- 注释 --></textarea><script>alert(2)</script>"
HOSTILE_LINK = "javascript:alert(5)"


def hostile_digest() -> str:
    """A two-entry digest whose texts and link try to inject markup."""
    first = make_entry(
        1,
        title_zh=HOSTILE_TITLE_ZH,
        title_en=HOSTILE_TITLE_EN,
        summary_zh=HOSTILE_SUMMARY,
        abstract_zh=make_entry(1).abstract_zh + HOSTILE_TAIL,
    )
    second = make_entry(2, link=HOSTILE_LINK)
    return build_digest([first, second])


def run_report(paths: list[str], **config: Any) -> dict[str, Any]:
    """The canonical report of ``paths`` with every check and the repository's references."""
    cfg = Config(references=REFERENCES, bootstrap=100, **config)
    return json.loads(dumps_report(build_report(score(paths, cfg), cfg)))


@lru_cache(maxsize=1)
def example_report() -> dict[str, Any]:
    """The repository's example digest, scored (fabricated ending, numbers, omissions, references)."""
    return run_report([EXAMPLE])


class Collector(HTMLParser):
    """Every start tag with its attributes, every comment, and the raw text of script/style blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._open: tuple[str, dict[str, str | None]] | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open, self._buffer = (tag, dict(attrs)), []

    def handle_data(self, data):  # noqa: ANN001
        (self._buffer if self._open else self.text).append(data)

    def handle_endtag(self, tag):  # noqa: ANN001
        if self._open and tag == self._open[0]:
            if tag == "script":
                self.scripts.append((self._open[1], "".join(self._buffer)))
            else:
                self.styles.append("".join(self._buffer))
            self._open = None

    def handle_comment(self, data):  # noqa: ANN001
        self.comments.append(data)

    def attrs(self, name: str) -> list[str]:
        """Every value of attribute ``name`` on any tag."""
        return [a[name] or "" for _, a in self.tags if name in a]

    def csp(self) -> str:
        """The Content-Security-Policy of the page's meta tag."""
        return next(a["content"] or "" for t, a in self.tags if t == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy")


def collect(page: str) -> Collector:
    """Parse ``page``."""
    parser = Collector()
    parser.feed(page)
    parser.close()
    return parser


def data_blob(parser: Collector) -> dict[str, Any]:
    """The page's embedded entry data."""
    return json.loads(next(text for attrs, text in parser.scripts if attrs.get("type") == "application/json"))


@pytest.fixture(scope="module")
def example_page() -> str:
    report = example_report()
    return render_issue_page(report, report["issues"][0])


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("hostile") / "20260301_hostile.md"
    path.write_text(hostile_digest(), encoding="utf-8")
    return run_report([str(path)])


# --- self-contained and safe ----------------------------------------------------------------------


def test_page_fetches_nothing(example_page):
    parser = collect(example_page)
    assert not parser.attrs("src"), "no element may load anything"
    assert all(t != "link" or a.get("rel") == "icon" and a.get("href") == "data:," for t, a in parser.tags)
    for href in parser.attrs("href"):
        assert href.startswith(("#", "https://arxiv.org/", "data:")) or re.fullmatch(r"[\w.-]+\.html", href), href
    assert "http://" not in example_page and "//cdn" not in example_page


def test_csp_admits_exactly_the_inline_style_and_script(example_page):
    parser = collect(example_page)
    policy = parser.csp()
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    (style,) = parser.styles
    scripts = [text for attrs, text in parser.scripts if attrs.get("type") != "application/json"]
    assert len(scripts) == 1
    assert f"style-src {csp_hash(style)}" in policy
    assert f"script-src {csp_hash(scripts[0])}" in policy
    assert style == asset(STYLE_ASSET) and scripts[0] == asset(SCRIPT_ASSET)
    # the CSP meta comes before the style and script it governs
    assert example_page.index("Content-Security-Policy") < example_page.index("<style>") < example_page.index("<script>")


def test_no_style_attributes_which_the_csp_would_block(example_page, hostile_report):
    hostile_page = render_issue_page(hostile_report, hostile_report["issues"][0])
    for page in (example_page, hostile_page):
        assert not collect(page).attrs("style")


def test_hostile_digest_text_renders_as_text(hostile_report):
    page = render_issue_page(hostile_report, hostile_report["issues"][0])
    parser = collect(page)
    names = [t for t, _ in parser.tags]
    assert names.count("script") == 2  # the JSON data block and the page's own script
    assert "img" not in names and "textarea" not in names
    assert parser.comments == []
    assert not any(v.lower().lstrip().startswith("javascript:") for v in parser.attrs("href"))
    assert not any(k.startswith("on") for _, a in parser.tags for k in a)
    visible = "".join(parser.text)
    assert HOSTILE_TITLE_ZH in visible and HOSTILE_TITLE_EN in visible  # shown, as characters
    blob_text = next(text for attrs, text in parser.scripts if attrs.get("type") == "application/json")
    assert "<" not in blob_text and ">" not in blob_text
    entries = json.loads(blob_text)["entries"]
    titled = next(e for e in entries if e["t"]["title_zh"] == HOSTILE_TITLE_ZH)
    assert titled["t"]["abstract_zh"].endswith(HOSTILE_TAIL) and titled["t"]["summary_zh"] == HOSTILE_SUMMARY
    # the javascript: link is data for the drill-down to show as text, never a link target
    linked = next(e for e in entries if HOSTILE_LINK in (e["link"] or ""))
    assert linked["abs"] is None and linked["pdf"] is None


def test_json_for_script_cannot_close_its_element():
    value = {"s": "</script><!-- x --> & \u2028 </textarea>", "n": [1, 2.5]}
    text = str(json_for_script(value))
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == value


def test_assets_cannot_close_their_own_block():
    for name in (STYLE_ASSET, SCRIPT_ASSET):
        text = asset(name).lower()
        assert "</script" not in text and "</style" not in text and "<!--" not in text


def test_script_builds_markup_only_from_text():
    """The drill-down is built with textContent; markup parsing APIs are never used on data."""
    script = asset(SCRIPT_ASSET)
    for api in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert api not in script, api


# --- what the page shows --------------------------------------------------------------------------


def test_headline_figures_and_scores(example_page):
    report = example_report()
    summary = report["issues"][0]["summary"]
    text = " ".join(" ".join(collect(example_page).text).split())
    assert f"{summary['entries']} entries" in text
    assert f"{summary['fail']} fail" in text and f"{summary['errors']} errors" in text
    chrf = summary["scores"]["chrf"]
    assert f"{chrf['value']:.2f}" in text
    assert f"[{chrf['ci'][0]:.2f}–{chrf['ci'][1]:.2f}]" in text
    assert "ter ↓" in text and "chrf ↑" in text


def test_entry_rows_worst_first_with_codes(example_page):
    parser = collect(example_page)
    rows = [a for t, a in parser.tags if t == "tr" and "data-i" in a]
    report = example_report()
    assert len(rows) == len(report["issues"][0]["entries"])
    ranks = [{"fail": 2, "warn": 1, "pass": 0}[r["data-status"]] for r in rows]
    assert ranks == sorted(ranks, reverse=True)
    by_ref = {r["data-ref"]: r for r in rows}
    assert "truncation.fabricated" in by_ref["2"]["data-codes"].split()
    assert by_ref["2"]["data-cut"] == "1"


def test_drilldown_data_keeps_the_finding_spans(example_page):
    blob = data_blob(collect(example_page))
    report = example_report()
    for entry, data in zip(report["issues"][0]["entries"], blob["entries"]):
        assert data["t"]["abstract_zh"] == entry["text"]["abstract_zh"]
        assert [p[0] for p in data["p"]] == [p["en_span"] for p in entry["pairs"]]
        spans = sorted(tuple(f["evidence"]["translation_span"]) for f in entry["findings"] if "translation_span" in f.get("evidence", {}))
        assert sorted(tuple(f["zs"]) for f in data["f"] if "zs" in f) == spans
    fabricated = next(f for e in blob["entries"] for f in e["f"] if f["c"] == "truncation.fabricated")
    assert fabricated["v"] == "error" and not fabricated["m"].startswith("[^")
    tail_pairs = [p for e in blob["entries"] for p in e["p"] if p[4] == 1]
    assert tail_pairs, "the pair on the cut tail is marked"


def test_entry_data_keeps_quotes_only_without_spans():
    entry = {
        "ref": 3,
        "findings": [
            {"code": "a.b", "severity": "warning", "line": 4, "message": "[^3]: m", "evidence": {"field": "title_zh", "translation": "x", "translation_span": [0, 1]}},
            {"code": "c.d", "severity": "error", "line": 5, "message": "n", "evidence": {"source": "quoted"}},
        ],
    }
    data = entry_data(entry)
    assert data["f"][0] == {"c": "c.d", "v": "error", "l": 5, "m": "n", "eq": "quoted"}
    assert data["f"][1] == {"c": "a.b", "v": "warning", "l": 4, "m": "m", "f": "title_zh", "zs": [0, 1]}


def test_metrics_are_rendered_generically(example_page):
    """A metric the page was not written for (COMET) gets a column, a card and its direction."""
    report = copy.deepcopy(example_report())
    issue = report["issues"][0]
    report["config"]["metrics"]["comet"] = {"higher_is_better": True, "signature": "model:wmt22"}
    issue["summary"]["scores"]["comet"] = {"value": 0.8123, "ci": [0.8, 0.83], "n": 4, "signature": "model:wmt22"}
    issue["summary"]["scores"]["errrate"] = {"value": 12.5, "ci": None, "n": 4, "higher_is_better": False}
    for k, entry in enumerate(issue["entries"]):
        entry["scores"]["comet"] = 0.7 + k / 100
        for pair in entry["pairs"]:
            pair["scores"]["comet"] = 0.5
    page = render_issue_page(report, issue)
    text = " ".join(" ".join(collect(page).text).split())
    assert "0.812" in text and "[0.800–0.830]" in text and "comet ↑" in text
    assert "errrate ↓" in text
    names = [m.name for m in metrics_of(report, [issue])]
    assert names[:4] == ["bleu", "chrf", "chrf++", "ter"] and {"comet", "errrate"} <= set(names)
    cells = [a for t, a in collect(page).tags if t == "td" and a.get("data-m") == "comet"]
    assert len(cells) == len(issue["entries"]) and cells[0]["data-v"].startswith("0.7")
    assert any(p[5].get("comet") == 0.5 for e in data_blob(collect(page))["entries"] for p in e["p"])


def test_page_without_references_says_so(tmp_path):
    report = run_report([fixture_path("v1_s3.md")], use_references=False)
    page = render_issue_page(report, report["issues"][0])
    assert "No issue-level scores" in page
    assert "data-m=\"bleu\"" not in page


def test_empty_issue_renders(tmp_path):
    report = run_report([fixture_path("empty.md")])
    page = render_issue_page(report, report["issues"][0])
    assert "0 of 0 entries shown" in page
    assert data_blob(collect(page)) == {"entries": []}


def test_rendering_is_deterministic(example_page):
    report = example_report()
    assert render_issue_page(report, report["issues"][0]) == example_page


# --- loading reports ---------------------------------------------------------------------------------


def test_load_report_round_trip(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(example_report()), encoding="utf-8")
    assert load_report(str(path)) == example_report()


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file"),
        ("{not json", "not JSON"),
        ('{"a": 1}', "not an evalkit report (expected schema 'evalkit.report/1', found no 'schema' key)"),
        ("[1, 2]", "found a JSON list"),
        ('{"schema": "evalkit.triples/1"}', "found schema 'evalkit.triples/1'"),
        ('{"schema": "evalkit.report/1", "issues": {}}', "'issues' is not a list"),
        ('{"schema": "evalkit.report/1", "issues": [{"summary": {}}]}', "issues[0] lacks"),
        ('{"schema": "evalkit.report/1", "issues": [{"summary": {}, "entries": [{"findings": [{}]}]}]}', "without a 'code'"),
        (b"\xff\xfe\x00", "not UTF-8"),
    ],
)
def test_load_report_refuses_what_is_not_a_report(tmp_path, content, message):
    path = tmp_path / "r.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_report(str(path))
    assert message in str(info.value) and str(path) in str(info.value)


def test_load_report_refuses_a_directory(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        load_report(str(tmp_path))


# --- chart geometry ----------------------------------------------------------------------------------


def test_histogram_counts_every_value_once():
    h = charts.histogram([0, 5, 10, 55, 99.9, 100], lo=0, hi=100)
    assert sum(b.count for b in h.bars) == 6 and h.n == 6
    assert h.bars[0].count == 2 and h.bars[-1].count == 2  # 100 falls in the last, closed bin
    assert max(b.h for b in h.bars) == pytest.approx(h.base - 16)


def test_value_range_picks_natural_axes():
    assert charts.value_range([0.2, 0.9]) == (0.0, 1.0)
    assert charts.value_range([12.0, 80.0]) == (0.0, 100.0)
    assert charts.value_range([-3.0, 120.0]) == (-3.0, 120.0)


def test_bar_chart_scales_to_the_longest_bar():
    chart = charts.bar_chart([("a", "cat:a", [("x", 10, ""), ("y", 30, "")]), ("b", "", [("x", 20, "")])])
    a, b = chart.rows
    assert a.segments[0].w + a.segments[1].w == pytest.approx(2 * b.segments[0].w, rel=0.01)
    assert a.total == "40" and b.key == ""
