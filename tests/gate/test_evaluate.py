"""Applying a policy to scored issues: entry and issue verdicts, thresholds, waivers, finding limits."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest

from evalkit.config import Config
from evalkit.errors import ConfigError
from evalkit.gate.evaluate import entry_fails, evaluate, issue_scores
from evalkit.gate.facts import EntryFacts, IssueFacts
from evalkit.gate.policy import policy_from_mapping
from evalkit.gate.waivers import waivers_from_mapping
from evalkit.pipeline import score
from evalkit.records import CorpusScore, Finding, RunResult, Severity
from tests.gate.util import NAME, good_entries, with_defect, write_digest

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> RunResult:
    """One issue of five entries: refs 1 and 4 have defects the default policy fails on (untranslated, number)."""
    folder = tmp_path_factory.mktemp("evaluate")
    entries = good_entries(5)
    entries[4] = with_defect(entries[4], "untranslated")  # 2401.10005 sorts first: ref 1
    entries[1] = with_defect(entries[1], "number")  # 2401.10002: ref 4
    path = write_digest(folder, NAME, entries)
    return score([str(path)], Config(use_references=False))


@pytest.fixture(scope="module")
def downgraded(scored, tmp_path_factory) -> RunResult:
    """The same issue scored with ``[severity]`` making its two defects warnings: nothing fails on findings."""
    severity = {"numbers.changed": Severity.WARNING, "untranslated": Severity.WARNING}
    return score([scored.issues[0].issue.path], Config(use_references=False, severity=severity))


def with_scores(run: RunResult, values: dict[int, dict[str, float | None]], system: dict[str, float] | None = None) -> RunResult:
    """``run`` with entry scores set by ref (and issue-level system scores)."""
    issue = run.issues[0]
    entries = tuple(replace(e, scores=values.get(e.entry.ref, {})) for e in issue.entries)
    corpus = {m: CorpusScore(m, v, len(entries), True, "sig") for m, v in (system or {}).items()}
    return replace(run, issues=(replace(issue, entries=entries, scores=corpus),))


def test_default_policy_fails_the_defective_entries(scored):
    result = evaluate(scored, policy_from_mapping({}), today=TODAY)
    issue = result.issues[0]
    assert [e.status for e in issue.entries] == ["fail", "pass", "pass", "fail", "pass"]
    assert [r.code for r in issue.entries[0].reasons] == ["untranslated.text"]
    assert [r.code for r in issue.entries[3].reasons] == ["numbers.changed"]
    assert issue.entries[3].reasons[0].line == issue.entries[3].line + 10  # the Chinese abstract's line
    assert [r.code for r in issue.reasons] == ["issue.failing-share"]
    assert "2 of 5 entries fail (40.0%; none allowed)" in issue.reasons[0].message
    assert not result.passed


def test_failing_share_tolerance(scored):
    assert evaluate(scored, policy_from_mapping({"issue": {"max_failing_share": 0.4}}), today=TODAY).passed
    assert not evaluate(scored, policy_from_mapping({"issue": {"max_failing_share": 0.39}}), today=TODAY).passed


def test_an_entry_fails_exactly_on_its_errors_after_the_configured_severities(scored, downgraded):
    """One meaning of fail: the configuration's severities decide, in the gate as in score's statuses."""
    from evalkit.report.canonical import entry_status

    assert evaluate(downgraded, policy_from_mapping({}), today=TODAY).passed
    for run in (scored, downgraded):
        issue = evaluate(run, policy_from_mapping({}), today=TODAY).issues[0]
        assert [e.status == "fail" for e in issue.entries] == [entry_status(e.findings) == "fail" for e in run.issues[0].entries]
    only_numbers = score([scored.issues[0].issue.path], Config(use_references=False, severity={"untranslated": Severity.INFO}))
    issue = evaluate(only_numbers, policy_from_mapping({}), today=TODAY).issues[0]
    assert [e.status for e in issue.entries] == ["pass", "pass", "pass", "fail", "pass"]


@pytest.mark.parametrize("key", ["fail_on", "ignore", "fail_severity"])
def test_the_removed_keys_say_what_replaces_them(key):
    with pytest.raises(ConfigError, match=rf"'{key}' is no longer a gate setting: .*\[severity\]"):
        policy_from_mapping({key: ["numbers"]})


def test_waivers_turn_failures_into_recorded_passes(scored):
    waivers = waivers_from_mapping(
        {"waiver": [
            {"arxiv_id": "2401.10005", "code": "untranslated", "reason": "quoted on purpose", "expires": datetime.date(2026, 12, 31)},
            {"arxiv_id": "2401.10002", "code": "numbers.changed", "reason": "typo upstream", "expires": datetime.date(2026, 1, 1)},
            {"arxiv_id": "2401.99999", "code": "numbers.changed", "reason": "another paper", "expires": datetime.date(2026, 12, 31)},
        ]},
        path="w.toml",
    )
    result = evaluate(scored, policy_from_mapping({}), waivers, today=TODAY)
    issue = result.issues[0]
    assert issue.entries[0].status == "waived"
    assert issue.entries[0].reasons[0].waiver.reason == "quoted on purpose"
    # the expired waiver does not hold, and the failure says so
    assert issue.entries[3].status == "fail"
    assert "expired on 2026-01-01" in issue.entries[3].reasons[0].message
    assert issue.entries[3].reasons[0].expired_waiver is not None
    assert [w.arxiv_id for w in result.used_waivers()] == ["2401.10005"]
    assert [w.arxiv_id for w in result.unused_waivers()] == ["2401.99999"]
    assert [w.arxiv_id for w in result.expired_waivers()] == ["2401.10002"]
    assert "1 of 5 entries fail" in issue.reasons[0].message


def test_issue_waiver_covers_every_entry_and_issue_reasons(scored):
    waivers = waivers_from_mapping(
        {"waiver": [
            {"issue": NAME, "code": "untranslated", "reason": "r", "expires": datetime.date(2026, 12, 31)},
            {"issue": NAME.rsplit(".", 1)[0], "code": "issue.failing-share", "reason": "r", "expires": datetime.date(2026, 12, 31)},
        ]},
    )
    result = evaluate(scored, policy_from_mapping({}), waivers, today=TODAY)
    issue = result.issues[0]
    assert issue.entries[0].status == "waived"
    assert issue.reasons[0].waiver is not None
    assert result.passed  # the one failing entry is tolerated by the waived failing share


def test_entry_score_thresholds_and_missing_metrics(downgraded):
    clean = policy_from_mapping({})  # only the thresholds matter here: no finding is an error
    run = with_scores(downgraded, {1: {"comet": 0.5}, 2: {"comet": 0.9}, 3: {"comet": None}})
    policy = replace(clean, entry=policy_from_mapping({"entry": {"min": {"comet": 0.6}}}).entry)
    issue = evaluate(run, policy, today=TODAY).issues[0]
    assert [e.status for e in issue.entries] == ["fail", "pass", "pass", "pass", "pass"]
    assert issue.entries[0].reasons[0].code == "score.comet"
    assert "comet 0.5 is below the minimum 0.6" in issue.entries[0].reasons[0].message
    assert any("comet was not computed for 3 of 5 entries" in n for n in issue.notes)

    strict = replace(policy, missing_metric="fail")
    issue = evaluate(run, strict, today=TODAY).issues[0]
    assert [e.status for e in issue.entries] == ["fail", "pass", "fail", "fail", "fail"]
    assert "not computed" in issue.entries[2].reasons[0].message


def test_issue_score_thresholds(downgraded):
    scored = downgraded
    base = policy_from_mapping({"issue": {"min": {"chrf": 50, "comet": 0.8}}})
    run = with_scores(scored, {1: {"comet": 0.7}, 2: {"comet": 0.9}, 3: {"comet": 0.7}}, system={"chrf": 45.0})
    issue = evaluate(run, base, today=TODAY).issues[0]
    codes = sorted(r.code for r in issue.reasons)
    assert codes == ["issue.score.chrf", "issue.score.comet"]
    messages = " ".join(r.message for r in issue.reasons)
    assert "chrf 45 (system over 5 entries) is below the minimum 50" in messages
    assert "entry mean over 3 entries" in messages
    assert issue_scores(run.issues[0])["comet"].value == pytest.approx(0.7666666)
    # not computed at all: skipped with a note, or failed
    issue = evaluate(scored, base, today=TODAY).issues[0]
    assert not issue.reasons and len(issue.notes) == 2
    issue = evaluate(scored, replace(base, missing_metric="fail"), today=TODAY).issues[0]
    assert sorted(r.code for r in issue.reasons) == ["issue.score.chrf", "issue.score.comet"]


def test_max_findings_per_category(downgraded):
    policy = policy_from_mapping({"issue": {"max_findings": {"numbers": 0, "untranslated": 1}}})
    issue = evaluate(downgraded, policy, today=TODAY).issues[0]
    assert [r.code for r in issue.reasons] == ["issue.findings.numbers"]
    assert "1 numbers findings" in issue.reasons[0].message


def test_file_level_findings_fail_the_issue(downgraded):
    finding = Finding("structure.duplicate-ref", Severity.ERROR, "two entries share [^3]", line=40)
    run = replace(downgraded, issues=(replace(downgraded.issues[0], findings=(finding,)),))
    issue = evaluate(run, policy_from_mapping({}), today=TODAY).issues[0]
    assert [(r.code, r.line) for r in issue.reasons] == [("structure.duplicate-ref", 40)]
    assert not issue.passed


def test_entry_fails_on_stored_facts():
    policy = policy_from_mapping({"entry": {"min": {"chrf": 40}}})
    assert entry_fails(policy, EntryFacts(1, "2401.00001", (("translation.empty", Severity.ERROR),)))
    assert not entry_fails(policy, EntryFacts(1, "2401.00001", (("translation.empty", Severity.WARNING),)))
    assert entry_fails(policy, EntryFacts(1, "2401.00001", (), {"chrf": 39.0}))
    assert not entry_fails(policy, EntryFacts(1, "2401.00001", (), {}))  # skipped, not failed


def test_facts_keep_what_the_history_needs(scored):
    result = evaluate(scored, policy_from_mapping({}), today=TODAY)
    facts = result.issues[0].facts
    assert isinstance(facts, IssueFacts)
    assert (facts.series, facts.channel, facts.date) == ("cs.CL", "cs.CL", "2026-01-05")
    assert (facts.failing, facts.waived, facts.passed) == (2, 0, False)
    assert facts.entries[0].findings == (("untranslated.text", Severity.ERROR),)
    assert EntryFacts.from_dict(facts.entries[0].to_dict()) == facts.entries[0]
