"""The example GitHub workflow: pinned actions, no stored token, constrained install, no push left ungated.

The workflow is read as YAML for its structure; the step that lists the changed digests is run as the
runner would run it (bash, in a scratch git repository) to see which files a push run gates.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

WORKFLOW = Path(__file__).resolve().parents[2] / "examples" / "github-workflow-gate.yml"
FULL_SHA = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def step(workflow: dict, step_id: str) -> dict:
    return next(s for s in steps(workflow) if s.get("id") == step_id)


def test_every_action_is_pinned_to_a_commit_with_its_version_named(workflow):
    uses = [s["uses"] for s in steps(workflow) if "uses" in s]
    assert len(uses) >= 5
    for ref in uses:
        assert FULL_SHA.match(ref), f"{ref} is not pinned to a full commit SHA"
    # the tag each SHA stands for is written beside it, so a reader (or Dependabot) knows what it is
    for line in WORKFLOW.read_text(encoding="utf-8").splitlines():
        if re.match(r"\s*(- )?uses:", line):
            assert re.search(r"@[0-9a-f]{40}\s+# v\d+(\.\d+)*\s*$", line), line


def test_checkouts_do_not_keep_the_token(workflow):
    checkouts = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    for s in checkouts:
        assert s["with"]["persist-credentials"] is False


def test_install_is_constrained(workflow):
    install = step(workflow, "install")["run"]
    assert re.search(r"pip install\b.*\s-c\s+\S*constraints\.txt\b", install), install


def test_concurrency_never_cancels_a_push_run(workflow):
    concurrency = workflow["concurrency"]
    cancel = concurrency["cancel-in-progress"]
    # cancelling may only ever hit pull request runs, whose newer run gates the same diff against the base
    assert cancel is False or cancel.replace(" ", "") == "${{github.event_name=='pull_request'}}"
    # pull request runs are grouped per pull request, so one cannot cancel another's or a push's run
    assert "github.event.pull_request.number" in concurrency["group"]


# --- the changed-digests step, run for real -------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@e")
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout.strip()


def commit_file(repo: Path, name: str) -> str:
    (repo / name).write_text(f"# {name}\n", encoding="utf-8")
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", name)
    return git(repo, "rev-parse", "HEAD")


def run_changed_step(workflow: dict, repo: Path, tmp_path: Path, **event: str) -> set[str]:
    """Run the workflow's ``changed`` step in ``repo``; the digests it would gate."""
    s = step(workflow, "changed")
    output = tmp_path / "github-output"
    output.write_text("", encoding="utf-8")
    env = dict(os.environ, DIGESTS=workflow["env"]["DIGESTS"], GITHUB_OUTPUT=str(output),
               EVENT=event.get("EVENT", "push"), PR_BASE=event.get("PR_BASE", ""), PUSH_BEFORE=event.get("PUSH_BEFORE", ""))
    subprocess.run(["bash", "-e", "-c", s["run"]], cwd=repo, env=env, check=True, capture_output=True, text=True, timeout=120)
    listed = (repo / "reports" / "changed-digests.lst").read_bytes().decode("utf-8")
    names = {n for n in listed.split("\0") if n}
    assert f"count={len(names)}" in output.read_text(encoding="utf-8")
    return names


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    path = tmp_path / "digests"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    return path


def test_a_push_whose_queued_run_was_replaced_is_still_gated(workflow, repo, tmp_path):
    gated = commit_file(repo, "a.md")  # the last commit a run gated
    (repo / "reports").mkdir()
    (repo / "reports" / "gated-commit").write_text(gated + "\n", encoding="utf-8")  # restored from the cache
    skipped = commit_file(repo, "b.md")  # its run was pending when the next push came, and GitHub dropped it
    commit_file(repo, "c.md")
    # the run of the third push sees before = the second push, yet must gate what the second push changed
    assert run_changed_step(workflow, repo, tmp_path, PUSH_BEFORE=skipped) == {"b.md", "c.md"}


def test_a_push_falls_back_to_the_previous_push_without_a_usable_marker(workflow, repo, tmp_path):
    first = commit_file(repo, "a.md")
    commit_file(repo, "b.md")
    assert run_changed_step(workflow, repo, tmp_path, PUSH_BEFORE=first) == {"b.md"}  # no marker yet
    (repo / "reports" / "gated-commit").write_text("0" * 40 + "\n", encoding="utf-8")  # not in this history
    assert run_changed_step(workflow, repo, tmp_path, PUSH_BEFORE=first) == {"b.md"}


def test_a_pull_request_is_gated_against_its_base(workflow, repo, tmp_path):
    base = commit_file(repo, "a.md")
    (repo / "reports").mkdir()
    (repo / "reports" / "gated-commit").write_text(commit_file(repo, "b.md") + "\n", encoding="utf-8")
    commit_file(repo, "c.md")
    # the default branch's marker has nothing to do with a pull request's diff
    assert run_changed_step(workflow, repo, tmp_path, EVENT="pull_request", PR_BASE=base) == {"b.md", "c.md"}


def test_the_marker_moves_only_after_a_verdict_and_is_saved(workflow):
    mark = step(workflow, "mark")
    condition = " ".join(mark["if"].split())
    assert "!cancelled()" in condition and "github.event_name == 'push'" in condition
    # exit 0 (pass) or 1 (fail) is a verdict; 2 (configuration or input error) leaves the digests to the next run
    assert "steps.gate.outputs.exit == '0'" in condition and "steps.gate.outputs.exit == '1'" in condition
    assert "reports/gated-commit" in mark["run"]
    assert "echo \"exit=" in step(workflow, "gate")["run"]
    saved = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/cache/save@")]
    restored = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/cache/restore@")]
    for s in saved + restored:
        assert "reports/gated-commit" in s["with"]["path"]
    assert "steps.mark.outcome == 'success'" in saved[0]["if"]
