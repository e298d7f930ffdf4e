"""COMET inside ``evalkit score``: routing, aggregation, caching, "not computed", parity with comet itself.

Every test uses the tiny offline models of ``tests/comet_models.py`` (the ``tiny_comet`` fixture) and a
reference directory written here, so what is asserted does not depend on the repository's references.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest

from evalkit.config import CometSettings, Config, config_from_mapping
from evalkit.errors import ConfigError, ModelUnavailableError, UnknownNameError
from evalkit.metrics.comet import Segment, weighted_mean
from evalkit.pipeline import score, score_triples
from evalkit.report.canonical import build_report, dumps_report
from tests.digest_builder import build_digest, make_entry

#: Entry 1's arXiv id has a reference translation (its own Chinese, lightly edited); entry 2's has none.
REFERENCE_ID = "2401.10001"


def reference_line(arxiv_id: str, abstract: str) -> str:
    record = {
        "arxiv_id": arxiv_id,
        "abstract": abstract,
        "provenance": {"who": "tests", "when": "2026-11-21", "how": "post-edit"},
    }
    return json.dumps(record, ensure_ascii=False) + "\n"


@pytest.fixture
def digest_with_refs(tmp_path: Path) -> tuple[str, str]:
    """A two-entry digest and a references directory holding a reference for entry 1 only."""
    digest = tmp_path / "20260101T000000Z_00000000_cs.CL.md"
    digest.write_text(build_digest([make_entry(1), make_entry(2)]), encoding="utf-8")
    refs = tmp_path / "refs"
    refs.mkdir()
    edited = make_entry(1).abstract_zh.replace("我们提出", "本文提出").replace("平均提升了", "平均提高了")
    (refs / "refs.jsonl").write_text(reference_line(REFERENCE_ID, edited), encoding="utf-8")
    return str(digest), str(refs)


def comet_config(models, refs: str | None, **settings) -> Config:
    """A configuration with these COMET models and reference directory (none: no references)."""
    comet = CometSettings(models=tuple(str(m) for m in models), **settings)
    return Config(
        references=refs, references_base="cwd", use_references=refs is not None, comet=comet, bootstrap=200
    )


def entry_result(run, n: int):
    """The result of the entry built by ``make_entry(n)``."""
    return next(e for e in run.issues[0].entries if e.entry.arxiv_id == f"2401.{10000 + n:05d}")


def test_reference_model_where_a_reference_exists_and_qe_elsewhere(tiny_comet, digest_with_refs):
    digest, refs = digest_with_refs
    run = score([digest], comet_config([tiny_comet.reference, tiny_comet.qe], refs))
    assert run.comet is not None and run.comet.status == "computed"
    with_ref, without = entry_result(run, 1), entry_result(run, 2)
    assert "comet" in with_ref.scores and "comet-qe" not in with_ref.scores
    assert "comet-qe" in without.scores and "comet" not in without.scores
    # Every aligned pair with both sides has a score of the entry's kind.
    assert all("comet" in s for p, s in zip(with_ref.pairs, with_ref.pair_scores) if p.en and p.zh)
    assert all("comet-qe" in s for p, s in zip(without.pairs, without.pair_scores) if p.en and p.zh)
    # chrF against the reference is still there next to COMET.
    assert all("chrf" in s for s in with_ref.pair_scores)
    issue = run.issues[0].scores
    assert issue["comet"].n == 1 and issue["comet-qe"].n == 1
    assert set(run.comet.models) == {"comet", "comet-qe"}


def test_entry_and_issue_scores_are_length_weighted_means_of_pair_scores(tiny_comet, digest_with_refs):
    digest, _ = digest_with_refs
    run = score([digest], comet_config([tiny_comet.qe], None))
    weights, values = [], []
    for er in run.issues[0].entries:
        mine = [(p, s["comet-qe"]) for p, s in zip(er.pairs, er.pair_scores) if "comet-qe" in s]
        w = [Segment(er.entry.abstract_en[p.en[0] : p.en[1]].strip(), er.entry.abstract_zh[p.zh[0] : p.zh[1]].strip()).length for p, _ in mine]
        v = [value for _, value in mine]
        assert er.scores["comet-qe"] == pytest.approx(weighted_mean(v, w))
        weights += w
        values += v
    issue = run.issues[0].scores["comet-qe"]
    assert issue.value == pytest.approx(weighted_mean(values, weights))
    assert issue.ci is not None and issue.ci[0] <= issue.value <= issue.ci[1]
    assert issue.signature.startswith("model:tiny-comet-qe|")


def test_pair_scores_equal_comet_predict_on_the_same_triples(tiny_comet, digest_with_refs):
    """Parity: what evalkit reports for a pair is what comet's own API gives for that (src, mt, ref)."""
    import warnings

    import comet

    digest, refs = digest_with_refs
    run = score([digest], comet_config([tiny_comet.reference], refs))
    report = build_report(run, comet_config([tiny_comet.reference], refs))
    entry = next(e for e in report["issues"][0]["entries"] if e["arxiv_id"] == REFERENCE_ID)
    from evalkit.metrics.pairs import pair_reference_texts

    er = entry_result(run, 1)
    refs_per_pair = pair_reference_texts(er.entry.abstract_zh, er.pairs, run_reference(refs))
    samples, reported = [], []
    for pair, ref in zip(entry["pairs"], refs_per_pair):
        if "comet" in pair["scores"]:
            samples.append({"src": pair["en"].strip(), "mt": pair["zh"].strip(), "ref": ref})
            reported.append(pair["scores"]["comet"])
    assert samples
    model = comet.load_from_checkpoint(str(tiny_comet.reference))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = model.predict(samples, batch_size=8, gpus=0, progress_bar=False).scores
    assert reported == pytest.approx(list(expected), abs=1e-6)


