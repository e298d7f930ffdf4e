"""What is compared between two systems: every measure as per-segment statistics rows.

Three groups, each tested over the matched units it applies to:

- ``reference``: BLEU, chrF, chrF++, TER (the run's metrics), over the matched entries with references;
  the rows are sacrebleu's sufficient statistics, so the system score is exactly sacrebleu's corpus score;
- ``model``: entry-level scores of model metrics (COMET, COMET-QE, ...) that both systems carry for the
  same entry; the system score is their mean (as ``comet-compare`` tests segment means);
- ``checks``: evalkit's own findings, over all matched entries: failing entries (%), errors and
  errors + warnings per 100 entries, findings per 100 entries per category, and invented endings
  (``truncation.fabricated``) as a share of the entries whose English was cut.

A measure knows its direction, so "better" is never guessed from the sign of a difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from evalkit.compare.match import Matched
from evalkit.compare.systems import Unit

#: The code whose findings count as invented endings.
INVENTED_ENDING = "truncation.fabricated"
#: Severities that count as findings in the check measures (``info`` is a fact, not a problem).
COUNTED = ("error", "warning")


@dataclass(frozen=True)
class MeasureRows:
    """One measure of one pair of systems: which matched pairs it covers (indexes into the matching),
    the statistics rows of each side, and per covered pair each side's segment value (a sentence score,
    an entry's finding count) for the scatter and the win/tie/loss counts."""

    name: str
    label: str
    group: str
    higher_is_better: bool
    unit: str
    score: Callable[[Sequence[float]], float]
    covered: tuple[int, ...]
    rows_a: tuple[tuple[float, ...], ...]
    rows_b: tuple[tuple[float, ...], ...]
    segment_a: tuple[float, ...]
    segment_b: tuple[float, ...]
    signature: str | None = None
    digits: int = 2
    vector: Callable[[Any], Any] | None = None


def per_100(stats: Sequence[float]) -> float:
    """``100 * numerator / denominator`` (0 for an empty denominator)."""
    return 100.0 * float(stats[0]) / float(stats[1]) if stats[1] else 0.0


