"""COMET: model resolution, parity with comet itself, caching, routing, aggregation.

The scoring tests use the tiny offline models of :mod:`tests.comet_models` (random weights: their
scores mean nothing, which is fine for plumbing). Nothing here touches the network: the autouse
fixture sets ``HF_HUB_OFFLINE=1`` and points the hub and evalkit caches at temporary directories.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from evalkit.errors import ConfigError, EvalkitError, ModelUnavailableError
from evalkit.metrics import METRICS, load_metrics
from evalkit.metrics.comet import (
    CACHE_FILE,
    Comet,
    CometScorer,
    ScoreCache,
    Segment,
    SegmentScore,
    abstract_segment,
    aggregate,
    clear_loaded_models,
    pair_segments,
    resolve_model,
    weighted_mean,
)
from tests.comet_models import SENTENCES

ROOT = Path(__file__).resolve().parents[2]
#: comet-score always runs in fp16 (since comet 2.2.5); evalkit's default is fp32.
FP16_TOLERANCE = 5e-3


def segments(with_ref: bool = True) -> list[Segment]:
    """The tiny corpus as segments; the reference is a lightly changed translation so it differs from mt."""
    return [Segment(en, zh, zh.replace("。", "") if with_ref else None) for en, zh in SENTENCES]


def predict(checkpoint: Path, segs: list[Segment], use_ref: bool) -> list[float]:
    """Scores straight from comet's Python API, as a user of comet would get them."""
    import warnings

    import comet

    model = comet.load_from_checkpoint(str(checkpoint))
    samples = [{"src": s.src, "mt": s.mt, **({"ref": s.ref} if use_ref else {})} for s in segs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Lightning's deprecation notices
        return list(model.predict(samples, batch_size=8, gpus=0, progress_bar=False).scores)


# ------------------------------------------------------------------------------------------ resolution


def test_resolves_model_directory_and_checkpoint_file(tiny_comet):
    by_dir = resolve_model(tiny_comet.reference.parents[1])
    by_file = resolve_model(tiny_comet.reference)
    assert by_dir.checkpoint.resolve() == by_file.checkpoint.resolve() == tiny_comet.reference.resolve()
    assert by_dir.name == by_file.name == "tiny-comet-ref"
    assert by_dir.class_identifier == "regression_metric" and by_dir.needs_reference and by_dir.uses_reference
    qe = resolve_model(tiny_comet.qe)
    assert qe.class_identifier == "referenceless_regression_metric"
    assert not qe.needs_reference and not qe.uses_reference


def test_offline_hub_name_not_cached_is_a_one_line_error_saying_what_to_do():
    with pytest.raises(ModelUnavailableError) as info:
        resolve_model("Unbabel/no-such-comet-model")
    message = str(info.value)
    assert isinstance(info.value, EvalkitError)
    assert "\n" not in message
    assert "Unbabel/no-such-comet-model" in message
    for advice in ("local checkpoint path", "huggingface-cli download", "unset HF_HUB_OFFLINE"):
        assert advice in message


def test_downloads_off_is_an_error_without_network(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE")
    with pytest.raises(ModelUnavailableError, match="downloads are off"):
        resolve_model("Unbabel/no-such-comet-model", allow_download=False)


@pytest.mark.parametrize("spec", ["./models/missing", "/nonexistent/dir/model.ckpt", "~/nope.ckpt"])
def test_missing_path_says_it_does_not_exist(spec):
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        resolve_model(spec)


def test_directory_that_is_not_a_checkpoint(tmp_path):
    with pytest.raises(ModelUnavailableError, match="not a COMET checkpoint"):
        resolve_model(tmp_path)


def test_ranking_models_are_refused(tiny_comet, tmp_path):
    model = tmp_path / "ranker"
    shutil.copytree(tiny_comet.qe.parents[1], model)
    hparams = model / "hparams.yaml"
    hparams.write_text(
        hparams.read_text().replace("referenceless_regression_metric", "ranking_metric"), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="no segment scores"):
        resolve_model(model)


def _fill_hub_cache(hub: Path, repo_id: str, model_dir: Path) -> None:
    """Lay out ``model_dir`` as huggingface_hub caches a snapshot of ``repo_id``: files in ``blobs/``,
    the snapshot made of relative symlinks to them, ``refs/main`` naming the commit."""
    import hashlib

    commit = "0" * 40
    repo = hub / ("models--" + repo_id.replace("/", "--"))
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    (repo / "blobs").mkdir()
    snapshot = repo / "snapshots" / commit
    for file in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        blob = repo / "blobs" / hashlib.sha256(file.read_bytes()).hexdigest()
        shutil.copyfile(file, blob)
        link = snapshot / file.relative_to(model_dir)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))


