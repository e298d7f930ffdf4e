"""The registry of ``evalkit score`` formats (evalkit.report.formats): the CLI finds every format through it."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from evalkit.cli import app
from evalkit.errors import UnknownNameError
from evalkit.report.formats import FORMATS, formats_in_order
from tests.digest_builder import FIXTURES
from tests.helpers import foundation_flags

runner = CliRunner()
NAMES = [fmt.name for fmt in formats_in_order()]


@pytest.fixture
def work(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES, tmp_path / "digests")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_registered_formats_in_their_order():
    assert NAMES == ["table", "json", "markdown", "html"]
    assert len({fmt.position for fmt in formats_in_order()}) == len(NAMES)


def test_help_and_choice_errors_list_the_registry():
    help_text = " ".join(runner.invoke(app, ["score", "--help"], env={"COLUMNS": "200"}).stdout.split())
    assert "Output format: " + ", ".join(NAMES[:-1]) + " or " + NAMES[-1] in help_text
    result = runner.invoke(app, ["score", "x.md", "--format", "pdf"], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "is not one of " + ", ".join(NAMES) in " ".join(result.stderr.split())


@pytest.mark.parametrize("name", NAMES)
def test_every_format_writes_through_the_cli(work, name):
    out = work / f"report.{name}"
    result = runner.invoke(app, ["score", "digests/v1_s3.md", "--no-references", "-f", name, "-o", str(out), *foundation_flags()])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.strip()
    if name == "markdown":
        assert text.startswith("# evalkit report")
    if name == "json":
        assert json.loads(text)["schema"] == "evalkit.report/1"
    if name == "html":
        assert text.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("name", NAMES)
def test_every_format_writes_triples_or_says_which_do(work, name):
    (work / "t.jsonl").write_text(
        json.dumps({"src": "A cat.", "mt": "一只猫。", "ref": "一只猫。"}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["score", "--triples", "t.jsonl", "--no-config", "--bootstrap", "0", "-f", name, "-o", "out"])
    if FORMATS.get(name).renders_triples:
        assert result.exit_code == 0, result.output
        assert "t.jsonl" in (work / "out").read_text(encoding="utf-8")
    else:
        able = [n for n in NAMES if FORMATS.get(n).renders_triples]
        assert result.exit_code == 2
        assert f"use {', '.join(able[:-1])} or {able[-1]} with --triples" in " ".join(result.stderr.split())
        assert not (work / "out").exists()


def test_unknown_format_suggests_a_name():
    with pytest.raises(UnknownNameError, match="did you mean 'json'"):
        FORMATS.get("jsn")
