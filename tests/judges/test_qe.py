"""``meaning.low-qe``: QE scores under the configured threshold become findings on the pair's spans."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evalkit.config import CometSettings, Config, load_config
from evalkit.errors import UnknownNameError
from evalkit.judges.qe import LOW_QE, apply_qe_thresholds, threshold_for, untranslated_reason
from evalkit.pipeline import check_issue
from evalkit.records import Evidence, Finding, IssueResult, ModelMetricRun, Severity
from tests.checks.util import parse
from tests.digest_builder import build_digest, make_entry

MODEL = "Unbabel/wmt22-cometkiwi-da"
PAIRS_RUN = ModelMetricRun(metric="comet", status="computed", mode="pairs", models={"comet-qe": MODEL})


def config(threshold: float | None = 0.55, **kwargs) -> Config:
    thresholds = {MODEL: threshold} if threshold is not None else {}
    return Config(comet=CometSettings(models=(MODEL,), qe_thresholds=thresholds), use_references=False, **kwargs)


def aligned(**changes: str) -> IssueResult:
    """One entry parsed and aligned (no checks), its three sentence pairs unscored."""
    issue = parse(build_digest([make_entry(1, **changes)]))
    result, crashes = check_issue(issue, [], Config())
    assert not crashes and len(result.entries[0].pairs) == 3
    return result


def with_pair_scores(result: IssueResult, values: list[float | None], findings: tuple[Finding, ...] = ()) -> IssueResult:
    er = result.entries[0]
    scores = tuple({"comet-qe": v} if v is not None else {} for v in values)
    return replace(result, entries=(replace(er, pair_scores=scores, findings=findings),))


def low_qe(result: IssueResult) -> list[Finding]:
    return [f for er in result.entries for f in er.findings if f.code == LOW_QE]


def test_pairs_under_the_threshold_become_findings_on_their_spans():
    result = with_pair_scores(aligned(), [0.31, 0.9, 0.55])
    (finding,) = low_qe(apply_qe_thresholds([result], [PAIRS_RUN], config())[0])
    er = result.entries[0]
    pair = er.pairs[0]
    assert finding.severity is Severity.WARNING
    assert finding.message == f"[^1]: QE 0.31 is under the threshold 0.55 ({MODEL})"
    assert finding.line == er.entry.line_of("abstract_zh") and finding.ref == 1
    ev = finding.evidence
    assert ev.field == "abstract_zh" and ev.model == MODEL
    assert ev.translation_span == pair.zh and ev.source_span == pair.en
    assert ev.translation == er.entry.abstract_zh[pair.zh[0] : pair.zh[1]]
    assert ev.source == er.entry.abstract_en[pair.en[0] : pair.en[1]]


def test_a_score_equal_to_the_threshold_passes_and_unscored_pairs_are_left_alone():
    result = with_pair_scores(aligned(), [0.55, None, 0.56])
    assert low_qe(apply_qe_thresholds([result], [PAIRS_RUN], config())[0]) == []


def test_no_threshold_for_the_model_or_no_qe_model_gives_nothing():
    result = with_pair_scores(aligned(), [0.01, 0.01, 0.01])
    assert low_qe(apply_qe_thresholds([result], [PAIRS_RUN], config(None))[0]) == []
    reference_only = replace(PAIRS_RUN, models={"comet": "Unbabel/wmt22-comet-da"})
    assert low_qe(apply_qe_thresholds([result], [reference_only], config())[0]) == []
    other = Config(comet=CometSettings(qe_thresholds={"other/model": 0.9}))
    assert low_qe(apply_qe_thresholds([result], [PAIRS_RUN], other)[0]) == []


def test_a_copy_of_the_english_counts_as_bad_whatever_its_score():
    base = make_entry(1)
    first_en = "Machine translation for low-resource languages is limited by the scarcity of parallel data."
    result = aligned(abstract_zh=base.abstract_zh.replace("低资源语言的机器翻译长期受限于平行语料不足。", first_en + "。"))
    findings = low_qe(apply_qe_thresholds([with_pair_scores(result, [0.99, 0.99, 0.99])], [PAIRS_RUN], config())[0])
    (finding,) = findings
    assert "a copy of the English" in finding.message and "whatever its QE (0.99; threshold 0.55" in finding.message
    assert finding.evidence.translation.startswith("Machine translation")


def test_untranslated_reason():
    assert untranslated_reason("We propose X.", "We propose  x。") == "is a copy of the English"
    assert untranslated_reason("We propose X.", "We suggest a method.") == "has no Chinese"
    assert untranslated_reason("We propose X.", "我们提出X。") is None
    assert untranslated_reason("$x^2$ = 4.", "$x^2$ = 4。") is None  # no words: may rightly stay as it is


def test_an_untranslated_pair_already_reported_by_a_rule_is_not_reported_again():
    result = aligned()
    zh = result.entries[0].pairs[1].zh
    rule = Finding("untranslated.text", Severity.ERROR, "rule", 5, 1, Evidence(field="abstract_zh", translation_span=(zh[0] + 2, zh[1])))
    reason = "evalkit.judges.qe.untranslated_reason"
    with pytest.MonkeyPatch.context() as mp:  # every pair counts as untranslated: only the rule's span decides
        mp.setattr(reason, lambda s, t: "has no Chinese")
        judged = apply_qe_thresholds([with_pair_scores(result, [0.9, 0.9, 0.9], (rule,))], [PAIRS_RUN], config())[0]
    spans = [f.evidence.translation_span for f in low_qe(judged)]
    assert spans == [result.entries[0].pairs[0].zh, result.entries[0].pairs[2].zh]
    assert [f.code for f in judged.entries[0].findings].count("untranslated.text") == 1


def test_disable_and_severity_overrides_hold():
    result = with_pair_scores(aligned(), [0.1, 0.1, 0.9])
    assert low_qe(apply_qe_thresholds([result], [PAIRS_RUN], config(disable=frozenset({LOW_QE})))[0]) == []
    assert low_qe(apply_qe_thresholds([result], [PAIRS_RUN], config(disable=frozenset({"meaning"})))[0]) == []
    raised = apply_qe_thresholds([result], [PAIRS_RUN], config(severity={LOW_QE: Severity.ERROR}))[0]
    assert [f.severity for f in low_qe(raised)] == [Severity.ERROR, Severity.ERROR]


def test_abstract_mode_compares_the_entry_score_and_covers_the_whole_abstract():
    result = aligned()
    er = replace(result.entries[0], scores={"comet-qe": 0.2}, pair_scores=())
    run = replace(PAIRS_RUN, mode="abstract")
    (finding,) = low_qe(apply_qe_thresholds([replace(result, entries=(er,))], [run], config())[0])
    assert finding.evidence.translation_span == (0, len(er.entry.abstract_zh))
    assert finding.evidence.source_span == (0, len(er.entry.abstract_en))
    passing = replace(er, scores={"comet-qe": 0.7})
    assert low_qe(apply_qe_thresholds([replace(result, entries=(passing,))], [run], config())[0]) == []


def test_a_local_checkpoint_is_matched_by_its_path_or_its_directory_name(tmp_path):
    ckpt = tmp_path / "my-qe" / "checkpoints" / "model.ckpt"
    ckpt.parent.mkdir(parents=True)
    ckpt.write_bytes(b"")
    assert threshold_for(CometSettings(qe_thresholds={str(ckpt): 0.4}), "my-qe") == (0.4, str(ckpt))
    assert threshold_for(CometSettings(qe_thresholds={str(tmp_path / "my-qe"): 0.3}), "my-qe")[0] == 0.3
    assert threshold_for(CometSettings(qe_thresholds={"my-qe": 0.2}), "my-qe") == (0.2, "my-qe")
    assert threshold_for(CometSettings(qe_thresholds={"x": 0.2}), "my-qe") is None


def test_the_code_is_known_to_the_configuration_and_to_evalkit_list(tmp_path):
    from typer.testing import CliRunner

    from evalkit.checks import all_codes
    from evalkit.cli import app

    assert all_codes()[LOW_QE].severity is Severity.WARNING
    path = tmp_path / "evalkit.toml"
    path.write_text(f'disable = ["{LOW_QE}"]\n[severity]\n"{LOW_QE}" = "error"\n', encoding="utf-8")
    assert LOW_QE in load_config(str(path)).disable
    path.write_text('disable = ["meaning.low-qee"]\n', encoding="utf-8")
    with pytest.raises(UnknownNameError, match="did you mean 'meaning.low-qe'"):
        load_config(str(path))
    listed = CliRunner().invoke(app, ["list", "checks"]).stdout
    assert any(line.strip().startswith(LOW_QE) and " warning " in line for line in listed.splitlines())