def test_hub_name_resolves_from_the_local_cache_offline(tiny_comet, tmp_path, monkeypatch):
    hub = tmp_path / "hub"
    _fill_hub_cache(hub, "evalkit/tiny-comet-qe", tiny_comet.qe.parents[1])
    monkeypatch.setenv("HF_HUB_CACHE", str(hub))
    info = resolve_model("evalkit/tiny-comet-qe")
    assert info.name == "evalkit/tiny-comet-qe"
    assert info.checkpoint.is_file() and info.checkpoint.is_symlink() and str(hub) in str(info.checkpoint)
    assert resolve_model(info.checkpoint).class_identifier == "referenceless_regression_metric"  # the link itself
    # Same checkpoint bytes reached by name or by path: same identity, so one shared cache.
    by_name = CometScorer("evalkit/tiny-comet-qe")
    by_path = CometScorer(tiny_comet.qe)
    assert by_name.identity == by_path.identity
    assert "model:evalkit/tiny-comet-qe" in by_name.signature
    by_path.score(segments(with_ref=False)[:3])
    by_name.score(segments(with_ref=False)[:3])
    assert by_name.stats.hits == 3 and by_name.stats.computed == 0


@pytest.mark.parametrize("damage", [b"garbage", b"PK\x03\x04 truncated zip"])
def test_damaged_checkpoint_is_unavailable_when_loading(tiny_comet, tmp_path, damage):
    model = tmp_path / "damaged"
    shutil.copytree(tiny_comet.qe.parents[1], model)
    (model / "checkpoints" / "model.ckpt").write_bytes(damage)
    scorer = CometScorer(model)  # resolving reads only hparams.yaml and hashes the file
    with pytest.raises(ModelUnavailableError, match="cannot load COMET model 'damaged'.*fetch the checkpoint again"):
        scorer.score([Segment("a", "甲")])


def test_bad_options_are_config_errors(tiny_comet):
    with pytest.raises(ConfigError, match="precision"):
        CometScorer(tiny_comet.qe, precision="int8")
    with pytest.raises(ConfigError, match="device"):
        CometScorer(tiny_comet.qe, device="tpu")


# ---------------------------------------------------------------------------------------------- parity


@pytest.mark.parametrize("kind", ["reference", "qe"])
def test_scores_equal_model_predict(tiny_comet, kind):
    checkpoint = getattr(tiny_comet, kind)
    segs = segments(with_ref=True)
    ours = CometScorer(checkpoint, use_cache=False).score(segs)
    theirs = predict(checkpoint, segs, use_ref=kind == "reference")
    assert ours == pytest.approx(theirs, abs=1e-6)
    assert len(set(round(v, 6) for v in ours)) > 1  # the model does tell segments apart


def test_agrees_with_the_comet_score_cli_within_fp16_tolerance(tiny_comet, tmp_path):
    cli = Path(sys.executable).with_name("comet-score")
    if not cli.exists():
        pytest.skip("comet-score is not installed next to this Python")
    segs = segments(with_ref=True)
    files = {}
    for name in ("src", "mt", "ref"):
        files[name] = tmp_path / f"{name}.txt"
        files[name].write_text("".join(getattr(s, name) + "\n" for s in segs), encoding="utf-8")
    out = tmp_path / "out.json"
    subprocess.run(
        [str(cli), "-s", str(files["src"]), "-t", str(files["mt"]), "-r", str(files["ref"]),
         "--model", str(tiny_comet.reference), "--gpus", "0", "--quiet", "--to_json", str(out)],
        check=True, capture_output=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=300,
    )
    cli_scores = [row["COMET"] for row in json.loads(out.read_text(encoding="utf-8"))[str(files["mt"])]]
    fp32 = CometScorer(tiny_comet.reference).score(segs)
    fp16 = CometScorer(tiny_comet.reference, precision="fp16").score(segs)
    assert fp32 == pytest.approx(cli_scores, abs=FP16_TOLERANCE)
    assert fp16 == pytest.approx(cli_scores, abs=1e-3)  # same precision: only batching differs
    assert fp32 != fp16  # precision is real, hence in the cache key and the signature


def test_deterministic_and_independent_of_order_and_batching(tiny_comet):
    segs = segments()
    first = CometScorer(tiny_comet.reference, use_cache=False).score(segs)
    again = CometScorer(tiny_comet.reference, use_cache=False, batch_size=3).score(list(reversed(segs)))
    assert first == pytest.approx(list(reversed(again)), abs=1e-6)
    assert first == CometScorer(tiny_comet.reference, use_cache=False).score(segs)


