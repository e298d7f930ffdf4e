"""evalkit.config.config_from_flags: the one place the flags of score and gate become a Config."""

from __future__ import annotations

import re
import shutil

import pytest
from typer.testing import CliRunner

from evalkit.cli import app
from evalkit.config import Config, ConfigFlags, config_from_flags, discover_config
from evalkit.errors import ConfigError
from evalkit.records import Severity
from tests.digest_builder import FIXTURES


@pytest.fixture
def work(tmp_path, monkeypatch):
    """Fixture digests under a configuration file that disables the leak checks."""
    shutil.copytree(FIXTURES, tmp_path / "digests")
    (tmp_path / ".git").mkdir()  # the configuration search stops here
    (tmp_path / "evalkit.toml").write_text('disable = ["leak"]\nmax_file_size = "1MB"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_no_flags_is_the_configuration_file(work):
    config = config_from_flags(ConfigFlags(paths=("digests/v1_s3.md",)))
    assert config == discover_config(["digests/v1_s3.md"])
    assert config.disable == frozenset({"leak"}) and config.source == "evalkit.toml"


def test_flags_apply_on_top_of_the_file(work):
    config = config_from_flags(
        ConfigFlags(
            paths=("digests/v1_s3.md",),
            disable=("numbers",),
            severity=("leak.rss=error",),
            max_file_size="2KB",
            no_align=True,
            references="refs",
            metrics=("chrf", "chrf"),
            bootstrap=0,
            comet_models=("a", "b", "a"),
            require_comet=True,
            comet_mode="abstract",
            comet_precision="fp16",
            comet_device="cpu",
            comet_batch_size=4,
            comet_cache=False,
            offline=True,
            bleu_tokenize="13a",
            chrf_word_order=0,
            ter_no_punct=True,
        )
    )
    assert config.disable == frozenset({"leak", "numbers"})
    assert config.severity == {"leak.rss": Severity.ERROR}
    assert config.max_file_size == 2048 and config.align is False
    assert config.references == "refs" and config.references_base == "cwd"
    assert config.metrics == ("chrf",) and config.bootstrap == 0
    comet = config.comet
    assert (comet.models, comet.require, comet.mode, comet.precision, comet.device) == (("a", "b"), True, "abstract", "fp16", "cpu")
    assert (comet.batch_size, comet.cache, comet.download) == (4, False, False)
    assert (config.sacrebleu.bleu_tokenize, config.sacrebleu.chrf_word_order, config.sacrebleu.ter_no_punct) == ("13a", 0, True)
    assert config.sacrebleu.ter_normalized is True  # not given: the default stands


def test_no_comet_clears_the_models_and_require(tmp_path):
    (tmp_path / "c.toml").write_text('[comet]\nmodels = ["m"]\nrequire = true\n', encoding="utf-8")
    config = config_from_flags(ConfigFlags(paths=("x.md",), config_file=str(tmp_path / "c.toml"), no_comet=True, require_comet=True))
    assert config.comet.models == () and config.comet.require is False


def test_no_config_ignores_the_file(work):
    assert config_from_flags(ConfigFlags(paths=("digests/v1_s3.md",), no_config=True)) == Config()


def test_triples_search_from_the_triples_file(work):
    (work / "data").mkdir()
    (work / "data" / "evalkit.toml").write_text('disable = ["numbers"]\n', encoding="utf-8")
    assert config_from_flags(ConfigFlags(triples="data/t.jsonl")).disable == frozenset({"numbers"})


@pytest.mark.parametrize(
    "flags, message",
    [
        (ConfigFlags(config_file="c.toml", no_config=True), "--config and --no-config cannot be used together"),
        (ConfigFlags(paths=("a.md",), triples="t.jsonl"), "give either digest paths or --triples FILE, not both"),
        (ConfigFlags(references="r", no_references=True), "--references and --no-references cannot be used together"),
        (ConfigFlags(triples="t.jsonl", references="r"), "--triples FILE holds its own references"),
        (ConfigFlags(severity=("leak",)), "--severity expects CODE=LEVEL, got 'leak'"),
        (ConfigFlags(severity=("leak=fatal",)), "unknown severity 'fatal'"),
        (ConfigFlags(max_file_size="big"), "--max-file-size expects a size"),
    ],
)
def test_contradictions_and_bad_values_are_config_errors(flags, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        config_from_flags(flags)


def test_score_and_gate_both_build_their_config_here(work, monkeypatch):
    import evalkit.config

    seen: list[tuple[ConfigFlags, Config]] = []
    real = evalkit.config.config_from_flags

    def spy(flags):  # noqa: ANN001, ANN202 - same signature
        config = real(flags)
        seen.append((flags, config))
        return config

    monkeypatch.setattr(evalkit.config, "config_from_flags", spy)
    runner = CliRunner()
    for command in ("score", "gate"):
        result = runner.invoke(app, [command, "digests/v1_s3.md", "--no-references", "--jobs", "1"])
        assert result.exit_code in (0, 1), result.output
    (score_flags, score_config), (gate_flags, gate_config) = seen
    assert score_flags.paths == gate_flags.paths == ("digests/v1_s3.md",)
    assert score_flags.no_references and gate_flags.no_references
    assert score_config == gate_config  # the same flags give the same configuration, whichever command