def run_reference(refs_dir: str) -> str:
    line = Path(refs_dir, "refs.jsonl").read_text(encoding="utf-8")
    return json.loads(line)["abstract"]


def test_a_rerun_is_served_from_the_cache_and_gives_the_same_report(tiny_comet, digest_with_refs, monkeypatch):
    digest, refs = digest_with_refs
    config = comet_config([tiny_comet.reference, tiny_comet.qe], refs)
    first = score([digest], config)
    assert first.comet.computed > 0 and first.comet.cached == 0

    from evalkit.metrics import comet as comet_module

    comet_module.clear_loaded_models()
    monkeypatch.setattr(comet_module.CometScorer, "_load", lambda self: pytest.fail("model loaded on a cached rerun"))
    second = score([digest], config)
    assert second.comet.computed == 0 and second.comet.cached == first.comet.segments
    assert dumps_report(build_report(first, config)) == dumps_report(build_report(second, config))


def test_the_report_is_the_same_for_one_and_two_workers(tiny_comet, tmp_path):
    paths = []
    for k in range(4):  # the pool starts at four inputs
        path = tmp_path / f"2026010{k + 1}T000000Z_0000000{k}_cs.CL.md"
        path.write_text(build_digest([make_entry(2 * k + 1), make_entry(2 * k + 2)]), encoding="utf-8")
        paths.append(str(path))
    config = comet_config([tiny_comet.qe], None)
    one = dumps_report(build_report(score(paths, config, jobs=1), config))
    two = dumps_report(build_report(score(paths, config, jobs=2), config))
    assert one == two
    assert '"comet-qe"' in one


def test_all_segments_of_all_issues_go_to_one_prediction(tiny_comet, tmp_path, monkeypatch):
    from evalkit.metrics import comet as comet_module

    calls = []
    original = comet_module.CometScorer._predict

    def counting(self, model, samples):
        calls.append(len(samples))
        return original(self, model, samples)

    monkeypatch.setattr(comet_module.CometScorer, "_predict", counting)
    paths = []
    for k in range(3):
        path = tmp_path / f"issue{k}.md"
        path.write_text(build_digest([make_entry(3 * k + 1), make_entry(3 * k + 2)]), encoding="utf-8")
        paths.append(str(path))
    run = score(paths, comet_config([tiny_comet.qe], None))
    # make_entry gives every entry the same abstract: 18 segments over 3 issues, 3 distinct ones,
    # all sent to the model in one call.
    assert run.comet.segments == 18
    assert calls == [3]


def test_abstract_mode_scores_whole_abstracts(tiny_comet, digest_with_refs):
    digest, refs = digest_with_refs
    run = score([digest], comet_config([tiny_comet.reference, tiny_comet.qe], refs, mode="abstract"))
    assert run.comet.mode == "abstract" and run.comet.segments == 2
    er = entry_result(run, 1)
    assert "comet" in er.scores
    assert not any("comet" in s for s in er.pair_scores)


def test_without_alignment_comet_falls_back_to_whole_abstracts(tiny_comet, digest_with_refs):
    digest, _ = digest_with_refs
    config = replace(comet_config([tiny_comet.qe], None), align=False)
    run = score([digest], config)
    assert run.comet.mode == "abstract" and run.comet.segments == 2


def test_offline_without_the_model_is_not_computed_and_everything_else_still_runs(digest_with_refs):
    digest, refs = digest_with_refs
    run = score([digest], comet_config(["Unbabel/wmt22-comet-da"], refs))
    assert run.comet.status == "not computed"
    assert "HF_HUB_OFFLINE" in run.comet.reason and "\n" not in run.comet.reason
    assert entry_result(run, 1).scores["chrf"] > 0  # the reference metrics ran
    assert not any(k.startswith("comet") for er in run.issues[0].entries for k in er.scores)
    report = build_report(run, comet_config(["Unbabel/wmt22-comet-da"], refs))
    assert report["config"]["comet"]["status"] == "not computed"
    assert "comet" not in report["config"]["metrics"]


