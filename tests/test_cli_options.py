"""Option handling of the command line: bounds, output choices checked before work, progress, help text.

Inputs are fixture digests copied into ``tmp_path``, which is also the working directory, so no
configuration file of the repository changes what a command does.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evalkit import __version__
from evalkit.cli import app
from tests.digest_builder import FIXTURES
from tests.helpers import foundation_flags

runner = CliRunner()

#: A file name that is not a digest: scoring it would be an input error, so a run that stops at
#: option checking is told apart from one that scored the inputs.
NOT_SCORED = "evalkit: digests"


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """A working directory holding a copy of every fixture digest in ``digests/``."""
    shutil.copytree(FIXTURES, tmp_path / "digests")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def invoke(*args: str, env: dict[str, str] | None = None):
    result = runner.invoke(app, list(args), env=env)
    assert "Traceback" not in result.output
    return result


def plain(text: str) -> str:
    """Help or error text with the panels' box drawing and line breaks folded to single spaces."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def scoring_spy(monkeypatch) -> list[object]:
    """Record every call of the scoring pipeline (it still runs), to tell whether work started."""
    import evalkit.pipeline

    calls: list[object] = []
    real = evalkit.pipeline.score

    def spy(paths, config=None, jobs=1, **kwargs):  # noqa: ANN001, ANN003 - same signature as score
        calls.append(paths)
        return real(paths, config, jobs, **kwargs)

    monkeypatch.setattr(evalkit.pipeline, "score", spy)
    return calls


# --- 9: bounds of the regression samples in the configuration -----------------------------------------------------------


def test_regression_samples_in_the_configuration_are_bounded(work):
    (work / "evalkit.toml").write_text("[gate.regression]\nsamples = 100000000000\n", encoding="utf-8")
    result = invoke("gate", "digests/v1_s3.md", "--jobs", "1")
    assert result.exit_code == 2
    assert "'samples'" in result.stderr and "100000" in result.stderr


# --- 15: output choices are checked before any work ------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "html", "-o", "site.html"],
        ["--format", "html", "-o", "site.HTM"],
        ["--format", "html"],
        ["--format", "html", "-o", "-"],
    ],
)
def test_html_of_several_inputs_into_one_page_is_refused_before_scoring(work, monkeypatch, args):
    calls = scoring_spy(monkeypatch)
    result = invoke("score", "digests", *args)
    assert result.exit_code == 2
    message = plain(result.stderr)
    assert "--issue" not in message  # score has no --issue
    assert "--output DIR" in message and "evalkit report" in message
    assert calls == []
    assert not (work / "site.html").exists()


def test_html_of_several_inputs_into_a_directory_writes_a_site(work):
    result = invoke("score", "digests", "--format", "html", "-o", "site", *foundation_flags())
    assert result.exit_code == 0, result.output
    assert (work / "site" / "index.html").is_file()


def test_html_of_one_input_into_a_file_works(work):
    result = invoke("score", "digests/v1_s3.md", "--format", "html", "-o", "page.html", *foundation_flags())
    assert result.exit_code == 0, result.output
    assert (work / "page.html").is_file()


@pytest.mark.parametrize("format", ["json", "markdown", "table"])
def test_a_file_format_into_an_existing_directory_is_refused_before_scoring(work, monkeypatch, format):
    (work / "out").mkdir()
    calls = scoring_spy(monkeypatch)
    result = invoke("score", "digests/v1_s3.md", "--format", format, "-o", "out")
    assert result.exit_code == 2
    assert "out" in result.stderr and "directory" in result.stderr
    assert calls == []


def test_output_below_a_regular_file_is_refused_before_scoring(work, monkeypatch):
    (work / "plain").write_text("x", encoding="utf-8")
    calls = scoring_spy(monkeypatch)
    result = invoke("score", "digests/v1_s3.md", "--format", "json", "-o", "plain/report.json")
    assert result.exit_code == 2
    assert "plain" in result.stderr and "not a directory" in result.stderr
    assert calls == []


def test_output_into_a_new_directory_is_created(work):
    result = invoke("score", "digests/v1_s3.md", "--format", "json", "-o", "new/deeper/report.json", *foundation_flags())
    assert result.exit_code == 0, result.output
    assert json.loads((work / "new/deeper/report.json").read_text(encoding="utf-8"))["issues"]


@pytest.mark.parametrize(
    "args, words",
    [
        (["--junit", "same.xml", "--sarif", "same.xml"], ["same.xml", "--junit", "--sarif"]),
        (["--report", "out"], ["out", "directory"]),
        (["--html", "plain"], ["plain", "not a directory"]),
        (["--summary", "plain/summary.md"], ["plain", "not a directory"]),
    ],
)
def test_gate_outputs_are_checked_before_scoring(work, monkeypatch, args, words):
    (work / "out").mkdir()
    (work / "plain").write_text("x", encoding="utf-8")
    calls = scoring_spy(monkeypatch)
    result = invoke("gate", "digests/v1_s3.md", "--jobs", "1", *args)
    assert result.exit_code == 2
    for word in words:
        assert word in result.stderr
    assert calls == []


