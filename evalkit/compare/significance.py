"""Paired significance tests of a difference between two systems, as sacrebleu runs them.

The two tests of ``sacrebleu --paired-bs`` and ``--paired-ar``, with the same random draws (numpy's
``default_rng(seed)``, the same calls in the same order) and the same arithmetic, over any measure whose
system score is a function of summed per-segment statistics: BLEU, chrF and TER (sacrebleu's sufficient
statistics) and evalkit's check measures (an entry's error count, whether it fails, ...; see
:mod:`evalkit.compare.measures`):

- **paired bootstrap resampling** (Koehn, 2004): ``bs_samples`` resamples of the segments, drawn once and
  used for both systems; the p-value is the share of resampled absolute differences, centred on their
  mean, at least as large as the observed difference (with the +1 correction);
- **paired approximate randomization** (Noreen, 1989; Riezler & Maxwell, 2005): ``ar_trials`` trials,
  each swapping the two systems' outputs on a random half of the segments; the p-value is the share of
  trials whose absolute difference is at least the observed one (+1 correction).

One deliberate difference from sacrebleu 2.x: a resampled difference *equal* to the observed one counts
as "at least as large" (the textbook definition). sacrebleu counts only strictly larger ones, which
matters only on ties: two identical systems get p = 1/(trials+1) there ("significant"), and a measure
that differs on a single entry gets that same smallest p-value from approximate randomization, since
every trial then ties the observed difference. TER ties often too: its denominator (the references'
length) is the same in every trial. Without ties (BLEU or chrF on real abstracts, as a rule) the p-values
are sacrebleu's to the last digit, and ``TestSettings(count_ties=False)`` (``--sacrebleu-ties``) gives
sacrebleu's p-values in every case; ``tests/compare/test_significance.py`` checks both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from evalkit.metrics.sacrebleu_metrics import sum_rows

#: A measure's score of many summed-statistics rows at once (``(samples, k)`` array in, ``(samples,)``
#: out), with exactly the arithmetic of its one-row score; optional, for speed.
VectorScore = Callable[[Any], Any]

#: sacrebleu's defaults: 1,000 bootstrap resamples, 10,000 randomization trials, seed 12345.
DEFAULT_BS_SAMPLES = 1000
DEFAULT_AR_TRIALS = 10000
DEFAULT_SEED = 12345
DEFAULT_ALPHA = 0.05


@dataclass(frozen=True)
class TestSettings:
    """How the paired tests run: RNG seed, bootstrap resamples, randomization trials, the level below
    which a p-value counts as significant, and whether a resampled difference equal to the observed one
    counts (``count_ties``; ``False`` reproduces sacrebleu's p-values exactly, ties included)."""

    seed: int = DEFAULT_SEED
    bs_samples: int = DEFAULT_BS_SAMPLES
    ar_trials: int = DEFAULT_AR_TRIALS
    alpha: float = DEFAULT_ALPHA
    count_ties: bool = True

    __test__ = False  # not a pytest test class, whatever its name

    def signature(self) -> str:
        """The test settings as sacrebleu appends them to a metric's signature."""
        ties = "" if self.count_ties else "|ties:sacrebleu"
        return f"seed:{self.seed}|bs:{self.bs_samples}|ar:{self.ar_trials}{ties}"

    def to_dict(self) -> dict[str, Any]:
        """The settings as they go into the comparison report."""
        return {
            "seed": self.seed,
            "bs_samples": self.bs_samples,
            "ar_trials": self.ar_trials,
            "alpha": self.alpha,
            "count_ties": self.count_ties,
            "tests": "paired bootstrap resampling and paired approximate randomization, as sacrebleu --paired-bs/--paired-ar;"
            + (" a resampled difference equal to the observed one counts as at least as large" if self.count_ties
               else " only strictly larger resampled differences count, as in sacrebleu"),
        }


@dataclass(frozen=True)
class PairedResult:
    """One measure compared between a baseline and a system over the same segments.

    ``p_bs``/``p_ar`` are the two tests' p-values (``None`` with fewer than two segments);
    ``*_mean`` and ``*_ci`` sacrebleu's bootstrap estimate of each system's true score and the half-width
    of its 95% interval (``score ± ci``).
    """

    baseline: float
    system: float
    segments: int
    p_bs: float | None
    p_ar: float | None
    baseline_mean: float | None = None
    baseline_ci: float | None = None
    system_mean: float | None = None
    system_ci: float | None = None

    @property
    def delta(self) -> float:
        """The system's score minus the baseline's."""
        return self.system - self.baseline

    def significant(self, alpha: float) -> bool:
        """Whether both tests put the difference below ``alpha`` (a difference both tests agree on)."""
        return self.p_bs is not None and self.p_ar is not None and self.p_bs < alpha and self.p_ar < alpha


def paired_test(
    baseline_rows: Sequence[Sequence[float]],
    system_rows: Sequence[Sequence[float]],
    score: Callable[[Sequence[float]], float],
    settings: TestSettings,
    vector: VectorScore | None = None,
) -> PairedResult:
    """Compare one measure: row ``i`` of each side is segment ``i``'s statistics, ``score`` turns summed
    statistics into the system score (``vector`` does it for many rows at once). Runs both tests."""
    if len(baseline_rows) != len(system_rows):
        raise ValueError(f"{len(baseline_rows)} baseline segments but {len(system_rows)} system segments")
    base = [list(r) for r in baseline_rows]
    other = [list(r) for r in system_rows]
    base_score = score(sum_rows(base))
    sys_score = score(sum_rows(other))
    n = len(base)
    if n < 2:
        return PairedResult(base_score, sys_score, n, None, None)
    observed = abs(base_score - sys_score)
    p_bs, base_ci, sys_ci = paired_bootstrap(base, other, observed, score, settings, vector)
    p_ar = approximate_randomization(base, other, observed, score, settings, vector)
    return PairedResult(base_score, sys_score, n, p_bs, p_ar, *base_ci, *sys_ci)


def _p_value(differences: Any, observed: float, count_ties: bool = True) -> float:
    """``(#{d >= observed} + 1) / (#d + 1)`` (``>`` without ``count_ties``: see the module docstring)."""
    import numpy as np

    extreme = differences >= observed if count_ties else differences > observed
    return float((np.sum(extreme) + 1) / (len(differences) + 1))


def _resampled_scores(stats: Any, draws: Any, score: Callable[[Sequence[float]], float], vector: VectorScore | None) -> Any:
    """The score of every resample (a row of ``draws`` picks segment indexes), summed in float32 as
    sacrebleu sums them."""
    import numpy as np

    if vector is not None:  # integral statistics: float32 sums are exact in any order
        return np.asarray(vector(stats[draws].sum(axis=1)), dtype=np.float64)
    return np.array([score(stats[row].sum(0)) for row in draws], dtype=np.float64)


def paired_bootstrap(
    base: Sequence[Sequence[float]],
    other: Sequence[Sequence[float]],
    observed: float,
    score: Callable[[Sequence[float]], float],
    settings: TestSettings,
    vector: VectorScore | None = None,
) -> tuple[float, tuple[float, float], tuple[float, float]]:
    """Paired bootstrap p-value, and each side's bootstrap mean and 95% half-width (sacrebleu's
    ``estimate_ci``), from one set of ``settings.bs_samples`` resamples."""
    import numpy as np
    from sacrebleu.significance import estimate_ci

    rng = np.random.default_rng(settings.seed)
    draws = rng.choice(len(base), size=(settings.bs_samples, len(base)), replace=True)
    scores_base = _resampled_scores(np.array(base, dtype="float32"), draws, score, vector)
    scores_sys = _resampled_scores(np.array(other, dtype="float32"), draws, score, vector)
    differences = np.abs(scores_sys - scores_base)
    p = _p_value(differences - differences.mean(), observed, settings.count_ties)
    base_mean, base_half = estimate_ci(scores_base)
    sys_mean, sys_half = estimate_ci(scores_sys)
    return p, (float(base_mean), float(base_half)), (float(sys_mean), float(sys_half))


def approximate_randomization(
    base: Sequence[Sequence[float]],
    other: Sequence[Sequence[float]],
    observed: float,
    score: Callable[[Sequence[float]], float],
    settings: TestSettings,
    vector: VectorScore | None = None,
) -> float:
    """Paired approximate randomization p-value over ``settings.ar_trials`` trials."""
    import numpy as np

    rng = np.random.default_rng(settings.seed)
    keep = rng.integers(2, size=(settings.ar_trials, len(base)), dtype=bool)
    swap = ~keep
    a, b = np.asarray(base), np.asarray(other)
    shuffled_a = keep @ a + swap @ b
    shuffled_b = swap @ a + keep @ b
    if vector is not None:
        scores_a = np.asarray(vector(shuffled_a), dtype=np.float64)
        scores_b = np.asarray(vector(shuffled_b), dtype=np.float64)
    else:  # one summed row at a time, handed over as sacrebleu hands it (a list of numpy scalars)
        scores_a = np.array([score(sum_rows([x])) for x in shuffled_a])
        scores_b = np.array([score(sum_rows([x])) for x in shuffled_b])
    return _p_value(np.abs(scores_a - scores_b), observed, settings.count_ties)