def test_require_comet_makes_an_unavailable_model_an_error(digest_with_refs):
    digest, refs = digest_with_refs
    with pytest.raises(ModelUnavailableError, match="not in the Hugging Face cache"):
        score([digest], comet_config(["Unbabel/wmt22-comet-da"], refs, require=True))


def test_reference_model_without_any_reference_says_why_nothing_was_computed(tiny_comet, digest_with_refs):
    digest, _ = digest_with_refs
    run = score([digest], comet_config([tiny_comet.reference], None))
    assert run.comet.status == "not computed"
    assert "needs reference translations" in run.comet.reason


def test_report_records_settings_status_and_signatures(tiny_comet, digest_with_refs):
    digest, refs = digest_with_refs
    config = comet_config([tiny_comet.reference, tiny_comet.qe], refs, precision="fp32")
    report = build_report(score([digest], config), config)
    comet = report["config"]["comet"]
    assert comet["status"] == "computed" and comet["mode"] == "pairs" and comet["precision"] == "fp32"
    assert comet["resolved"] == {"comet": "tiny-comet-ref", "comet-qe": "tiny-comet-qe"}
    for key, cls in (("comet", "regression_metric"), ("comet-qe", "referenceless_regression_metric")):
        signature = report["config"]["metrics"][key]["signature"]
        assert f"class:{cls}" in signature and "prec:fp32" in signature and "device:cpu" in signature
        assert "comet:" in signature and "torch:" in signature
    summary = report["issues"][0]["summary"]["scores"]
    assert summary["comet"]["signature"] == report["config"]["metrics"]["comet"]["signature"]
    assert math.isfinite(summary["comet-qe"]["value"])


def test_triples_get_comet_per_row_and_a_plain_mean(tiny_comet, tmp_path):
    rows = [
        {"src": "Code and data are publicly available.", "mt": "代码和数据已公开。", "ref": "代码和数据公开可用。"},
        {"src": "We prove a lower bound.", "mt": "我们证明了一个下界。", "ref": "我们证明了下界。"},
        {"src": "Diffusion models generate images.", "mt": "扩散模型生成图像。", "ref": "扩散模型能生成图像。"},
    ]
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = score_triples(str(path), comet_config([tiny_comet.reference], None))
    values = [s["comet"] for s in result.segment_scores]
    assert len(values) == 3 and result.scores["comet"].value == pytest.approx(sum(values) / 3)
    assert "bleu" in result.segment_scores[0]
    assert result.comet.status == "computed"


# ------------------------------------------------------------------------------------ configuration


def test_comet_table_in_the_configuration_file(tmp_path):
    model = tmp_path / "models" / "tiny"
    model.mkdir(parents=True)
    config = config_from_mapping(
        {"comet": {"models": ["models/tiny", "Unbabel/wmt22-cometkiwi-da"], "precision": "fp16", "require": True}},
        source=str(tmp_path / "evalkit.toml"),
    )
    # A path that exists next to the file is resolved against it; a hub name stays as written.
    assert config.comet.models == (str(tmp_path / "models/tiny"), "Unbabel/wmt22-cometkiwi-da")
    assert config.comet.precision == "fp16" and config.comet.require


@pytest.mark.parametrize(
    ("table", "error", "message"),
    [
        ({"precison": "fp16"}, UnknownNameError, "did you mean 'precision'"),
        ({"models": "x", "batch_size": "8"}, ConfigError, "'batch_size' must be an integer"),
        ({"models": ["x"], "mode": "sentences"}, ConfigError, "unknown COMET mode"),
        ({"models": [3]}, ConfigError, "'models' must be an array"),
    ],
)
def test_bad_comet_settings_name_the_file_and_table(table, error, message):
    with pytest.raises(error, match=message) as info:
        config_from_mapping({"comet": table}, source="evalkit.toml")
    assert str(info.value).startswith("evalkit.toml [comet]")


def test_flags_replace_the_file_and_require_without_a_model_is_an_error():
    base = config_from_mapping({"comet": {"models": ["a"], "precision": "fp16"}}, source="evalkit.toml")
    flagged = base.with_overrides(comet={"models": ["b"], "precision": None})
    assert flagged.comet.models == ("b",) and flagged.comet.precision == "fp16"
    off = base.with_overrides(comet={"models": ()})
    assert not off.comet.enabled
    with pytest.raises(ConfigError, match="no model is given"):
        Config().with_overrides(comet={"require": True}).validate()
