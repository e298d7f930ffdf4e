"""evalkit's BLEU/chrF/chrF++/TER equal sacrebleu's on the same text, at segment and corpus level."""

from __future__ import annotations

from pathlib import Path

import pytest
from sacrebleu.metrics import BLEU, CHRF, TER

from evalkit.config import Config
from evalkit.metrics.apply import ReferenceScorer, default_metric_names
from evalkit.metrics.bootstrap import BootstrapSettings
from evalkit.metrics.sacrebleu_metrics import Ter
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


def test_ter_equals_sacrebleu_over_the_sentence_groups():
    scores = ReferenceScorer(["ter"], BootstrapSettings(samples=0)).score_segments(HYPS, [[r] for r in REFS])
    groups = [g for hyp, ref in zip(HYPS, REFS) for g in sentence_groups(hyp, ref)]
    ter = TER(normalized=True, asian_support=True)
    assert scores.system["ter"].value == ter.corpus_score([g[0] for g in groups], [[g[1] for g in groups]]).score
    assert scores.system["ter"].signature == str(ter.get_signature()) + "|seg:sentence-groups"
    for k, (hyp, ref) in enumerate(zip(HYPS, REFS)):
        own = sentence_groups(hyp, ref)
        expected = ter.corpus_score([g[0] for g in own], [[g[1] for g in own]]).score
        assert scores.segments[k]["ter"] == pytest.approx(expected, abs=1e-9)


def test_ter_splits_chinese_into_characters():
    # without sacrebleu's "normalized", asian_support does nothing and every Chinese TER is 0 or 100
    value = Ter().sentence_score("中文分词通常在完整句子上进行。", ["中文分词通常在完整的句子上进行。"]).value
    assert 0 < value < 10


def test_a_post_edit_identical_to_the_translation_is_hter_zero():
    assert Ter().corpus_score(HYPS[:3], [HYPS[:3]]).value == 0.0


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
