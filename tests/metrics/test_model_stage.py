"""The model-metric stage takes any registered ModelMetric: a second one plugs in with no pipeline or report edits.

The metric here is defined in the test and needs no weights: its "model" is a deterministic function of
the segment (the Chinese length over the English length), so every value can be recomputed and checked.
It is registered only for the test that uses it (the ``fake_metric`` fixture).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import pytest

from evalkit.config import Config
from evalkit.errors import ModelUnavailableError
from evalkit.metrics import METRICS, load_metrics
from evalkit.metrics.base import Metric, ModelMetric, ReferenceMetric
from evalkit.metrics.segments import Segment, SegmentScore, weighted_mean
from evalkit.pipeline import score, score_triples
from evalkit.report.canonical import build_report, dumps_report
from evalkit.report.triples import build_triples_report
from tests.digest_builder import build_digest, make_entry

NAME = "length-ratio"


@dataclass(frozen=True)
class RatioSettings:
    """The fake metric's settings; a real metric would read them from the configuration."""

    enabled: bool = True
    require: bool = False
    mode: str = "pairs"
    model: str = "ratio-v1"
    missing: bool = False  # from_settings raises ModelUnavailableError, as an absent checkpoint would

    def to_dict(self) -> dict[str, Any]:
        return {"models": [self.model], "mode": self.mode, "require": self.require}


class LengthRatio(ModelMetric):
    """A fake model metric: len(mt) / len(src) per segment, scored in one call per run."""

    name = NAME
    needs_reference = False
    score_keys = (NAME,)
    settings: RatioSettings = RatioSettings()  # what settings_from returns; each test sets its own
    calls: list[int] = []

    def __init__(self, model: str) -> None:
        self.model = model

    @classmethod
    def settings_from(cls, config: Config) -> RatioSettings:
        return cls.settings

    @classmethod
    def from_settings(cls, settings: RatioSettings) -> "LengthRatio":
        if settings.missing:
            raise ModelUnavailableError(f"model {settings.model!r} is not here")
        return cls(settings.model)

    def score_segments(self, segments: Sequence[Segment]) -> list[SegmentScore | None]:
        type(self).calls.append(len(segments))
        return [SegmentScore(len(s.mt) / len(s.src), NAME) for s in segments]

    @property
    def signatures(self) -> dict[str, str]:
        return {NAME: f"model:{self.model}|v:1"}

    @property
    def models(self) -> dict[str, str]:
        return {NAME: self.model}


@pytest.fixture
def fake_metric(monkeypatch: pytest.MonkeyPatch):
    """Register LengthRatio for one test (the registry is restored afterwards)."""
    load_metrics()
    monkeypatch.setitem(METRICS._items, NAME, LengthRatio)
    monkeypatch.setattr(LengthRatio, "calls", [])

    def configure(**settings: Any) -> type[LengthRatio]:
        monkeypatch.setattr(LengthRatio, "settings", RatioSettings(**settings))
        return LengthRatio

    return configure


@pytest.fixture
def two_issues(tmp_path: Path) -> list[str]:
    paths = []
    for k in range(2):
        path = tmp_path / f"2026010{k + 1}T000000Z_0000000{k}_cs.CL.md"
        path.write_text(build_digest([make_entry(2 * k + 1), make_entry(2 * k + 2)]), encoding="utf-8")
        paths.append(str(path))
    return paths


def expected_entry_value(er) -> float | None:
    segments = [
        Segment(er.entry.abstract_en[p.en[0] : p.en[1]].strip(), er.entry.abstract_zh[p.zh[0] : p.zh[1]].strip())
        for p in er.pairs
        if p.en and p.zh
    ]
    return weighted_mean([len(s.mt) / len(s.src) for s in segments], [s.length for s in segments])


