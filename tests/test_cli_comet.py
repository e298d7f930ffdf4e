"""``evalkit score --comet-model ...``: flags, the offline notice, ``--require-comet``, the configuration.

The working directory is a temporary one holding one digest and a reference for one of its entries,
so no file of the repository changes what is asserted. Models are the tiny offline ones.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evalkit.cli import app
from tests.digest_builder import build_digest, make_entry

runner = CliRunner()
OFFLINE_MODEL = "Unbabel/wmt22-comet-da"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``digest.md`` (two entries) and ``references/`` with a reference for the first, as the cwd."""
    (tmp_path / "digest.md").write_text(build_digest([make_entry(1), make_entry(2)]), encoding="utf-8")
    refs = tmp_path / "references"
    refs.mkdir()
    record = {
        "arxiv_id": "2401.10001",
        "abstract": make_entry(1).abstract_zh.replace("我们提出", "本文提出"),
        "provenance": {"who": "tests", "when": "2026-11-21", "how": "post-edit"},
    }
    (refs / "refs.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def test_json_report_carries_comet_per_pair_entry_and_issue(tiny_comet, work):
    result = invoke(
        "score", "digest.md", "--comet-model", str(tiny_comet.reference), "--comet-model", str(tiny_comet.qe),
        "-f", "json", "-o", "report.json",
    )
    assert result.exit_code == 0, result.output
    assert "COMET scored" in result.stderr
    report = json.loads((work / "report.json").read_text(encoding="utf-8"))
    entries = {e["arxiv_id"]: e for e in report["issues"][0]["entries"]}
    assert "comet" in entries["2401.10001"]["scores"] and "comet-qe" in entries["2401.10002"]["scores"]
    assert any("comet" in p["scores"] for p in entries["2401.10001"]["pairs"])
    assert set(report["issues"][0]["summary"]["scores"]) >= {"chrf", "comet", "comet-qe"}
    assert report["config"]["comet"]["status"] == "computed"


def test_offline_without_a_model_prints_one_notice_and_marks_the_column_not_computed(work):
    result = invoke("score", "digest.md", "--comet-model", OFFLINE_MODEL)
    assert result.exit_code == 0, result.output
    notices = [line for line in result.stderr.splitlines() if "COMET" in line]
    assert len(notices) == 1 and notices[0].startswith("evalkit: notice: COMET not computed:")
    assert "--comet-model" in notices[0]  # says what to do
    assert "not computed" in result.stdout
    assert "chrf" in result.stdout  # everything else is still there


def test_require_comet_exits_2_with_one_line(work):
    result = invoke("score", "digest.md", "--comet-model", OFFLINE_MODEL, "--require-comet")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("evalkit: error: COMET model")


def test_require_comet_without_a_model_is_a_usage_error(work):
    result = invoke("score", "digest.md", "--require-comet")
    assert result.exit_code == 2 and "no model is given" in result.stderr


def test_configuration_names_the_model_and_no_comet_switches_it_off(tiny_comet, work):
    (work / "evalkit.toml").write_text(f'[comet]\nmodels = ["{tiny_comet.qe}"]\n', encoding="utf-8")
    on = invoke("score", "digest.md", "-f", "json")
    assert on.exit_code == 0 and '"comet-qe"' in on.stdout
    off = invoke("score", "digest.md", "-f", "json", "--no-comet")
    assert off.exit_code == 0 and '"comet-qe"' not in off.stdout
    assert json.loads(off.stdout)["config"]["comet"]["status"] == "off"


def test_bad_choice_is_a_usage_error(work):
    result = invoke("score", "digest.md", "--comet-model", "x", "--comet-precision", "fp8")
    assert result.exit_code == 2


def test_comet_options_are_in_the_help():
    result = invoke("score", "--help")
    for flag in ("--comet-model", "--require-comet", "--comet-mode", "--comet-precision", "--offline"):
        assert flag in result.output


def test_installed_script_reruns_from_the_cache_with_the_same_report(tiny_comet, work):
    """Through the real entry point: a cached rerun prints the same report and takes no model time."""
    script = Path(sys.executable).with_name("evalkit")
    args = [str(script), "score", "digest.md", "--comet-model", str(tiny_comet.qe), "-f", "json"]
    first = subprocess.run(args, capture_output=True, text=True, cwd=work, check=False)
    second = subprocess.run(args, capture_output=True, text=True, cwd=work, check=False)
    assert first.returncode == second.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert "(0 from cache)" in first.stderr and "from cache)" in second.stderr
    assert "(0 from cache)" not in second.stderr


def span_findings_of(report: dict) -> list[dict]:
    return [f for e in report["issues"][0]["entries"] for f in e["findings"] if f["code"] == "meaning.error-span"]


def test_xcomet_error_spans_are_findings_in_the_json_report(tiny_xcomet, work):
    """End to end with the tiny XCOMET: its spans (random, but COMET's own) become findings with
    exact offsets into abstract_zh and the model named; a rerun from the cache gives the same ones."""
    from evalkit.parse import parse_digest, read_source

    result = invoke("score", "digest.md", "--comet-model", str(tiny_xcomet), "--format", "json", "-o", "report.json")
    assert result.exit_code == 0, result.output
    report = json.loads((work / "report.json").read_text(encoding="utf-8"))
    spans = span_findings_of(report)
    assert spans, "the tiny XCOMET marks some spans in the builder's abstracts"
    entries = {e.line_of("abstract_zh"): e for e in parse_digest(read_source("digest.md")).issue.entries}
    for f in spans:
        evidence = f["evidence"]
        assert evidence["model"] == "tiny-xcomet" and evidence["field"] == "abstract_zh"
        start, end = evidence["translation_span"]
        assert entries[f["line"]].abstract_zh[start:end] == evidence["translation"]
        assert f["severity"] in {"error", "warning"}

    again = invoke("score", "digest.md", "--comet-model", str(tiny_xcomet), "--format", "json", "-o", "again.json")
    assert again.exit_code == 0 and "(0 from cache)" not in again.stderr
    assert span_findings_of(json.loads((work / "again.json").read_text(encoding="utf-8"))) == spans


def test_xcomet_span_findings_follow_disable_severity_and_span_severity(tiny_xcomet, work):
    args = ("score", "digest.md", "--comet-model", str(tiny_xcomet), "--format", "json")
    off = invoke(*args, "--disable", "meaning.error-span")
    assert off.exit_code == 0, off.output
    assert span_findings_of(json.loads(off.stdout)) == []

    (work / "evalkit.toml").write_text(
        '[comet]\nspan_severity = {minor = "info", major = "info", critical = "info"}\n', encoding="utf-8"
    )
    quiet = invoke(*args)
    assert quiet.exit_code == 0, quiet.output
    spans = span_findings_of(json.loads(quiet.stdout))
    assert spans and {f["severity"] for f in spans} == {"info"}

    (work / "evalkit.toml").write_text('[severity]\n"meaning.error-span" = "error"\n', encoding="utf-8")
    loud = invoke(*args)
    assert loud.exit_code == 0, loud.output
    assert {f["severity"] for f in span_findings_of(json.loads(loud.stdout))} == {"error"}


def test_list_checks_shows_the_error_span_code():
    result = invoke("list", "checks")
    assert result.exit_code == 0
    assert any(line.split()[:2] == ["meaning.error-span", "warning"] for line in result.stdout.splitlines())
