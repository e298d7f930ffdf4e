"""[judge] settings, --judge* flags and the [comet] thresholds/span severities that make model findings."""

from __future__ import annotations

import pytest

from evalkit.config import (
    DEFAULT_SPAN_SEVERITY,
    OPENAI_DEFAULT_BASE_URL,
    Config,
    ConfigFlags,
    JudgeSettings,
    config_from_flags,
    config_from_mapping,
)
from evalkit.errors import ConfigError
from evalkit.records import Severity


def test_the_judge_is_off_by_default_and_leaves_the_report_config_alone():
    config = Config()
    assert not config.judge.enabled
    assert "judge" not in config.to_dict()
    assert "qe_thresholds" not in config.comet.to_dict() and "span_severity" not in config.comet.to_dict()


def test_judge_table_is_read_with_types_and_severity_overrides():
    config = config_from_mapping(
        {"judge": {"model": "qwen2.5:7b", "base_url": "http://localhost:11434/v1", "timeout": 5, "concurrency": 8,
                   "budget_tokens": 10_000, "scope": "cut", "severity": {"minor": "info"}}}
    )
    judge = config.judge
    assert judge.enabled and judge.timeout == 5.0 and judge.concurrency == 8 and judge.scope == "cut"
    assert judge.severity == {**DEFAULT_SPAN_SEVERITY, "minor": Severity.INFO}
    shown = config.to_dict()["judge"]
    assert shown["model"] == "qwen2.5:7b" and shown["temperature"] == 0 and shown["severity"]["minor"] == "info"


@pytest.mark.parametrize(
    "table, message",
    [
        ({"scope": "some"}, "unknown judge scope"),
        ({"concurrency": 0}, "concurrency must be at least 1"),
        ({"timeout": True}, "'timeout' must be"),
        ({"retries": -1}, "retries must be 0 or more"),
        ({"base_url": "localhost:8000"}, "must start with http"),
        ({"severity": {"fatal": "error"}}, "unknown level 'fatal'"),
        ({"severity": {"minor": "loud"}}, "unknown severity"),
        ({"temperature": 0.7}, "temperature"),
    ],
)
def test_bad_judge_settings_are_config_errors_naming_the_key(table, message):
    with pytest.raises(ConfigError, match=message):
        config_from_mapping({"judge": {"model": "m", **table}}, source="evalkit.toml")


def test_base_url_and_key_follow_the_openai_sdk_environment():
    settings = JudgeSettings(model="m")
    assert settings.resolved_base_url({}) == OPENAI_DEFAULT_BASE_URL
    assert settings.resolved_base_url({"OPENAI_BASE_URL": "http://h:1/v1/"}) == "http://h:1/v1"
    assert JudgeSettings(model="m", base_url="http://x/v1").resolved_base_url({"OPENAI_BASE_URL": "http://h/v1"}) == "http://x/v1"
    assert settings.api_key({"OPENAI_API_KEY": "sk-1"}) == "sk-1" and settings.api_key({"OPENAI_API_KEY": ""}) is None
    assert JudgeSettings(model="m", api_key_env="MY_KEY").api_key({"MY_KEY": "k", "OPENAI_API_KEY": "o"}) == "k"


def test_the_report_never_shows_a_key_or_credentials_in_the_url(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    shown = JudgeSettings(model="m", base_url="https://user:pw@example.org/v1").to_dict()
    assert "sk-secret" not in str(shown) and "pw" not in shown["base_url"] and shown["base_url"] == "https://example.org/v1"


def test_flags_set_and_clear_the_judge(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "evalkit.toml").write_text('[judge]\nmodel = "from-file"\nscope = "all"\n', encoding="utf-8")
    config = config_from_flags(ConfigFlags(paths=("x.md",), judge_model="flag-model", judge_scope="cut", judge_budget=99,
                                           require_judge=True, judge_base_url="http://127.0.0.1:1/v1"))
    assert (config.judge.model, config.judge.scope, config.judge.budget_tokens, config.judge.require) == ("flag-model", "cut", 99, True)
    assert config.judge.base_url == "http://127.0.0.1:1/v1"
    assert config_from_flags(ConfigFlags(paths=("x.md",))).judge.model == "from-file"
    assert not config_from_flags(ConfigFlags(paths=("x.md",), no_judge=True)).judge.enabled
    with pytest.raises(ConfigError, match="--no-judge cannot be used"):
        config_from_flags(ConfigFlags(paths=("x.md",), no_judge=True, judge_model="m"))


def test_require_judge_without_a_model_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="no model is given"):
        config_from_flags(ConfigFlags(paths=("x.md",), no_config=True, require_judge=True)).validate()


def test_comet_thresholds_and_span_severity(tmp_path):
    (tmp_path / "qe-model").mkdir()
    config = config_from_mapping(
        {"comet": {"models": ["qe-model"], "qe_thresholds": {"qe-model": 0.5, "Unbabel/wmt22-cometkiwi-da": 1},
                   "span_severity": {"minor": "info"}}},
        source=str(tmp_path / "evalkit.toml"),
    )
    located = str(tmp_path / "qe-model")  # a path in the file means next to the file, as in 'models'
    assert config.comet.qe_threshold(located) == 0.5 and config.comet.qe_threshold("Unbabel/wmt22-cometkiwi-da") == 1.0
    assert config.comet.span_severity["minor"] is Severity.INFO and config.comet.span_severity["major"] is Severity.ERROR
    shown = config.comet.to_dict()
    assert shown["qe_thresholds"][located] == 0.5 and shown["span_severity"]["minor"] == "info"
    for bad, message in (({"qe_thresholds": {"m": "high"}}, "must be a number"), ({"qe_thresholds": 0.5}, "must be a table"),
                         ({"span_severity": {"tiny": "info"}}, "unknown level")):
        with pytest.raises(ConfigError, match=message):
            config_from_mapping({"comet": bad})
