"""evalkit export: report -> Parquet tables and a Hugging Face dataset, offline."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from evalkit.cli import app
from tests.digest_builder import fixture_path

pytest.importorskip("datasets")
pytest.importorskip("pandas")


@pytest.fixture(autouse=True)
def offline_hf(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")


def test_export_writes_tables_that_match_the_report(tmp_path):
    report = tmp_path / "r.json"
    result = CliRunner().invoke(app, ["score", fixture_path("v1_s3.md"), "--no-config", "-f", "json", "-o", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    n_entries = sum(len(i["entries"]) for i in data["issues"])
    n_pairs = sum(len(e["pairs"]) for i in data["issues"] for e in i["entries"])
    assert n_pairs > 0

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["export", str(report), "--to", str(out)])
    assert result.exit_code == 0, result.output

    import pandas as pd
    from datasets import load_from_disk

    entries = pd.read_parquet(out / "entries.parquet")
    pairs = pd.read_parquet(out / "pairs.parquet")
    assert len(entries) == n_entries and len(pairs) == n_pairs
    first = data["issues"][0]["entries"][0]
    assert entries.iloc[0]["arxiv_id"] == first["arxiv_id"]
    assert pairs.iloc[0]["zh"] == first["pairs"][0]["zh"]
    dataset = load_from_disk(str(out / "dataset"))
    assert dataset["entries"].num_rows == n_entries and dataset["pairs"].num_rows == n_pairs


def test_export_refuses_a_file_that_is_not_a_report(tmp_path):
    bogus = tmp_path / "x.json"
    bogus.write_text('{"hello": 1}', encoding="utf-8")
    result = CliRunner().invoke(app, ["export", str(bogus), "--to", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "not an evalkit report" in result.output


def test_export_reports_broken_json_with_its_line(tmp_path):
    bogus = tmp_path / "x.json"
    bogus.write_text('{\n  "schema": \n', encoding="utf-8")
    result = CliRunner().invoke(app, ["export", str(bogus), "--to", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "x.json:3" in result.output


# --- the tables' contents and their fixed, typed schema -------------------------------------------------


def score_and_export(tmp_path, digest: str, name: str, *score_args: str):
    """Score ``digest`` to JSON and export it; the report, the export folder and the export's CLI result."""
    report = tmp_path / f"{name}.json"
    result = CliRunner().invoke(app, ["score", digest, "--no-config", "-f", "json", "-o", str(report), *score_args])
    assert result.exit_code == 0, result.output
    out = tmp_path / name
    exported = CliRunner().invoke(app, ["export", str(report), "--to", str(out)])
    assert exported.exit_code == 0, exported.output
    return json.loads(report.read_text(encoding="utf-8")), out, exported


@pytest.fixture
def dated_digest(tmp_path):
    from tests.gate.util import NAME, good_entries, with_defect, write_digest

    entries = good_entries(3)
    entries[1] = with_defect(entries[1], "number")
    entries[2] = with_defect(entries[2], "untranslated")
    return str(write_digest(tmp_path / "digests", NAME, entries))


def test_entries_carry_channel_layout_titles_line_and_a_real_date(tmp_path, dated_digest):
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    data, out, _ = score_and_export(tmp_path, dated_digest, "dated", "--no-references")
    issue = data["issues"][0]
    assert issue["channel"] == "cs.CL" and issue["date"]
    table = pq.read_table(out / "entries.parquet")
    assert table.schema.field("date").type == pa.date32()
    for column in ("line", "errors", "warnings", "infos"):
        assert table.schema.field(column).type == pa.int64(), column
    rows = table.to_pylist()
    assert [r["ref"] for r in rows] == [e["ref"] for e in issue["entries"]]
    for row, entry in zip(rows, issue["entries"]):
        assert row["channel"] == "cs.CL" and row["layout"] == entry["layout"]
        assert row["date"] == datetime.date.fromisoformat(issue["date"])
        assert row["line"] == entry["line"]
        assert (row["title_en"], row["title_zh"]) == (entry["text"]["title_en"], entry["text"]["title_zh"])
        severities = [f["severity"] for f in entry["findings"]]
        assert (row["errors"], row["warnings"], row["infos"]) == tuple(severities.count(s) for s in ("error", "warning", "info"))


