"""evalkit's BLEU/chrF/chrF++/TER equal sacrebleu's on the same text, at segment and corpus level."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sacrebleu.metrics import BLEU, CHRF, TER

from evalkit.config import Config, SacrebleuSettings
from evalkit.metrics.apply import ReferenceScorer, default_metric_names
from evalkit.metrics.bootstrap import BootstrapSettings
from evalkit.metrics.sacrebleu_metrics import Ter, TerAligned
from evalkit.metrics.sentences import sentence_groups
from evalkit.parse import parse_digest, read_source
from evalkit.pipeline import score
from evalkit.references import load_references
from tests.digest_builder import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
REFERENCES = load_references(str(ROOT / "references"))


def corpus() -> tuple[list[str], list[str]]:
    """Machine translations of the example and fixture digests and the starter references for them."""
    hyps, refs = [], []
    for path in sorted((ROOT / "examples").glob("*.md")) + sorted(FIXTURES.glob("*.md")):
        for entry in parse_digest(read_source(str(path))).issue.entries:
            hyps.append(entry.abstract_zh)
            refs.append(REFERENCES.for_id(entry.arxiv_id)[0].abstract)
    return hyps, refs


HYPS, REFS = corpus()


def test_the_default_metrics():
    assert default_metric_names() == ("bleu", "chrf", "chrf++", "ter")


def test_corpus_and_segment_scores_equal_sacrebleu():
    assert len(HYPS) == 23
    scores = ReferenceScorer(bootstrap=BootstrapSettings(samples=0)).score_segments(HYPS, [[r] for r in REFS])
    bleu = BLEU(tokenize="zh")
    expected = {
        "bleu": bleu.corpus_score(HYPS, [REFS]).score,
        "chrf": CHRF().corpus_score(HYPS, [REFS]).score,
        "chrf++": CHRF(word_order=2).corpus_score(HYPS, [REFS]).score,
    }
    for name, value in expected.items():
        assert scores.system[name].value == value, name  # identical, not approximately equal
        assert scores.system[name].n == 23 and scores.system[name].ci is None
    assert scores.system["bleu"].signature == str(bleu.get_signature())
    assert scores.system["bleu"].signature == "nrefs:1|case:mixed|eff:no|tok:zh|smooth:exp|version:2.6.0"
    assert scores.system["bleu"].segment_signature.replace("eff:yes", "eff:no") == scores.system["bleu"].signature
    sentence_bleu = BLEU(tokenize="zh", effective_order=True)
    chrf = CHRF()
    for k, (hyp, ref) in enumerate(zip(HYPS, REFS)):
        assert scores.segments[k]["bleu"] == sentence_bleu.sentence_score(hyp, [ref]).score
        assert scores.segments[k]["chrf"] == chrf.sentence_score(hyp, [ref]).score


def test_ter_aligned_equals_sacrebleu_over_the_sentence_groups():
    # the sentence-aligned variant is a metric of its own name; "ter" is sacrebleu's TER on whole segments
    scores = ReferenceScorer(["ter-aligned"], BootstrapSettings(samples=0)).score_segments(HYPS, [[r] for r in REFS])
    groups = [g for hyp, ref in zip(HYPS, REFS) for g in sentence_groups(hyp, ref)]
    ter = TER(normalized=True, asian_support=True)
    assert scores.system["ter-aligned"].value == ter.corpus_score([g[0] for g in groups], [[g[1] for g in groups]]).score
    assert scores.system["ter-aligned"].signature == str(ter.get_signature()) + "|seg:sentence-groups"
    for k, (hyp, ref) in enumerate(zip(HYPS, REFS)):
        own = sentence_groups(hyp, ref)
        expected = ter.corpus_score([g[0] for g in own], [[g[1] for g in own]]).score
        assert scores.segments[k]["ter-aligned"] == pytest.approx(expected, abs=1e-9)
    assert "ter-aligned" not in default_metric_names()


def test_ter_splits_chinese_into_characters():
    # without sacrebleu's "normalized", asian_support does nothing and every Chinese TER is 0 or 100
    value = Ter().sentence_score("中文分词通常在完整句子上进行。", ["中文分词通常在完整的句子上进行。"]).value
    assert 0 < value < 10


def test_a_post_edit_identical_to_the_translation_is_hter_zero():
    assert Ter().corpus_score(HYPS[:3], [HYPS[:3]]).value == 0.0
    assert TerAligned().corpus_score(HYPS[:3], [HYPS[:3]]).value == 0.0


def test_several_references_match_sacrebleu_with_none_padding():
    hyps = HYPS[:6]
    refs = [[REFS[k]] + ([HYPS[k]] if k % 2 else []) for k in range(6)]  # 1 or 2 references per segment
    scores = ReferenceScorer(["bleu", "chrf"], BootstrapSettings(samples=0)).score_segments(hyps, refs)
    streams = [[r[0] for r in refs], [r[1] if len(r) > 1 else None for r in refs]]
    bleu = BLEU(tokenize="zh")
    assert scores.system["bleu"].value == bleu.corpus_score(hyps, streams).score
    assert scores.system["chrf"].value == CHRF().corpus_score(hyps, streams).score
    assert scores.system["bleu"].signature.startswith("nrefs:var|")


def test_issue_scores_from_the_pipeline_equal_sacrebleu(tmp_path):
    example = next((ROOT / "examples").glob("*.md"))
    config = Config(references=str(ROOT / "references"), references_base="cwd", align=False)
    (issue,) = score([str(example)], config).issues
    entries = [e.entry for e in issue.entries]
    hyps = [e.abstract_zh for e in entries]
    refs = [REFERENCES.for_id(e.arxiv_id)[0].abstract for e in entries]
    assert issue.scores["bleu"].value == BLEU(tokenize="zh").corpus_score(hyps, [refs]).score
    assert issue.scores["chrf"].value == CHRF().corpus_score(hyps, [refs]).score
    assert all(e.references == 1 and set(e.scores) == {"bleu", "chrf", "chrf++", "ter"} for e in issue.entries)
    low, high = issue.scores["chrf"].ci
    assert low <= high


# --- exact parity on a parallel set of our own, against sacrebleu's Python API and its CLI --------------

#: Chinese translations with three Chinese references each; one row left in English and one empty, as
#: translators' output sometimes is. Several rows hold more than one sentence, so that whole-segment TER
#: differs from TER over aligned sentence groups.
OWN_ROWS = [
    ("我们提出一种新的检索方法。它在三个基准上优于BERT。",
     ("我们提出了一种新的检索方法。该方法在三个基准上超过了BERT。", "本文提出一种新检索方法，在三个基准上优于bert。",
      "我们提出新的检索方法。它在三个基准测试中胜过BERT模型。")),
    ("We release the code and the data.",
     ("我们公开了代码和数据。", "代码和数据均已发布。", "我们发布代码与数据。")),
    ("",
     ("实验表明该模型更稳健。", "实验显示模型更加稳健。", "实验证明，该模型更稳健。")),
    ("模型很大，训练需要两周，推理却很快。",
     ("模型规模很大。训练耗时两周。但推理很快。", "该模型很大，训练需两周，但推理速度快。", "模型较大：训练要两周，推理则很快。")),
    ("在低资源语言上，准确率提高了5.2%。错误减少一半。",
     ("在低资源语言上，准确率提升了5.2%，错误减少了一半。", "对低资源语言，准确率提高5.2%。错误数减半。",
      "低资源语言的准确率提高了 5.2%。错误减少了一半。")),
    ("Transformer 模型 (Vaswani et al.) 仍是主流!",
     ("Transformer模型（Vaswani等人）依然是主流。", "transformer 模型仍然是主流！", "Transformer 模型 (Vaswani et al.) 仍为主流。")),
]

#: evalkit's settings with the sacrebleu CLI flags that give the same metric; ``None``: evalkit's defaults.
OWN_CASES = [
    ("bleu", {}, ["-m", "bleu", "--tokenize", "zh"]),
    ("bleu", {"bleu_tokenize": "char", "bleu_lowercase": True}, ["-m", "bleu", "--tokenize", "char", "--lowercase"]),
    ("chrf", {}, ["-m", "chrf"]),
    ("chrf++", {}, ["-m", "chrf", "--chrf-word-order", "2"]),
    ("chrf++", {"chrf_word_order": 1, "chrf_lowercase": True}, ["-m", "chrf", "--chrf-word-order", "1", "--chrf-lowercase"]),
    ("ter", {}, ["-m", "ter", "--ter-asian-support", "--ter-normalized"]),
    ("ter", {"ter_asian_support": False, "ter_normalized": False}, ["-m", "ter"]),
    ("ter", {"ter_asian_support": True, "ter_normalized": False}, ["-m", "ter", "--ter-asian-support"]),
    ("ter", {"ter_asian_support": False, "ter_normalized": True}, ["-m", "ter", "--ter-normalized"]),
    ("ter", {"ter_case_sensitive": True, "ter_no_punct": True},
     ["-m", "ter", "--ter-asian-support", "--ter-normalized", "--ter-case-sensitive", "--ter-no-punct"]),
]
CASE_IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in opts.items()) or 'defaults'}" for name, opts, _ in OWN_CASES]


def sacrebleu_object(name: str, settings: SacrebleuSettings):
    """The sacrebleu metric object that ``settings`` describe, built here from sacrebleu's own arguments."""
    if name == "bleu":
        return BLEU(tokenize=settings.bleu_tokenize, lowercase=settings.bleu_lowercase)
    if name in ("chrf", "chrf++"):
        return CHRF(word_order=0 if name == "chrf" else settings.chrf_word_order, lowercase=settings.chrf_lowercase)
    return TER(normalized=settings.ter_normalized, asian_support=settings.ter_asian_support,
               case_sensitive=settings.ter_case_sensitive, no_punct=settings.ter_no_punct)


