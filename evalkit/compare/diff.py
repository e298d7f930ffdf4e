"""Entry by entry: which findings appear, disappear or persist, who wins, and where the systems differ.

- **Findings** of a matched entry are paired by code: a finding of the baseline persists when the system
  has one with the same code (pairs with the same evidence text first, then the rest in line order); the rest disappeared
  (baseline only) or appeared (system only). Info findings are facts (the English was cut), not problems,
  and are left out.
- **Win / tie / loss** per entry: for a score, the system wins when its segment score is better by more
  than :data:`TIE_EPSILON`; for the checks, when it has fewer errors, or as many errors and fewer warnings.
- **Buckets** split the matched entries by English length, by whether the English was cut, and by channel.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from evalkit.compare.match import Matched
from evalkit.compare.measures import COUNTED, INVENTED_ENDING, MeasureRows, counted, has_code
from evalkit.compare.systems import Unit

#: Segment scores closer than this are a tie (scores are on 0–100 or 0–1 scales; sentence BLEU repeats exactly).
TIE_EPSILON = 1e-9
#: English length buckets in characters: (label, lowest, highest); the generator cuts at 1,000.
LENGTH_BUCKETS = (("< 500 chars", 0, 499), ("500–899 chars", 500, 899), ("900–999 chars", 900, 999), ("1,000 chars (cut)", 1000, 10**9))


@dataclass(frozen=True)
class FindingDiff:
    """The findings of one matched entry, sorted into appeared, disappeared and persisted
    (``persisted`` holds ``(baseline finding, system finding)`` pairs)."""

    appeared: tuple[Mapping[str, Any], ...]
    disappeared: tuple[Mapping[str, Any], ...]
    persisted: tuple[tuple[Mapping[str, Any], Mapping[str, Any]], ...]

    @property
    def changed(self) -> int:
        """How many findings appeared or disappeared."""
        return len(self.appeared) + len(self.disappeared)


def _problems(unit: Unit) -> list[Mapping[str, Any]]:
    return [f for f in unit.findings if f.get("severity") in COUNTED]


def _evidence_text(finding: Mapping[str, Any]) -> str:
    evidence = finding.get("evidence") or {}
    return str(evidence.get("translation") or evidence.get("source") or "")


def diff_findings(a: Unit, b: Unit) -> FindingDiff:
    """Pair the problems of ``a`` (baseline) and ``b`` by code, as the module says."""
    left = _problems(a)
    right = _problems(b)
    used: set[int] = set()
    partner: dict[int, int] = {}
    # same code and evidence first, so that a finding whose text is still there keeps its partner
    for same_text in (True, False):
        for i, f in enumerate(left):
            if i in partner:
                continue
            for k, g in enumerate(right):
                if k in used or g.get("code") != f.get("code"):
                    continue
                if same_text and _evidence_text(g) != _evidence_text(f):
                    continue
                partner[i] = k
                used.add(k)
                break
    persisted = [(f, right[partner[i]]) for i, f in enumerate(left) if i in partner]
    disappeared = [f for i, f in enumerate(left) if i not in partner]
    appeared = [g for k, g in enumerate(right) if k not in used]
    return FindingDiff(tuple(appeared), tuple(disappeared), tuple(persisted))


def check_outcome(a: Unit, b: Unit) -> int:
    """+1 when ``b`` is better by the checks (fewer errors, else fewer warnings), -1 when worse, 0 tie."""
    key_a, key_b = (a.errors, a.warnings), (b.errors, b.warnings)
    return 0 if key_a == key_b else (1 if key_b < key_a else -1)


def score_outcome(value_a: float, value_b: float, higher_is_better: bool) -> int:
    """+1 when ``value_b`` is better than ``value_a`` by more than :data:`TIE_EPSILON`, -1 when worse, 0 tie."""
    if abs(value_b - value_a) <= TIE_EPSILON:
        return 0
    return 1 if (value_b > value_a) == higher_is_better else -1


def win_tie_loss(pairs: Sequence[Matched], measures: Sequence[MeasureRows]) -> dict[str, dict[str, int]]:
    """``{measure: {"wins", "ties", "losses"}}`` from the system's side: ``checks`` over every entry
    that ran the checks, and each reference or model measure over the entries it covers."""
    out: dict[str, dict[str, int]] = {}
    checked = [p for p in pairs if p.a.has_checks and p.b.has_checks]
    if checked:
        out["checks"] = _tally(check_outcome(p.a, p.b) for p in checked)
    for m in measures:
        if m.group != "checks":
            out[m.name] = _tally(score_outcome(x, y, m.higher_is_better) for x, y in zip(m.segment_a, m.segment_b))
    return out


def _tally(outcomes: Any) -> dict[str, int]:
    counts = {"wins": 0, "ties": 0, "losses": 0}
    for o in outcomes:
        counts["wins" if o > 0 else "losses" if o < 0 else "ties"] += 1
    return counts


def length_bucket(unit: Unit) -> str:
    """The :data:`LENGTH_BUCKETS` label of a unit's English length."""
    n = unit.english_length
    for label, lo, hi in LENGTH_BUCKETS:
        if lo <= n <= hi:
            return label
    return LENGTH_BUCKETS[-1][0]


