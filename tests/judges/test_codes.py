"""The codes of model judgments are known like the rules': listed, valid in disable and [severity]."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from evalkit.checks import all_codes
from evalkit.cli import app
from evalkit.config import config_from_mapping
from evalkit.errors import UnknownNameError
from evalkit.judges.codes import judge_codes
from evalkit.judges.error_spans import ERROR_SPAN_CODE
from evalkit.judges.llm import LLM_CODES
from evalkit.records import Severity


def test_every_judgment_code_is_among_all_codes():
    codes = judge_codes()
    assert ERROR_SPAN_CODE in codes and "meaning.low-qe" in codes
    assert {spec.code for spec in LLM_CODES} <= set(codes)
    assert set(codes) <= set(all_codes())
    assert all(spec.help for spec in codes.values())


@pytest.mark.parametrize("code", [ERROR_SPAN_CODE, "meaning.low-qe", "coverage.omission-llm", "terminology.llm"])
def test_configuration_accepts_judgment_codes(code):
    config = config_from_mapping({"disable": [code], "severity": {code: "info"}})
    assert code in config.disable and config.severity[code] is Severity.INFO


def test_a_misspelt_judgment_code_gets_a_did_you_mean():
    with pytest.raises(UnknownNameError, match="did you mean 'meaning.error-span'"):
        config_from_mapping({"disable": ["meaning.error-spam"]})


def test_evalkit_list_checks_shows_them_under_their_own_heading():
    result = CliRunner().invoke(app, ["list", "checks"])
    assert result.exit_code == 0
    tail = result.output.split("model judgments", 1)[1]
    for code in (ERROR_SPAN_CODE, "meaning.low-qe", "meaning.mistranslation-llm", "truncation.fabricated-llm"):
        assert code in tail
