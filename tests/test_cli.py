"""The ``evalkit`` command line, through typer's CliRunner and once through the installed script.

Inputs are copied into ``tmp_path`` and the working directory is ``tmp_path``, so no configuration
file of the repository can change what a command does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evalkit import __version__
from evalkit.cli import app
from tests.conftest import FIXTURE_NAMES
from tests.digest_builder import FIXTURES, fixture_text
from tests.helpers import FOUNDATION_CHECKS, foundation_flags

runner = CliRunner()


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """A working directory holding a copy of every fixture digest in ``digests/``."""
    shutil.copytree(FIXTURES, tmp_path / "digests")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str, input: str | None = None):
    result = runner.invoke(app, list(args), input=input)
    assert "Traceback" not in result.output
    return result


def score_json(*args: str, input: str | None = None) -> tuple[int, dict]:
    result = invoke("score", *args, "--format", "json", *foundation_flags(), input=input)
    return result.exit_code, json.loads(result.stdout)


def codes(report: dict) -> list[str]:
    return sorted(f["code"] for i in report["issues"] for e in i["entries"] for f in e["findings"])


# --- formats and outputs -------------------------------------------------------------------------


def test_default_table_format(work):
    result = invoke("score", "digests/v1_s3.md")
    assert result.exit_code == 0
    assert "evalkit — translation quality" in result.stdout
    assert "v1_s3" in result.stdout
    assert "1 issue(s), 3 entries:" in result.stdout
    assert result.stderr == ""


def test_json_format(work):
    code, report = score_json("digests/v1_s3.md")
    assert code == 0
    assert report["schema"] == "evalkit.report/1"
    assert [i["path"] for i in report["issues"]] == ["digests/v1_s3.md"]
    assert codes(report) == ["truncation.follows-source", "truncation.source"]


def test_markdown_format(work):
    result = invoke("score", "digests/v1_s3.md", "-f", "markdown", *foundation_flags())
    assert result.exit_code == 0
    assert result.stdout.startswith("# evalkit report\n\n1 issue(s), 3 entries: **0 fail**, 0 warn, 3 pass.")


def test_unknown_format_is_a_usage_error(work):
    result = invoke("score", "digests/v1_s3.md", "--format", "xml")
    assert result.exit_code == 2
    assert "xml" in result.output


@pytest.mark.parametrize("fmt, start", [("json", '{\n  "schema"'), ("markdown", "# evalkit report"), ("table", "")])
def test_output_file(work, fmt, start):
    target = work / "out" / "nested" / f"report.{fmt}"
    result = invoke("score", "digests/v1_s1.md", "-f", fmt, "--output", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    written = target.read_text(encoding="utf-8")
    assert written.startswith(start)
    assert "1 issue(s), 3 entries" in written or '"entries": 3' in written
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("fmt", ["json", "markdown", "table"])
def test_output_dash_is_stdout(work, fmt):
    result = invoke("score", "digests/v1_s1.md", "-f", fmt, "-o", "-")
    assert result.exit_code == 0
    assert "3 entries" in result.stdout or '"entries": 3' in result.stdout
    assert not (work / "-").exists()


def test_output_that_cannot_be_written(work):
    (work / "taken").mkdir()
    result = invoke("score", "digests/v1_s1.md", "-f", "json", "-o", "taken")
    assert result.exit_code == 2
    assert "evalkit: error: --output taken: is a directory; give a file name" in result.stderr


def test_json_output_is_identical_across_runs(work):
    first = invoke("score", "digests", "-f", "json").stdout
    second = invoke("score", "digests", "-f", "json").stdout
    assert first == second and first


# --- inputs --------------------------------------------------------------------------------------


def test_stdin(work):
    code, report = score_json("-", input=fixture_text("v1_s2.md"))
    assert code == 0
    (issue,) = report["issues"]
    assert (issue["path"], issue["id"]) == ("-", "stdin")
    assert [e["link"] for e in issue["entries"]][0] == "https://rss.arxiv.org/abs/2402.01876"


def test_glob_typed_without_shell_expansion(work):
    code, report = score_json("digests/v1_*.md")
    assert code == 0
    assert [i["id"] for i in report["issues"]] == ["v1_s1", "v1_s2", "v1_s3"]


def test_directory_and_readme(work):
    (work / "digests" / "README.md").write_text("# About these files\n\nNothing to see.\n", encoding="utf-8")
    code, report = score_json("digests")
    assert code == 0
    assert sorted(i["id"] for i in report["issues"]) == sorted(n[:-3] for n in FIXTURE_NAMES)
    assert [s["path"] for s in report["skipped"]] == ["digests/README.md"]
    assert report["errors"] == []
    table = invoke("score", "digests")
    assert table.exit_code == 0 and "1 non-digest file(s) skipped" in table.stdout


def test_bad_input_exits_2_and_still_reports_the_rest(work):
    (work / "gbk.md").write_bytes(fixture_text("v1_s2.md").encode("gbk"))
    result = invoke("score", "digests/v1_s1.md", "gbk.md", "-f", "json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert [i["id"] for i in report["issues"]] == ["v1_s1"]
    assert report["summary"]["input_errors"] == 1
    assert result.stderr.startswith("evalkit: gbk.md:")
    assert "not valid UTF-8" in result.stderr and "iconv -f GB18030" in result.stderr
    quiet = invoke("score", "digests/v1_s1.md", "gbk.md", "-f", "json", "--quiet")
    assert quiet.exit_code == 2 and quiet.stderr == ""


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty (0 bytes)"),
        (b"\x00\x01\x02binary", "binary file"),
        ("Caf\u00e9\n".encode("latin-1"), "Latin-1"),
        (b"# README\n\nNot a digest.\n", "not a digest"),
    ],
)
def test_each_bad_input_exits_2(work, content, message):
    (work / "bad.md").write_bytes(content)
    result = invoke("score", "bad.md")
    assert result.exit_code == 2
    assert message in result.stderr


def test_nonexistent_path(work):
    result = invoke("score", "nope.md")
    assert result.exit_code == 2
    assert "evalkit: nope.md: no such file or directory" in result.stderr


def test_cut_file_exits_2_with_its_line(work):
    text = fixture_text("v1_s1.md")
    (work / "cut.md").write_text(text[: text.rindex("We release our")], encoding="utf-8")
    result = invoke("score", "cut.md", "-f", "json")
    assert result.exit_code == 2
    assert "evalkit: cut.md:51: the file ends without a newline" in result.stderr
    assert len(json.loads(result.stdout)["issues"][0]["entries"]) == 2


def test_max_file_size(work):
    result = invoke("score", "digests/v1_s1.md", "--max-file-size", "1KB")
    assert result.exit_code == 2
    assert "larger than" in result.stderr and "--max-file-size" in result.stderr
    assert invoke("score", "digests/v1_s1.md", "--max-file-size", "1MB").exit_code == 0
    bad = invoke("score", "digests/v1_s1.md", "--max-file-size", "lots")
    assert bad.exit_code == 2 and "expects a size" in bad.stderr


def test_sparse_100mb_file_is_refused(work):
    with open(work / "huge.md", "wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    result = invoke("score", "huge.md")
    assert result.exit_code == 2
    assert "huge.md: file is 100.0 MB, larger than the 20.0 MB limit" in result.stderr


# --- --disable and --severity --------------------------------------------------------------------


def test_disable(work):
    _, report = score_json("digests/v1_s3.md", "--disable", "truncation.source")
    assert codes(report) == ["truncation.follows-source"]
    assert "truncation.source" in report["config"]["disable"]
    _, report = score_json("digests/v1_s3.md", "--disable", "truncation")
    assert codes(report) == []
    _, report = score_json("digests/v1_s3.md", "--disable", "truncation.source", "--disable", "truncation.translation")
    assert codes(report) == []


def test_severity_override(work):
    code, report = score_json("digests/v1_s3.md", "--severity", "truncation.source=error")
    assert code == 0
    entry = report["issues"][0]["entries"][1]
    assert entry["status"] == "fail"
    assert {f["code"]: f["severity"] for f in entry["findings"]}["truncation.source"] == "error"
    assert report["config"]["severity"] == {"truncation.source": "error"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--disable", "truncation.sorce"], "did you mean 'truncation.source'"),
        (["--severity", "truncation.sorce=error"], "did you mean 'truncation.source'"),
        (["--severity", "truncation.source=fatal"], "unknown severity 'fatal'"),
        (["--severity", "truncation.source"], "expects CODE=LEVEL"),
    ],
)
def test_bad_configuration_exits_2(work, args, message):
    result = invoke("score", "digests/v1_s3.md", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("evalkit: error: ")
    assert message in result.stderr
    assert result.stdout == ""


# --- list, help, version -------------------------------------------------------------------------


def test_list_checks():
    result = invoke("list", "checks")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    for name in FOUNDATION_CHECKS:
        assert any(line.startswith(f"{name}: ") for line in lines), name
    for code in ("structure.duplicate-ref", "structure.bom", "truncation.source"):
        assert any(line.strip().startswith(code) for line in lines if line.startswith("    ")), code
    assert any(line.strip().startswith("structure.duplicate-ref") and " error " in line for line in lines)


def test_list_metrics():
    result = invoke("list", "metrics")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert {"bleu", "chrf", "chrf++", "ter"} <= set(names)
    assert any(line.startswith("ter") and "lower is better" in line for line in result.stdout.splitlines())


def test_list_unknown_is_a_usage_error():
    assert invoke("list", "checkz").exit_code == 2


@pytest.mark.parametrize("args", [["--help"], ["score", "--help"], ["list", "--help"]])
def test_every_command_has_help(args):
    result = invoke(*args)
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


def test_help_lists_the_commands():
    text = invoke("--help").stdout
    assert "score" in text and "list" in text


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"evalkit {__version__}\n"


# --- the installed console script ----------------------------------------------------------------


def _script() -> str:
    script = Path(sys.executable).parent / "evalkit"
    if not script.exists():
        found = shutil.which("evalkit")
        if not found:
            pytest.skip("the evalkit console script is not installed")
        return found
    return str(script)


def test_console_script(work):
    (work / "bad.md").write_bytes(b"\x00")
    proc = subprocess.run(
        [_script(), "score", "digests/v1_s3.md", "bad.md", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    report = json.loads(proc.stdout)
    assert report["summary"]["entries"] == 3 and report["summary"]["input_errors"] == 1
    assert proc.stderr == "evalkit: bad.md: binary file (contains NUL bytes), not a Markdown digest\n"
    version = subprocess.run([_script(), "--version"], capture_output=True, text=True, timeout=60)
    assert (version.returncode, version.stdout) == (0, f"evalkit {__version__}\n")


def test_python_dash_m_and_short_version_flag():
    """``python -m evalkit`` is the same command line as the script, and ``-V`` is ``--version``."""
    for argv in ([sys.executable, "-m", "evalkit", "--version"], [sys.executable, "-m", "evalkit", "-V"], [_script(), "-V"]):
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[1])
        assert (proc.returncode, proc.stdout) == (0, f"evalkit {__version__}\n"), (argv, proc.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["score", "-j", "-3"],
        ["score", "-j", "99999999999999999999"],
        ["gate", "-j", "-1"],
        ["score", "--bootstrap", "99999999999999999999"],
        ["score", "--bootstrap", "-5"],
    ],
)
def test_resource_options_are_bounded(args):
    """A negative or absurd ``--jobs``/``--bootstrap`` is a usage error naming the option, before any work."""
    from evalkit.cli import app

    result = CliRunner().invoke(app, [*args, "--no-config", "does-not-exist.md"])
    assert result.exit_code == 2, result.output
    assert ("--jobs" if "-j" in args else "--bootstrap") in result.output


def test_bootstrap_from_the_config_is_bounded():
    from evalkit.config import Config
    from evalkit.errors import ConfigError

    with pytest.raises(ConfigError, match="up to 100,000"):
        Config(bootstrap=10**9).validate()
