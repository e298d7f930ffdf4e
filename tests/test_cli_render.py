"""``evalkit render``, ``evalkit report`` and ``evalkit score --format html`` through typer's CliRunner.

Every bad input must give one ``evalkit: error: FILE: ...`` line and exit 2, never a traceback.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evalkit.cli import app
from tests.digest_builder import FIXTURES
from tests.helpers import foundation_flags
from tests.report.test_html import example_report

runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """A working directory with the fixture digests and a one-issue report."""
    shutil.copytree(FIXTURES, tmp_path / "digests")
    (tmp_path / "one.json").write_text(json.dumps(example_report()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _two_issue_report(work: Path) -> Path:
    result = invoke("score", "digests/v1_s1.md", "digests/v1_s3.md", "--no-references", "--format", "json", "-o", "two.json")
    assert result.exit_code == 0, result.output
    return work / "two.json"


def _one_error_line(result) -> str:
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("args", [["render", "--help"], ["report", "--help"]])
def test_new_commands_have_help(args):
    result = invoke(*args)
    assert result.exit_code == 0 and "Usage:" in result.stdout


def test_render_one_issue_writes_report_html(work):
    result = invoke("render", "one.json")
    assert result.exit_code == 0, result.output
    page = (work / "one.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    assert "wrote one.html" in result.stderr


def test_render_to_stdout_and_to_a_file(work):
    result = invoke("render", "one.json", "-o", "-")
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")
    assert invoke("render", "one.json", "-o", "out/page.html").exit_code == 0
    assert (work / "out" / "page.html").is_file()


def test_render_several_issues_writes_a_site(work):
    _two_issue_report(work)
    result = invoke("render", "two.json")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (work / "two").iterdir()) == ["index.html", "v1_s1.html", "v1_s3.html"]
    result = invoke("render", "two.json", "--issue", "v1_s3", "-o", "only.html")
    assert result.exit_code == 0 and (work / "only.html").is_file()
    result = invoke("render", "two.json", "-o", "-")
    assert result.exit_code == 2 and "--output DIR" in _one_error_line(result)


def test_render_markdown(work):
    result = invoke("render", "one.json", "--format", "markdown")
    assert result.exit_code == 0 and result.stdout.startswith("# evalkit report")
    assert "Worst entries" in result.stdout


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "missing.json: no such file"),
        ('{"name": "package"}', "bad.json: not an evalkit report"),
        ("{oops", "bad.json:1: not JSON"),
        ('{"schema": "evalkit.report/1", "issues": [3]}', "bad.json: malformed evalkit report"),
    ],
)
def test_render_bad_input_is_one_line_and_exit_2(work, content, expected):
    name = "missing.json" if content is None else "bad.json"
    if content is not None:
        (work / name).write_text(content, encoding="utf-8")
    result = invoke("render", name)
    assert result.exit_code == 2
    assert expected in _one_error_line(result)


def test_render_deeply_malformed_report_is_one_line(work):
    """A wrong type the shape check does not look at still ends as one line, not a traceback."""
    report = example_report()
    broken = json.loads(json.dumps(report))
    broken["issues"][0]["entries"][0]["pairs"][0]["en_span"] = "not a span"
    broken["issues"][0]["summary"]["by_category"] = ["not", "a", "mapping"]
    (work / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    result = invoke("render", "broken.json")
    assert result.exit_code == 2 and "broken.json: malformed evalkit report" in _one_error_line(result)


def test_render_a_directory_is_an_input_error(work):
    result = invoke("render", "digests")
    assert result.exit_code == 2 and "digests: is a directory" in _one_error_line(result)


def test_report_builds_an_index_from_a_directory(work):
    _two_issue_report(work)
    (work / "reports").mkdir()
    shutil.move(str(work / "two.json"), work / "reports" / "two.json")
    shutil.copy(work / "one.json", work / "reports" / "one.json")
    (work / "reports" / "other.json").write_text("[]", encoding="utf-8")
    result = invoke("report", "reports", "--out", "site", "--date", "2026-02-03")
    assert result.exit_code == 0, result.output
    assert "wrote site/index.html and 3 issue page(s) from 2 input(s)" in result.stdout
    assert "other.json: skipped, not an evalkit report" in result.stderr
    index = (work / "site" / "index.html").read_text(encoding="utf-8")
    assert "2026-02-03" in index  # the fixtures' names hold no date: the bare --date fills in
    assert "2026-08-20" in index  # the example's date comes from its digest's name


def test_report_quiet_hides_notes(work):
    (work / "r").mkdir()
    shutil.copy(work / "one.json", work / "r" / "one.json")
    (work / "r" / "x.json").write_text("{}", encoding="utf-8")
    result = invoke("report", "r", "-o", "site", "-q")
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize(
    "args, expected",
    [
        (["report", "nothing.json", "--out", "s"], "nothing.json: no such file"),
        (["report", "one.json", "--out", "s", "--date", "soon"], "--date expects an ISO date"),
        (["report", "digests", "--out", "s"], "no evalkit JSON reports found"),
    ],
)
def test_report_errors(work, args, expected):
    result = invoke(*args)
    assert result.exit_code == 2
    assert expected in _one_error_line(result)


def test_report_publishes_the_readable_inputs_and_exits_2_naming_the_unreadable_one(work):
    (work / "broken.json").write_text("{", encoding="utf-8")
    result = invoke("report", "one.json", "broken.json", "-o", "site")
    assert result.exit_code == 2
    assert "broken.json" in _one_error_line(result) and "wrote site/index.html and 1 issue page(s) from 1 input(s)" in result.stdout
    index = (work / "site" / "index.html").read_text(encoding="utf-8")
    assert "Input errors" in index and "broken.json" in index and str(work) not in index


def test_report_out_is_a_file(work):
    (work / "taken").write_text("x")
    result = invoke("report", "one.json", "--out", "taken")
    assert result.exit_code == 2 and "taken: exists and is not a directory" in _one_error_line(result)


def test_score_format_html(work):
    result = invoke("score", "digests/v1_s3.md", "--no-references", *foundation_flags(), "--format", "html")
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")
    assert "truncation.translation" in result.stdout


def test_score_format_html_several_issues(work):
    result = invoke("score", "digests/v1_s1.md", "digests/v1_s3.md", "--no-references", "--format", "html")
    assert result.exit_code == 2 and "--output DIR" in _one_error_line(result)
    result = invoke("score", "digests/v1_s1.md", "digests/v1_s3.md", "--no-references", "--format", "html", "-o", "site")
    assert result.exit_code == 0
    assert (work / "site" / "index.html").is_file() and (work / "site" / "v1_s3.html").is_file()


def test_score_format_html_refuses_triples(work):
    (work / "t.jsonl").write_text('{"src": "a", "mt": "b", "ref": "c"}\n', encoding="utf-8")
    result = invoke("score", "--triples", "t.jsonl", "--format", "html")
    assert result.exit_code == 2 and "--format html" in _one_error_line(result)