@pytest.mark.parametrize("nrefs", [1, 3])
@pytest.mark.parametrize("name,options,flags", OWN_CASES, ids=CASE_IDS)
def test_scores_equal_sacrebleus_python_api(name, options, flags, nrefs):
    settings = SacrebleuSettings(**options)
    hyps = [h for h, _ in OWN_ROWS]
    refs = [list(r[:nrefs]) for _, r in OWN_ROWS]
    streams = [list(s) for s in zip(*refs)]
    scores = ReferenceScorer([name], BootstrapSettings(samples=0), settings).score_segments(hyps, refs)
    system = sacrebleu_object(name, settings)
    expected = system.corpus_score(hyps, streams)
    assert scores.system[name].value == expected.score  # identical, not approximately equal
    assert scores.system[name].signature == system.get_signature().format()
    sentence = sacrebleu_object(name, settings)
    if name == "bleu":
        sentence = BLEU(tokenize=settings.bleu_tokenize, lowercase=settings.bleu_lowercase, effective_order=True)
    for k, (hyp, row_refs) in enumerate(zip(hyps, refs)):
        assert scores.segments[k][name] == sentence.sentence_score(hyp, row_refs).score, k


def run_sacrebleu(tmp_path: Path, nrefs: int, flags: list[str], *extra: str) -> str:
    """The sacrebleu command line on OWN_ROWS (one line per row, one file per reference)."""
    (tmp_path / "hyp.txt").write_text("".join(h + "\n" for h, _ in OWN_ROWS), encoding="utf-8")
    ref_files = []
    for k in range(nrefs):
        (tmp_path / f"ref{k}.txt").write_text("".join(r[k] + "\n" for _, r in OWN_ROWS), encoding="utf-8")
        ref_files.append(str(tmp_path / f"ref{k}.txt"))
    command = [sys.executable, "-m", "sacrebleu", *ref_files, "-i", str(tmp_path / "hyp.txt"), *flags, "-w", "8", *extra]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=600, check=True)
    return done.stdout


