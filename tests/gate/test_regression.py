"""The bootstrap regression test: real drops fail, noise does not, and the verdict is deterministic."""

from __future__ import annotations

import random

from evalkit.gate.policy import policy_from_mapping
from evalkit.gate.regression import NOT_TESTED, OK, REGRESSION, compare_issue
from tests.gate.util import synthetic_issue

POLICY = policy_from_mapping({})


def noisy_history(rng: random.Random, issues: int = 8, size: int = 40, rate: float = 0.05):
    """Issues whose entries fail independently with probability ``rate``."""
    out = []
    for k in range(issues):
        failing = sum(rng.random() < rate for _ in range(size))
        out.append(synthetic_issue(failing, size, name=f"h{k}.md"))
    return out


def figure(result, name):
    return next(f for f in result.figures if f.figure == name)


def test_a_real_drop_is_a_regression():
    history = noisy_history(random.Random(1))
    new = synthetic_issue(12, 40, name="new.md")  # 30% failing against ~5%
    result = compare_issue(new, history, POLICY, requested=8)
    rate = figure(result, "failure_rate")
    assert rate.status == REGRESSION
    assert rate.value == 0.3 and 0.0 < rate.baseline < 0.1
    assert rate.bound > 0.01  # even the optimistic end is a rise of more than min_drop
    assert result.regressions == (rate,)
    assert result.baseline == tuple(h.issue_id for h in history)


def test_noise_is_not_a_regression():
    """Issues drawn from the same process as the history must (nearly) never fail: count false alarms."""
    rng = random.Random(7)
    alarms = 0
    for trial in range(40):
        history = noisy_history(rng)
        failing = sum(rng.random() < 0.05 for _ in range(40))
        new = synthetic_issue(failing, 40, name=f"new{trial}.md")
        if compare_issue(new, history, POLICY, requested=8).regressions:
            alarms += 1
    assert alarms <= 1  # the test is one-sided at 99%


def test_one_noisy_issue_in_the_history_does_not_hide_a_drop_or_cause_one():
    history = [synthetic_issue(0, 30, name=f"h{k}.md") for k in range(5)] + [synthetic_issue(6, 30, name="bad.md")]
    assert figure(compare_issue(synthetic_issue(2, 30, name="n.md"), history, POLICY, 6), "failure_rate").status == OK
    assert figure(compare_issue(synthetic_issue(15, 30, name="n.md"), history, POLICY, 6), "failure_rate").status == REGRESSION


def test_score_drops_in_the_metric_direction():
    rng = random.Random(3)
    history = [
        synthetic_issue(0, 20, name=f"h{k}.md", scores=[rng.gauss(60, 5) for _ in range(20)]) for k in range(6)
    ]
    worse = synthetic_issue(0, 20, name="worse.md", scores=[rng.gauss(45, 5) for _ in range(20)])
    same = synthetic_issue(0, 20, name="same.md", scores=[rng.gauss(60, 5) for _ in range(20)])
    better = synthetic_issue(0, 20, name="better.md", scores=[rng.gauss(75, 5) for _ in range(20)])
    assert figure(compare_issue(worse, history, POLICY, 6), "chrf").status == REGRESSION
    assert figure(compare_issue(same, history, POLICY, 6), "chrf").status == OK
    assert figure(compare_issue(better, history, POLICY, 6), "chrf").status == OK


def test_min_drop_sets_the_smallest_drop_worth_failing():
    history = [synthetic_issue(4, 400, name=f"h{k}.md") for k in range(6)]  # 1%
    new = synthetic_issue(20, 400, name="n.md")  # 5%: significant with 400 entries
    assert figure(compare_issue(new, history, POLICY, 6), "failure_rate").status == REGRESSION
    lenient = policy_from_mapping({"regression": {"min_drop": {"failure_rate": 0.05}}})
    assert figure(compare_issue(new, history, lenient, 6), "failure_rate").status == OK


def test_too_little_data_is_not_tested():
    history = [synthetic_issue(0, 10, name="h.md")]
    small = compare_issue(synthetic_issue(3, 3, name="n.md"), history, POLICY, 5)
    assert figure(small, "failure_rate").status == NOT_TESTED
    assert "at least 5 needed" in figure(small, "failure_rate").note
    empty = compare_issue(synthetic_issue(3, 10, name="n.md"), [], POLICY, 5)
    assert figure(empty, "failure_rate").status == NOT_TESTED
    assert empty.baseline == ()


def test_deterministic():
    history = noisy_history(random.Random(5))
    new = synthetic_issue(5, 40, name="n.md", scores=None)
    a = compare_issue(new, history, POLICY, 8).to_dict()
    b = compare_issue(new, history, POLICY, 8).to_dict()
    assert a == b
    other_seed = policy_from_mapping({"regression": {"seed": 99}})
    assert compare_issue(new, history, other_seed, 8).to_dict()["figures"][0]["bound"] != a["figures"][0]["bound"]
