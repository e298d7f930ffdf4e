"""``--max-file-size``: exact boundaries, odd values and clear messages, for files and standard input."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalkit.config import parse_size
from evalkit.errors import ConfigError
from tests.digest_builder import build_digest, make_entry
from tests.hardening.util import run_evalkit


@pytest.fixture
def digest(tmp_path) -> Path:
    (tmp_path / ".git").mkdir()
    path = tmp_path / "d.md"
    path.write_text(build_digest([make_entry(1)]), encoding="utf-8")
    return path


def test_a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_refused(digest):
    size = digest.stat().st_size
    ok = run_evalkit(["score", "d.md", "--no-align", "--max-file-size", str(size), "-q"], digest.parent)
    assert ok.returncode == 0, ok.stderr
    refused = run_evalkit(["score", "d.md", "--no-align", "--max-file-size", str(size - 1)], digest.parent)
    assert refused.returncode == 2
    line = refused.stderr.strip().splitlines()[-1]
    assert line.startswith("evalkit: d.md: file is ") and "larger than the" in line and "--max-file-size" in line


def test_standard_input_over_the_limit_is_refused_with_the_same_advice(digest):
    import subprocess

    from tests.hardening.util import EVALKIT, env

    data = digest.read_bytes()
    proc = subprocess.run([EVALKIT, "score", "-", "--no-align", "--max-file-size", "100"], input=data, cwd=digest.parent,
                          env=env(), capture_output=True, timeout=120)
    assert proc.returncode == 2
    assert b"standard input is larger than the 100 bytes limit (--max-file-size)" in proc.stderr


@pytest.mark.parametrize("value", ["0", "-5", "lots", "1e6", "20 MB per file", "MB", ""])
def test_nonsense_sizes_are_usage_errors_that_say_what_is_expected(digest, value, monkeypatch):
    from typer.testing import CliRunner

    from evalkit.cli import app

    monkeypatch.chdir(digest.parent)
    result = CliRunner().invoke(app, ["score", "d.md", "--no-align", "--max-file-size", value])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--max-file-size" in result.stderr or "max_file_size" in result.stderr


@pytest.mark.parametrize("text, size", [("5000000", 5_000_000), ("500KB", 500 * 1024), ("1.5MB", int(1.5 * 1024**2)),
                                        ("1GiB", 1024**3), ("20 mb", 20 * 1024**2), ("99999999999GB", 99999999999 * 1024**3)])
def test_sizes_are_read_in_binary_units(text, size):
    assert parse_size(text) == size


def test_parse_size_errors_are_config_errors():
    with pytest.raises(ConfigError, match="expects a size"):
        parse_size("ten megabytes")