def ratio_rows(sums: Any, factor: float) -> Any:
    """``factor * sums[:, 0] / sums[:, 1]`` per row (0 where the denominator is 0), in float64 with the
    arithmetic of :func:`per_100` and :func:`mean`, for many resamples at once."""
    import numpy as np

    sums = np.asarray(sums, dtype=np.float64)
    num, den = sums[:, 0], sums[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = factor * num / den if factor != 1.0 else num / den
    return np.where(den != 0, out, 0.0)


def per_100_rows(sums: Any) -> Any:
    """:func:`per_100` of every row of ``sums``."""
    return ratio_rows(sums, 100.0)


def mean_rows(sums: Any) -> Any:
    """:func:`mean` of every row of ``sums``."""
    return ratio_rows(sums, 1.0)


def mean(stats: Sequence[float]) -> float:
    """``sum / count`` (0 for no segments)."""
    return float(stats[0]) / float(stats[1]) if stats[1] else 0.0


def counted(unit: Unit, category: str | None = None) -> int:
    """Errors plus warnings of ``unit``, of one ``category`` if given."""
    return sum(
        1
        for f in unit.findings
        if f.get("severity") in COUNTED and (category is None or str(f.get("code", "")).split(".", 1)[0] == category)
    )


def has_code(unit: Unit, code: str) -> bool:
    """Whether ``unit`` has an error or warning with ``code``."""
    return any(f.get("code") == code and f.get("severity") in COUNTED for f in unit.findings)


def check_measures(pairs: Sequence[Matched]) -> list[MeasureRows]:
    """The check measures over all matched pairs whose both sides ran the checks (digests, reports)."""
    covered = tuple(k for k, p in enumerate(pairs) if p.a.has_checks and p.b.has_checks)
    if not covered:
        return []
    chosen = [pairs[k] for k in covered]

    def measure(name: str, label: str, unit: str, row: Callable[[Unit], tuple[float, float]], score: Callable[[Sequence[float]], float] = per_100, idx: Sequence[int] = covered) -> MeasureRows:
        sel = [pairs[k] for k in idx]
        rows_a = tuple(row(p.a) for p in sel)
        rows_b = tuple(row(p.b) for p in sel)
        return MeasureRows(
            name, label, "checks", False, unit, score, tuple(idx), rows_a, rows_b,
            tuple(r[0] for r in rows_a), tuple(r[0] for r in rows_b), digits=1, vector=per_100_rows,
        )

    out = [
        measure("failing", "failing entries", "%", lambda u: (1.0 if u.status == "fail" else 0.0, 1.0)),
        measure("errors", "errors", "per 100 entries", lambda u: (float(u.errors), 1.0)),
        measure("findings", "errors + warnings", "per 100 entries", lambda u: (float(counted(u)), 1.0)),
    ]
    cut = tuple(k for k in covered if pairs[k].a.source_truncated or pairs[k].b.source_truncated)
    if cut:
        out.append(
            measure(
                "invented-endings", "invented endings", "% of cut entries",
                lambda u: (1.0 if has_code(u, INVENTED_ENDING) else 0.0, 1.0), idx=cut,
            )
        )
    categories = sorted(
        {
            str(f.get("code", "")).split(".", 1)[0]
            for p in chosen
            for u in (p.a, p.b)
            for f in u.findings
            if f.get("severity") in COUNTED
        }
    )
    for cat in categories:
        out.append(measure(f"category:{cat}", f"{cat} findings", "per 100 entries", lambda u, c=cat: (float(counted(u, c)), 1.0)))
    return out


def model_measures(pairs: Sequence[Matched], exclude: Sequence[str]) -> list[MeasureRows]:
    """A mean measure per numeric entry score (not in ``exclude``) that both sides have for some entry."""
    from evalkit.metrics import METRICS

    names = sorted({n for p in pairs for n in p.a.scores if n in p.b.scores and n not in exclude})
    out = []
    for name in names:
        idx = tuple(k for k, p in enumerate(pairs) if name in p.a.scores and name in p.b.scores)
        a = tuple(pairs[k].a.scores[name] for k in idx)
        b = tuple(pairs[k].b.scores[name] for k in idx)
        base = name.split("-", 1)[0] if name not in METRICS else name
        higher = METRICS.get(base).higher_is_better if base in METRICS else True
        out.append(
            MeasureRows(
                name, name, "model", higher, "mean", mean, idx,
                tuple((v, 1.0) for v in a), tuple((v, 1.0) for v in b), a, b, digits=4, vector=mean_rows,
            )
        )
    return out


def reference_measures(pairs: Sequence[Matched], metric_names: Sequence[str], settings: object = None) -> list[MeasureRows]:
    """BLEU/chrF/TER (``metric_names``) over the matched pairs with references, from sacrebleu's
    statistics; each side is scored against the baseline's references (the same for a digest entry)."""
    from evalkit.metrics import METRICS, load_metrics

    load_metrics()
    idx = tuple(k for k, p in enumerate(pairs) if p.a.references)
    if not idx:
        return []
    refs = [pairs[k].a.references for k in idx]
    width = max(len(r) for r in refs)
    streams = [[r[j] if j < len(r) else None for r in refs] for j in range(width)]
    out = []
    for name in metric_names:
        metric = METRICS.get(name)(settings)  # type: ignore[call-arg]
        rows_a = metric.segment_statistics([pairs[k].a.translation for k in idx], streams)
        rows_b = metric.segment_statistics([pairs[k].b.translation for k in idx], streams)
        out.append(
            MeasureRows(
                name, name, "reference", metric.higher_is_better, "", metric.score_from_statistics, idx,
                tuple(tuple(r) for r in rows_a), tuple(tuple(r) for r in rows_b),
                tuple(metric.segment_score(r) for r in rows_a), tuple(metric.segment_score(r) for r in rows_b),
                signature=metric.signature(),
            )
        )
    return out
