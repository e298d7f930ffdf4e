"""CI outputs of the gate, with hostile digest text: annotations, Markdown summary, JUnit XML, SARIF."""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest

from evalkit.config import Config
from evalkit.gate.evaluate import evaluate
from evalkit.gate.outputs.console import render_console
from evalkit.gate.outputs.github import annotations, append_step_summary, command, escape_data, escape_property
from evalkit.gate.outputs.junit import render_junit
from evalkit.gate.outputs.sarif import render_sarif
from evalkit.gate.outputs.summary import render_summary
from evalkit.text.safe import markdown_text, one_line, xml_text
from evalkit.gate.policy import policy_from_mapping
from evalkit.gate.report import build_gate_report
from evalkit.gate.waivers import waivers_from_mapping
from evalkit.pipeline import score
from tests.gate.util import good_entries, with_defect, write_digest

TODAY = datetime.date(2026, 6, 1)
HOSTILE = "x%0A::error::pwned%25 <script>alert(1)</script> & ]]> a,b:c\r\n::warning file=evil::second line\x00\x1b[31m\u202e"


# --- a tiny model of the runner's workflow-command parser, to check what it would make of our lines -----


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """``(name, properties, message)`` of a ``::name props::message`` line, unescaped as the runner does."""
    assert line.startswith("::")
    end = line.index("::", 2)
    head, data = line[2:end], line[end + 2 :]
    name, _, props = head.partition(" ")
    properties = {}
    for item in filter(None, props.split(",")):
        key, _, value = item.partition("=")
        properties[key] = _unescape(value, prop=True)
    return name, properties, _unescape(data, prop=False)


def _unescape(text: str, *, prop: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else []) + [("%25", "%")]
    for escaped, raw in pairs:
        text = text.replace(escaped, raw)
    return text


def test_escaping_rules():
    assert escape_data("100%\r\nx") == "100%25%0D%0Ax"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = command("error", HOSTILE, file="dir/a,b:c.md", line=7, title=HOSTILE)
    assert "\n" not in line and "\r" not in line
    name, props, message = parse_command(line)
    assert name == "error"
    # control characters reach the log as visible escapes; the message keeps its line break (sent as %0A)
    shown = HOSTILE.replace("\r", "\\r").replace("\x00", "\\x00").replace("\x1b", "\\x1b").replace("\u202e", "\\u202e")
    assert props == {"file": "dir/a,b:c.md", "line": "7", "title": shown.replace("\n", "\\n")}
    assert message == shown


def test_text_helpers():
    assert one_line("a\nb\rc\td") == "a b c d"
    assert one_line("\x1b[31m\u202e") == "\\x1b[31m\\u202e"
    assert markdown_text("<b>|x|</b> *y* [z](u)") == "&lt;b&gt;\\|x\\|&lt;/b&gt; \\*y\\* \\[z\\]\\(u\\)"
    assert xml_text("a\x00b\x0bc\ud800") == "a\\x00b\\x0bc\\ud800"


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """A gate report of a digest whose titles and left-over English carry injection attempts."""
    folder = tmp_path_factory.mktemp("hostile")
    entries = good_entries(3)
    entries[2] = with_defect(entries[2], "untranslated").but(
        title_zh="<script>alert('zh')</script>::error::注入",
        title_en="Evil ::error file=x.md,line=1::title %0A<img src=x onerror=alert(1)> | col",
        abstract_zh=entries[2].abstract_zh + "Please ignore the above ::error::and print <script>alert(2)</script> | here.",
    )
    entries[1] = with_defect(entries[1], "number")
    path = write_digest(folder, "20260105T090000Z_0a1b2c3d_cs.CL.md", entries)
    run = score([str(path)], Config(use_references=False))
    waivers = waivers_from_mapping(
        {"waiver": [{"arxiv_id": "2401.10002", "code": "numbers", "reason": "why: <script>x</script>\n::error::", "expires": datetime.date(2026, 12, 31)}]},
        path="evalkit-waivers.toml",
    )
    result = evaluate(run, policy_from_mapping({}), waivers, today=TODAY)
    return build_gate_report(result), str(path)


def test_annotations_point_at_the_lines_and_cannot_be_injected(hostile_report):
    report, path = hostile_report
    lines = list(annotations(report))
    parsed = [parse_command(line) for line in lines]
    for line in lines:
        assert "\n" not in line and "\r" not in line
    errors = [(props, msg) for name, props, msg in parsed if name == "error"]
    notices = [(props, msg) for name, props, msg in parsed if name == "notice"]
    # the issue-level failure, then the untranslated entry (ref 1, Chinese abstract on line 21 of 3 entries)
    assert errors[0][0]["file"] == path and errors[0][0]["line"] == "1"
    assert errors[1][0]["line"] == "21" and "untranslated.text" in errors[1][1]
    assert set(errors[1][0]) == {"file", "line", "title"}  # nothing injected into the properties
    assert "Please ignore the above ::error::and print <script>" in errors[1][1]  # the text, kept as text
    # the waived number change is a notice, with its reason kept whole
    assert len(notices) == 1 and "numbers.changed" in notices[0][1] and "why: <script>x</script>\n::error::" in notices[0][1]
    assert len(errors) == 2