def test_a_second_model_metric_goes_through_the_stage_and_into_the_report(fake_metric, two_issues):
    fake_metric()
    config = Config(use_references=False, bootstrap=100)
    run = score(two_issues, config)

    info = run.model_run(NAME)
    assert info is not None and info.status == "computed" and info.models == {NAME: "ratio-v1"}
    assert run.comet is None  # COMET was not asked for: the stage ran only the fake metric
    # One call for all segments of both issues (the stage batches across issues).
    assert LengthRatio.calls == [info.segments] and info.segments > 4
    for issue in run.issues:
        for er in issue.entries:
            assert er.scores[NAME] == pytest.approx(expected_entry_value(er))
            assert all(NAME in s for p, s in zip(er.pairs, er.pair_scores) if p.en and p.zh)
        system = issue.scores[NAME]
        assert system.n == len(issue.entries) and system.signature == "model:ratio-v1|v:1"
        assert system.ci is not None and system.ci[0] <= system.value <= system.ci[1]

    report = json.loads(dumps_report(build_report(run, config)))
    section = report["config"][NAME]
    # The metric's settings, then what the stage did (the same layout as COMET's section).
    assert list(section) == ["models", "mode", "require", "status", "reason", "resolved", "segments", "cropped"]
    assert section["status"] == "computed" and section["reason"] is None and section["mode"] == "pairs"
    assert section["resolved"] == {NAME: "ratio-v1"} and section["segments"] == info.segments
    assert report["config"]["comet"]["status"] == "off"
    assert report["config"]["metrics"][NAME] == {"higher_is_better": True, "signature": "model:ratio-v1|v:1"}
    assert report["issues"][0]["summary"]["scores"][NAME]["signature"] == "model:ratio-v1|v:1"


def test_without_alignment_the_stage_scores_whole_abstracts(fake_metric, two_issues):
    fake_metric()
    run = score(two_issues, Config(use_references=False, align=False, bootstrap=0))
    info = run.model_run(NAME)
    assert info.mode == "abstract" and info.segments == 4  # one segment per entry
    er = run.issues[0].entries[0]
    assert er.scores[NAME] == pytest.approx(len(er.entry.abstract_zh.strip()) / len(er.entry.abstract_en.strip()))


def test_an_unavailable_model_is_not_computed_and_the_rest_of_the_run_goes_on(fake_metric, two_issues):
    fake_metric(missing=True)
    config = Config(use_references=False, bootstrap=0)
    run = score(two_issues, config)
    info = run.model_run(NAME)
    assert info.status == "not computed" and info.reason == "model 'ratio-v1' is not here"
    assert len(run.issues) == 2 and not any(NAME in er.scores for i in run.issues for er in i.entries)
    report = build_report(run, config)
    assert report["config"][NAME]["status"] == "not computed"
    assert NAME not in report["config"]["metrics"]


def test_a_required_unavailable_model_fails_before_any_input_is_read(fake_metric, tmp_path):
    fake_metric(missing=True, require=True)
    # The input does not exist: had it been read first, the run would have reported it as an input error.
    with pytest.raises(ModelUnavailableError, match="is not here"):
        score([str(tmp_path / "missing.md")], Config(use_references=False))


def test_a_metric_the_configuration_leaves_off_is_reported_off(fake_metric, two_issues):
    fake_metric(enabled=False)
    config = Config(use_references=False, bootstrap=0)
    run = score(two_issues, config)
    assert run.model_metrics == () and LengthRatio.calls == []
    assert build_report(run, config)["config"][NAME] == {"models": ["ratio-v1"], "mode": "pairs", "require": False, "status": "off"}


def test_triples_rows_get_the_second_model_metric_too(fake_metric, tmp_path):
    fake_metric()
    rows = [{"src": "We prove a lower bound.", "mt": "我们证明了一个下界。", "ref": "我们证明了下界。"},
            {"src": "Code is available.", "mt": "代码已公开。", "ref": "代码公开可用。"}]  # fmt: skip
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    config = Config(bootstrap=0)
    result = score_triples(str(path), config)
    values = [len(r["mt"]) / len(r["src"]) for r in rows]
    assert [s[NAME] for s in result.segment_scores] == pytest.approx(values)
    assert "bleu" in result.segment_scores[0]
    assert result.scores[NAME].value == pytest.approx(sum(values) / 2)
    report = build_triples_report(result, config)
    assert report["config"][NAME]["status"] == "computed" and report["config"][NAME]["mode"] == "rows"
    assert report["config"]["metrics"][NAME]["signature"] == "model:ratio-v1|v:1"


def test_metric_families_have_only_the_methods_they_implement():
    """A model metric is no reference metric: it has no sentence/corpus/statistics stubs to raise."""
    from evalkit.metrics.comet import Comet

    load_metrics()
    assert issubclass(Comet, ModelMetric) and not issubclass(Comet, ReferenceMetric)
    for name in ("corpus_score", "sentence_score", "segment_statistics"):
        assert not hasattr(Comet, name) and not hasattr(LengthRatio, name)
    for cls in METRICS:
        assert issubclass(cls, ModelMetric) == cls.needs_model and issubclass(cls, Metric)
        assert not getattr(cls, "__abstractmethods__", None), f"{cls.name} leaves methods unimplemented"
