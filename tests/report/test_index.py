"""The index across issues: dates, de-duplication, page names, trends, and the site on disk."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from evalkit.errors import ConfigError, InputError
from evalkit.report.index import (
    INDEX_PAGE,
    DateRules,
    collect_issues,
    date_in_name,
    find_reports,
    index_context,
    page_name,
    render_index,
    write_report_html,
    write_site,
)
from tests.digest_builder import fixture_path
from tests.report.test_html import collect, example_report, run_report


def _issue(report: dict, **changes) -> dict:
    """A copy of ``report`` whose single issue has ``changes`` applied."""
    out = copy.deepcopy(report)
    out["issues"][0].update(changes)
    return out


# --- dates -----------------------------------------------------------------------------------------


def test_date_in_name():
    assert date_in_name("reports/20260820T091500Z_0a1b2c3d_cs.CL.json") == "2026-08-20"
    assert date_in_name("2025-02-29.json") is None  # not a calendar date
    assert date_in_name("cs.CL-2024-02-06.json") == "2024-02-06"
    assert date_in_name("run-7.json") is None


def test_date_rules_parse_and_refuse():
    rules = DateRules.parse(["2026-01-02", "a.json=2025-05-06"])
    assert rules.fallback == "2026-01-02" and rules.named == {"a.json": "2025-05-06"}
    with pytest.raises(ConfigError, match="ISO date"):
        DateRules.parse(["2026-13-01"])
    with pytest.raises(ConfigError, match="ISO date"):
        DateRules.parse(["x=yesterday"])
    with pytest.raises(ConfigError, match="at most one"):
        DateRules.parse(["2026-01-02", "2026-01-03"])


def test_date_priority():
    rules = DateRules.parse(["2020-01-01", "named=2021-02-03"])
    dated = {"id": "x", "path": "d/x.md", "date": "2024-05-06"}
    undated = {"id": "y", "path": "-", "date": None}
    assert rules.date_of(dated, None)[:2] == ("2024-05-06", "report")
    assert rules.date_of(dict(dated, id="named"), None) == ("2021-02-03", "--date", "named")  # explicit wins
    assert rules.date_of(undated, "out/2023-07-08.json")[:2] == ("2023-07-08", "file name")
    assert rules.date_of(undated, "out/run.json")[:2] == ("2020-01-01", "--date")
    assert DateRules().date_of(undated, None)[:2] == (None, "")


# --- issues and pages -------------------------------------------------------------------------------


def test_later_report_replaces_the_same_issue():
    report = example_report()
    newer = copy.deepcopy(report)
    newer["issues"][0]["summary"]["entries"] = 99
    sources, notes = collect_issues([("old.json", report), ("new.json", newer)])
    assert len(sources) == 1 and sources[0].issue["summary"]["entries"] == 99
    assert any("found again in new.json" in n for n in notes)


def test_unused_named_date_is_noted():
    _, notes = collect_issues([("r.json", example_report())], DateRules.parse(["nosuch=2020-01-01"]))
    assert any("nosuch" in n for n in notes)


def test_page_names_are_safe_and_unique():
    taken: set[str] = set()
    assert page_name("20260820T091500Z_0a1b2c3d_cs.CL", taken) == "20260820T091500Z_0a1b2c3d_cs.CL.html"
    assert page_name("20260820T091500Z_0a1b2c3d_cs.CL", taken) == "20260820T091500Z_0a1b2c3d_cs.CL-2.html"
    assert page_name("../<script>x", taken) == "script_x.html"
    assert page_name("index", taken) == "index-2.html"
    assert page_name("...", taken) == "issue.html"


def test_issues_sorted_newest_first_undated_last():
    base = example_report()
    reports = [
        ("a.json", _issue(base, id="a", path="a.md", date="2024-01-01")),
        ("b.json", _issue(base, id="b", path="b.md", date=None)),
        ("c.json", _issue(base, id="c", path="c.md", date="2026-01-01")),
    ]
    sources, _ = collect_issues(reports)
    assert [s.issue["id"] for s in sources] == ["c", "a", "b"]
    context = index_context(sources)
    assert context["undated"] == 1 and context["span"] == ("2024-01-01", "2026-01-01")


def test_trends_cover_scores_shares_and_categories():
    base = example_report()
    reports = [(f"{k}.json", _issue(base, id=f"i{k}", path=f"i{k}.md", date=f"2026-0{k}-01")) for k in range(1, 4)]
    context = index_context(collect_issues(reports)[0])
    ids = [c["id"] for c in context["charts"]]
    assert ids[:3] == ["findings", "failing", "invented"] and "cut" in ids
    assert [c["title"] for c in context["charts"] if c["kind"] == "score"] == ["bleu ↑", "chrf ↑", "chrf++ ↑", "ter ↓"]
    assert {c["title"] for c in context["charts"] if c["scale"] == "category"} >= {"coverage", "numbers", "truncation"}
    data = json.loads(str(context["trend_data"]))
    assert data["default"] == "week"
    summary = base["issues"][0]["summary"]
    month = data["sets"][data["sel"]["all"]]["month"]["s"]
    # three copies of one issue, a month apart: each month is that issue's own figures
    assert [p[4:] for p in month["failing"]] == [[summary["fail"], summary["entries"], 1]] * 3
    assert [p[0] for p in month["failing"]] == [0, 1, 2]
    chrf = month["score:chrf"]
    assert all(p[2] is not None and p[2] <= p[1] <= p[3] for p in chrf)
    assert chrf[0][1] == pytest.approx(summary["scores"]["chrf"]["value"], abs=0.01)
    assert context["has_scores"] is True


def test_without_references_there_are_share_and_rate_charts_but_no_score_charts():
    report = run_report([fixture_path("v1_s1.md"), fixture_path("v1_s3.md")], use_references=False)
    context = index_context(collect_issues([("r.json", report)], DateRules.parse(["2026-01-05"]))[0])
    kinds = {c["kind"] for c in context["charts"]}
    assert kinds == {"share", "rate"} and context["has_scores"] is False
    assert {"findings", "failing", "cut"} <= {c["id"] for c in context["charts"]}
    page = render_index(collect_issues([("r.json", report)], DateRules.parse(["2026-01-05"]))[0])
    assert "No score charts" in page


# --- the site on disk -------------------------------------------------------------------------------


def test_write_site_links_resolve(tmp_path):
    report = run_report([fixture_path("v1_s1.md"), fixture_path("v1_s3.md")], use_references=False)
    site = write_site([("r.json", report), ("e.json", example_report())], str(tmp_path / "site"))
    assert Path(site.index).is_file() and len(site.pages) == 3
    index = collect(Path(site.index).read_text(encoding="utf-8"))
    local = [h for h in index.attrs("href") if not h.startswith(("https://", "data:", "#"))]
    assert len(set(local)) == 3
    for href in local:
        assert (tmp_path / "site" / href).is_file()
    page = collect(Path(site.pages[0]).read_text(encoding="utf-8"))
    assert INDEX_PAGE in page.attrs("href")


def test_write_site_refuses_a_file_as_directory(tmp_path):
    target = tmp_path / "f"
    target.write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        write_site([("e.json", example_report())], str(target))


def test_find_reports_skips_other_json_in_directories(tmp_path):
    (tmp_path / "r.json").write_text(json.dumps(example_report()), encoding="utf-8")
    (tmp_path / "package.json").write_text('{"name": "x"}', encoding="utf-8")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    found, notes = find_reports([str(tmp_path)])
    assert [Path(p).name for p, _ in found] == ["r.json"]
    assert len(notes) == 2 and any("not an evalkit report" in n for n in notes)
    with pytest.raises(InputError, match="no such file"):
        find_reports([str(tmp_path / "missing.json")])
    with pytest.raises(InputError, match="not an evalkit report"):
        find_reports([str(tmp_path / "package.json")])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no evalkit JSON reports"):
        find_reports([str(empty)])


def test_write_report_html_one_issue_is_a_file(tmp_path):
    written = write_report_html(example_report(), None, report_path=str(tmp_path / "x.json"))
    assert written == [str(tmp_path / "x.html")]
    assert "<!DOCTYPE html>" in Path(written[0]).read_text(encoding="utf-8")


def test_write_report_html_several_issues_is_a_site(tmp_path):
    report = run_report([fixture_path("v1_s1.md"), fixture_path("v1_s3.md")], use_references=False)
    written = write_report_html(report, None, report_path=str(tmp_path / "x.json"))
    assert written[0] == str(tmp_path / "x" / INDEX_PAGE) and len(written) == 3
    for output in ("-", str(tmp_path / "page.html")):
        with pytest.raises(ConfigError, match="--output DIR"):
            write_report_html(report, output)
    one = write_report_html(report, str(tmp_path / "one.html"), issue_id="v1_s3")
    assert one == [str(tmp_path / "one.html")]
    with pytest.raises(ConfigError, match="no such issue"):
        write_report_html(report, "-", issue_id="nope")


def test_report_without_issues_lists_its_input_errors(tmp_path):
    report = copy.deepcopy(example_report())
    report["issues"] = []
    report["errors"] = [{"path": "broken<b>.md", "line": 3, "message": "cannot <decode>"}]
    (target,) = write_report_html(report, str(tmp_path / "p.html"))
    page = Path(target).read_text(encoding="utf-8")
    assert "broken&lt;b&gt;.md:3" in page and "cannot &lt;decode&gt;" in page


def test_write_report_html_into_an_existing_directory(tmp_path):
    (page,) = write_report_html(example_report(), str(tmp_path))
    assert page == str(tmp_path / "20260820T091500Z_0a1b2c3d_cs.CL.html")
    empty = copy.deepcopy(example_report())
    empty["issues"] = []
    assert write_report_html(empty, str(tmp_path)) == [str(tmp_path / INDEX_PAGE)]


def test_the_stylesheet_holds_back_exactly_the_rows_past_the_first_page():
    from evalkit.report.html.assets import asset
    from evalkit.report.index import PAGE_SIZE

    assert f"table.unpaged tbody tr:nth-child(n+{PAGE_SIZE + 1})" in asset("style.css.j2")
