"""The shape of the command line: one module per command, help for every command listing every option, and
a start that imports none of the heavy libraries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from evalkit.cli import app

runner = CliRunner()


def _commands(group, prefix=()):  # noqa: ANN001, ANN202 - click objects
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


COMMANDS = list(_commands(typer.main.get_command(app)))


def test_the_commands():
    assert [" ".join(path) for path, _ in COMMANDS] == [
        "calibrate", "compare", "export", "gate", "glossary", "glossary import", "glossary mine", "list", "refs", "refs check", "refs import", "refs list", "render", "report", "score",
    ]


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_each_command_lives_in_its_own_module(path, command):
    if path in {("refs",), ("glossary",)}:
        return  # a group: its commands are checked (evalkit.cli.refs holds them all)
    assert command.callback.__module__ == f"evalkit.cli.{path[0]}"


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_help_lists_every_visible_option(path, command):
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "250"})
    assert result.exit_code == 0 and "Usage:" in result.stdout
    for param in command.params:
        if getattr(param, "hidden", False) or param.param_type_name != "option":
            continue
        for name in param.opts + param.secondary_opts:
            assert name in result.stdout, (path, name)


def test_help_imports_no_heavy_library():
    root = str(Path(__file__).resolve().parents[2])  # this checkout, before any installed evalkit
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "evalkit", "--help"], capture_output=True, text=True, timeout=300, env=env
    )
    assert proc.returncode == 0 and "Usage:" in proc.stdout
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}
    assert "evalkit" in imported  # the import log was read
    assert not imported & {"pandas", "torch", "sacrebleu", "comet", "pyarrow", "datasets", "numpy"}
