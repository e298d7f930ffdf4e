"""Error spans in model scores become findings, for any model metric (the stage knows no model by name).

The metric here is defined in the test and needs no weights: it marks every "模型" and "方法" of a
segment's translation as an error span ("模型" major, "方法" minor), so every finding can be
recomputed. Spaces between the Chinese sentences make the aligned pairs start after whitespace, so
the offsets of the segments in the abstract are exercised too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import pytest

from evalkit.config import Config, config_from_mapping
from evalkit.metrics import METRICS, load_metrics
from evalkit.metrics.base import ModelMetric
from evalkit.metrics.model_stage import ERROR_SPAN_CODE, span_code
from evalkit.metrics.segments import ErrorSpan, Segment, SegmentScore
from evalkit.pipeline import score
from evalkit.records import Severity
from evalkit.report.canonical import build_report, dumps_report
from tests.digest_builder import build_digest, make_entry

NAME = "span-marker"
MARKED = {"模型": "major", "方法": "minor"}
ZH = "大型语言模型可以翻译科学摘要。  我们提出了一种新的句子对齐方法。 该模型在三个基准上取得了最先进的结果。"
EN = (
    "Large language models can translate scientific abstracts. We propose a new method for sentence "
    "alignment. The model achieves state-of-the-art results on three benchmarks."
)


@dataclass(frozen=True)
class MarkerSettings:
    enabled: bool = True
    require: bool = False
    mode: str = "pairs"
    category: str | None = None
    span_severity: Mapping[str, Severity] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"models": ["marker-v1"], "mode": self.mode, "require": self.require}


class SpanMarker(ModelMetric):
    """A fake word-level model metric: a fixed score, and every "模型"/"方法" marked as an error span."""

    name = NAME
    needs_reference = False
    score_keys = (NAME,)
    settings: MarkerSettings = MarkerSettings()

    def __init__(self, settings: MarkerSettings) -> None:
        self.my_settings = settings

    @classmethod
    def settings_from(cls, config: Config) -> MarkerSettings:
        return cls.settings

    @classmethod
    def from_settings(cls, settings: MarkerSettings) -> "SpanMarker":
        return cls(settings)

    def score_segments(self, segments: Sequence[Segment]) -> list[SegmentScore | None]:
        out = []
        for seg in segments:
            spans = tuple(
                ErrorSpan(m.group(), m.start(), m.end(), MARKED[m.group()], 0.5, self.my_settings.category)
                for m in re.finditer("|".join(MARKED), seg.mt)
            )
            out.append(SegmentScore(0.5, NAME, error_spans=spans))
        return out

    @property
    def span_severity(self) -> Mapping[str, Severity]:
        given = self.my_settings.span_severity
        return given if given is not None else super().span_severity

    @property
    def signatures(self) -> dict[str, str]:
        return {NAME: "model:marker-v1"}

    @property
    def models(self) -> dict[str, str]:
        return {NAME: "marker-v1"}


@pytest.fixture
def marker(monkeypatch: pytest.MonkeyPatch):
    load_metrics()
    monkeypatch.setitem(METRICS._items, NAME, SpanMarker)

    def configure(**settings: Any) -> None:
        monkeypatch.setattr(SpanMarker, "settings", MarkerSettings(**settings))

    return configure


@pytest.fixture
def digest(tmp_path: Path) -> str:
    path = tmp_path / "20260101T000000Z_00000000_cs.CL.md"
    path.write_text(build_digest([make_entry(1, abstract_zh=ZH, abstract_en=EN), make_entry(2)]), encoding="utf-8")
    return str(path)


def span_findings(run) -> list:  # noqa: ANN001 - a RunResult
    return [(er, f) for issue in run.issues for er in issue.entries for f in er.findings if f.code == ERROR_SPAN_CODE]


def expected_spans(text: str) -> list[tuple[int, int, str]]:
    return sorted((m.start(), m.end(), m.group()) for m in re.finditer("|".join(MARKED), text))


@pytest.mark.parametrize("align", [True, False])
def test_every_span_is_a_finding_at_its_exact_characters_in_the_abstract(marker, digest, align):
    marker()
    run = score([digest], Config(use_references=False, bootstrap=0, align=align))
    found = span_findings(run)
    for er in run.issues[0].entries:
        entry = er.entry
        mine = [f for e, f in found if e is er]
        spans = sorted((*f.evidence.translation_span, f.evidence.translation) for f in mine)
        assert spans == expected_spans(entry.abstract_zh)  # every mark, once, at its place
        for f in mine:
            start, end = f.evidence.translation_span
            assert entry.abstract_zh[start:end] == f.evidence.translation
            assert f.line == entry.line_of("abstract_zh") and f.ref == entry.ref
            assert f.evidence.field == "abstract_zh" and f.evidence.model == "marker-v1"
            assert f.evidence.source and f.evidence.source in entry.abstract_en
            s0, s1 = f.evidence.source_span
            assert entry.abstract_en[s0:s1] == f.evidence.source
            expected = Severity.ERROR if MARKED[f.evidence.translation] == "major" else Severity.WARNING
            assert f.severity == expected
            assert "marker-v1" in f.message and f.evidence.translation in f.message
    assert {f.evidence.translation for _, f in found} == set(MARKED)
    if align:  # the pair's English, not the whole abstract
        (first,) = [f for er, f in found if er.entry.abstract_zh == ZH and f.evidence.translation == "方法"]
        assert first.evidence.source == "We propose a new method for sentence alignment."


def test_findings_are_merged_sorted_with_the_checks_findings(marker, digest):
    marker()
    run = score([digest], Config(use_references=False, bootstrap=0))
    for er in run.issues[0].entries:
        keys = [(f.line or 0, f.code, f.message) for f in er.findings]
        assert keys == sorted(keys)


def test_the_metric_s_span_severities_apply(marker, digest):
    marker(span_severity={"major": Severity.INFO, "minor": Severity.ERROR, "critical": Severity.ERROR})
    run = score([digest], Config(use_references=False, bootstrap=0))
    by_text = {f.evidence.translation: f.severity for _, f in span_findings(run)}
    assert by_text == {"模型": Severity.INFO, "方法": Severity.ERROR}


def test_a_severity_the_mapping_lacks_gets_the_code_s_declared_one(marker, digest):
    marker(span_severity={})
    run = score([digest], Config(use_references=False, bootstrap=0))
    assert {f.severity for _, f in span_findings(run)} == {Severity.WARNING}


def test_disable_and_severity_overrides_apply_to_the_findings(marker, digest):
    marker()
    assert span_findings(score([digest], Config(use_references=False, bootstrap=0)))
    off = config_from_mapping({"disable": [ERROR_SPAN_CODE]})
    run = score([digest], Config(use_references=False, bootstrap=0, disable=off.disable))
    assert span_findings(run) == [] and run.model_run(NAME).status == "computed"
    quiet = config_from_mapping({"severity": {ERROR_SPAN_CODE: "info"}})
    run = score([digest], Config(use_references=False, bootstrap=0, severity=quiet.severity))
    assert {f.severity for _, f in span_findings(run)} == {Severity.INFO}
    by_category = config_from_mapping({"disable": ["meaning"]})
    assert span_findings(score([digest], Config(use_references=False, bootstrap=0, disable=by_category.disable))) == []


def test_a_category_the_model_names_picks_the_code_only_where_evalkit_declares_it(marker, digest):
    assert span_code(None) == ERROR_SPAN_CODE
    assert span_code("meaning") == ERROR_SPAN_CODE
    assert span_code("fluency") == ERROR_SPAN_CODE  # no fluency.error-span code: meaning, as for XCOMET
    marker(category="accuracy")
    run = score([digest], Config(use_references=False, bootstrap=0))
    assert span_findings(run)


def test_the_json_report_carries_the_findings_with_their_model(marker, digest):
    marker()
    config = Config(use_references=False, bootstrap=0)
    report = json.loads(dumps_report(build_report(score([digest], config), config)))
    spans = [f for e in report["issues"][0]["entries"] for f in e["findings"] if f["code"] == ERROR_SPAN_CODE]
    assert spans and all(f["evidence"]["model"] == "marker-v1" for f in spans)
    assert all(f["evidence"]["field"] == "abstract_zh" and len(f["evidence"]["translation_span"]) == 2 for f in spans)


def test_score_issues_without_a_config_still_adds_the_findings(marker, digest):
    from evalkit.metrics.bootstrap import BootstrapSettings
    from evalkit.metrics.model_stage import prepare_model_metrics, score_issues

    config = Config(use_references=False, bootstrap=0)
    marker(enabled=False)
    base = score([digest], config)
    assert not span_findings(base)
    marker()
    prepared = [p for p in prepare_model_metrics(config) if p.name == NAME]
    scored, runs = score_issues(base.issues, prepared, None, BootstrapSettings(samples=0))
    assert runs[0].status == "computed"
    assert sum(1 for er in scored[0].entries for f in er.findings if f.code == ERROR_SPAN_CODE) == len(
        expected_spans(ZH)
    ) + len(expected_spans(make_entry(2).abstract_zh))


def test_segment_offsets_skip_the_whitespace_a_pair_or_an_abstract_starts_with(digest):
    from dataclasses import replace

    from evalkit.metrics.model_stage import span_findings as findings_of
    from evalkit.metrics.segments import abstract_segment, pair_segments
    from evalkit.records import Pair

    run = score([digest], Config(use_references=False, bootstrap=0))
    er = next(e for e in run.issues[0].entries if e.entry.abstract_zh == ZH)
    metric = SpanMarker(MarkerSettings())
    # A pair as an aligner may cut it: starting on the two spaces after the first sentence's 。
    after_first = ZH.index("。") + 1
    en = (EN.index("We propose"), EN.index("alignment.") + len("alignment."))
    pair = Pair("1-1", (en[0] - 1, en[1]), (after_first, ZH.index("方法。") + 3), 1.0, 1.0)
    ((_, seg),) = pair_segments(er.entry, [pair])
    assert seg.mt.startswith("我们") and seg.mt_offset == after_first + 2 and seg.src_offset == en[0]
    (finding,) = findings_of(er, seg, metric.score_segments([seg])[0], metric)
    assert ZH[slice(*finding.evidence.translation_span)] == "方法" == finding.evidence.translation
    assert finding.evidence.source_span == en

    padded = replace(er, entry=replace(er.entry, abstract_zh="  " + ZH))
    whole = abstract_segment(padded.entry)
    assert whole.mt == ZH and whole.mt_offset == 2
    found = findings_of(padded, whole, metric.score_segments([whole])[0], metric)
    assert sorted(f.evidence.translation_span for f in found) == [(s + 2, e + 2) for s, e, _ in expected_spans(ZH)]
