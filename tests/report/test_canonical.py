"""The canonical JSON report: schema, key order, determinism, sorted findings, summaries."""

from __future__ import annotations

import json

from evalkit.pipeline import score
from evalkit.records import Finding, Severity
from evalkit.report import SCHEMA, build_report, dumps_report, iter_report_json
from evalkit.report.canonical import entry_status
from tests.digest_builder import FIXTURES, build_digest, fixture_path, make_entry
from tests.helpers import foundation_config


def report_for(paths, **config) -> dict:
    cfg = foundation_config(**config)
    return build_report(score(paths, cfg), cfg)


def test_schema_and_top_level_key_order():
    report = report_for([fixture_path("v1_s1.md")])
    assert report["schema"] == SCHEMA == "evalkit.report/1"
    assert list(report) == ["schema", "tool", "config", "summary", "issues", "errors", "skipped"]
    text = dumps_report(report)
    assert text.startswith('{\n  "schema": "evalkit.report/1",\n  "tool": {')
    assert json.loads(text)["tool"]["name"] == "evalkit"


def test_two_runs_are_byte_identical(digest_dir):
    paths = [str(FIXTURES), str(digest_dir)]
    first = dumps_report(report_for(paths))
    second = dumps_report(report_for(paths))
    assert first == second
    assert first.endswith("}\n")


def test_streamed_json_equals_the_one_shot_dump(digest_dir):
    cfg = foundation_config()
    for paths in ([str(FIXTURES), str(digest_dir)], [fixture_path("empty.md")], []):
        run = score(paths, cfg)
        assert "".join(iter_report_json(run, cfg)) == dumps_report(build_report(run, cfg))


def test_jobs_do_not_change_the_report(digest_dir):
    cfg = foundation_config()
    paths = [str(FIXTURES), str(digest_dir)]
    serial = dumps_report(build_report(score(paths, cfg, jobs=1), cfg))
    parallel = dumps_report(build_report(score(paths, cfg, jobs=2), cfg))
    assert serial == parallel


def test_relative_inputs_give_relative_paths(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    report = report_for(["v1_s3.md", "."])
    assert [i["path"] for i in report["issues"]][:2] == ["v1_s3.md", "empty.md"]
    assert all(not i["path"].startswith("/") for i in report["issues"])
    assert str(FIXTURES) not in dumps_report(report)


def test_chinese_is_written_as_is():
    text = dumps_report(report_for([fixture_path("v1_s2.md")]))
    assert "面向长文本生成的词元级不确定性估计" in text and "\\u" not in text


def test_entry_and_issue_content():
    report = report_for([fixture_path("v1_s3.md")])
    (issue,) = report["issues"]
    assert (issue["id"], issue["layout"], issue["date"], issue["channel"]) == ("v1_s3", "v1", None, None)
    summary = issue["summary"]
    assert (summary["entries"], summary["pass"], summary["warn"], summary["fail"]) == (3, 3, 0, 0)
    assert (summary["errors"], summary["warnings"], summary["infos"]) == (0, 0, 2)
    assert summary["source_truncated"] == 1
    assert summary["by_code"] == {}  # info findings are left out
    assert summary["by_category"] == {"truncation": {"error": 0, "warning": 0, "info": 2}}
    cut = issue["entries"][1]
    assert cut["ref"] == 2 and cut["arxiv_id"] == "2402.01234" and cut["status"] == "pass"
    assert (cut["english_style"], cut["announce_type"], cut["version"]) == ("S3", "replace", 2)
    assert cut["source_truncated"] is True and cut["english_length"] == 1000
    assert cut["lines"]["abstract_en"] == 37
    assert not cut["text"]["abstract_en"].startswith("arXiv:")
    assert [f["code"] for f in cut["findings"]] == ["truncation.follows-source", "truncation.source"]
    assert cut["findings"][0] == {
        "code": "truncation.follows-source",
        "severity": "info",
        "line": 35,
        "message": cut["findings"][0]["message"],
        "evidence": {
            "field": "abstract_zh",
            "translation": cut["findings"][0]["evidence"]["translation"],
            "translation_span": cut["findings"][0]["evidence"]["translation_span"],
        },
    }
    run_summary = report["summary"]
    assert run_summary == {
        "issues": 1, "entries": 3, "pass": 3, "warn": 0, "fail": 0, "input_errors": 0, "with_references": 0
    }


def test_findings_are_sorted_by_line_then_code(write_file):
    # one entry with findings on several lines, and a BOM finding on line 1 of the file
    bad = make_entry(2, title_zh="", link="https://example.org/2", abstract_zh="只译了一句，")
    text = build_digest([make_entry(1), bad])
    path = write_file("d.md", b"\xef\xbb\xbf" + text.encode())
    report = report_for([path])
    (issue,) = report["issues"]
    for entry in issue["entries"]:
        keys = [(f["line"], f["code"]) for f in entry["findings"]]
        assert keys == sorted(keys)
    worst = next(e for e in issue["entries"] if e["findings"])
    assert len(worst["findings"]) >= 3
    assert [f["code"] for f in issue["findings"]] == ["structure.bom"]


def test_config_and_errors_and_skipped(digest_dir, gbk_digest):
    cfg = foundation_config(disable={"truncation.source"}, severity={"truncation.follows-source": Severity.ERROR})
    report = build_report(score([str(digest_dir), gbk_digest], cfg), cfg)
    assert "truncation.source" in report["config"]["disable"]
    assert report["config"]["severity"] == {"truncation.follows-source": "error"}
    assert "truncation.source" not in report["config"]["checks"]
    assert "truncation.translation" in report["config"]["checks"]
    assert report["errors"] == [{"path": gbk_digest, "line": report["errors"][0]["line"], "message": report["errors"][0]["message"]}]
    assert "GBK" in report["errors"][0]["message"]
    assert report["skipped"] == [{"path": str(digest_dir / "README.md"), "reason": report["skipped"][0]["reason"]}]
    assert report["summary"]["input_errors"] == 1
    (issue,) = report["issues"]
    assert issue["summary"]["fail"] == 1  # the context finding became an error


def test_empty_digest_report():
    (issue,) = report_for([fixture_path("empty.md")])["issues"]
    assert issue["entries"] == [] and issue["layout"] is None
    assert issue["summary"]["entries"] == 0 and issue["summary"]["by_code"] == {}


def test_entry_status():
    def f(sev):
        return Finding("x.y", sev, "m")

    assert entry_status(()) == "pass"
    assert entry_status((f(Severity.INFO),)) == "pass"
    assert entry_status((f(Severity.INFO), f(Severity.WARNING))) == "warn"
    assert entry_status((f(Severity.WARNING), f(Severity.ERROR))) == "fail"
