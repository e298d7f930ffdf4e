"""``evalkit score --triples FILE``: generic parallel data in JSONL, CSV, TSV or Parquet."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sacrebleu.metrics import BLEU, CHRF
from typer.testing import CliRunner

from evalkit.cli import app
from evalkit.errors import InputError
from evalkit.parse.triples import read_triples

runner = CliRunner()
ROWS = [
    {"id": "a", "src": "We propose a method.", "mt": "我们提出一种方法。", "ref": "我们提出了一种方法。"},
    {"id": "b", "src": "It works well.", "mt": "它效果很好。", "ref": "该方法效果很好。"},
    {"id": "c", "src": "Code is released.", "mt": "代码已发布。", "ref": "我们发布了代码。"},
]


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_jsonl(path: Path, rows) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path.name


def write_csv(path: Path, rows, delimiter: str = ",") -> str:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path.name


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def scored(name: str, *extra: str) -> dict:
    result = invoke("score", "--triples", name, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def expected_system() -> dict[str, float]:
    hyps, refs = [r["mt"] for r in ROWS], [r["ref"] for r in ROWS]
    return {"bleu": BLEU(tokenize="zh").corpus_score(hyps, [refs]).score, "chrf": CHRF().corpus_score(hyps, [refs]).score}


def test_jsonl(work):
    report = scored(write_jsonl(work / "t.jsonl", ROWS))
    assert report["schema"] == "evalkit.triples/1"
    assert list(report) == ["schema", "tool", "config", "summary", "segments"]
    summary = report["summary"]
    assert (summary["path"], summary["segments"]) == ("t.jsonl", 3)
    for name, value in expected_system().items():
        assert summary["scores"][name]["value"] == value
        assert summary["scores"][name]["n"] == 3 and len(summary["scores"][name]["ci"]) == 2
    assert set(summary["scores"]) == {"bleu", "chrf", "chrf++", "ter"}
    assert report["config"]["metrics"]["bleu"]["signature"].startswith("nrefs:1|case:mixed|eff:no|tok:zh|")
    assert [(s["line"], s["id"], s["references"]) for s in report["segments"]] == [(1, "a", 1), (2, "b", 1), (3, "c", 1)]
    assert set(report["segments"][0]["scores"]) == {"bleu", "chrf", "chrf++", "ter"}


@pytest.mark.parametrize("suffix,delimiter", [(".csv", ","), (".tsv", "\t")])
def test_csv_and_tsv_equal_jsonl(work, suffix, delimiter):
    from_jsonl = scored(write_jsonl(work / "t.jsonl", ROWS))
    from_csv = scored(write_csv(work / f"t{suffix}", ROWS, delimiter))
    assert from_csv["summary"]["scores"] == from_jsonl["summary"]["scores"]
    assert [s["line"] for s in from_csv["segments"]] == [2, 3, 4]  # the header is line 1


def test_parquet_equals_jsonl(work):
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    pandas.DataFrame(ROWS).to_parquet(work / "t.parquet")
    assert scored("t.parquet")["summary"]["scores"] == scored(write_jsonl(work / "t.jsonl", ROWS))["summary"]["scores"]


def test_several_references(work):
    rows = [dict(r, ref=[r["ref"], r["mt"]]) if k == 0 else r for k, r in enumerate(ROWS)]
    report = scored(write_jsonl(work / "t.jsonl", rows), "--metric", "bleu")
    assert [s["references"] for s in report["segments"]] == [2, 1, 1]
    assert report["config"]["metrics"]["bleu"]["signature"].startswith("nrefs:var|")
    csv_rows = [dict(r, ref2=r["mt"] if k == 0 else "") for k, r in enumerate(ROWS)]
    assert [t.refs for t in read_triples(str(work / write_csv(work / "t.csv", csv_rows)))][0] == (ROWS[0]["ref"], ROWS[0]["mt"])


def test_metric_and_bootstrap_options(work):
    report = scored(write_jsonl(work / "t.jsonl", ROWS), "--metric", "chrf", "-m", "bleu", "--bootstrap", "0")
    assert list(report["summary"]["scores"]) == ["chrf", "bleu"]
    assert report["summary"]["scores"]["chrf"]["ci"] is None and report["config"]["bootstrap"]["samples"] == 0
    unknown = invoke("score", "--triples", "t.jsonl", "--metric", "chrff")
    assert unknown.exit_code == 2 and "did you mean 'chrf'" in unknown.stderr


@pytest.mark.parametrize(
    "content,line,message",
    [
        ('{"src": "a", "mt": "b", "ref": "c"}\n{"src": "a", "mt": "b"\n', 2, "invalid JSON"),
        ('{"src": "a", "mt": "b", "ref": "c"}\n{"src": "a", "mt": "b"}\n', 2, "missing column 'ref'"),
        ('{"src": "a", "mt": "b", "ref": " "}\n', 1, "empty reference"),
        ('{"src": "a", "mt": 3, "ref": "c"}\n', 1, "'mt' must be a string"),
        ('{"src": "a", "mt": "b", "ref": "c"}\n\n{"src": "a", "mt": "b", "ref": "c"}\n', 2, "empty line"),
        ("[1]\n", 1, "expected a JSON object"),
    ],
)
def test_malformed_jsonl_exits_2_with_file_and_line(work, content, line, message):
    (work / "t.jsonl").write_text(content, encoding="utf-8")
    result = invoke("score", "--triples", "t.jsonl")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"evalkit: error: t.jsonl:{line}: {message}"), result.stderr


def test_malformed_csv(work):
    (work / "t.csv").write_text("src,mt\na,b\n", encoding="utf-8")
    result = invoke("score", "--triples", "t.csv")
    assert result.exit_code == 2 and "t.csv:1: the header lacks column(s) ref" in result.stderr
    (work / "t.csv").write_text("src,mt,ref\na,b,c\na,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="fewer fields") as info:
        read_triples(str(work / "t.csv"))
    assert info.value.line == 3


def test_usage_errors(work):
    write_jsonl(work / "t.jsonl", ROWS)
    (work / "d.md").write_text("x", encoding="utf-8")
    both = invoke("score", "d.md", "--triples", "t.jsonl")
    assert both.exit_code == 2 and "not both" in both.stderr
    refs = invoke("score", "--triples", "t.jsonl", "--references", "refs")
    assert refs.exit_code == 2 and "--references does not apply" in refs.stderr
    nothing = invoke("score")
    assert nothing.exit_code == 2 and "missing digest paths" in nothing.stderr
    unknown_format = invoke("score", "--triples", "t.txt")
    assert unknown_format.exit_code == 2 and "unknown triples format" in unknown_format.stderr


def test_table_and_markdown(work):
    write_jsonl(work / "t.jsonl", ROWS)
    table = invoke("score", "--triples", "t.jsonl")
    assert table.exit_code == 0 and "3 segment(s)" in table.stdout and "lower is better" in table.stdout
    markdown = invoke("score", "--triples", "t.jsonl", "-f", "markdown", "-o", "out.md")
    assert markdown.exit_code == 0
    text = (work / "out.md").read_text(encoding="utf-8")
    assert text.startswith("# evalkit report\n\n`t.jsonl`: 3 segment(s).") and "| bleu |" in text
