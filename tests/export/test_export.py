"""evalkit export: report -> Parquet tables and a Hugging Face dataset, offline."""

from __future__ import annotations

import json

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