# ----------------------------------------------------------------------------------------------- cache


@pytest.fixture
def count_predict(monkeypatch):
    """Counts real ``model.predict`` calls (and the samples they got) on COMET model classes."""
    from comet.models.base import CometModel

    calls: list[int] = []
    original = CometModel.predict

    def counting(self, samples, *args, **kwargs):
        calls.append(len(samples))
        return original(self, samples, *args, **kwargs)

    monkeypatch.setattr(CometModel, "predict", counting)
    return calls


def test_cache_hits_avoid_model_calls(tiny_comet, count_predict):
    segs = segments()
    first = CometScorer(tiny_comet.reference)
    values = first.score(segs)
    assert count_predict == [len(segs)]
    second = CometScorer(tiny_comet.reference)  # a later run: new scorer, same cache directory
    assert second.score(segs) == values
    assert count_predict == [len(segs)]
    assert second.stats.hits == len(segs) and second.stats.computed == 0 and second.stats.model_loads == 0
    assert all(s.cached for s in second.score_detailed(segs))


def test_a_cached_rerun_never_imports_torch_or_comet(tiny_comet, isolated_caches):
    segs = segments()
    CometScorer(tiny_comet.qe).score(segs)
    code = (
        "import sys, json\n"
        "from evalkit.metrics.comet import CometScorer, Segment\n"
        f"rows = json.loads({json.dumps(json.dumps([[s.src, s.mt, s.ref] for s in segs]))})\n"
        "segs = [Segment(*row) for row in rows]\n"
        f"s = CometScorer({str(tiny_comet.qe)!r})\n"
        "s.score(segs)\n"
        "print(s.stats.hits, s.stats.computed, 'torch' in sys.modules, 'comet' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                          env={**os.environ, "EVALKIT_CACHE_DIR": str(isolated_caches)})
    assert done.stdout.split() == [str(len(segs)), "0", "False", "False"]


def test_cache_key_covers_model_precision_and_texts_but_qe_ignores_references(tiny_comet):
    ref = CometScorer(tiny_comet.reference)
    qe = CometScorer(tiny_comet.qe)
    fp16 = CometScorer(tiny_comet.reference, precision="fp16")
    a, b = Segment("src", "mt", "ref"), Segment("src", "mt", "other ref")
    assert len({ref.cache_key(a), ref.cache_key(b), qe.cache_key(a), fp16.cache_key(a)}) == 4
    assert qe.cache_key(a) == qe.cache_key(b) == qe.cache_key(Segment("src", "mt"))
    assert ref.cache_key(Segment("src", "mt2", "ref")) != ref.cache_key(a)


def test_corrupt_cache_entry_is_detected_and_recomputed(tiny_comet, isolated_caches, count_predict):
    segs = segments()
    scorer = CometScorer(tiny_comet.reference)
    values = scorer.score(segs)
    key = scorer.cache_key(segs[4])
    with sqlite3.connect(isolated_caches / CACHE_FILE) as db:
        assert db.execute("UPDATE scores SET score = 0.99 WHERE key = ?", (key,)).rowcount == 1
    rerun = CometScorer(tiny_comet.reference)
    assert rerun.score(segs) == pytest.approx(values, abs=1e-6)
    assert rerun.stats.corrupt == 1 and rerun.stats.computed == 1
    assert count_predict == [len(segs), 1]
    healed = CometScorer(tiny_comet.reference)
    healed.score(segs)
    assert healed.stats.hits == len(segs) and healed.stats.corrupt == 0


def test_damaged_cache_file_is_moved_aside_and_rebuilt(tiny_comet, isolated_caches):
    segs = segments()[:4]
    values = CometScorer(tiny_comet.qe).score(segs)
    for leftover in isolated_caches.glob(CACHE_FILE + "-*"):
        leftover.unlink()  # drop the WAL so the damaged main file is all there is
    (isolated_caches / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    scorer = CometScorer(tiny_comet.qe)
    assert scorer.score(segs) == pytest.approx(values, abs=1e-6)
    assert any("damaged" in n for n in scorer.notices)
    assert list(isolated_caches.glob(CACHE_FILE + ".corrupt-*"))
    assert CometScorer(tiny_comet.qe).score(segs) == pytest.approx(values, abs=1e-6)


def test_unusable_cache_directory_scores_without_cache(tiny_comet, tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    scorer = CometScorer(tiny_comet.qe, cache_dir=blocker / "cache")
    assert len(scorer.score(segments()[:2])) == 2
    assert scorer.cache is not None and scorer.cache.disabled and scorer.notices


def test_concurrent_writers_share_one_cache(tmp_path):
    cache_dir = tmp_path / "shared"
    a, b = ScoreCache(cache_dir), ScoreCache(cache_dir)
    a.put_many([("k1", 0.5, False, "cpu")])
    b.put_many([("k2", 0.25, True, "cpu"), ("k1", 0.5, False, "cpu")])
    assert a.get_many(["k1", "k2", "k3"]) == {"k1": (0.5, False, "cpu"), "k2": (0.25, True, "cpu")}
    a.put_many([("nan", math.nan, False, "cpu")])  # never stored: it would poison later runs
    assert b.get_many(["nan"]) == {}


# ----------------------------------------------------------------------------------- batching, loading


def test_one_model_load_per_process_and_duplicates_scored_once(tiny_comet, monkeypatch, count_predict):
    import comet

    loads: list[str] = []
    original = comet.load_from_checkpoint
    monkeypatch.setattr(comet, "load_from_checkpoint", lambda path, **kw: loads.append(path) or original(path, **kw))
    clear_loaded_models()
    segs = segments() * 3
    first = CometScorer(tiny_comet.reference, use_cache=False)
    first.score(segs)
    CometScorer(tiny_comet.reference, use_cache=False).score(segments()[:5])
    assert len(loads) == 1
    assert first.stats.unique == len(SENTENCES) and count_predict[0] == len(SENTENCES)


def test_long_runs_predict_in_chunks_and_an_interrupted_run_keeps_its_finished_chunks(tiny_comet, monkeypatch):
    from comet.models.base import CometModel

    import evalkit.metrics.comet.scorer as scorer_module

    monkeypatch.setattr(scorer_module, "PREDICT_CHUNK", 8)
    calls: list[int] = []
    original = CometModel.predict

    def failing_third(self, samples, *args, **kwargs):
        calls.append(len(samples))
        if len(calls) == 3:
            raise KeyboardInterrupt  # the user gives up during the last chunk
        return original(self, samples, *args, **kwargs)

    monkeypatch.setattr(CometModel, "predict", failing_third)
    segs = segments()
    with pytest.raises(KeyboardInterrupt):
        CometScorer(tiny_comet.reference).score(segs)
    assert calls == [8, 8, 4]
    rerun = CometScorer(tiny_comet.reference)
    rerun.score(segs)
    assert rerun.stats.hits == 16 and rerun.stats.computed == 4 and calls[3:] == [4]


def test_scoring_prints_nothing_and_leaves_logging_alone(tiny_comet, capfd):
    import logging

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    clear_loaded_models()
    CometScorer(tiny_comet.qe, use_cache=False).score(segments()[:3])
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
    assert root.level == level and root.handlers == handlers


def test_over_long_inputs_are_flagged_cropped(tiny_comet, capfd):
    long_en = " ".join(en for en, _ in SENTENCES) * 4  # far beyond 512 tokens of the tiny vocabulary
    long_zh = "".join(zh for _, zh in SENTENCES) * 4
    scores = CometScorer(tiny_comet.qe).score_detailed([Segment(long_en, long_zh), Segment(*SENTENCES[0])])
    assert [s.cropped for s in scores] == [True, False]
    assert capfd.readouterr().err == ""  # flagged in the result, not warned about on stderr
    again = CometScorer(tiny_comet.qe)
    assert [s.cropped for s in again.score_detailed([Segment(long_en, long_zh)])] == [True]  # kept in the cache
    assert again.stats.cropped == 1


def test_signature_names_model_checkpoint_precision_device_and_versions(tiny_comet):
    scorer = CometScorer(tiny_comet.reference, precision="fp16")
    assert "device:auto" in scorer.signature
    scorer.score(segments()[:2])
    fields = dict(part.split(":", 1) for part in scorer.signature.split("|"))
    assert fields["model"] == "tiny-comet-ref"
    assert fields["ckpt"] == scorer.checkpoint_sha256[:12]
    assert fields["class"] == "regression_metric" and fields["ref"] == "yes"
    assert fields["prec"] == "fp16" and fields["device"] in ("cpu", "cuda")
    assert fields["comet"] == "2.2.7" and fields["torch"].startswith("2.")


# ------------------------------------------------------------------------------------------- routing


def test_reference_model_where_references_exist_qe_elsewhere(tiny_comet):
    metric = Comet([tiny_comet.qe, tiny_comet.reference])
    assert metric.reference_scorer.needs_reference and not metric.qe_scorer.needs_reference
    mixed = [
        Segment(*SENTENCES[0], ref="参考译文。"),
        Segment(*SENTENCES[1]),
        Segment(*SENTENCES[2], ref="参考。"),
    ]
    scores = metric.score_segments(mixed)
    assert [s.metric for s in scores] == ["comet", "comet-qe", "comet"]
    assert scores[0].value == pytest.approx(CometScorer(tiny_comet.reference).score(mixed[:1])[0], abs=1e-6)
    assert scores[1].value == pytest.approx(CometScorer(tiny_comet.qe).score(mixed[1:2])[0], abs=1e-6)
    assert set(metric.signatures) == {"comet", "comet-qe"}


def test_reference_model_alone_leaves_segments_without_reference_not_computed(tiny_comet):
    scores = Comet([tiny_comet.reference]).score_segments([Segment("a", "甲"), Segment("b", "乙", "乙")])
    assert scores[0] is None and isinstance(scores[1], SegmentScore)
    with pytest.raises(ValueError, match="needs references"):
        CometScorer(tiny_comet.reference).score([Segment("a", "甲")])


def test_qe_model_alone_scores_everything(tiny_comet):
    scores = Comet([tiny_comet.qe]).score_segments([Segment("a", "甲"), Segment("b", "乙", "乙")])
    assert [s.metric for s in scores] == ["comet-qe", "comet-qe"]


def test_statistics_rows_give_the_length_weighted_mean(tiny_comet):
    metric = Comet([tiny_comet.qe, tiny_comet.reference])
    segs = [Segment(*SENTENCES[0], ref="参考译文。"), Segment(*SENTENCES[1]), Segment(*SENTENCES[2])]
    scores = metric.score_segments(segs)
    rows = metric.statistics_rows(segs, scores, "comet-qe")
    assert rows[0] == [0.0, 0.0]
    summed = [sum(column) for column in zip(*rows)]
    assert metric.score_from_statistics(summed) == pytest.approx(aggregate(segs[1:], scores[1:]))
    assert math.isnan(metric.score_from_statistics([0.0, 0.0]))
    assert metric.signature() == metric.signatures["comet"]


def test_two_models_of_one_kind_is_a_config_error(tiny_comet):
    with pytest.raises(ConfigError, match="at most one"):
        Comet([tiny_comet.qe, tiny_comet.qe])


def test_registered_and_cheap_to_import():
    load_metrics()
    cls = METRICS.get("comet")
    assert cls is Comet and cls.needs_model and not cls.needs_reference and cls.aggregation == "mean"
    assert Comet().score_segments([Segment("a", "甲")]) == [None]  # no model given: not computed
    code = "import sys, evalkit.metrics as m; m.load_metrics(); print('torch' in sys.modules, 'comet' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split() == ["False", "False"]


# -------------------------------------------------------------------------------- segments, aggregates


def test_weighted_mean_skips_missing_values():
    assert weighted_mean([1.0, None, 0.0], [3, 100, 1]) == pytest.approx(0.75)
    assert weighted_mean([None], [1]) is None
    assert weighted_mean([], []) is None
    with pytest.raises(ValueError):
        weighted_mean([1.0], [])


def test_aggregate_weights_by_length():
    segs = [Segment("a" * 30, "甲" * 10), Segment("b" * 5, "乙" * 5), Segment("c", "丙", weight=0)]
    assert segs[0].length == 40 and segs[1].length == 10
    assert aggregate(segs, [0.5, 1.0, 99.0]) == pytest.approx((0.5 * 40 + 1.0 * 10) / 50)
    assert aggregate(segs, [SegmentScore(0.5, "comet-qe"), None, None]) == pytest.approx(0.5)


def test_segments_from_aligned_pairs_and_whole_abstracts():
    from evalkit.align import align_entry
    from evalkit.parse import parse_digest, read_source
    from tests.digest_builder import fixture_path

    issue = parse_digest(read_source(fixture_path("v1_s3.md"))).issue
    entry = next(e for e in issue.entries if e.abstract_en and e.abstract_zh)
    pairs = align_entry(entry).pairs
    found = pair_segments(entry, pairs)
    assert found and len(found) <= len(pairs)
    for index, segment in found:
        assert segment.src in entry.abstract_en and segment.mt in entry.abstract_zh
        assert pairs[index].en is not None and pairs[index].zh is not None
    refs = [f"ref {i}" for i in range(len(pairs))]
    assert [s.ref for _, s in pair_segments(entry, pairs, refs)] == [refs[i] for i, _ in found]
    whole = abstract_segment(entry, reference="参考")
    assert whole.src == entry.abstract_en.strip() and whole.ref == "参考"
