"""Regression test of a new issue against the last N issues of its series in the history.

Figures: the **failure rate** (share of entries the current policy fails, before waivers, recomputed for
the history from the stored findings and scores) and the **mean entry score** of every metric the new
issue has (COMET, chrF, ...). Each figure's change, new minus baseline, gets a bootstrap distribution
(Efron & Tibshirani, 1993):

- the new issue's entries are resampled with replacement;
- the baseline is resampled in two stages, first its issues, then the entries of each drawn issue
  (a cluster bootstrap, Davison & Hinkley, 1997, §3.8), because entries of one issue share a channel,
  a day and a translator run: pooling them as if independent would call ordinary issue-to-issue
  variation a regression.

A figure **regresses** when even the optimistic end of the one-sided ``confidence`` interval shows a drop
larger than ``min_drop`` (for a higher-is-better figure: the ``confidence`` quantile of the change is below
``-min_drop``; for the failure rate: the ``1 - confidence`` quantile is above ``min_drop``). Figures with
fewer than ``min_entries`` values on either side are not tested. The generator is seeded per figure from
``seed`` and the figure's name, so the same history and issue give the same verdict on every run.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, Sequence

from evalkit.gate.evaluate import entry_fails
from evalkit.gate.facts import IssueFacts
from evalkit.gate.policy import FAILURE_RATE, GatePolicy, metric_direction

#: Status of a figure: a significant drop, no significant drop, or not enough data to say.
REGRESSION, OK, NOT_TESTED = "regression", "ok", "not tested"


@dataclass(frozen=True)
class FigureComparison:
    """One figure of the new issue against the baseline.

    ``change`` is new minus baseline (raw units: a share for the failure rate); ``bound`` the one-sided
    ``confidence`` bound of the change on the side of "no drop" (``None`` when not tested).
    """

    figure: str
    higher_is_better: bool
    value: float | None
    baseline: float | None
    n: int
    baseline_n: int
    change: float | None
    bound: float | None
    min_drop: float
    status: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as in the gate report."""
        return {
            "figure": self.figure,
            "higher_is_better": self.higher_is_better,
            "value": self.value,
            "baseline": self.baseline,
            "n": self.n,
            "baseline_n": self.baseline_n,
            "change": self.change,
            "bound": self.bound,
            "min_drop": self.min_drop,
            "status": self.status,
            "note": self.note,
        }


@dataclass(frozen=True)
class RegressionResult:
    """The comparison of one issue with its baseline issues (``baseline`` lists their ids, newest first)."""

    series: str
    requested: int
    baseline: tuple[str, ...]
    confidence: float
    samples: int
    seed: int
    figures: tuple[FigureComparison, ...]

    @property
    def regressions(self) -> tuple[FigureComparison, ...]:
        """Figures with a significant drop."""
        return tuple(f for f in self.figures if f.status == REGRESSION)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as in the gate report."""
        return {
            "series": self.series,
            "requested": self.requested,
            "baseline": list(self.baseline),
            "confidence": self.confidence,
            "samples": self.samples,
            "seed": self.seed,
            "method": "bootstrap of the change, new minus baseline: new entries resampled; baseline issues, then"
            " their entries, resampled (cluster bootstrap); one-sided bound",
            "figures": [f.to_dict() for f in self.figures],
        }


def compare_issue(new: IssueFacts, baseline: Sequence[IssueFacts], policy: GatePolicy, requested: int) -> RegressionResult:
    """Compare ``new`` with ``baseline`` (the previous issues of its series) under ``policy``."""
    settings = policy.regression
    metrics = sorted({name for e in new.entries for name in e.scores})
    figures = [_compare_figure(figure, new, baseline, policy) for figure in [FAILURE_RATE, *metrics]]
    return RegressionResult(
        series=new.series,
        requested=requested,
        baseline=tuple(b.issue_id for b in baseline),
        confidence=settings.confidence,
        samples=settings.samples,
        seed=settings.seed,
        figures=tuple(figures),
    )


def figure_values(issue: IssueFacts, figure: str, policy: GatePolicy) -> list[float]:
    """Per-entry values of a figure: failure indicators (1.0 fails) or the entries' scores where computed."""
    if figure == FAILURE_RATE:
        return [1.0 if entry_fails(policy, e) else 0.0 for e in issue.entries]
    return [e.scores[figure] for e in issue.entries if figure in e.scores]


def _compare_figure(figure: str, new: IssueFacts, baseline: Sequence[IssueFacts], policy: GatePolicy) -> FigureComparison:
    settings = policy.regression
    higher = False if figure == FAILURE_RATE else metric_direction(figure)
    min_drop = float(settings.min_drop.get(figure, 0.0))
    values = figure_values(new, figure, policy)
    groups = [g for g in (figure_values(b, figure, policy) for b in baseline) if g]
    base_n = sum(len(g) for g in groups)
    value = sum(values) / len(values) if values else None
    base = sum(sum(g) for g in groups) / base_n if base_n else None
    change = value - base if value is not None and base is not None else None

    def result(status: str, bound: float | None = None, note: str = "") -> FigureComparison:
        return FigureComparison(figure, higher, value, base, len(values), base_n, change, bound, min_drop, status, note)

    if len(values) < settings.min_entries:
        return result(NOT_TESTED, note=f"{len(values)} value(s) in this issue; at least {settings.min_entries} needed")
    if base_n < settings.min_entries:
        return result(NOT_TESTED, note=f"{base_n} value(s) in the baseline; at least {settings.min_entries} needed")
    changes = bootstrap_changes(values, groups, settings.samples, _seed(settings.seed, figure))
    import numpy as np

    if higher:
        bound = float(np.quantile(changes, settings.confidence))
        regressed = bound < -min_drop
    else:
        bound = float(np.quantile(changes, 1.0 - settings.confidence))
        regressed = bound > min_drop
    return result(REGRESSION if regressed else OK, bound)


def bootstrap_changes(new: Sequence[float], groups: Sequence[Sequence[float]], samples: int, seed: Sequence[int]) -> Any:
    """``samples`` bootstrap draws of mean(new) - mean(baseline), baseline resampled by issue then entry."""
    import numpy as np

    rng = np.random.default_rng(list(seed))
    new_values = np.asarray(new, dtype=np.float64)
    n = len(new_values)
    # One block for the new issue: samples x n indices (a 600-entry issue at 2,000 samples is 1.2M draws).
    new_means = new_values[rng.integers(0, n, size=(samples, n))].mean(axis=1)

    arrays = [np.asarray(g, dtype=np.float64) for g in groups]
    sizes = np.asarray([len(g) for g in groups], dtype=np.int64)
    k = len(arrays)
    chosen = rng.integers(0, k, size=(samples, k))  # stage 1: which baseline issues each resample draws
    sums = np.zeros(samples)
    for g, values in enumerate(arrays):
        # Stage 2, for every time issue g was drawn: as many of its entries as it has, with replacement.
        rows = np.nonzero(chosen == g)[0]
        if len(rows):
            draws = rng.integers(0, len(values), size=(len(rows), len(values)))
            np.add.at(sums, rows, values[draws].sum(axis=1))
    base_means = sums / sizes[chosen].sum(axis=1)
    return new_means - base_means


def _seed(seed: int, figure: str) -> tuple[int, int]:
    """A seed per figure, so adding a metric does not change the draws of another (crc32 is stable)."""
    return (seed, zlib.crc32(figure.encode("utf-8")))