@pytest.mark.parametrize("nrefs", [1, 3])
@pytest.mark.parametrize("name,options,flags", OWN_CASES, ids=CASE_IDS)
def test_triples_scores_equal_the_sacrebleu_command_line(tmp_path, monkeypatch, name, options, flags, nrefs):
    from typer.testing import CliRunner

    from evalkit.cli import app

    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    rows = [{"src": "-", "mt": h, "ref": list(r[:nrefs])} for h, r in OWN_ROWS]
    (tmp_path / "t.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    evalkit_flags = [f for key, value in options.items() for f in option_flags(key, value)]
    result = CliRunner().invoke(
        app, ["score", "--triples", "t.jsonl", "-m", name, "--bootstrap", "0", "-f", "json", *evalkit_flags]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)

    corpus = json.loads(run_sacrebleu(tmp_path, nrefs, flags, "-f", "json"))  # one metric: one object
    summary = report["summary"]["scores"][name]
    assert f"{summary['value']:.8f}" == f"{corpus['score']:.8f}"
    assert summary["signature"] == corpus["signature"] == report["config"]["metrics"][name]["signature"]

    lines = run_sacrebleu(tmp_path, nrefs, flags, "--sentence-level").splitlines()
    assert len(lines) == len(OWN_ROWS)
    for segment, line in zip(report["segments"], lines):
        signature, value = re.match(r"^\S+?\|(\S+) = (\S+)", line).groups()
        assert f"{segment['scores'][name]:.8f}" == value, line
        metric = report["config"]["metrics"][name]
        assert metric.get("segment_signature", metric["signature"]) == signature


def option_flags(key: str, value) -> list[str]:
    """evalkit's command-line flags for one sacrebleu setting."""
    flag = "--" + key.replace("_", "-")
    if value is True:
        return [flag]
    if value is False:
        return ["--no-" + key.replace("_", "-")]
    return [flag, str(value)]


def test_entry_scores_of_a_digest_equal_sacrebleu_on_the_abstracts():
    example = next((ROOT / "examples").glob("*.md"))
    config = Config(references=str(ROOT / "references"), references_base="cwd", align=False, bootstrap=0)
    (issue,) = score([str(example)], config).issues
    ter = TER(normalized=True, asian_support=True)
    chrf_pp = CHRF(word_order=2)
    sentence_bleu = BLEU(tokenize="zh", effective_order=True)
    hyps, refs = [], []
    for er in issue.entries:
        ref = [r.abstract for r in REFERENCES.for_id(er.entry.arxiv_id)]
        hyps.append(er.entry.abstract_zh)
        refs.append(ref[0])
        assert er.scores["ter"] == ter.sentence_score(er.entry.abstract_zh, ref).score
        assert er.scores["chrf++"] == chrf_pp.sentence_score(er.entry.abstract_zh, ref).score
        assert er.scores["bleu"] == sentence_bleu.sentence_score(er.entry.abstract_zh, ref).score
    assert issue.scores["ter"].value == ter.corpus_score(hyps, [refs]).score
    assert issue.scores["ter"].signature == str(ter.get_signature())
