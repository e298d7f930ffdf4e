"""The precision/recall curve of a QE threshold over labelled pairs, the proposal, and the threshold as TOML.

A pair is flagged when its score is under the threshold (:mod:`evalkit.judges.qe`), or at every
threshold when it is untranslated (``always_flagged``). :func:`pr_curve` gives precision, recall and F1
at each distinct score as threshold and above them all; :func:`propose` picks the best F1, or the
highest recall whose precision reaches a target. Each point's threshold is the shortest decimal that
flags the same pairs as the score it stands for, so the configuration holds ``0.34``, not ``0.3379331827``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Sequence

@dataclass(frozen=True)
class LabelledPair:
    """A scored pair with its label: ``bad`` and why (``defect``, ``edited``, or the untranslated reason).

    ``always_flagged`` is true for a copy of the English or a pair without Chinese (flagged whatever
    its score); ``entry`` names the labelled entry (its label id, or the arXiv id for post-edits).
    """

    entry: str
    ref: int
    pair: int | None
    score: float
    bad: bool
    reason: str = ""
    always_flagged: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The pair as JSON-ready data."""
        return {
            "entry": self.entry, "ref": self.ref, "pair": self.pair, "score": self.score,
            "bad": self.bad, "reason": self.reason, "always_flagged": self.always_flagged,
        }


@dataclass(frozen=True)
class CurvePoint:
    """Precision and recall when every pair scoring under ``threshold`` is flagged.

    ``threshold`` is the shortest decimal that flags exactly these pairs (what goes in the
    configuration); ``score`` is the distinct score it stands for (``None`` for the point above every
    score, which flags all). ``precision`` is ``None`` when nothing is flagged, ``recall`` when no pair is bad.
    """

    threshold: float
    score: float | None
    flagged: int
    true_positives: int
    false_positives: int
    false_negatives: int
    precision: float | None
    recall: float | None
    f1: float

    def to_dict(self) -> dict[str, Any]:
        """The point as JSON-ready data."""
        return {
            "threshold": self.threshold, "score": self.score, "flagged": self.flagged,
            "tp": self.true_positives, "fp": self.false_positives, "fn": self.false_negatives,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
        }

def pr_curve(pairs: Sequence[LabelledPair]) -> tuple[CurvePoint, ...]:
    """Precision, recall and F1 at each distinct score as threshold (flagged: score under it), and above all.

    Pairs with ``always_flagged`` count as flagged at every threshold. Points go from the lowest
    threshold (only the always-flagged pairs) to the one above every score (all pairs flagged).
    """
    scores = sorted({p.score for p in pairs if not p.always_flagged})
    total_bad = sum(1 for p in pairs if p.bad)
    fixed_tp = sum(1 for p in pairs if p.always_flagged and p.bad)
    fixed_fp = sum(1 for p in pairs if p.always_flagged and not p.bad)
    ranked = sorted((p.score, p.bad) for p in pairs if not p.always_flagged)
    points = []
    below_tp = below_fp = 0
    i = 0
    bounds = [*scores, math.inf]
    previous = -math.inf
    for bound in bounds:
        while i < len(ranked) and ranked[i][0] < bound:
            below_tp += ranked[i][1]
            below_fp += not ranked[i][1]
            i += 1
        tp, fp = fixed_tp + below_tp, fixed_fp + below_fp
        points.append(_point(previous, bound, tp, fp, total_bad))
        previous = bound
    return tuple(points)


def _point(low: float, high: float, tp: int, fp: int, total_bad: int) -> CurvePoint:
    """The point whose thresholds lie in ``(low, high]`` (``high`` infinite: above every score)."""
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / total_bad if total_bad else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else 0.0
    if math.isinf(high):
        threshold, score = shortest_above(low) if not math.isinf(low) else 0.0, None
    else:
        threshold, score = shortest_between(low, high), high
    return CurvePoint(threshold, score, tp + fp, tp, fp, total_bad - tp, precision, recall, f1)


def propose(curve: Sequence[CurvePoint], target_precision: float | None = None) -> CurvePoint | None:
    """The proposed point: best F1, or with ``target_precision`` the highest recall at that precision or more.

    Ties go to the higher precision, then the lower threshold (fewer findings). ``None`` when no point
    has a bad pair flagged, or none reaches ``target_precision``.
    """
    if target_precision is not None:
        meeting = [p for p in curve if p.precision is not None and p.precision >= target_precision and p.true_positives]
        if not meeting:
            return None
        return max(meeting, key=lambda p: (p.recall or 0.0, p.precision or 0.0, -p.threshold))
    useful = [p for p in curve if p.true_positives]
    if not useful:
        return None
    return max(useful, key=lambda p: (p.f1, p.precision or 0.0, -p.threshold))


def shortest_between(low: float, high: float) -> float:
    """The decimal with the fewest digits in ``(low, high]``: it flags the same pairs as ``high`` does."""
    exact = Decimal(repr(high))
    for digits in range(1, 18):
        candidate = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_FLOOR)
        if float(candidate) > low and float(candidate) <= high:
            return float(candidate)
    return high


def shortest_above(value: float) -> float:
    """The decimal with the fewest digits above ``value`` (a threshold that flags every pair)."""
    exact = Decimal(repr(value))
    for digits in range(1, 18):
        step = Decimal(1).scaleb(-digits)
        candidate = exact.quantize(step, rounding=ROUND_CEILING)
        if float(candidate) <= value:
            candidate += step
        if float(candidate) > value:
            return float(candidate)
    return math.nextafter(value, math.inf)


def decimal_text(value: float) -> str:
    """A threshold as TOML writes a float (``0.55``, ``1.0``)."""
    text = repr(float(value))
    return text if any(c in text for c in ".en") else text + ".0"


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (quotes, backslashes of Windows paths and control characters escaped)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