def test_console_lines_are_single_lines(hostile_report):
    report, _ = hostile_report
    for github in (False, True):
        lines = list(render_console(report, github=github))
        for line in lines:
            assert "\n" not in line and "\r" not in line
        plain = [line for line in lines if not re.match(r"^::(error|warning|notice) ", line)]
        assert not any(line.startswith(("::", "##[")) for line in plain)
    plain = list(render_console(report, github=False))
    assert any(":21: [^1] arXiv 2401.10003: untranslated.text:" in line for line in plain)
    assert any("waived: [^2] arXiv 2401.10002: numbers.changed" in line for line in plain)


def test_markdown_summary_is_inert(hostile_report, tmp_path):
    report, _ = hostile_report
    text = render_summary(report)
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert\\('zh'\\)&lt;/script&gt;::error::注入" in text
    header = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = len(re.split(r"(?<!\\)\|", line))
        header = header or cells
        assert cells == header, line  # every row of a table has its header's columns: no cell adds one
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    assert append_step_summary(text, str(summary)) == str(summary)
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + text


def test_junit_parses_and_keeps_the_text(hostile_report):
    report, path = hostile_report
    xml = render_junit(report)
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "testsuites" and root.get("tests") == "4" and root.get("failures") == "2"
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("line") for c in cases] == ["11", "25", "39", "1"]  # one per entry, then the issue
    assert cases[0].get("name").startswith("[^1] 2401.10003 Evil ::error file=x.md,line=1::title %0A<img")
    failure = cases[0].find("failure")
    assert failure.get("type") == "untranslated.text"
    assert "'Please ignore the above ::error::and print <script>alert(2)</script>'" in failure.text
    assert cases[1].find("failure") is None and "waived until 2026-12-31" in cases[1].find("system-out").text
    assert cases[3].get("name") == "issue" and cases[3].find("failure").get("type") == "issue.failing-share"


def test_junit_survives_characters_xml_cannot_hold():
    report = {
        "issues": [{"path": "a\x00.md", "reasons": [], "entries": [{
            "ref": 1, "arxiv_id": None, "line": 3, "title_en": "bad\x1b title\x0c", "title_zh": "",
            "reasons": [{"code": "translation.empty", "line": 3, "message": "m\x00", "status": "fail", "waiver": None}],
        }]}],
        "errors": [{"path": "b.md", "line": None, "message": "cannot read \x07"}],
    }
    root = ET.fromstring(render_junit(report).encode("utf-8"))
    assert root.get("errors") == "1"
    assert root.find("testsuite/testcase").get("name") == "[^1] bad\\x1b title\\x0c"


def test_sarif_structure(hostile_report):
    report, path = hostile_report
    sarif = json.loads(render_sarif(report))
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["issue.failing-share", "numbers.changed", "untranslated.text"]
    results = run["results"]
    assert len(results) == 3
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert isinstance(region["startLine"], int) and region["startLine"] >= 1
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("_cs.CL.md")
    untranslated = next(r for r in results if r["ruleId"] == "untranslated.text")
    assert untranslated["level"] == "error" and untranslated["locations"][0]["physicalLocation"]["region"]["startLine"] == 21
    waived = next(r for r in results if r["ruleId"] == "numbers.changed")
    assert waived["level"] == "note" and waived["suppressions"][0]["kind"] == "external"
    assert "<script>x</script>" in waived["suppressions"][0]["justification"]


def test_sarif_uri_is_percent_encoded():
    report = {"tool": {"version": "0"}, "errors": [], "issues": [{"path": "dir with space/a#b.md", "reasons": [
        {"code": "issue.failing-share", "line": None, "message": "m", "status": "fail", "waiver": None}], "entries": []}]}
    uri = json.loads(render_sarif(report))["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "dir%20with%20space/a%23b.md"


def test_annotation_paths_are_relative_to_the_workspace(monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    assert parse_command(command("error", "m", file=str(tmp_path / "digests" / "a.md"), line=3))[1]["file"] == "digests/a.md"
    assert parse_command(command("error", "m", file="/elsewhere/a.md", line=3))[1]["file"] == "/elsewhere/a.md"
    assert parse_command(command("error", "m", file="digests/a.md", line=3))[1]["file"] == "digests/a.md"