# --- 16: progress on stderr -----------------------------------------------------------------------


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize(
    "flag, tty, environ, expected",
    [
        (None, True, {}, True),
        (None, False, {}, False),
        (None, True, {"CI": "true"}, False),
        (None, True, {"GITHUB_ACTIONS": "true"}, False),
        (True, False, {"CI": "true"}, True),
        (False, True, {}, False),
    ],
)
def test_progress_shows_on_a_terminal_outside_ci_unless_asked(flag, tty, environ, expected):
    from evalkit.cli import want_progress

    assert want_progress(flag, _Stream(tty), environ) is expected


def test_forced_progress_draws_on_stderr_and_leaves_the_report_alone(work):
    args = ["score", "digests", "--format", "json", "-j", "2", *foundation_flags()]
    quiet = invoke(*args, "--no-progress")
    shown = invoke(*args, "--progress")
    assert quiet.exit_code == shown.exit_code == 0
    assert shown.stdout == quiet.stdout  # the report is the same byte for byte
    count = len(list((work / "digests").iterdir()))
    assert f"{count}/{count}" in shown.stderr
    assert quiet.stderr == ""


def test_no_progress_when_stderr_is_not_a_terminal(work):
    result = invoke("score", "digests", "--format", "json", *foundation_flags())
    assert result.exit_code == 0
    assert result.stderr == ""


def test_gate_draws_progress_when_asked(work):
    result = invoke("gate", "digests", "--jobs", "1", "--no-github", "--progress")
    count = len(list((work / "digests").iterdir()))
    assert f"{count}/{count}" in result.stderr


def test_progress_on_a_real_terminal(work):
    """stderr on a pseudo-terminal (no CI variables): the bar is drawn there, stdout stays the report."""
    pty = pytest.importorskip("pty")
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    # stdout goes to a file, not a pipe: a report larger than a pipe's buffer would block the child
    # while this test is still reading the terminal.
    with open(work / "report.json", "wb") as report:
        proc = subprocess.Popen(
            [sys.executable, "-m", "evalkit", "score", "digests", "--format", "json", *foundation_flags()],
            stdout=report,
            stderr=terminal,
            env=env,
        )
        os.close(terminal)
        drawn = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
        proc.wait(timeout=120)
    os.close(controller)
    assert proc.returncode == 0
    assert json.loads((work / "report.json").read_text(encoding="utf-8"))["issues"]
    count = len(list((work / "digests").iterdir()))
    assert f"{count}/{count}".encode() in drawn


# --- 17: entry points, version, completion, help ----------------------------------------------------


def test_shell_completion_script_is_offered():
    """``--show-completion SHELL`` prints a script that completes evalkit's commands and options."""
    # Without a shell among its ancestors (a test run started in the background, some CI runners) typer's
    # shell detection finds none; this typer switch makes the option take the shell named here instead.
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]), _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    proc = subprocess.run(
        [sys.executable, "-m", "evalkit", "--show-completion", "bash"], capture_output=True, text=True, timeout=60, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert "complete " in proc.stdout and "_COMPLETE" in proc.stdout


HELP_COMMANDS = [[], ["score"], ["gate"], ["render"], ["report"], ["export"], ["list"], ["refs"],
                 ["refs", "import"], ["refs", "list"], ["refs", "check"], ["calibrate"]]


@pytest.mark.parametrize("command", HELP_COMMANDS, ids=lambda c: " ".join(c) or "evalkit")
def test_help_names_values_not_python_types(command):
    text = invoke(*command, "--help", env={"COLUMNS": "80"}).stdout
    assert "Usage:" in text
    assert not re.search(r"<(bool|str|int|list\[[^]]*\])>", text), text


def test_format_choices_are_whole_at_80_columns():
    text = invoke("score", "--help", env={"COLUMNS": "80"}).stdout
    assert "table, json, markdown or html" in plain(text)
    assert "htm l" not in plain(text) and not re.search(r"\bhtm\s*│?\s*$", text, re.M)
    assert max(len(line) for line in text.splitlines()) <= 80


@pytest.mark.parametrize(
    "args, expected",
    [
        (["score", "x.md", "--format", "jsn"], "'--format' / '-f': 'jsn' is not one of table, json, markdown, html"),
        (["score", "x.md", "--comet-device", "gpu"], "'--comet-device': 'gpu' is not one of cpu, cuda"),
        (["render", "r.json", "--format", "pdf"], "'--format' / '-f': 'pdf' is not one of html, markdown"),
        (["list", "checkz"], "'checkz' is not one of checks, metrics"),
    ],
)
def test_choice_errors_are_plain(args, expected):
    result = invoke(*args)
    assert result.exit_code == 2
    message = plain(result.stderr)
    assert expected in message
    assert "Value error" not in message
