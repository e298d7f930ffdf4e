"""The paired tests: sacrebleu's p-values and intervals exactly where nothing ties, the documented
difference on ties, calibration under the null, and power on a real difference."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from sacrebleu.significance import PairedTest

from evalkit.compare.measures import per_100, per_100_rows
from evalkit.compare.significance import TestSettings, paired_test
from evalkit.metrics import METRICS, load_metrics

SENTENCE = "我们提出了一种新的方法来研究机器翻译的质量评估问题，实验表明该方法在多个数据集上效果很好。"


def _drop(text: str, p: float, rng: random.Random) -> str:
    return "".join(c for c in text if rng.random() > p)


@pytest.fixture(scope="module")
def close_systems() -> tuple[list[str], list[str], list[str]]:
    """Two systems that differ a little on half of 60 short segments, and a reference: p-values well
    inside (0, 1). Short, because sacrebleu's TER on Chinese characters is slow."""
    rng = random.Random(7)
    base = [SENTENCE for _ in range(60)]
    refs = [_drop(s, 0.1, rng) for s in base]
    a = [_drop(s, 0.15, rng) for s in base]
    b = [_drop(s, 0.17, rng) if rng.random() < 0.5 else x for s, x in zip(base, a)]
    return a, b, refs


@pytest.fixture(scope="module")
def statistics(close_systems) -> dict[str, tuple[list, list]]:
    a, b, refs = close_systems
    load_metrics()
    out = {}
    for name in ("bleu", "chrf", "ter"):
        metric = METRICS.get(name)()
        out[name] = (metric.segment_statistics(a, [refs]), metric.segment_statistics(b, [refs]))
    return out


@pytest.mark.parametrize("name", ["bleu", "chrf", "ter"])
@pytest.mark.parametrize("test_type", ["bs", "ar"])
def test_p_values_and_intervals_are_sacrebleus(close_systems, statistics, name: str, test_type: str, monkeypatch) -> None:
    a, b, refs = close_systems
    metric = METRICS.get(name)()
    settings = TestSettings(bs_samples=300, ar_trials=1000)
    rows_a, rows_b = statistics[name]
    exact = paired_test(rows_a, rows_b, metric.score_from_statistics, replace(settings, count_ties=False))
    ours = paired_test(rows_a, rows_b, metric.score_from_statistics, settings)
    monkeypatch.setenv("SACREBLEU_SEED", str(settings.seed))
    samples = settings.bs_samples if test_type == "bs" else settings.ar_trials
    _, scores = PairedTest([("a", a), ("b", b)], {name: metric._metric}, [refs], test_type=test_type, n_samples=samples)()
    baseline, system = next(v for k, v in scores.items() if k != "System")
    assert 0.001 < system.p_value < 0.999  # a p-value of 1/(n+1) or 1 could not tell implementations apart
    pick = (lambda r: r.p_bs) if test_type == "bs" else (lambda r: r.p_ar)
    assert pick(exact) == system.p_value
    # counting ties can only add resamples; on BLEU and chrF here nothing ties, on TER's AR trials it does
    assert pick(ours) >= system.p_value
    if name != "ter":
        assert pick(ours) == system.p_value
    assert ours.system == system.score and ours.baseline == baseline.score
    if test_type == "bs":
        assert (ours.system_mean, ours.system_ci) == (system.mean, system.ci)
        assert (ours.baseline_mean, ours.baseline_ci) == (baseline.mean, baseline.ci)


def test_identical_systems_are_never_significant_unlike_sacrebleu(close_systems, monkeypatch) -> None:
    a, _, refs = close_systems
    load_metrics()
    metric = METRICS.get("chrf")()
    rows = metric.segment_statistics(a, [refs])
    for seed in range(1, 21):
        result = paired_test(rows, rows, metric.score_from_statistics, TestSettings(seed=seed, bs_samples=100, ar_trials=200))
        assert result.p_bs == 1.0 and result.p_ar == 1.0
        assert not result.significant(0.05)
    # sacrebleu counts only strictly larger differences, so it calls a system significantly different
    # from itself: the difference the module docstring states.
    monkeypatch.setenv("SACREBLEU_SEED", "12345")
    _, scores = PairedTest([("a", a), ("a2", list(a))], {"chrf": metric._metric}, [refs], test_type="ar", n_samples=200)()
    assert scores["chrF2"][1].p_value == pytest.approx(1 / 201)


def test_a_change_on_one_entry_ties_every_randomization_trial() -> None:
    rows_a = [(0.0, 1.0)] * 10
    rows_b = [(1.0, 1.0)] + [(0.0, 1.0)] * 9  # one entry starts failing
    result = paired_test(rows_a, rows_b, per_100, TestSettings(ar_trials=500, bs_samples=200), per_100_rows)
    assert result.delta == pytest.approx(10.0)
    assert result.p_ar == 1.0  # every trial swaps that entry or not: |difference| is always 10
    assert not result.significant(0.05)


def test_exchangeable_systems_are_rarely_significant() -> None:
    """Under the null (each entry's two outputs assigned to the systems at random) a test at 0.05 must
    reject about 5% of the time; 60 assignments allow up to 7 rejections (binomial tail ≈ 2%)."""
    rng = random.Random(11)
    errors_x = [rng.choice((0, 0, 1, 2)) for _ in range(60)]
    errors_y = [rng.choice((0, 1, 1, 3)) for _ in range(60)]
    rejected = 0
    for seed in range(60):
        assign = random.Random(seed)
        a, b = [], []
        for x, y in zip(errors_x, errors_y):
            first, second = (x, y) if assign.random() < 0.5 else (y, x)
            a.append((float(first), 1.0))
            b.append((float(second), 1.0))
        result = paired_test(a, b, per_100, TestSettings(seed=seed + 1, bs_samples=300, ar_trials=600), per_100_rows)
        rejected += result.significant(0.05)
    assert rejected <= 7


def test_a_real_difference_is_significant() -> None:
    a = [(0.0, 1.0)] * 40
    b = [(1.0, 1.0) if k % 4 == 0 else (0.0, 1.0) for k in range(40)]  # 10 of 40 entries start failing
    result = paired_test(a, b, per_100, TestSettings(), per_100_rows)
    assert result.p_bs < 0.01 and result.p_ar < 0.01 and result.significant(0.05)


def test_vector_scores_equal_one_row_scores() -> None:
    rows_a = [(float(k % 3), 1.0) for k in range(25)]
    rows_b = [(float(k % 2), 1.0) for k in range(25)]
    settings = TestSettings(bs_samples=200, ar_trials=400)
    assert paired_test(rows_a, rows_b, per_100, settings, per_100_rows) == paired_test(rows_a, rows_b, per_100, settings)


def test_fewer_than_two_segments_have_no_test() -> None:
    result = paired_test([(1.0, 1.0)], [(0.0, 1.0)], per_100, TestSettings())
    assert result.p_bs is None and result.p_ar is None and result.segments == 1


def test_rows_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="segments"):
        paired_test([(1.0, 1.0)] * 3, [(1.0, 1.0)] * 2, per_100, TestSettings())
