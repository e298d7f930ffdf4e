"""Parsing and validating the [gate] policy table."""

from __future__ import annotations

import pytest

from evalkit.config import Config, config_from_mapping
from evalkit.errors import ConfigError, UnknownNameError
from evalkit.gate.policy import GatePolicy, is_known_code, policy_from_config, policy_from_mapping, resolve_path
from evalkit.records import Severity


def test_defaults_without_any_configuration():
    policy = policy_from_config(Config())
    assert policy == GatePolicy()
    assert policy.max_failing_share == 0.0
    assert policy.missing_metric == "skip"
    assert policy.regression.baseline == 0
    assert policy.fails_on("translation.empty", Severity.ERROR)
    assert not policy.fails_on("translation.empty", Severity.WARNING)


def test_the_non_gating_categories_are_warnings_by_declaration():
    """coverage, terminology and leak do not fail by default because their codes are not errors (see the
    policy module), not because the gate has a list of them. A model judgment's codes are left out: their
    findings take the severity the model gives each span (an LLM judge's "major omission" is an error),
    and a user who asks for a judge asks for that."""
    from evalkit.checks import all_codes
    from evalkit.judges.codes import judge_codes

    judged = set(judge_codes())
    codes = {code: spec for code, spec in all_codes().items() if code not in judged}
    for category in ("coverage", "terminology", "leak"):
        assert all(spec.severity is not Severity.ERROR for code, spec in codes.items() if code.startswith(category + "."))
    assert codes["truncation.fabricated"].severity is Severity.ERROR  # and the others keep their errors


def test_full_table():
    policy = policy_from_mapping(
        {
            "missing_metric": "fail",
            "entry": {"min": {"comet": 0.7, "chrf++": 30}, "max": {"ter": 90}},
            "issue": {"max_failing_share": 0.05, "min": {"comet-qe": 0.6}, "max_findings": {"leak": 3, "numbers": {"missing": 2}}},
            "regression": {"baseline": 8, "confidence": 0.95, "samples": 500, "min_drop": {"failure_rate": 0.02, "comet": 0.01}},
        },
        source="evalkit.toml",
    )
    assert policy.fails_on("leak.translator-note", Severity.ERROR)
    assert not policy.fails_on("numbers.changed", Severity.WARNING)
    assert policy.entry.violation("comet", 0.69) == "below the minimum 0.7"
    assert policy.entry.violation("ter", 95) == "above the maximum 90"
    assert policy.entry.violation("comet", 0.7) is None
    assert policy.max_findings == {"leak": 3, "numbers.missing": 2}
    assert policy.regression.baseline == 8
    assert policy.regression.min_drop == {"failure_rate": 0.02, "comet": 0.01}
    assert policy.to_dict()["issue"]["max_failing_share"] == 0.05


def test_policy_reaches_the_gate_through_the_configuration_file(tmp_path):
    config = config_from_mapping({"gate": {"issue": {"max_failing_share": 0.1}}}, source="pyproject.toml", table="tool.evalkit")
    assert policy_from_config(config).max_failing_share == 0.1


@pytest.mark.parametrize(
    "table, message",
    [
        ({"missing_metrc": "skip"}, "evalkit.toml [gate]: unknown key 'missing_metrc'; did you mean 'missing_metric'?"),
        ({"fail_on": ["numbers"]}, "evalkit.toml [gate]: 'fail_on' is no longer a gate setting"),
        ({"missing_metric": "ignore"}, "'missing_metric' must be \"skip\" or \"fail\""),
        ({"entry": {"min": {"cmet": 0.5}}}, "evalkit.toml [gate.entry] 'min': unknown metric 'cmet'; did you mean 'comet'?"),
        ({"entry": {"min": {"comet": "high"}}}, "min 'comet' must be a number, got a string 'high'"),
        ({"entry": {"minimum": {}}}, "[gate.entry]: unknown key 'minimum'; did you mean 'min'?"),
        ({"issue": {"max_failing_share": 5}}, "'max_failing_share' must be a share between 0 and 1"),
        ({"issue": {"max_findings": {"leak": -1}}}, "'leak' must be a whole number of findings"),
        ({"issue": {"max_findings": {"lek": 1}}}, "did you mean 'leak'"),
        ({"regression": {"baseline": -1}}, "'baseline' must be a whole number of at least 0"),
        ({"regression": {"confidence": 1.0}}, "'confidence' must be at least 0.5 and below 1"),
        ({"regression": {"min_drop": {"failure-rate": 0.1}}}, "did you mean 'failure_rate'?"),
        ({"regression": {"same_channel": True}}, "did you mean 'same_series'?"),
        ({"entry": 3}, "'entry' must be a table"),
        ({"waivers": 3}, "'waivers' must be a path"),
    ],
)
def test_bad_values_name_the_file_table_and_key(table, message):
    with pytest.raises(ConfigError) as info:
        policy_from_mapping(table, source="evalkit.toml")
    assert message in str(info.value)


def test_pyproject_table_is_named_as_such():
    with pytest.raises(UnknownNameError, match=r"pyproject.toml \[tool.evalkit.gate\]: unknown key 'baselin'"):
        policy_from_mapping({"baselin": 3}, source="pyproject.toml")


def test_gate_codes_are_known_for_waivers():
    for code in ("numbers", "numbers.changed", "score.comet", "score.comet-qe", "issue.failing-share",
                 "issue.score.chrf", "issue.findings.leak", "regression.failure_rate", "regression.comet"):
        assert is_known_code(code), code
    for code in ("numbers.chnged", "score.cmet", "issue.nothing", "regression.speed", "gate"):
        assert not is_known_code(code), code


def test_relative_paths_follow_the_configuration_file():
    assert resolve_path("waivers.toml", "ci/evalkit.toml") == "ci/waivers.toml"
    assert resolve_path("waivers.toml", "evalkit.toml") == "waivers.toml"
    assert resolve_path("waivers.toml", None) == "waivers.toml"
    assert resolve_path("/abs/w.toml", "ci/evalkit.toml") == "/abs/w.toml"


def test_fingerprint_ignores_the_source():
    a = policy_from_mapping({"issue": {"max_failing_share": 0.1}}, source="a/evalkit.toml")
    b = policy_from_mapping({"issue": {"max_failing_share": 0.1}}, source="b/pyproject.toml")
    c = policy_from_mapping({"issue": {"max_failing_share": 0.2}})
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()


def test_the_documented_example_is_a_valid_policy():
    import re
    import tomllib
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "gate.md").read_text(encoding="utf-8")
    example = text.split("An example `evalkit.toml`:", 1)[1]
    block = re.search(r"```toml\n(.*?)```", example, re.S).group(1)
    config = config_from_mapping(tomllib.loads(block), source="evalkit.toml")
    policy = policy_from_config(config)
    assert policy.max_failing_share == 0.02 and policy.entry.min == {"comet": 0.7, "chrf++": 30.0}
    assert policy.regression.baseline == 8 and policy.max_findings == {"leak": 5, "numbers.added": 10}