def test_findings_table_has_a_row_per_finding(tmp_path, dated_digest):
    import pyarrow.parquet as pq
    from datasets import load_from_disk

    data, out, _ = score_and_export(tmp_path, dated_digest, "dated", "--no-references")
    issue = data["issues"][0]
    expected = [(None, f) for f in issue["findings"]] + [(e, f) for e in issue["entries"] for f in e["findings"]]
    assert len(expected) >= 2
    rows = pq.read_table(out / "findings.parquet").to_pylist()
    assert len(rows) == len(expected)
    for row, (entry, finding) in zip(rows, expected):
        assert row["issue"] == issue["id"] and row["code"] == finding["code"]
        assert row["category"] == finding["code"].split(".", 1)[0]
        assert (row["severity"], row["line"], row["message"]) == (finding["severity"], finding["line"], finding["message"])
        assert row["ref"] == (entry["ref"] if entry else None) and row["arxiv_id"] == (entry["arxiv_id"] if entry else None)
        evidence = finding.get("evidence") or {}
        assert row["translation"] == evidence.get("translation") and row["source"] == evidence.get("source")
        span = evidence.get("translation_span")
        assert (row["translation_start"], row["translation_end"]) == (tuple(span) if span else (None, None))
    numbers = next(r for r in rows if r["code"].startswith("numbers."))
    assert numbers["source_start"] is not None and numbers["translation_start"] is not None
    assert load_from_disk(str(out / "dataset"))["findings"].num_rows == len(expected)


def test_schema_is_the_same_with_and_without_references(tmp_path):
    import pyarrow.parquet as pq
    from datasets import load_from_disk

    with_refs, out_refs, _ = score_and_export(tmp_path, fixture_path("v1_s3.md"), "refs")
    without, out_none, _ = score_and_export(tmp_path, fixture_path("v1_s3.md"), "none", "--no-references")
    assert "chrf++" in with_refs["issues"][0]["entries"][0]["scores"]
    assert without["issues"][0]["entries"][0]["scores"] == {}
    for name in ("entries", "pairs", "findings"):
        a, b = pq.read_schema(out_refs / f"{name}.parquet"), pq.read_schema(out_none / f"{name}.parquet")
        assert a.remove_metadata() == b.remove_metadata(), name
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", column) for column in a.names), a.names  # safe names
    entries_refs = pq.read_table(out_refs / "entries.parquet").to_pylist()
    entries_none = pq.read_table(out_none / "entries.parquet").to_pylist()
    first = with_refs["issues"][0]["entries"][0]["scores"]
    assert entries_refs[0]["score_chrf_plus_plus"] == first["chrf++"] and entries_refs[0]["score_bleu"] == first["bleu"]
    assert entries_none[0]["score_chrf_plus_plus"] is None and entries_none[0]["score_comet"] is None
    assert load_from_disk(str(out_refs / "dataset"))["entries"].features == load_from_disk(str(out_none / "dataset"))["entries"].features


def test_export_prints_no_progress_bars_and_leaves_them_as_it_found_them(tmp_path):
    import datasets

    assert datasets.is_progress_bar_enabled()
    _, _, exported = score_and_export(tmp_path, fixture_path("v1_s3.md"), "quiet")
    assert "Saving the dataset" not in exported.output and "%|" not in exported.output, exported.output
    assert datasets.is_progress_bar_enabled()  # quiet inside the export call only


def test_a_score_no_metric_registers_still_gets_a_safe_column(tmp_path):
    import pyarrow.parquet as pq

    from evalkit.export import score_column

    assert [score_column(k) for k in ("chrf++", "comet-qe", "bleu")] == ["score_chrf_plus_plus", "score_comet_qe", "score_bleu"]
    entry = {"ref": 1, "arxiv_id": "2401.00001", "line": 3, "layout": "v1", "findings": [], "pairs": [],
             "scores": {"chrf++": 50.0, "MetricX-24": 1.5}, "text": {}}
    report = {"schema": "evalkit.report/1", "issues": [{"id": "i", "path": "i.md", "date": None, "entries": [entry]}]}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    result = CliRunner().invoke(app, ["export", str(path), "--to", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "0 findings" in result.output
    (row,) = pq.read_table(tmp_path / "o" / "entries.parquet").to_pylist()
    assert row["score_metricx_24"] == 1.5 and row["score_chrf_plus_plus"] == 50.0 and row["date"] is None
