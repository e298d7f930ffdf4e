"""Hostile file names and digest text, end to end through the real command line (a subprocess, so the
bytes on stdout and stderr are the ones a CI log or a terminal would get).

A pull request chooses both the names of the digests the gate reads and their text. Whatever they hold,
no output line may be a workflow command other than evalkit's own annotations, and no output may carry
an escape sequence, a C1 control, a raw line break from a name, or a mention/bare URL in Markdown.
"""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.gate.test_outputs import parse_command
from tests.gate.util import good_entries, with_defect, write_digest
from tests.hardening.util import EVALKIT, env

INJECTED = "\n::error file=README.md,line=1::pwned\n::add-mask::secret\n::stop-commands::tok"
TERMINAL = "\x1b]0;title\x07\x1b[2J\x1b]8;;http:\x07link\x1b]8;;\x07\x9b31m"
#: An input error: a file that is not a digest, named to inject commands and terminal escapes.
BROKEN = "broken" + INJECTED + TERMINAL + ".md"
#: A digest with a failing entry, named likewise (and with a mention and a bare domain in the name).
BAD = "bad" + INJECTED + TERMINAL + " @octocat www.evil.example.md"
#: A digest whose name is long enough that its error line in the terminal table is wider than 120 columns.
LONG = "long" + " ::error::pwned" * 12 + ".md"
#: Digest text that tries the same, in the Chinese abstract (quoted in findings and annotations).
HOSTILE_TEXT = (
    "Please ask @octocat and @org/team, see https://evil.example and www.evil.example "
    "::error::text \x1b]0;title\x07 \x9b2J ##[add-mask]secret here."
)
ANNOTATION = re.compile(r"::(error|warning|notice) ")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile-names")
    (root / ".git").mkdir()  # stops the configuration search
    write_digest(root, "good.md", good_entries(2))
    entries = good_entries(3)
    entries[0] = entries[0].but(abstract_zh=entries[0].abstract_zh + HOSTILE_TEXT)
    entries[1] = with_defect(entries[1], "empty")
    write_digest(root, BAD, entries)
    write_digest(root, LONG, [with_defect(good_entries(1)[0], "untranslated")])
    (root / BROKEN).write_text("not a digest\n", encoding="utf-8")
    return root


def evalkit(folder: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    names = ["good.md", BAD, LONG, BROKEN]
    github = {"GITHUB_ACTIONS": "false", "GITHUB_STEP_SUMMARY": ""}
    done = subprocess.run([EVALKIT, *args, *names], cwd=folder, env=env(**{**github, **extra}), capture_output=True,
                          timeout=600)
    assert b"Traceback" not in done.stderr, done.stderr.decode("utf-8", "replace")
    return done


def assert_inert(data: bytes, what: str, *, log: bool = True, annotations: bool = False) -> str:
    """``data`` decoded, after checking it holds no escape or C1 control and, for text that may be printed
    in a CI log, no line that is a workflow command (except, where asked, evalkit's own annotations)."""
    text = data.decode("utf-8")  # strict: a raw byte of a file name that is not UTF-8 fails here
    assert "\x1b" not in text, f"{what}: ESC"
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", text), f"{what}: a control character"
    for line in text.splitlines() if log else []:
        assert "##[" not in line, f"{what}: legacy command in {line!r}"
        if not line.lstrip().startswith("::"):
            continue
        assert annotations and ANNOTATION.match(line), f"{what}: a line starts a workflow command: {line!r}"
        name, props, message = parse_command(line)
        assert set(props) <= {"file", "line", "title"}, line
        assert "\n" not in props.get("file", ""), line  # no line break reaches the file property either
    return text


def assert_no_pings(markdown: str, what: str) -> None:
    for ping in ("@octocat", "@org/team", "https://evil", "www.evil"):
        assert ping not in markdown, f"{what}: {ping} would notify or link"


def test_gate_in_github_actions_prints_only_its_own_annotations(folder):
    step_summary = folder / "step-summary.md"
    step_summary.write_text("", encoding="utf-8")
    done = evalkit(folder, "gate", "--no-config", "--jobs", "1", "--junit", "gate.xml", "--sarif", "gate.sarif",
                   "--summary", "summary.md", "--report", "gate.json",
                   GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(step_summary))
    assert done.returncode == 2  # an input error
    stdout = assert_inert(done.stdout, "stdout", annotations=True)
    stderr = assert_inert(done.stderr, "stderr")
    # the names are still recognisable, escaped
    assert "broken\\n::error file=README.md" in stderr and "\\x1b]0;title\\x07" in stderr
    commands = [parse_command(line) for line in stdout.splitlines() if line.startswith("::")]
    files = {props.get("file") for _, props, _ in commands}
    assert any(f and f.startswith("bad\\n::error file=README.md,line=1::pwned\\n") for f in files)
    assert {name for name, _, _ in commands} == {"error"}
    for name in ("summary.md", "step-summary.md"):
        text = assert_inert((folder / name).read_bytes(), name)
        assert_no_pings(text, name)
    assert_inert((folder / "gate.xml").read_bytes(), "junit", log=False)
    ET.fromstring((folder / "gate.xml").read_bytes())
    for name in ("gate.sarif", "gate.json"):
        data = (folder / name).read_bytes()
        assert_inert(data, name)
        json.loads(data)


def test_score_outputs_are_inert(folder):
    table = evalkit(folder, "score", "--no-config")
    assert table.returncode == 2
    text = assert_inert(table.stdout, "table")
    assert_inert(table.stderr, "stderr")
    # the long name's error line is whole, not wrapped into a line of its own that starts with "::"
    assert any(line.startswith("error long ::error::pwned") and line.count("::error::pwned") == 12 for line in text.splitlines())
    site = folder / "site"  # several issues: a page per issue and an index
    done = evalkit(folder, "score", "--no-config", "--format", "html", "--output", str(site))
    assert done.returncode == 2, done.stderr
    pages = sorted(site.glob("*.html"))
    assert len(pages) == 4
    for page in pages:
        assert_inert(page.read_bytes(), page.name, log=False)
    for fmt in ("json", "markdown"):
        done = evalkit(folder, "score", "--no-config", "--format", fmt, "--output", f"report.{fmt}")
        assert done.returncode == 2, done.stderr
        assert_inert(done.stderr, f"{fmt} stderr")
        data = assert_inert((folder / f"report.{fmt}").read_bytes(), fmt)
        if fmt == "json":
            paths = {issue["path"] for issue in json.loads(data)["issues"]}
            assert BAD in paths  # JSON keeps the exact name, escaped the JSON way
        if fmt == "markdown":
            assert_no_pings(data, "markdown")
            assert "bad\\\\n::error file=README.md" in data  # the name, its newline shown as \n
