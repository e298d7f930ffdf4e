"""Configuration files: discovery, precedence (flags > file > defaults), validation, and the report's record."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evalkit.checks import CHECKS, load_checks
from evalkit.cli import app
from evalkit.config import Config, config_from_mapping, find_config, load_config
from evalkit.errors import ConfigError, UnknownNameError
from evalkit.records import Severity

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = next((ROOT / "examples").glob("*.md"))
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "config"
DOCS = ROOT / "docs" / "configuration.md"

runner = CliRunner()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root (``.git`` stops discovery here) holding ``digests/x.md``; the current directory."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "digests").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "digests" / "x.md")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def score(*args: str) -> tuple[int, dict | None, str]:
    """Run ``evalkit score --format json``: exit code, parsed report (None if no JSON), stderr."""
    result = runner.invoke(app, ["score", "--format", "json", *args])
    report = json.loads(result.stdout) if result.stdout.strip().startswith("{") else None
    return result.exit_code, report, result.stderr


def findings(report: dict) -> list[dict]:
    out = []
    for issue in report["issues"]:
        out += issue["findings"]
        for entry in issue["entries"]:
            out += entry["findings"]
    return out


def codes(report: dict) -> set[str]:
    return {f["code"] for f in findings(report)}


def severities(report: dict, code: str) -> set[str]:
    return {f["severity"] for f in findings(report) if f["code"] == code}


# --- the example digest has what these tests switch off or re-grade -------------------------------


def test_example_digest_has_the_findings_the_tests_rely_on(repo: Path) -> None:
    code, report, _ = score("digests/x.md")
    assert code == 0
    assert report["config"]["source"] is None
    assert severities(report, "truncation.source") == {"info"}
    assert severities(report, "truncation.translation") == {"error"}


# --- discovery --------------------------------------------------------------------------------------


def test_pyproject_in_a_parent_is_found_and_disable_removes_findings(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.evalkit]\ndisable = ["truncation.source"]\n', encoding="utf-8"
    )
    code, report, _ = score("digests/x.md")
    assert code == 0
    assert report["config"]["source"] == "pyproject.toml"
    assert report["config"]["disable"] == ["truncation.source"]
    assert "truncation.source" not in codes(report)
    assert "truncation.source" not in report["config"]["checks"]
    assert "truncation.translation" in codes(report)


def test_evalkit_toml_next_to_the_digest_changes_severity(repo: Path) -> None:
    (repo / "digests" / "evalkit.toml").write_text(
        '[severity]\n"truncation.source" = "warning"\ntruncation.translation = "info"\n', encoding="utf-8"
    )
    code, report, _ = score("digests/x.md")
    assert code == 0
    assert report["config"]["source"] == str(Path("digests") / "evalkit.toml")
    assert report["config"]["severity"] == {"truncation.source": "warning", "truncation.translation": "info"}
    assert severities(report, "truncation.source") == {"warning"}
    assert severities(report, "truncation.translation") == {"info"}


def test_evalkit_toml_wins_over_pyproject_in_the_same_directory(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.evalkit]\ndisable = ["truncation.source"]\n', encoding="utf-8")
    (repo / "evalkit.toml").write_text('disable = ["truncation.translation"]\n', encoding="utf-8")
    assert find_config(["digests/x.md"]) == "evalkit.toml"


def test_pyproject_without_the_table_is_passed_over(repo: Path) -> None:
    (repo / "digests" / "pyproject.toml").write_text('[project]\nname = "digests"\n', encoding="utf-8")
    (repo / "pyproject.toml").write_text('[tool.evalkit]\ndisable = ["truncation.source"]\n', encoding="utf-8")
    assert find_config(["digests/x.md"]) == "pyproject.toml"


def test_discovery_stops_at_the_git_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.evalkit]\ndisable = ["truncation.source"]\n', encoding="utf-8")
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "digests").mkdir()
    shutil.copy(EXAMPLE, project / "digests" / "x.md")
    monkeypatch.chdir(project)
    assert find_config(["digests/x.md"]) is None
    code, report, _ = score("digests/x.md")
    assert code == 0 and report["config"]["source"] is None
    assert "truncation.source" in codes(report)


def test_discovery_above_the_current_directory_is_relative(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "evalkit.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(repo / "digests")
    assert find_config(["x.md"]) == str(Path("..") / "evalkit.toml")
    assert find_config([str(repo / "digests" / "x.md")]) == str(repo / "evalkit.toml")


@pytest.mark.parametrize("first", ["digests", "digests/", "digests/*.md", "digests/x.md"])
def test_discovery_starts_from_a_directory_glob_or_file(repo: Path, first: str) -> None:
    (repo / "digests" / "evalkit.toml").write_text("", encoding="utf-8")
    assert find_config([first]) == str(Path("digests") / "evalkit.toml")


def test_stdin_starts_in_the_current_directory(repo: Path) -> None:
    (repo / "evalkit.toml").write_text("", encoding="utf-8")
    assert find_config(["-"]) == "evalkit.toml"


def test_same_run_gives_the_same_json(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.evalkit]\nmax_file_size = "5MB"\n', encoding="utf-8")
    first = runner.invoke(app, ["score", "-f", "json", "digests/x.md"]).stdout
    assert first == runner.invoke(app, ["score", "-f", "json", "digests/x.md"]).stdout
    assert json.loads(first)["config"]["max_file_size"] == 5 * 1024 * 1024


# --- --config and --no-config ------------------------------------------------------------------------


def test_explicit_config_overrides_discovery(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.evalkit]\ndisable = ["truncation.source"]\n', encoding="utf-8")
    (repo / "ci").mkdir()
    (repo / "ci" / "strict.toml").write_text('[severity]\n"truncation.source" = "error"\n', encoding="utf-8")
    code, report, _ = score("--config", "ci/strict.toml", "digests/x.md")
    assert code == 0
    assert report["config"]["source"] == "ci/strict.toml"
    assert report["config"]["disable"] == []
    assert severities(report, "truncation.source") == {"error"}


def test_explicit_pyproject_reads_the_tool_table(repo: Path) -> None:
    (repo / "other").mkdir()
    (repo / "other" / "pyproject.toml").write_text('[tool.evalkit]\ndisable = ["truncation"]\n', encoding="utf-8")
    code, report, _ = score("--config", "other/pyproject.toml", "digests/x.md")
    assert code == 0
    assert not {c for c in codes(report) if c.startswith("truncation.")}


def test_explicit_pyproject_without_the_table_is_an_error(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    code, _, err = score("--config", "pyproject.toml", "digests/x.md")
    assert code == 2
    assert "pyproject.toml: no [tool.evalkit] table" in err


def test_explicit_config_that_does_not_exist(repo: Path) -> None:
    code, report, err = score("--config", "missing.toml", "digests/x.md")
    assert code == 2 and report is None
    assert "missing.toml" in err and len(err.strip().splitlines()) == 1


def test_no_config_ignores_the_file(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.evalkit]\ndisable = ["truncation.source"]\n', encoding="utf-8")
    code, report, _ = score("--no-config", "digests/x.md")
    assert code == 0
    assert report["config"]["source"] is None
    assert "truncation.source" in codes(report)


def test_no_config_ignores_even_a_broken_file(repo: Path) -> None:
    (repo / "evalkit.toml").write_text("disabel = [\n", encoding="utf-8")
    assert score("--no-config", "digests/x.md")[0] == 0
    assert score("digests/x.md")[0] == 2


def test_config_and_no_config_together_is_a_usage_error(repo: Path) -> None:
    (repo / "evalkit.toml").write_text("", encoding="utf-8")
    code, _, err = score("--config", "evalkit.toml", "--no-config", "digests/x.md")
    assert code == 2
    assert "--config and --no-config" in err


# --- precedence: flags > file > defaults -------------------------------------------------------------


def test_severity_flag_beats_the_file(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.evalkit.severity]\n"truncation.source" = "warning"\n"truncation.translation" = "warning"\n',
        encoding="utf-8",
    )
    code, report, _ = score("--severity", "truncation.source=error", "digests/x.md")
    assert code == 0
    assert severities(report, "truncation.source") == {"error"}
    assert severities(report, "truncation.translation") == {"warning"}  # the file's other entries stay


def test_disable_flag_adds_to_the_file(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.evalkit]\ndisable = ["truncation.source"]\n', encoding="utf-8")
    code, report, _ = score("--disable", "truncation.translation", "digests/x.md")
    assert code == 0
    assert report["config"]["disable"] == ["truncation.source", "truncation.translation"]
    assert not {"truncation.source", "truncation.translation"} & codes(report)


def test_max_file_size_flag_beats_the_file(repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[tool.evalkit]\nmax_file_size = 100\n", encoding="utf-8")
    code, report, _ = score("digests/x.md")
    assert code == 2  # the digest is larger than 100 bytes: an input error
    assert report["config"]["max_file_size"] == 100
    assert report["errors"] and not report["issues"]
    code, report, _ = score("--max-file-size", "1MB", "digests/x.md")
    assert code == 0
    assert report["config"]["max_file_size"] == 1024 * 1024


def test_defaults_without_file_or_flags(repo: Path) -> None:
    code, report, _ = score("digests/x.md")
    assert code == 0
    assert report["config"]["max_file_size"] == Config().max_file_size
    assert report["config"]["disable"] == [] and report["config"]["severity"] == {}


# --- errors: unknown keys and wrong types -> exit 2, one line, file named ------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[tool.evalkit]\ndisabel = []\n", "unknown key 'disabel'; did you mean 'disable'?"),
        ("[tool.evalkit]\nmax-file-size = 3\n", "did you mean 'max_file_size'?"),
        ("[tool.evalkit]\nseverities = {}\n", "did you mean 'severity'"),
        ('[tool.evalkit]\ndisable = ["truncaton.source"]\n', "did you mean 'truncation.source'"),
        ('[tool.evalkit.severity]\n"truncation.sorce" = "info"\n', "did you mean 'truncation.source'"),
        ("[tool.evalkit.checks.truncation.sorce]\n", "unknown check 'truncation.sorce'; did you mean 'truncation.source'"),
        ('[tool.evalkit.checks."truncaton.source"]\n', "did you mean 'truncation.source'"),
    ],
)
def test_unknown_names_exit_2_with_did_you_mean(repo: Path, text: str, expected: str) -> None:
    (repo / "pyproject.toml").write_text(text, encoding="utf-8")
    code, report, err = score("digests/x.md")
    assert code == 2 and report is None
    assert err.startswith("evalkit: error: pyproject.toml")
    assert expected in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_key_in_evalkit_toml_names_the_file(repo: Path) -> None:
    (repo / "digests" / "evalkit.toml").write_text("[severity]\n\n[gates]\n", encoding="utf-8")
    code, _, err = score("digests/x.md")
    assert code == 2
    assert f"{Path('digests') / 'evalkit.toml'}: unknown key 'gates'; did you mean 'gate'?" in err


@pytest.mark.parametrize(
    ("text", "key", "kind"),
    [
        ('disable = "truncation.source"', "'disable'", "array of strings"),
        ("disable = [1, 2]", "'disable'", "array of strings"),
        ("severity = 3", "'severity'", "table"),
        ('severity = {"truncation.source" = 1}', "'truncation.source'", '"info", "warning" or "error"'),
        ('severity = {"truncation.source" = "fatal"}', "'truncation.source'", "unknown severity 'fatal'"),
        ("max_file_size = true", "'max_file_size'", "number of bytes"),
        ('max_file_size = "20 parsecs"', "'max_file_size'", "a size such as"),
        ("max_file_size = 0", "'max_file_size'", "positive"),
        ("references = 1", "'references'", "path"),
        ("gate = 1", "'gate'", "table"),
        ("checks = []", "'checks'", "table"),
        ('checks = {"truncation.source" = 1}', "'truncation.source'", "table"),
    ],
)
def test_wrong_types_exit_2_naming_key_and_file(repo: Path, text: str, key: str, kind: str) -> None:
    (repo / "evalkit.toml").write_text(text + "\n", encoding="utf-8")
    code, report, err = score("digests/x.md")
    assert code == 2 and report is None
    assert err.startswith("evalkit: error: evalkit.toml")
    assert key in err and kind in err
    assert len(err.strip().splitlines()) == 1


def test_tool_evalkit_must_be_a_table(repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[tool]\nevalkit = 1\n", encoding="utf-8")
    code, _, err = score("digests/x.md")
    assert code == 2 and "pyproject.toml: [tool.evalkit] must be a table" in err


def test_invalid_toml_names_the_file_and_line(repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[tool.evalkit\n", encoding="utf-8")
    code, _, err = score("digests/x.md")
    assert code == 2
    assert "pyproject.toml: invalid TOML" in err and "line 1" in err


# --- reserved keys and per-check options -------------------------------------------------------------


def test_reserved_keys_are_stored(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.evalkit]\nreferences = "refs/"\n\n[tool.evalkit.gate]\nmax_errors = 0\nmissing_metric = "fail"\n',
        encoding="utf-8",
    )
    config = load_config("pyproject.toml")
    assert config.references == "refs/"
    assert config.gate == {"max_errors": 0, "missing_metric": "fail"}
    assert config.source == "pyproject.toml"


def test_check_tables_dotted_or_quoted(repo: Path, declared_options: type) -> None:
    (repo / "a.toml").write_text("[checks.truncation.source]\nratio = 1\n", encoding="utf-8")
    (repo / "b.toml").write_text('[checks."truncation.source"]\nratio = 1\n', encoding="utf-8")
    assert load_config("a.toml").check_options == load_config("b.toml").check_options == {"truncation.source": {"ratio": 1}}


def test_an_option_of_a_check_that_declares_none_is_refused(repo: Path) -> None:
    """Accepted and then ignored would be worse than refused."""
    (repo / "evalkit.toml").write_text("[checks.truncation.source]\nx = 1\n", encoding="utf-8")
    with pytest.raises(UnknownNameError, match="'truncation.source' takes no options, got 'x'"):
        load_config("evalkit.toml")


@pytest.fixture
def declared_options(monkeypatch: pytest.MonkeyPatch) -> type:
    """Give ``truncation.source`` declared option defaults, as a future check would."""
    load_checks()
    cls = CHECKS.get("truncation.source")
    monkeypatch.setattr(cls, "options", {"min_chars": 1000, "ratio": 0.5, "strict": False}, raising=False)
    return cls


def test_options_for_merges_defaults_with_the_file(repo: Path, declared_options: type) -> None:
    (repo / "evalkit.toml").write_text('[checks."truncation.source"]\nmin_chars = 900\nratio = 1\n', encoding="utf-8")
    config = load_config("evalkit.toml")
    assert config.options_for("truncation.source") == {"min_chars": 900, "ratio": 1, "strict": False}
    assert Config().options_for("truncation.source") == {"min_chars": 1000, "ratio": 0.5, "strict": False}
    assert Config().options_for("truncation.translation") == {}
    code, report, _ = score("digests/x.md")
    assert code == 0
    assert report["config"]["options"] == {
        "terminology": {"mined_glossary": ""},
        "truncation.source": {"min_chars": 900, "ratio": 1, "strict": False},
    }


def test_options_for_does_not_leak_mutations(declared_options: type) -> None:
    Config().options_for("truncation.source")["min_chars"] = 1
    assert declared_options.options["min_chars"] == 1000


def test_unknown_option_of_a_declaring_check(repo: Path, declared_options: type) -> None:
    (repo / "pyproject.toml").write_text("[tool.evalkit.checks.truncation.source]\nmin_char = 3\n", encoding="utf-8")
    code, _, err = score("digests/x.md")
    assert code == 2
    assert 'pyproject.toml [tool.evalkit.checks."truncation.source"]' in err
    assert "unknown option of truncation.source 'min_char'; did you mean 'min_chars'?" in err


@pytest.mark.parametrize("value", ['"many"', "true", "1.5"])
def test_option_of_the_wrong_type(repo: Path, declared_options: type, value: str) -> None:
    (repo / "evalkit.toml").write_text(f'[checks."truncation.source"]\nmin_chars = {value}\n', encoding="utf-8")
    code, _, err = score("digests/x.md")
    assert code == 2
    assert "option 'min_chars' must be an integer" in err


def test_dates_are_refused_as_option_values(repo: Path) -> None:
    (repo / "evalkit.toml").write_text('[checks."truncation.source"]\nsince = 2024-01-01\n', encoding="utf-8")
    code, _, err = score("digests/x.md")
    assert code == 2 and "'since'" in err and "date" in err


def test_options_for_an_unknown_check() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'truncation.source'"):
        Config().options_for("truncation.sorce")


# --- the library API ---------------------------------------------------------------------------------


def test_with_overrides_applies_flags_on_top() -> None:
    base = Config(disable=frozenset({"structure"}), severity={"truncation.source": Severity.WARNING}, max_file_size=10, source="f")
    merged = base.with_overrides(disable=["truncation.source"], severity={"truncation.source": Severity.ERROR})
    assert merged.disable == {"structure", "truncation.source"}
    assert merged.severity == {"truncation.source": Severity.ERROR}
    assert merged.max_file_size == 10 and merged.source == "f"
    assert base.with_overrides(max_file_size=99).max_file_size == 99


def test_to_dict_records_the_source() -> None:
    assert Config().to_dict()["source"] is None
    assert Config(source="pyproject.toml").to_dict()["source"] == "pyproject.toml"


def test_config_from_mapping_without_a_file() -> None:
    with pytest.raises(ConfigError, match=r"^configuration: unknown key 'disabled'; did you mean 'disable'\?"):
        config_from_mapping({"disabled": []})


def test_size_strings() -> None:
    assert config_from_mapping({"max_file_size": "500KB"}).max_file_size == 500 * 1024
    assert config_from_mapping({"max_file_size": "2 mb"}).max_file_size == 2 * 1024**2
    assert config_from_mapping({"max_file_size": 1234}).max_file_size == 1234


# --- fixtures and documentation stay valid -----------------------------------------------------------


@pytest.mark.parametrize("name", ["pyproject.toml", "evalkit.toml"])
def test_fixture_configs_load(name: str) -> None:
    config = load_config(FIXTURES / name)
    assert config.disable == {"truncation.source", "structure.bom"}
    assert config.severity == {"truncation.translation": Severity.WARNING, "structure.line-endings": Severity.WARNING}
    assert config.max_file_size == 5 * 1024 * 1024
    assert config.references == "references/"
    assert config.gate == {"max_errors": 0}
    assert config.check_options == {"truncation.translation": {}}


def test_fixture_config_used_for_a_run(repo: Path) -> None:
    code, report, _ = score("--config", str(FIXTURES / "evalkit.toml"), "digests/x.md")
    assert code == 0
    assert report["config"]["source"] == str(FIXTURES / "evalkit.toml")
    assert "truncation.source" not in codes(report)
    assert severities(report, "truncation.translation") == {"warning"}


def test_documented_examples_are_valid() -> None:
    blocks = re.findall(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) == 5
    comet_block, judge_block, metrics_block, pyproject, standalone = (tomllib.loads(b) for b in blocks)
    comet = config_from_mapping(comet_block["tool"]["evalkit"], source="pyproject.toml", table="tool.evalkit")
    assert comet.comet.models[0] == "Unbabel/wmt22-comet-da" and comet.comet.precision == "fp32"
    assert comet.comet.qe_threshold("Unbabel/wmt22-cometkiwi-da") == 0.55
    judge = config_from_mapping(judge_block["tool"]["evalkit"], source="pyproject.toml", table="tool.evalkit").validate()
    assert judge.judge.enabled and judge.judge.scope == "flagged" and judge.judge.budget_tokens == 200000
    metrics = config_from_mapping(metrics_block["tool"]["evalkit"], source="pyproject.toml", table="tool.evalkit")
    assert metrics.sacrebleu == Config().sacrebleu  # the documented values are the defaults
    from_pyproject = config_from_mapping(pyproject["tool"]["evalkit"], source="pyproject.toml", table="tool.evalkit")
    from_standalone = config_from_mapping(standalone, source="evalkit.toml")
    assert from_pyproject.validate().to_dict() | {"source": None} == from_standalone.validate().to_dict() | {"source": None}


def test_sacrebleu_table_and_flags(tmp_path):
    from evalkit.config import SacrebleuSettings

    (tmp_path / "evalkit.toml").write_text('[metrics]\nter_normalized = false\nbleu_tokenize = "char"\n', encoding="utf-8")
    config = load_config(tmp_path / "evalkit.toml")
    assert config.sacrebleu == SacrebleuSettings(ter_normalized=False, bleu_tokenize="char")
    flagged = config.with_overrides(sacrebleu={"ter_normalized": True, "ter_no_punct": None})
    assert flagged.sacrebleu == SacrebleuSettings(bleu_tokenize="char")
    for text, message in (
        ('[metrics]\nter_normalised = true\n', "did you mean 'ter_normalized'"),
        ('[metrics]\nchrf_word_order = "2"\n', "'chrf_word_order' must be an integer"),
        ('[metrics]\nbleu_tokenize = "jieba"\n', "unknown BLEU tokenizer 'jieba'"),
    ):
        (tmp_path / "evalkit.toml").write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_config(tmp_path / "evalkit.toml")
