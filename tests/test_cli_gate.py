"""``evalkit gate`` on the command line: help, exit codes, configuration and waiver errors, output files.

Every test works in ``tmp_path`` (a ``.git`` folder there stops the configuration search), so no file of
this repository changes what the gate does.
"""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evalkit.cli import app
from tests.gate.util import NAME, good_entries, with_defect, write_digest

runner = CliRunner()


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """A working directory with a good digest (good.md) and a digest with one untranslated entry (NAME)."""
    (tmp_path / ".git").mkdir()
    write_digest(tmp_path, "good.md", good_entries(3))
    entries = good_entries(3)
    entries[0] = with_defect(entries[0], "untranslated")
    write_digest(tmp_path, NAME, entries)
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_SHA"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def gate(*args: str, env: dict[str, str] | None = None, input: str | None = None):
    result = runner.invoke(app, ["gate", "--jobs", "1", *args], env=env, input=input)
    assert "Traceback" not in result.output, result.output
    return result


def test_help():
    result = runner.invoke(app, ["gate", "--help"])
    assert result.exit_code == 0 and "Usage:" in result.stdout
    for option in ("--baseline", "--record", "--waivers", "--junit", "--sarif", "--output", "--github"):
        assert option in result.stdout
    assert "gate" in runner.invoke(app, ["--help"]).stdout


