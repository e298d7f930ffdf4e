"""``evalkit compare`` as a user runs it: outputs, names, exit codes and errors that name the file."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from evalkit.cli import app
from evalkit.compare.report import SCHEMA
from tests.compare.conftest import LEAKED, MAGNITUDE

runner = CliRunner()
FAST = ["--bs-samples", "200", "--ar-trials", "500", "--no-references"]


def test_json_names_the_systems_after_their_directories(versions, tmp_path) -> None:
    out = tmp_path / "cmp.json"
    result = runner.invoke(app, ["compare", versions.original, versions.injected, "-f", "json", "-o", str(out), *FAST])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["schema"] == SCHEMA
    assert [s["name"] for s in report["systems"]] == ["original", "injected"]  # both files are cs.CL.md
    pair = report["comparisons"][0]
    assert pair["findings"]["entries_changed"] == len(LEAKED) + len(MAGNITUDE)
    assert report["settings"]["bs_samples"] == 200 and report["settings"]["count_ties"] is True


def test_the_table_shows_each_measure_with_its_verdict(versions) -> None:
    result = runner.invoke(app, ["compare", versions.original, versions.injected, "-n", "old", "-n", "new", *FAST])
    assert result.exit_code == 0, result.output
    assert "new vs old (baseline)" in result.output
    row = next(line for line in result.output.splitlines() if "failing entries" in line)
    assert "worse" in row and "+20.0" in row
    assert "leak.metadata" in result.output  # a most-changed entry's new finding


def test_markdown_is_a_pr_comment(versions) -> None:
    result = runner.invoke(app, ["compare", versions.original, versions.injected, "-f", "markdown", *FAST])
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("## evalkit compare")
    assert "| failing entries (%) ↓ | 0.0 | 20.0 | +20.0 |" in text
    assert "| `leak.metadata` | 4 | 0 | 0 |" in text


def test_sacrebleu_ties_are_in_the_signature(versions, tmp_path) -> None:
    out = tmp_path / "cmp.json"
    result = runner.invoke(app, ["compare", versions.original, versions.original, "-n", "a", "-n", "b", "--sacrebleu-ties", "-f", "json", "-o", str(out), *FAST])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    failing = next(m for m in report["comparisons"][0]["measures"] if m["name"] == "failing")
    assert failing["signature"].endswith("|ties:sacrebleu")
    assert failing["p_ar"] == 1 / 501  # sacrebleu's value for two identical systems


def test_one_system_is_a_usage_error(versions) -> None:
    result = runner.invoke(app, ["compare", versions.original])
    assert result.exit_code == 2 and "at least two systems" in result.output


def test_names_must_match_the_systems(versions) -> None:
    result = runner.invoke(app, ["compare", versions.original, versions.injected, "-n", "only-one"])
    assert result.exit_code == 2 and "--name" in result.output


def test_a_missing_input_is_named_and_exits_2(versions, tmp_path) -> None:
    missing = tmp_path / "nope.md"
    result = runner.invoke(app, ["compare", versions.original, str(missing), *FAST])
    assert result.exit_code == 2
    assert "nope.md" in result.output


def test_a_broken_report_is_named_with_its_line(versions, tmp_path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "evalkit.report/1",\n  "issues": [,]}', encoding="utf-8")
    result = runner.invoke(app, ["compare", str(broken), str(broken), "-n", "a", "-n", "b", *FAST])
    assert result.exit_code == 2
    assert "broken.json:2: not JSON" in result.output


def test_a_compare_report_is_not_an_input(versions, tmp_path) -> None:
    out = tmp_path / "cmp.json"
    runner.invoke(app, ["compare", versions.original, versions.injected, "-f", "json", "-o", str(out), *FAST])
    result = runner.invoke(app, ["compare", str(out), str(out), "-n", "a", "-n", "b", *FAST])
    assert result.exit_code == 2 and "evalkit.compare/1" in result.output


def test_triples_files_are_compared_row_by_row(tmp_path) -> None:
    rows_a = [{"id": f"r{k}", "src": "A cat sat.", "mt": "一只猫坐着。", "ref": "一只猫坐着。"} for k in range(6)]
    rows_b = [dict(r, mt="狗。") if k < 3 else r for k, r in enumerate(rows_a)]
    for name, rows in (("a.jsonl", rows_a), ("b.jsonl", rows_b)):
        (tmp_path / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "cmp.json"
    result = runner.invoke(
        app, ["compare", "--triples", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), "-m", "chrf", "-f", "json", "-o", str(out), "--bs-samples", "200", "--ar-trials", "500"]
    )
    assert result.exit_code == 0, result.output
    pair = json.loads(out.read_text(encoding="utf-8"))["comparisons"][0]
    measures = {m["name"]: m for m in pair["measures"]}
    assert set(measures) == {"chrf"}  # no checks run on triples
    assert measures["chrf"]["segments"] == 6 and measures["chrf"]["better"] == "baseline"
    assert pair["win_tie_loss"]["chrf"] == {"wins": 0, "ties": 3, "losses": 3}


def test_a_comet_model_adds_a_paired_model_measure(tiny_comet, versions, tmp_path) -> None:
    out = tmp_path / "cmp.json"
    result = runner.invoke(
        app, ["compare", versions.original, versions.injected, "--comet-model", str(tiny_comet.qe), "-f", "json", "-o", str(out), *FAST]
    )
    assert result.exit_code == 0, result.output
    pair = json.loads(out.read_text(encoding="utf-8"))["comparisons"][0]
    qe = next(m for m in pair["measures"] if m["name"] == "comet-qe")
    assert qe["group"] == "model" and qe["segments"] == len(versions.entries) and qe["unit"] == "mean"
    assert qe["p_bs"] is not None and qe["p_ar"] is not None
    assert pair["primary"] == "comet-qe"
    untouched = [e for e in pair["entries"] if e["same_text"]]
    assert untouched and all(e["scores"]["comet-qe"][0] == e["scores"]["comet-qe"][1] for e in untouched)


def test_without_references_the_outputs_say_why_bleu_is_missing(versions) -> None:
    for fmt in ("table", "markdown"):
        result = runner.invoke(app, ["compare", versions.original, versions.injected, "-f", fmt, *FAST])
        assert result.exit_code == 0 and "no matched entry has a reference translation" in result.output
