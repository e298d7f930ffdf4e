"""An entry's judge outcome as findings: codes, severities, lines, evidence with the model."""

from __future__ import annotations

from evalkit.config import Config, JudgeSettings
from evalkit.judges.llm import JudgeOutcome, findings_for
from evalkit.judges.llm.parse import JudgedSpan
from evalkit.records import Entry, Severity

SOURCE = "We evaluate on 3 benchmarks and 2 languages."
TRANSLATION = "我们在3个基准上评估了该方法。"


def make_entry() -> Entry:
    return Entry(
        ref=4, line=20, layout="v1", english_style="S2", title_zh="标题", title_en="Title", link="https://arxiv.org/abs/2401.00001",
        link_label="https://arxiv.org/abs/2401.00001", arxiv_id="2401.00001", version=None, category=None,
        announce_type=None, summary_zh="概要", summary_en="", abstract_zh=TRANSLATION, abstract_en=SOURCE,
        abstract_en_length=len(SOURCE), source_truncated=False, lines={"abstract_zh": 25, "abstract_en": 27},
    )


def span(text, *, side="translation", category="mistranslation", severity="major", explanation="says method, not model"):
    haystack = SOURCE if side == "source" else TRANSLATION
    start = haystack.index(text)
    return JudgedSpan(category, severity, side, start, start + len(text), text, explanation)


SETTINGS = JudgeSettings(model="qwen2.5-7b")


def test_a_translation_span_becomes_a_finding_on_the_chinese_line():
    outcome = JudgeOutcome(4, "judged", (span("该方法"),))
    (finding,) = findings_for(make_entry(), outcome, SETTINGS)
    assert finding.code == "meaning.mistranslation-llm" and finding.severity is Severity.ERROR
    assert finding.line == 25 and finding.ref == 4
    assert finding.message == 'LLM judge (major mistranslation): "该方法" — says method, not model'
    ev = finding.evidence
    assert (ev.field, ev.translation, ev.translation_span, ev.source_span) == ("abstract_zh", "该方法", (11, 14), None)
    assert ev.model == "qwen2.5-7b · mqm-zh-1"


def test_an_omission_points_into_the_english_on_its_line():
    outcome = JudgeOutcome(4, "judged", (span("and 2 languages", side="source", category="omission", severity="minor"),))
    (finding,) = findings_for(make_entry(), outcome, SETTINGS)
    assert finding.code == "coverage.omission-llm" and finding.severity is Severity.WARNING
    assert finding.line == 27
    ev = finding.evidence
    assert (ev.field, ev.source, ev.source_span, ev.translation_span) == ("abstract_en", "and 2 languages", (28, 43), None)
    assert "minor omission" in finding.message


def test_severity_follows_the_judge_mapping_and_the_config_overrides():
    settings = JudgeSettings(model="m", severity={"critical": Severity.ERROR, "major": Severity.WARNING, "minor": Severity.INFO})
    outcome = JudgeOutcome(4, "cached", (span("该方法"), span("3个基准", category="number", severity="critical")))
    found = findings_for(make_entry(), outcome, settings)
    assert [(f.code, f.severity) for f in found] == [("meaning.mistranslation-llm", Severity.WARNING), ("numbers.llm", Severity.ERROR)]
    config = Config(disable=frozenset({"numbers"}), severity={"meaning": Severity.INFO})
    final = config.finalise_findings(found)
    assert [(f.code, f.severity) for f in final] == [("meaning.mistranslation-llm", Severity.INFO)]


def test_a_span_that_does_not_match_the_entry_is_left_out():
    stale = JudgedSpan("mistranslation", "major", "translation", 0, 3, "别的字", "")
    assert findings_for(make_entry(), JudgeOutcome(4, "judged", (stale,)), SETTINGS) == []


def test_failed_outcomes_give_no_findings():
    assert findings_for(make_entry(), JudgeOutcome(4, "failed", reason="malformed JSON"), SETTINGS) == []


def test_long_quotes_are_clipped_in_the_message_only():
    long = TRANSLATION[:-1]
    (finding,) = findings_for(make_entry(), JudgeOutcome(4, "judged", (span(long, explanation=""),)), JudgeSettings(model="m"))
    assert finding.evidence.translation == long
    assert finding.message.endswith('"') and "—" not in finding.message
