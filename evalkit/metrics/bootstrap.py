"""Paired bootstrap confidence intervals for system scores computed from sufficient statistics.

The segments (an issue's entries, a triples file's rows) are resampled with replacement ``samples``
times (Efron & Tibshirani, 1993; Koehn, 2004 for MT). Every resample recomputes each metric's system
score from the summed statistics of the drawn segments, and the interval is the percentile interval of
those scores. The same resamples serve every metric ("paired"), so intervals of BLEU, chrF and TER of
one issue describe the same draws. The generator is seeded, so the same input gives the same interval
on every run (and the JSON report stays byte-identical); sacrebleu's own bootstrap reads its seed from
the ``SACREBLEU_SEED`` environment variable, which is why evalkit draws its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

#: Resamples are drawn in blocks of at most this many segment draws, to bound memory on large corpora.
BLOCK_DRAWS = 2_000_000


@dataclass(frozen=True)
class BootstrapSettings:
    """How intervals are drawn: resamples (0: none), RNG seed and confidence level."""

    samples: int = 1000
    seed: int = 12345
    confidence: float = 0.95

    def to_dict(self) -> dict[str, object]:
        """The settings as they go into the report."""
        return {
            "samples": self.samples,
            "seed": self.seed,
            "confidence": self.confidence,
            "method": "percentile; segments resampled with replacement, the same resamples for every metric",
        }


def bootstrap_intervals(
    stats: Mapping[str, Sequence[Sequence[float]]],
    score: Mapping[str, Callable[[Sequence[float]], float]],
    settings: BootstrapSettings,
) -> dict[str, tuple[float, float]]:
    """``{metric: (low, high)}`` for every metric in ``stats`` (rows per segment, all of the same length).

    ``score[metric]`` turns a row of summed statistics into the system score. Returns ``{}`` when there
    are fewer than two segments or ``settings.samples`` is 0.
    """
    import numpy as np

    names = list(stats)
    if not names or settings.samples <= 0:
        return {}
    n = len(stats[names[0]])
    if n < 2:
        return {}
    arrays = {name: np.asarray(stats[name], dtype=np.float64) for name in names}
    rng = np.random.default_rng(settings.seed)
    values: dict[str, list[float]] = {name: [] for name in names}
    block = max(1, min(settings.samples, BLOCK_DRAWS // n))
    done = 0
    while done < settings.samples:
        size = min(block, settings.samples - done)
        draws = rng.integers(0, n, size=(size, n))
        counts = np.bincount((draws + np.arange(size)[:, None] * n).ravel(), minlength=size * n)
        counts = counts.reshape(size, n).astype(np.float64)
        for name in names:
            sums = counts @ arrays[name]
            values[name].extend(score[name](row) for row in sums)
        done += size
    alpha = (1.0 - settings.confidence) / 2
    out: dict[str, tuple[float, float]] = {}
    for name in names:
        low, high = np.quantile(np.asarray(values[name]), [alpha, 1.0 - alpha])
        out[name] = (float(low), float(high))
    return out
