"""The paired bootstrap: seeded, identical to plain resampling with replacement, the same draws for every metric."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from evalkit.config import Config
from evalkit.metrics import bootstrap as bootstrap_module
from evalkit.metrics.bootstrap import BootstrapSettings, bootstrap_intervals
from evalkit.pipeline import score
from evalkit.report import build_report, dumps_report, iter_report_json
from tests.digest_builder import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
ROWS = [[3.0, 4.0], [1.0, 5.0], [0.0, 2.0], [4.0, 4.0], [2.0, 6.0], [5.0, 5.0], [1.0, 3.0]]


def ratio(row) -> float:
    return 100 * row[0] / row[1]


def test_equals_plain_resampling_with_replacement():
    settings = BootstrapSettings(samples=200, seed=7)
    (low, high) = bootstrap_intervals({"m": ROWS}, {"m": ratio}, settings)["m"]
    rng = np.random.default_rng(7)
    stats = np.asarray(ROWS)
    draws = rng.integers(0, len(ROWS), size=(200, len(ROWS)))
    values = [ratio(stats[d].sum(axis=0)) for d in draws]
    expected = np.quantile(values, [0.025, 0.975])
    assert (low, high) == pytest.approx(tuple(expected), rel=1e-12)  # same draws; sums in another order


def test_blocks_do_not_change_the_result(monkeypatch):
    settings = BootstrapSettings(samples=300, seed=3)
    whole = bootstrap_intervals({"m": ROWS}, {"m": ratio}, settings)
    monkeypatch.setattr(bootstrap_module, "BLOCK_DRAWS", 10)  # one resample per block
    assert bootstrap_intervals({"m": ROWS}, {"m": ratio}, settings) == whole


def test_deterministic_and_paired_across_metrics():
    settings = BootstrapSettings()
    first = bootstrap_intervals({"a": ROWS, "b": ROWS}, {"a": ratio, "b": ratio}, settings)
    second = bootstrap_intervals({"a": ROWS, "b": ROWS}, {"a": ratio, "b": ratio}, settings)
    assert first == second and first["a"] == first["b"]  # the same resamples serve every metric
    other = bootstrap_intervals({"a": ROWS}, {"a": ratio}, BootstrapSettings(seed=99))
    assert other["a"] != first["a"]


@pytest.mark.parametrize("rows,samples", [(ROWS[:1], 1000), (ROWS, 0), ([], 1000)])
def test_no_interval_for_one_segment_or_no_resamples(rows, samples):
    assert bootstrap_intervals({"m": rows}, {"m": ratio}, BootstrapSettings(samples=samples)) == {}


def test_reports_with_intervals_are_byte_identical_across_runs_and_jobs():
    config = Config(references=str(ROOT / "references"), references_base="cwd")
    paths = [str(ROOT / "examples"), str(FIXTURES)]
    first = dumps_report(build_report(score(paths, config), config))
    second = dumps_report(build_report(score(paths, config, jobs=2), config))
    assert first == second
    assert "".join(iter_report_json(score(paths, config), config)) == first
    report = json.loads(first)
    assert report["config"]["bootstrap"]["samples"] == 1000 and report["config"]["bootstrap"]["seed"] == 12345
    assert all(issue["summary"]["scores"]["bleu"]["ci"] for issue in report["issues"] if issue["summary"]["entries"])


def test_bootstrap_zero_gives_no_intervals():
    config = Config(references=str(ROOT / "references"), references_base="cwd", bootstrap=0, align=False)
    (issue,) = score([str(next((ROOT / "examples").glob("*.md")))], config).issues
    assert issue.scores and all(s.ci is None for s in issue.scores.values())
