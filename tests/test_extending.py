"""Adding a check or a metric is one file: written here into a folder added to the package's search path,
as a contributor would add ``evalkit/checks/todo.py`` or ``evalkit/metrics/toy.py``, with nothing else
edited."""

from __future__ import annotations

import importlib
import json
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

import evalkit.checks
import evalkit.metrics
from evalkit.checks import CHECKS
from evalkit.cli import app
from evalkit.metrics import METRICS
from tests.gate.util import good_entries, write_digest

runner = CliRunner()

TODO_CHECK = '''
"""Flag a Chinese abstract that contains a marker word (an example check with one option)."""

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Evidence, Severity


@register_check
class Todo(Check):
    """The Chinese abstract holds the configured marker."""

    name = "todo"
    codes = (CodeSpec("todo.marker", Severity.ERROR, "the Chinese abstract holds the marker"),)
    options = {"marker": "TODO"}

    def check_entry(self, entry, issue):
        marker = self.options["marker"]
        if marker in entry.abstract_zh:
            start = entry.abstract_zh.index(marker)
            yield self.finding(
                "todo.marker",
                f"[^{entry.ref}]: the Chinese abstract holds {marker!r}",
                line=entry.line_of("abstract_zh"),
                entry=entry,
                evidence=Evidence(field="abstract_zh", translation=marker, translation_span=(start, start + len(marker))),
            )
'''

TOY_METRIC = '''
"""A metric that counts characters (an example metric)."""

from evalkit.metrics.base import Metric, register_metric


@register_metric
class Toy(Metric):
    """Characters of the translation per reference character, in percent."""

    name = "toy"

    def segment_statistics(self, hypotheses, references):
        return [[len(h), len(next((r[k] for r in references if r[k] is not None), ""))] for k, h in enumerate(hypotheses)]

    def score_from_statistics(self, stats):
        return 100.0 * stats[0] / stats[1] if stats[1] else 0.0

    def signature(self):
        return "toy|v1"
'''


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    """Folders on the checks' (``checks/``) and the metrics' (``metrics/``) module search paths; the
    registries are restored afterwards."""
    folder = tmp_path / "plugins"
    (folder / "checks").mkdir(parents=True)
    (folder / "metrics").mkdir()
    monkeypatch.setattr(evalkit.checks, "__path__", [*evalkit.checks.__path__, str(folder / "checks")])
    monkeypatch.setattr(evalkit.metrics, "__path__", [*evalkit.metrics.__path__, str(folder / "metrics")])
    evalkit.checks.load_checks()
    evalkit.metrics.load_metrics()
    monkeypatch.setattr(CHECKS, "_items", dict(CHECKS._items))
    monkeypatch.setattr(METRICS, "_items", dict(METRICS._items))
    monkeypatch.setattr(evalkit.checks, "_loaded", False)
    monkeypatch.setattr(evalkit.metrics, "_loaded", False)
    yield folder
    for name in ("evalkit.checks.todo", "evalkit.metrics.toy"):
        sys.modules.pop(name, None)


@pytest.fixture
def digests(tmp_path, monkeypatch) -> Path:
    entries = good_entries(3)
    entries[1] = entries[1].but(abstract_zh=entries[1].abstract_zh + "待核对。")
    write_digest(tmp_path, "issue.md", entries)
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_SHA", "CI"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_a_new_check_in_one_file_is_listed_gets_its_option_and_fails_the_gate(plugin_dir, digests):
    (plugin_dir / "checks" / "todo.py").write_text(textwrap.dedent(TODO_CHECK), encoding="utf-8")
    importlib.invalidate_caches()  # the folder's listing may be cached from the same second
    listed = runner.invoke(app, ["list", "checks"])
    assert listed.exit_code == 0 and "todo.marker" in listed.stdout

    # the default marker is not in the digest: the gate passes
    assert runner.invoke(app, ["gate", "issue.md", "--jobs", "1"]).exit_code == 0
    # the option set in evalkit.toml reaches the check, whose error fails the gate and score's status alike
    (digests / "evalkit.toml").write_text('[checks.todo]\nmarker = "待核对"\n', encoding="utf-8")
    result = runner.invoke(app, ["gate", "issue.md", "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert "todo.marker" in result.output
    report = json.loads(runner.invoke(app, ["score", "issue.md", "-f", "json", "-j", "1"]).stdout)
    assert [e["status"] for e in report["issues"][0]["entries"]].count("fail") == 1
    assert report["config"]["options"]["todo"] == {"marker": "待核对"}
    # an option the check does not declare is refused, not silently ignored
    (digests / "evalkit.toml").write_text('[checks.todo]\nmarkr = "待核对"\n', encoding="utf-8")
    result = runner.invoke(app, ["gate", "issue.md", "--jobs", "1"])
    assert result.exit_code == 2 and "did you mean 'marker'" in result.output


def test_a_new_metric_in_one_file_is_opt_in(plugin_dir, digests, monkeypatch):
    from evalkit.metrics.apply import default_metric_names

    before = default_metric_names()
    (plugin_dir / "metrics" / "toy.py").write_text(textwrap.dedent(TOY_METRIC), encoding="utf-8")
    importlib.invalidate_caches()
    monkeypatch.setattr(evalkit.metrics, "_loaded", False)  # as in a new process
    evalkit.metrics.load_metrics()
    assert "toy" in METRICS
    assert default_metric_names() == before  # registering it changes no existing run
    listed = runner.invoke(app, ["list", "metrics"])
    assert "toy" in listed.stdout
