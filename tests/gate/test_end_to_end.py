"""The gate end to end in a temporary git repository, as the example workflow runs it.

A repository of digests on ``main``; a pull-request branch adds one. The changed digests are listed with
the workflow's own shell step (``git diff --name-only -z`` against the base), then gated: a good digest
passes, injected defects fail with annotations on their lines, waivers (valid and expired) do what they
say, the history catches a regression but not noise, and two runs recording at once both land.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evalkit.cli import app
from evalkit.gate.history import History
from tests.gate.test_outputs import parse_command
from tests.gate.util import dated_name, good_entries, with_defect, write_digest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "examples" / "github-workflow-gate.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
runner = CliRunner()


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a fixed identity and an empty global configuration of its own."""
    empty = repo.parent / "gitconfig"
    empty.touch()
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": str(empty), "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A digest repository: five good issues of cs.CL on main, a README, and a branch 'pr' checked out."""
    root = tmp_path / "digests-repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for day in range(1, 6):
        write_digest(root / "digests", dated_name(day), good_entries(10, start=10 * day))
    (root / "README.md").write_text("# Daily digests\n", encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "five issues")
    git(root, "checkout", "-q", "-b", "pr")
    monkeypatch.chdir(root)
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_SHA"):
        monkeypatch.delenv(name, raising=False)
    return root


def commit_new_digest(repo: Path, entries, day: int = 6) -> str:
    """Add a digest (and touch the README) on the branch; return the digest's repository-relative path."""
    path = write_digest(repo / "digests", dated_name(day), entries)
    (repo / "README.md").write_text("# Daily digests\n\nNow with one more.\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "new issue")
    return str(path.relative_to(repo))


def workflow_step(name: str) -> str:
    """The ``run`` script of a step of the example workflow."""
    yaml = pytest.importorskip("yaml")
    steps = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["gate"]["steps"]
    return next(s["run"] for s in steps if s.get("name") == name)


def list_changed(repo: Path) -> list[str]:
    """Run the workflow's "List the changed digests" step as on a pull request against main."""
    out = repo / "github-output"
    env = {**os.environ, "EVENT": "pull_request", "PR_BASE": git(repo, "rev-parse", "main"), "PUSH_BEFORE": "",
           "DIGESTS": "*.md", "GITHUB_OUTPUT": str(out)}
    subprocess.run(["bash", "-e", "-c", workflow_step("List the changed digests")], cwd=repo, env=env, check=True,
                   capture_output=True)
    listed = (repo / "reports" / "changed-digests.lst").read_bytes().decode("utf-8").split("\0")
    assert out.read_text().strip() == f"count={len([p for p in listed if p])}"
    return [p for p in listed if p]


def gate(*args: str, env: dict[str, str] | None = None):
    result = runner.invoke(app, ["gate", "--jobs", "1", *args], env=env)
    assert "Traceback" not in result.output, result.output
    return result


def annotations_of(stdout: str) -> list[tuple[str, dict[str, str], str]]:
    return [parse_command(line) for line in stdout.splitlines() if line.startswith("::")]


# --- pass, fail, waivers ---------------------------------------------------------------------------


def test_a_good_new_digest_passes(repo):
    path = commit_new_digest(repo, good_entries(8, start=60))
    assert list_changed(repo) == ["README.md", path]  # the README is listed, and skipped below
    result = gate("--paths-from", "reports/changed-digests.lst", "--skip-non-digests", "--report", "reports/gate.json")
    assert result.exit_code == 0, result.output
    assert f"PASS {path}: 0 of 8 entries fail" in result.stdout
    report = json.loads((repo / "reports" / "gate.json").read_text(encoding="utf-8"))
    assert report["verdict"] == "pass" and [s["path"] for s in report["skipped"]] == ["README.md"]


def defective_digest() -> tuple[list, dict[str, tuple[int, str]]]:
    """Eight entries, three with defects; the expected (line, code) of each failing paper.

    Entries sort by link, descending: 2401.10067 is ref 1 (its [^1] line is 4 + 8 + 3 + 1 = 16, its
    Chinese abstract 10 lines further down), 2401.10065 ref 3, 2401.10062 ref 6.
    """
    entries = good_entries(8, start=60)
    entries[7] = with_defect(entries[7], "untranslated")  # 2401.10067
    entries[5] = with_defect(entries[5], "empty")  # 2401.10065
    entries[2] = with_defect(entries[2], "number")  # 2401.10062
    first = 4 + 8 + 3 + 1
    expected = {
        "2401.10067": (first + 10, "untranslated.text"),
        "2401.10065": (first + 2 * 14 + 10, "translation.empty"),
        "2401.10062": (first + 5 * 14 + 10, "numbers.changed"),
    }
    return entries, expected


def test_injected_defects_fail_with_annotations_on_their_lines(repo, tmp_path):
    entries, expected = defective_digest()
    path = commit_new_digest(repo, entries)
    list_changed(repo)
    summary = tmp_path / "step-summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = gate("--paths-from", "reports/changed-digests.lst", "--skip-non-digests", "--junit", "reports/junit.xml", env=env)
    assert result.exit_code == 1, result.output
    found = annotations_of(result.stdout)
    errors = [(props["file"], int(props["line"]), message) for name, props, message in found if name == "error"]
    assert errors[0][:2] == (path, 1) and "3 of 8 entries fail" in errors[0][2]  # the issue first
    located = {(line, message.split(": ")[2]) for _, line, message in errors[1:]}
    assert located == {(line, code) for line, code in expected.values()}
    assert all(file == path for file, _, _ in errors)
    # the step summary names every failing paper and its code
    text = summary.read_text(encoding="utf-8")
    assert "evalkit gate failed" in text
    for arxiv_id, (line, code) in expected.items():
        assert f"[{arxiv_id}](https://arxiv.org/abs/{arxiv_id})" in text and code in text and f"| {line} |" in text


WAIVERS = """\
[[waiver]]
arxiv_id = "2401.10067"
code = "untranslated"
reason = "The English sentence is a quoted dataset description."
expires = {expires}

[[waiver]]
arxiv_id = "2401.10065"
code = "translation.empty"
reason = "Regenerated in the next issue."
expires = 2099-12-31

[[waiver]]
arxiv_id = "2401.10062"
code = "numbers.changed"
reason = "The paper's own abstract disagrees with its PDF."
expires = 2099-12-31

[[waiver]]
arxiv_id = "2401.99999"
code = "numbers.changed"
reason = "A paper of another issue."
expires = 2099-12-31
"""


def test_a_waiver_lets_it_pass(repo):
    entries, _ = defective_digest()
    commit_new_digest(repo, entries)
    (repo / "evalkit-waivers.toml").write_text(WAIVERS.format(expires="2099-12-31"), encoding="utf-8")
    list_changed(repo)
    result = gate("--paths-from", "reports/changed-digests.lst", "--skip-non-digests", env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 0, result.output
    assert "0 failing, 3 waived" in result.stdout
    notices = [(props, message) for name, props, message in annotations_of(result.stdout) if name == "notice"]
    assert sum("waived until 2099-12-31" in m for _, m in notices) == 3
    unused = [p for p, m in notices if "matched nothing" in m]
    assert unused == [{"file": "evalkit-waivers.toml", "line": "19", "title": "evalkit: unused waiver"}]


def test_an_expired_waiver_fails(repo):
    entries, expected = defective_digest()
    commit_new_digest(repo, entries)
    list_changed(repo)
    (repo / "evalkit-waivers.toml").write_text(WAIVERS.format(expires="2020-01-31"), encoding="utf-8")
    result = gate("--paths-from", "reports/changed-digests.lst", "--skip-non-digests", "--report", "reports/gate.json",
                  env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1, result.output
    errors = [m for name, _, m in annotations_of(result.stdout) if name == "error"]
    assert any("untranslated.text" in m and "evalkit-waivers.toml:1 expired on 2020-01-31" in m for m in errors)
    warnings = [(p, m) for name, p, m in annotations_of(result.stdout) if name == "warning"]
    assert [(p["file"], p["line"]) for p, _ in warnings] == [("evalkit-waivers.toml", "1")]
    report = json.loads((repo / "reports" / "gate.json").read_text(encoding="utf-8"))
    assert [w["arxiv_id"] for w in report["waivers"]["expired"]] == ["2401.10067"]
    assert report["summary"]["failing_entries"] == 1 and report["summary"]["waived_entries"] == 2


# --- history and regressions -----------------------------------------------------------------------

TOLERANT = "[gate.issue]\nmax_failing_share = 1.0  # only the regression test can fail an issue here\n"


def record_history(repo: Path) -> None:
    """Record the five issues of main, with 0 or 1 failing entry each, as the default branch's job would."""
    for day in range(1, 6):
        entries = good_entries(10, start=10 * day)
        if day % 2:
            entries[0] = with_defect(entries[0], "cut")
        write_digest(repo / "digests", dated_name(day), entries)
    result = gate(*(f"digests/{dated_name(day)}" for day in range(1, 6)), "--record")
    assert result.exit_code == 0, result.output
    assert "history: recorded 5 issue(s) in reports/history.sqlite" in result.stdout


def test_a_regression_against_history_fails_and_noise_does_not(repo):
    (repo / "evalkit.toml").write_text(TOLERANT, encoding="utf-8")
    record_history(repo)

    noisy = good_entries(10, start=60)
    noisy[3] = with_defect(noisy[3], "number")
    write_digest(repo / "digests", dated_name(6), noisy)
    result = gate(f"digests/{dated_name(6)}", "--baseline", "5", "--report", "reports/noise.json")
    assert result.exit_code == 0, result.output
    assert "regression vs 5 issue(s) of cs.CL: failure_rate 10.0% vs 6.0%" in result.stdout
    assert "no significant drop" in result.stdout

    bad = good_entries(10, start=60)
    for k in range(6):
        bad[k] = with_defect(bad[k], ("cut", "number", "empty")[k % 3])
    write_digest(repo / "digests", dated_name(6), bad)
    summary = repo / "reports" / "summary.md"
    result = gate(f"digests/{dated_name(6)}", "--baseline", "5", "--report", "reports/bad.json", "--summary", str(summary))
    assert result.exit_code == 1, result.output
    assert "regression.failure_rate: failure rate 60.0% against 6.0% over the last 5 issue(s) of cs.CL" in result.stdout
    report = json.loads((repo / "reports" / "bad.json").read_text(encoding="utf-8"))
    (issue,) = report["issues"]
    assert [r["code"] for r in issue["reasons"]] == ["regression.failure_rate"]
    rate = issue["regression"]["figures"][0]
    assert rate["status"] == "regression" and rate["baseline_n"] == 50 and rate["bound"] > 0.01
    assert issue["regression"]["baseline"] == [dated_name(d)[:-3] for d in (5, 4, 3, 2, 1)]
    assert "| failure\\_rate | 60.0% (10) | 6.0% (50) |" in summary.read_text(encoding="utf-8")
    # the history is read, not written, without --record
    assert History("reports/history.sqlite").count() == 5


def test_without_history_the_comparison_says_so(repo):
    result = gate(f"digests/{dated_name(1)}", "--baseline", "3")
    assert result.exit_code == 0, result.output
    assert "no history at reports/history.sqlite yet" in result.stdout
    assert "regression: no earlier issue of cs.CL in the history" in result.stdout


def evalkit_script() -> str:
    script = Path(sys.executable).parent / "evalkit"
    if not script.exists():
        pytest.skip("the evalkit console script is not installed")
    return str(script)


def test_two_gate_runs_recording_at_once_lose_nothing(repo):
    script = evalkit_script()
    write_digest(repo / "digests", dated_name(7), good_entries(6, start=70))
    runs = [
        subprocess.Popen([script, "gate", f"digests/{dated_name(d)}", "--record", "--jobs", "1", "-q"], cwd=repo,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for d in (1, 7)
    ]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, out + err
        assert "recorded 1 issue(s)" in out
    assert sorted(i.path for i in History("reports/history.sqlite").rows()) == [f"digests/{dated_name(d)}" for d in (1, 7)]


# --- the shipped integration -----------------------------------------------------------------------


def test_the_example_workflow_gates_a_pull_request(repo):
    """The workflow's two shell steps, run with bash as the runner would, on a defective pull request."""
    script = evalkit_script()
    entries, expected = defective_digest()
    path = commit_new_digest(repo, entries)
    list_changed(repo)
    summary = repo / "step-summary.md"
    env = {**os.environ, "PATH": f"{Path(script).parent}{os.pathsep}{os.environ['PATH']}", "BASELINE": "8", "RECORD": "",
           "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(repo / "gate-output")}
    done = subprocess.run(["bash", "-e", "-c", workflow_step("Gate the changed digests")], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (repo / "gate-output").read_text(encoding="utf-8") == "exit=1\n"  # what the marker step reads
    lines = {(p["file"], int(p["line"])) for name, p, _ in annotations_of(done.stdout) if name == "error"}
    assert lines == {(path, 1)} | {(path, line) for line, _ in expected.values()}
    for name in ("gate.json", "gate-junit.xml", "gate.sarif", "gate-summary.md"):
        assert (repo / "reports" / name).is_file(), name
    assert list((repo / "reports" / "html").glob("*.html")) or "needs the HTML report renderer" in done.stderr
    assert "evalkit gate failed" in summary.read_text(encoding="utf-8")


def test_the_pre_commit_hook_definition(repo):
    yaml = pytest.importorskip("yaml")
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "evalkit-gate" and hook["language"] == "python" and hook["require_serial"] is True
    entries, _ = defective_digest()
    path = commit_new_digest(repo, entries)
    command = shlex.split(hook["entry"])
    assert command[:2] == ["evalkit", "gate"]
    result = runner.invoke(app, [*command[1:], "README.md", path])
    assert result.exit_code == 1 and not any(line.startswith("::") for line in result.stdout.splitlines())
