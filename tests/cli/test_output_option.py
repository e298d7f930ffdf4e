"""``--output/-o`` names the output of every command; the old names (report --out, export --to, gate
--report) still work but are hidden from --help, and giving both names at once is a usage error."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from evalkit.cli import app
from tests.digest_builder import FIXTURES
from tests.report.test_html import example_report

runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture
def work(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES, tmp_path / "digests")
    (tmp_path / "one.json").write_text(json.dumps(example_report()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("option", ["--output", "-o", "--out"])
def test_report_output(work, option):
    result = invoke("report", "one.json", option, "site")
    assert result.exit_code == 0, result.output
    assert (work / "site" / "index.html").is_file()


def test_report_output_default_is_reports(work):
    assert invoke("report", "one.json").exit_code == 0
    assert (work / "reports" / "index.html").is_file()


@pytest.mark.parametrize("option", ["--output", "-o", "--to"])
def test_export_output(work, option):
    pytest.importorskip("pyarrow")
    result = invoke("export", "one.json", option, "data")
    assert result.exit_code == 0, result.output
    assert (work / "data" / "entries.parquet").is_file()


def test_export_without_output_is_a_usage_error(work):
    result = invoke("export", "one.json")
    assert result.exit_code == 2
    assert "Missing option '--output' / '-o'." in result.stderr
    assert not (work / "data").exists()


@pytest.mark.parametrize("option", ["--output", "-o", "--report"])
def test_gate_json_report(work, option):
    result = invoke("gate", "digests/v1_s3.md", "--no-config", "--jobs", "1", option, "gate.json")
    assert result.exit_code in (0, 1), result.output
    assert json.loads((work / "gate.json").read_text(encoding="utf-8"))["schema"] == "evalkit.gate/1"
    assert "evalkit: wrote gate.json" in result.stderr


def test_gate_old_name_is_used_in_its_messages(work):
    result = invoke("gate", "digests/v1_s3.md", "--report", "same.xml", "--junit", "same.xml")
    assert result.exit_code == 2
    assert "--report and --junit both write same.xml" in result.stderr
    result = invoke("gate", "digests/v1_s3.md", "-o", "same.xml", "--junit", "same.xml")
    assert "--output and --junit both write same.xml" in result.stderr


@pytest.mark.parametrize(
    "args, old",
    [
        (["report", "one.json", "--output", "a", "--out", "b"], "--out"),
        (["export", "one.json", "-o", "a", "--to", "b"], "--to"),
        (["gate", "digests/v1_s3.md", "--report", "a.json", "--output", "b.json"], "--report"),
    ],
)
def test_new_and_old_name_together_is_a_usage_error(work, args, old):
    result = invoke(*args)
    assert result.exit_code == 2
    assert f"{old} is the old name of --output: give only --output" in " ".join(result.stderr.split())
    assert not any((work / name).exists() for name in ("a", "b", "a.json", "b.json"))


@pytest.mark.parametrize("command, old", [("report", "--out"), ("export", "--to"), ("gate", "--report")])
def test_old_names_are_hidden_from_help(command, old):
    text = invoke(command, "--help").stdout
    assert "--output" in text and "-o" in text
    assert old not in text.replace("--output", "")
