"""``meaning.error-span``: a model-judged code, declared as a pseudo-check so configuration knows it."""

from __future__ import annotations

import pytest

from evalkit.checks import CHECKS, all_codes, load_checks
from evalkit.checks.base import ModelJudgment, declare_model_codes
from evalkit.config import config_from_mapping
from evalkit.errors import UnknownNameError
from evalkit.records import Severity
from evalkit.registry import Registry
from tests.digest_builder import build_digest, make_entry


def test_the_code_is_declared_with_its_help():
    codes = all_codes()
    assert codes["meaning.error-span"].severity is Severity.WARNING
    assert "span_severity" in codes["meaning.error-span"].help
    check = CHECKS.get("meaning.error-span")
    assert issubclass(check, ModelJudgment) and check.needs_model and check.__doc__


def test_configuration_accepts_the_code_in_disable_and_severity():
    config = config_from_mapping({"disable": ["meaning.error-span"], "severity": {"meaning.error-span": "info"}})
    assert "meaning.error-span" in config.disable and config.severity["meaning.error-span"] is Severity.INFO
    with pytest.raises(UnknownNameError, match="did you mean 'meaning.error-span'"):
        config_from_mapping({"disable": ["meaning.error-spam"]})


def test_the_pseudo_check_finds_nothing_itself(tmp_path):
    from evalkit.parse import parse_digest, read_source

    load_checks()
    path = tmp_path / "digest.md"
    path.write_text(build_digest([make_entry(1)]), encoding="utf-8")
    issue = parse_digest(read_source(str(path))).issue
    check = CHECKS.get("meaning.error-span")()
    assert list(check.check_issue(issue)) == [] and list(check.check_entry(issue.entries[0], issue)) == []


def test_declaring_codes_registers_one_pseudo_check_per_category(monkeypatch: pytest.MonkeyPatch):
    import evalkit.checks.base as base

    registry: Registry = Registry("check")
    monkeypatch.setattr(base, "CHECKS", registry)
    monkeypatch.setattr(base, "register_check", registry.register)
    rows = [
        ("meaning.mistranslation", Severity.ERROR, "the meaning is wrong"),
        ("fluency.grammar", Severity.WARNING, "ungrammatical"),
        ("meaning.omission", Severity.ERROR, "something is left out"),
    ]
    made = declare_model_codes("llm-judge", "What the LLM judge finds.", rows)
    assert registry.names() == ["fluency.llm-judge", "meaning.llm-judge"]
    assert [spec.code for spec in registry.get("meaning.llm-judge").codes] == ["meaning.mistranslation", "meaning.omission"]
    assert registry.get("fluency.llm-judge").__doc__ == "What the LLM judge finds."
    assert declare_model_codes("llm-judge", "What the LLM judge finds.", rows) == made  # declaring again is harmless