def test_exit_codes(work):
    assert gate("good.md").exit_code == 0
    assert gate(NAME).exit_code == 1
    assert gate("good.md", NAME).exit_code == 1
    missing = gate("good.md", "missing.md")
    assert missing.exit_code == 2  # an unreadable input is an error even when the rest passes
    assert "evalkit: missing.md: no such file or directory" in missing.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "missing digest paths"),
        (["-"], "not stdin"),
        (["good.md", "--config", "x.toml", "--no-config"], "cannot be used together"),
        (["good.md", "--waivers", "w.toml", "--no-waivers"], "cannot be used together"),
        (["good.md", "--today", "tomorrow"], "--today must be a date"),
        (["good.md", "--waivers", "nowhere.toml"], "cannot read waiver file nowhere.toml"),
        (["good.md", "--baseline", "-2"], "--baseline must be 0 or more"),
        (["--paths-from", "nowhere.lst"], "--paths-from nowhere.lst: cannot read"),
    ],
)
def test_usage_errors(work, args, message):
    result = gate(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_bad_policy_names_file_table_and_key(work):
    (work / "evalkit.toml").write_text("[gate]\nmax_failing_shar = 0.1\n", encoding="utf-8")
    result = gate("good.md")
    assert result.exit_code == 2
    assert "evalkit.toml [gate]: unknown key 'max_failing_shar'; did you mean 'max_failing_share' in [gate.issue]?" in result.stderr
    (work / "evalkit.toml").unlink()
    (work / "pyproject.toml").write_text("[tool.evalkit.gate.issue]\nmax_failing_share = 'high'\n", encoding="utf-8")
    result = gate("good.md")
    assert result.exit_code == 2
    assert "pyproject.toml [tool.evalkit.gate.issue]: 'max_failing_share' must be a number" in result.stderr


def test_the_policy_comes_from_the_configuration(work):
    (work / "evalkit.toml").write_text('[severity]\nuntranslated = "warning"\n', encoding="utf-8")
    assert gate(NAME).exit_code == 0
    assert gate(NAME, "--no-config").exit_code == 1
    (work / "ci.toml").write_text("[gate.issue]\nmax_failing_share = 0.5\n", encoding="utf-8")
    assert gate(NAME, "--config", "ci.toml").exit_code == 0


def test_a_configured_waiver_file_must_exist(work):
    (work / "evalkit.toml").write_text('[gate]\nwaivers = "ci/waivers.toml"\n', encoding="utf-8")
    result = gate("good.md")
    assert result.exit_code == 2 and "waiver file ci/waivers.toml (from 'waivers') does not exist" in result.stderr


def test_a_bad_waiver_file_is_a_usage_error(work):
    (work / "evalkit-waivers.toml").write_text('[[waiver]]\narxiv_id = "2401.10003"\ncode = "x"\nreason = "r"\nexpires = 2099-01-01\n')
    result = gate("good.md")
    assert result.exit_code == 2 and "evalkit-waivers.toml:1: unknown code 'x'" in result.stderr
    assert gate("good.md", "--no-waivers").exit_code == 0


def test_a_broken_history_is_an_error(work):
    (work / "reports").mkdir()
    (work / "reports" / "history.sqlite").write_bytes(b"not sqlite at all" * 64)
    result = gate("good.md", "--baseline", "3")
    assert result.exit_code == 2 and "history reports/history.sqlite" in result.stderr


def test_output_files(work):
    result = gate(NAME, "--report", "out/gate.json", "--junit", "out/junit.xml", "--sarif", "out/gate.sarif",
                  "--summary", "out/summary.md")
    assert result.exit_code == 1
    for name in ("gate.json", "junit.xml", "gate.sarif", "summary.md"):
        assert f"evalkit: wrote out/{name}" in result.stderr
    report = json.loads((work / "out" / "gate.json").read_text(encoding="utf-8"))
    assert report["schema"] == "evalkit.gate/1" and report["verdict"] == "fail"
    junit = ET.parse(work / "out" / "junit.xml").getroot()
    assert junit.get("failures") == "2"
    # the run's real start (UTC) and wall time, not a placeholder
    started = datetime.datetime.strptime(junit.find("testsuite").get("timestamp"), "%Y-%m-%dT%H:%M:%SZ")
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    assert datetime.timedelta(0) <= now - started < datetime.timedelta(hours=1)
    assert float(junit.get("time")) > 0 and all(c.get("time") for c in junit.iter("testcase"))
    assert json.loads((work / "out" / "gate.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert "evalkit gate failed" in (work / "out" / "summary.md").read_text(encoding="utf-8")
    assert not list((work / "out").glob(".*.tmp"))  # written atomically, nothing left behind


def test_same_inputs_give_the_same_report(work):
    gate(NAME, "--report", "a.json", "--today", "2026-06-01")
    gate(NAME, "--report", "b.json", "--today", "2026-06-01")
    assert (work / "a.json").read_bytes() == (work / "b.json").read_bytes()


def test_github_mode_follows_the_environment(work):
    summary = work / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = gate(NAME, env=env)
    assert any(line.startswith("::error file=") for line in result.stdout.splitlines())
    assert "evalkit gate failed" in summary.read_text(encoding="utf-8")
    summary.unlink()
    result = gate(NAME, "--no-github", env=env)
    assert not any(line.startswith("::") for line in result.stdout.splitlines()) and not summary.exists()
    result = gate(NAME, "--github")  # forced, without a step summary file
    assert any(line.startswith("::error file=") for line in result.stdout.splitlines())


def test_paths_from_a_list(work):
    (work / "README.md").write_text("# not a digest\n", encoding="utf-8")
    (work / "list").write_bytes(b"README.md\0good.md\0")
    assert gate("--paths-from", "list").exit_code == 2  # README.md is not a digest
    result = gate("--paths-from", "list", "--skip-non-digests")
    assert result.exit_code == 0 and "1 issue(s)" in result.stdout
    result = gate("--paths-from", "-", "--skip-non-digests", input=f"{NAME}\ngood.md\n")
    assert result.exit_code == 1 and "2 issue(s)" in result.stdout
    (work / "empty").write_text("", encoding="utf-8")
    result = gate("--paths-from", "empty")
    assert result.exit_code == 0 and "0 issue(s)" in result.stdout


def test_html_report(work):
    result = gate(NAME, "--html", "html")
    assert result.exit_code == 1
    pages = list((work / "html").glob("*.html"))
    if not pages:
        assert "needs the HTML report renderer" in result.stderr
    else:
        assert [p.name for p in pages] == [NAME.replace(".md", ".html")]
        assert f"evalkit: wrote html/{NAME.replace('.md', '.html')}" in result.stderr


def test_one_unusable_input_is_an_input_error_and_the_rest_is_gated(work):
    long_name = "a" * 300 + ".md"  # the system refuses the name, for root too
    result = gate("good.md", long_name)
    assert result.exit_code == 2 and "1 issue(s)" in result.stdout
    assert f"evalkit: {long_name}: cannot read: file name too long" in result.stderr
    assert "cannot write" not in result.stderr


def test_a_megabyte_line_in_paths_from_is_one_input_error(work):
    (work / "list").write_bytes(b"good.md\n" + b"b" * 10_000_000 + b"\n")
    result = gate("--paths-from", "list")
    assert result.exit_code == 2 and "1 issue(s)" in result.stdout
    (line,) = [line for line in result.stderr.splitlines() if "bbbb" in line]
    assert "name too long" in line and "10,000,000 characters" in line and len(line) < 300
    assert "cannot write" not in result.stderr


@pytest.mark.parametrize("separator", [b"\n", b"\0"])
def test_a_name_that_is_not_utf8_in_paths_from_refuses_only_itself(work, separator):
    (work / "list").write_bytes(separator.join([b"good.md", b"caf\xe9.md", NAME.encode()]) + separator)
    result = gate("--paths-from", "list")
    assert result.exit_code == 2 and "2 issue(s)" in result.stdout
    assert "evalkit: caf\\xe9.md: no such file or directory" in result.stderr  # printable, and only itself


def test_a_full_disk_under_the_step_summary_names_it_and_leaves_it_whole(work, monkeypatch):
    import errno
    import os

    summary = work / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    real_write, inode = os.write, summary.stat().st_ino

    def write(fd, data):  # a disk that fills after 600 bytes of the append
        if os.fstat(fd).st_ino != inode:
            return real_write(fd, data)
        if not getattr(write, "done", False):
            write.done = True
            return real_write(fd, bytes(data)[:600])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", write)
    result = gate(NAME, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 2
    assert f"cannot write {summary}: No space left on device" in result.stderr
    assert summary.read_text(encoding="utf-8") == "earlier step\n"


@pytest.fixture
def time_zone(monkeypatch):
    """Set the process's local time zone (``TZ`` and ``tzset``); restored after the test."""
    import time

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def test_the_verdict_does_not_depend_on_the_local_time_zone(work, time_zone):
    """UTC+14 and UTC-12 are always on different local dates; a waiver that expires on the western date
    held there and had expired in the east. The gate judges by the UTC date in both."""
    import datetime
    import zoneinfo

    west = datetime.datetime.now(zoneinfo.ZoneInfo("Etc/GMT+12")).date()  # the POSIX sign is reversed: UTC-12
    (work / "evalkit-waivers.toml").write_text(
        f'[[waiver]]\narxiv_id = "2401.10001"\ncode = "untranslated"\nreason = "test"\nexpires = {west.isoformat()}\n',
        encoding="utf-8",
    )
    for attempt in range(2):  # a run that straddles midnight UTC is tried once more
        utc_before = datetime.datetime.now(datetime.timezone.utc).date()
        reports = {}
        for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
            time_zone(zone)
            assert gate(NAME, "--report", f"{zone.replace('/', '-')}.json").exit_code in (0, 1)
            reports[zone] = json.loads((work / f"{zone.replace('/', '-')}.json").read_text(encoding="utf-8"))
        if datetime.datetime.now(datetime.timezone.utc).date() == utc_before:
            break
    east, western = reports["Pacific/Kiritimati"], reports["Etc/GMT+12"]
    assert east["today"] == western["today"] == utc_before.isoformat()
    assert east["clock"] == "UTC"
    assert east["verdict"] == western["verdict"] == ("pass" if utc_before <= west else "fail")


def test_html_with_nothing_parsed_writes_an_index_inside_the_directory(work):
    (work / "empty.md").write_bytes(b"")  # an input error: no issue at all
    result = gate("empty.md", "--html", "site")
    assert result.exit_code == 2
    site = work / "site"
    if not site.exists() and "needs the HTML report renderer" in result.stderr:
        pytest.skip("the HTML renderer is not installed")
    assert site.is_dir(), "a file named like the directory was written"
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert "empty.md" in (site / "index.html").read_text(encoding="utf-8")
