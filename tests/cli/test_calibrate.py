"""``evalkit calibrate``: end to end with the tiny QE model on a digest and labels written here, and its errors.

The tiny model's scores are random (tests/comet_models.py): what is checked is the plumbing — the
labels reach the right pairs, the curve is the one the JSON holds, and the snippet it prints, pasted
into a configuration, makes ``evalkit score`` flag exactly the pairs the proposal counts.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evalkit.cli import app
from tests.digest_builder import build_digest, make_entry

runner = CliRunner()
#: The sentence of entry 2401.10001 a label calls mistranslated, and a quote found nowhere.
DEFECT_QUOTE = "检索相关句子作为额外上下文"


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``corpus/d.md`` (two entries: [^1] is 2401.10002, [^2] 2401.10001) and ``labels.jsonl``, as the cwd."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "d.md").write_text(build_digest([make_entry(1), make_entry(2)]), encoding="utf-8")
    labels = [
        {"id": "T1", "file": "d.md", "ref": 2, "arxiv_id": "2401.10001", "defects": [
            {"cat": "mistranslation", "sev": "major", "zh": DEFECT_QUOTE, "en": "retrieves related sentences"},
            {"cat": "omission", "sev": "minor", "zh": "不在译文里的引文", "en": "x"},
        ]},
        {"id": "T2", "file": "d.md", "ref": 1, "arxiv_id": "2401.10002", "defects": []},
    ]
    (tmp_path / "labels.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in labels), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_end_to_end_the_snippet_flags_what_the_proposal_counts(tiny_comet, work):
    model = str(tiny_comet.qe)
    result = invoke("calibrate", "labels.jsonl", "--corpus", "corpus", "--comet-model", model, "-o", "out.json")
    assert result.exit_code == 0, result.output
    assert "2 labelled entries, 6 scored pairs, 1 bad" in result.stdout
    assert "2 labelled defects, 1 not located in the Chinese abstract (1 not found); they mark no pair" in result.stdout
    assert "<- proposed" in result.stdout and "qe_thresholds = {" in result.stdout
    report = json.loads((work / "out.json").read_text(encoding="utf-8"))
    assert report["schema"] == "evalkit.calibration/1" and report["model"] == model
    assert report["pairs"] == 6 and report["bad"] == 1 and report["defects_not_located"] == 1
    assert len(report["curve"]) == len({p["score"] for p in report["pair_labels"]}) + 1
    bad = [p for p in report["pair_labels"] if p["bad"]]
    assert [(p["entry"], p["pair"], p["reason"]) for p in bad] == [("T1", 1, "defect")]
    proposal = report["proposal"]
    assert proposal in report["curve"] and proposal["tp"] == 1
    # Paste the snippet into a configuration: evalkit score flags exactly the pairs the proposal counts.
    snippet = report["toml"]
    assert all(line in result.stdout.splitlines() for line in snippet.splitlines())
    assert tomllib.loads(snippet)["comet"]["qe_thresholds"] == {model: proposal["threshold"]}
    (work / "evalkit.toml").write_text(snippet, encoding="utf-8")
    scored = invoke("score", "corpus/d.md", "--comet-model", model, "-f", "json", "-o", "report.json")
    assert scored.exit_code == 0, scored.output
    issue = json.loads((work / "report.json").read_text(encoding="utf-8"))["issues"][0]
    low = [f for e in issue["entries"] for f in e["findings"] if f["code"] == "meaning.low-qe"]
    assert len(low) == proposal["flagged"]
    assert all(f["evidence"]["model"] == "tiny-comet-qe" and "under the threshold" in f["message"] for f in low)


def test_target_precision_out_of_reach_proposes_nothing(tiny_comet, work):
    result = invoke("calibrate", "labels.jsonl", "--corpus", "corpus", "--comet-model", str(tiny_comet.qe),
                    "--target-precision", "1", "-o", "out.json")
    assert result.exit_code == 0, result.output
    report = json.loads((work / "out.json").read_text(encoding="utf-8"))
    meets = [p for p in report["curve"] if p["precision"] == 1.0 and p["tp"]]
    if meets:
        assert report["proposal"]["precision"] == 1.0
    else:
        assert report["proposal"] is None and report["toml"] is None
        assert "no threshold reaches precision 1" in result.stdout


def test_post_edits_label_the_pair_the_editor_rewrote(tiny_comet, work):
    refs = work / "references"
    refs.mkdir()
    rewritten = make_entry(2).abstract_zh.replace(
        "我们提出一种检索增强的翻译框架，在解码时从单语语料中检索相关句子作为额外上下文，并通过轻量级适配器将其融入预训练模型。",
        "本文的框架在解码阶段检索单语语料里的相关句子，把它们当作附加语境，再借助轻量适配器输入预训练模型。",
    )
    record = {"arxiv_id": "2401.10001", "abstract": rewritten, "provenance": {"who": "t", "when": "2026-11-21", "how": "post-edit"}}
    (refs / "pe.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = invoke("calibrate", "corpus/d.md", "--post-edits", "--comet-model", str(tiny_comet.qe), "-o", "pe.json")
    assert result.exit_code == 0, result.output
    report = json.loads((work / "pe.json").read_text(encoding="utf-8"))
    assert report["source"] == "post-edits" and report["entries"] == 1 and report["definition"]["min_chrf"] == 70.0
    assert [(p["pair"], p["bad"]) for p in report["pair_labels"]] == [(0, False), (1, True), (2, False)]


@pytest.mark.parametrize(
    "args, message",
    [
        (["labels.jsonl", "--corpus", "corpus"], "no QE model: give a reference-free COMET model"),
        (["labels.jsonl", "--corpus", "corpus", "--comet-model", "Unbabel/wmt22-cometkiwi-da"], "HF_HUB_OFFLINE is set"),
        (["labels.jsonl", "--corpus", "elsewhere", "--comet-model", "QE"], "the corpus directory does not exist"),
        (["labels.jsonl", "--comet-model", "QE"], "give one labels file and --corpus DIR"),
        (["corpus/d.md", "--post-edits", "--corpus", "corpus", "--comet-model", "QE"], "--corpus is for a labels file"),
        (["corpus/d.md", "--post-edits", "--comet-model", "QE"], "no reference translations"),
        (["labels.jsonl", "--corpus", "corpus", "--comet-model", "QE", "--target-precision", "1.5"], "--target-precision must be"),
        (["missing.jsonl", "--corpus", "corpus", "--comet-model", "QE"], "missing.jsonl: no such labels file"),
    ],
)
def test_errors_are_one_line_and_exit_2(tiny_comet, work, args, message):
    args = [str(tiny_comet.qe) if a == "QE" else a for a in args]
    result = invoke("calibrate", *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("evalkit: error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_labelled_file_missing_from_the_corpus_is_named_with_its_labels_line(tiny_comet, work):
    with (work / "labels.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "T3", "file": "gone.md", "ref": 1, "defects": []}) + "\n")
    result = invoke("calibrate", "labels.jsonl", "--corpus", "corpus", "--comet-model", str(tiny_comet.qe))
    assert result.exit_code == 2
    assert "labels.jsonl:3: labelled file 'gone.md' is not in the corpus corpus" in result.stderr


def test_a_reference_based_model_is_no_qe_model(tiny_comet, work):
    result = invoke("calibrate", "labels.jsonl", "--corpus", "corpus", "--comet-model", str(tiny_comet.reference))
    assert result.exit_code == 2 and "needs references; calibrate needs a reference-free (QE) COMET model" in result.stderr


def test_a_label_pointing_at_another_paper_is_an_error(tiny_comet, work):
    (work / "labels.jsonl").write_text(json.dumps({"id": "X", "file": "d.md", "ref": 1, "arxiv_id": "2401.10001"}) + "\n", encoding="utf-8")
    result = invoke("calibrate", "labels.jsonl", "--corpus", "corpus", "--comet-model", str(tiny_comet.qe))
    assert result.exit_code == 2 and "labels.jsonl:1: entry [^1] of d.md holds 2401.10002 (label X)" in result.stderr


def test_help():
    result = invoke("calibrate", "--help")
    assert result.exit_code == 0 and "--target-precision" in result.stdout and "--post-edits" in result.stdout
