"""zh–zh sentence alignment and pair-level chrF against reference sentences; entries without references."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalkit.config import Config
from evalkit.metrics.apply import ReferenceScorer
from evalkit.metrics.bootstrap import BootstrapSettings
from evalkit.metrics.pairs import pair_scores
from evalkit.metrics.sacrebleu_metrics import ChrF
from evalkit.metrics.sentences import align_to_reference, dice, sentence_groups
from evalkit.pipeline import score
from evalkit.records import Pair
from evalkit.references import Provenance, Reference, ReferenceSet
from evalkit.report import build_report
from tests.digest_builder import build_digest, make_entry

ROOT = Path(__file__).resolve().parents[2]
A, B, C = "我们提出一种新的稀疏适配器方法。", "该方法只训练百分之三的参数。", "实验表明效果接近全量微调。"
UNRELATED = "此外，作者计划明年将系统部署到银行客服中心。"


def test_dice():
    assert dice(A, A) == 1.0 and dice(A, "") == 0.0
    assert 0 < dice(A, "我们提出一种稀疏适配器。") < 1


def test_alignment_one_to_one_merge_and_unmatched():
    assert align_to_reference([A, B, C], [A, B, C]) == [(range(0, 1), range(0, 1)), (range(1, 2), range(1, 2)), (range(2, 3), range(2, 3))]
    merged = "我们提出一种新的稀疏适配器方法，该方法只训练百分之三的参数。"
    assert align_to_reference([A, B, C], [merged, C]) == [(range(0, 2), range(0, 1)), (range(2, 3), range(1, 2))]
    assert align_to_reference([A, UNRELATED, C], [A, C]) == [(range(0, 1), range(0, 1)), (range(2, 3), range(1, 2))]


def test_sentence_groups_cover_both_texts():
    groups = sentence_groups(A + UNRELATED + C, A + B + C)
    assert groups == ((A, A), (UNRELATED, ""), ("", B), (C, C))
    assert "".join(g[0] for g in groups) == A + UNRELATED + C and "".join(g[1] for g in groups) == A + B + C


def pairs_for(*sentences: str) -> tuple[str, list[Pair]]:
    text, pairs, at = "", [], 0
    for sentence in sentences:
        pairs.append(Pair("1-1", (0, 1), (at, at + len(sentence)), 0.5, 0.5))
        text += sentence
        at += len(sentence)
    return text, pairs


def test_pair_scores():
    text, pairs = pairs_for(A, UNRELATED, C)
    pairs.append(Pair("1-0", (5, 9), None, 0.0, 0.5))  # an omission: no Chinese, no score
    scores = pair_scores(text, pairs, [A + B + C], {"chrf": ChrF()})
    assert scores[0] == {"chrf": 100.0} and scores[2] == {"chrf": 100.0}
    assert scores[1] == {"chrf": 0.0}  # matches no reference sentence: an addition
    assert scores[3] == {}


def test_pair_scores_take_the_best_reference_and_share_a_group():
    text, pairs = pairs_for(A, B)
    merged = "我们提出一种新的稀疏适配器方法，该方法只训练百分之三的参数。"
    (first, second) = pair_scores(text, pairs, [merged], {"chrf": ChrF()})
    assert first == second and 50 < first["chrf"] < 100  # the two pairs form one group against one sentence
    best = pair_scores(text, pairs, [merged, A + B], {"chrf": ChrF()})
    assert best == ({"chrf": 100.0}, {"chrf": 100.0})


def reference_set(*pairs: tuple[str, str]) -> ReferenceSet:
    prov = Provenance("tester", "2026-11-21", "human translation")
    return ReferenceSet("refs", tuple(Reference(i, text, prov) for i, text in pairs))


def test_entries_without_a_reference_get_no_scores(tmp_path):
    digest = tmp_path / "d.md"
    digest.write_text(build_digest([make_entry(1), make_entry(2), make_entry(3)]), encoding="utf-8")
    (issue,) = score([str(digest)], Config(use_references=False)).issues
    one = issue.entries[0].entry
    refs = reference_set((one.arxiv_id, one.abstract_zh))
    scored = ReferenceScorer(bootstrap=BootstrapSettings(samples=0)).score_issue(issue, refs)
    with_ref = [e for e in scored.entries if e.references]
    assert [e.entry.arxiv_id for e in with_ref] == [one.arxiv_id]
    assert with_ref[0].scores["chrf"] == 100 and with_ref[0].scores["ter"] == 0
    assert len(with_ref[0].pair_scores) == len(with_ref[0].pairs)
    for e in scored.entries:
        if e is not with_ref[0]:
            assert e.scores == {} and e.pair_scores == () and e.references == 0
    assert {s.n for s in scored.scores.values()} == {1}
    # and the JSON report says so
    config = Config(references=str(tmp_path / "refs"), references_base="cwd")
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "r.jsonl").write_text(
        '{"arxiv_id": "%s", "abstract": "%s", "provenance": {"who": "t", "when": "2026-11-21", "how": "h"}}\n'
        % (one.arxiv_id, one.abstract_zh),
        encoding="utf-8",
    )
    report = build_report(score([str(digest)], config), config)
    summary = report["issues"][0]["summary"]
    assert summary["with_references"] == 1 and summary["scores"]["chrf"]["n"] == 1
    assert summary["scores"]["chrf"]["ci"] is None  # one entry: no interval
    entries = report["issues"][0]["entries"]
    assert [e["references"] for e in entries].count(0) == 2
    assert all(e["scores"] == {} and all(p["scores"] == {} for p in e["pairs"]) for e in entries if not e["references"])


@pytest.mark.parametrize("metrics", [("bleu",), ("ter", "chrf")])
def test_only_the_selected_metrics(metrics):
    config = Config(references=str(ROOT / "references"), references_base="cwd", metrics=metrics, bootstrap=0)
    run = score([str(next((ROOT / "examples").glob("*.md")))], config)
    (issue,) = run.issues
    assert tuple(issue.scores) == metrics
    pair_metrics = {name for e in issue.entries for scores in e.pair_scores for name in scores}
    assert pair_metrics == set(metrics)  # pairs get exactly the selected metrics
    assert list(build_report(run, config)["config"]["metrics"]) == list(metrics)


def test_pairs_get_every_selected_metric_and_the_best_value_per_direction():
    from evalkit.metrics.sacrebleu_metrics import ChrF, Ter

    text = A + B
    pairs = [Pair("1-1", (0, 1), (0, len(A)), 0.5, 0.5), Pair("1-1", (1, 2), (len(A), len(text)), 0.5, 0.5)]
    good, poor = A + B, A + "完全不同的一句话。"
    first, second = pair_scores(text, pairs, [poor, good], {"chrf": ChrF(), "ter": Ter()})
    assert first == {"chrf": pytest.approx(100.0), "ter": pytest.approx(0.0)}
    assert second["chrf"] == pytest.approx(100.0) and second["ter"] == pytest.approx(0.0)  # best of the two
    # Only the poor reference: the second pair matches no reference sentence, so chrF 0 and no TER.
    (_, alone) = pair_scores(text, pairs, [poor], {"chrf": ChrF(), "ter": Ter()})
    assert alone == {"chrf": 0.0}