def _side_figures(units: Sequence[Unit]) -> dict[str, float | None]:
    n = len(units)
    cut = [u for u in units if u.source_truncated]
    return {
        "failing": 100.0 * sum(u.status == "fail" for u in units) / n if n else None,
        "findings": 100.0 * sum(counted(u) for u in units) / n if n else None,
        "invented_endings": 100.0 * sum(has_code(u, INVENTED_ENDING) for u in cut) / len(cut) if cut else None,
    }


def buckets(pairs: Sequence[Matched], measures: Sequence[MeasureRows]) -> list[dict[str, Any]]:
    """Per bucket (``by`` = ``length``, ``cut`` or ``channel``): entries, each side's failing share,
    findings per 100 entries and invented-ending share, the check win/tie/loss, and for each score
    measure each side's mean segment score over the bucket's entries it covers."""
    score_of: dict[str, dict[int, tuple[float, float]]] = {
        m.name: {k: (a, b) for k, a, b in zip(m.covered, m.segment_a, m.segment_b)} for m in measures if m.group != "checks"
    }
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k, p in enumerate(pairs):
        groups[("length", length_bucket(p.a))].append(k)
        groups[("cut", "English cut" if p.a.source_truncated else "English whole")].append(k)
        if p.a.channel:
            groups[("channel", p.a.channel)].append(k)
    order = {label: n for n, (label, _, _) in enumerate(LENGTH_BUCKETS)}
    out = []
    for (by, label), idx in sorted(groups.items(), key=lambda kv: (("length", "cut", "channel").index(kv[0][0]), order.get(kv[0][1], 0), kv[0][1])):
        units_a = [pairs[k].a for k in idx]
        units_b = [pairs[k].b for k in idx]
        scores = {}
        for name, values in score_of.items():
            got = [values[k] for k in idx if k in values]
            if got:
                scores[name] = {"a": sum(a for a, _ in got) / len(got), "b": sum(b for _, b in got) / len(got), "n": len(got)}
        checked = [pairs[k] for k in idx if pairs[k].a.has_checks and pairs[k].b.has_checks]
        out.append(
            {
                "by": by,
                "bucket": label,
                "entries": len(idx),
                "a": _side_figures(units_a),
                "b": _side_figures(units_b),
                "checks": _tally(check_outcome(p.a, p.b) for p in checked) if checked else None,
                "scores": scores,
            }
        )
    return out


def change_rank(diff: FindingDiff, primary_delta: float | None) -> tuple[float, float]:
    """How much an entry changed, for "the entries that changed most": the number of findings that
    appeared or disappeared first, then the absolute change of the primary score (one measure, since
    scores of different metrics are on different scales)."""
    return (float(diff.changed), abs(primary_delta) if primary_delta is not None else 0.0)
