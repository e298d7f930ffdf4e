"""The comparison report (``schema: evalkit.compare/1``); the terminal table, Markdown and HTML are
rendered from it, as every score output is rendered from the score report.

The first system is the baseline, as in sacrebleu; every later system is compared with it, and with
three or more systems every other pair is compared too (earlier system as the baseline of the pair).
Same inputs and settings give byte-identical JSON: the tests are seeded, nothing is timed or dated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from evalkit import __version__
from evalkit.compare.diff import FindingDiff, buckets, change_rank, diff_findings, win_tie_loss
from evalkit.compare.match import Matched, Matching, match_units
from evalkit.compare.measures import MeasureRows, check_measures, model_measures, reference_measures
from evalkit.compare.significance import TestSettings, paired_test
from evalkit.compare.systems import System, Unit
from evalkit.text.safe import json_text

SCHEMA = "evalkit.compare/1"
#: How many entries the report names as those that changed most.
MOST_CHANGED = 20
MATCH_RULE = "arXiv id; where an id repeats, ref first, then reading order (triples: the id column, else the row number)"


@dataclass(frozen=True)
class CompareSettings:
    """What a comparison computes: the paired-test settings, the reference metrics (``None``: the
    defaults) with their sacrebleu options, and how many most-changed entries to name."""

    tests: TestSettings = field(default_factory=TestSettings)
    metrics: Sequence[str] | None = None
    sacrebleu: Any = None
    most_changed: int = MOST_CHANGED


def build_compare_report(systems: Sequence[System], settings: CompareSettings = CompareSettings()) -> dict[str, Any]:
    """Compare ``systems`` (two or more; the first is the baseline) and return the report as plain data."""
    if len(systems) < 2:
        raise ValueError("a comparison needs at least two systems")
    comparisons = [
        compare_pair(systems[i], systems[j], settings)
        for i in range(len(systems))
        for j in range(i + 1, len(systems))
    ]
    return {
        "schema": SCHEMA,
        "tool": {"name": "evalkit", "version": __version__},
        "settings": {**settings.tests.to_dict(), "baseline": systems[0].name, "match": MATCH_RULE},
        "systems": [_system(s) for s in systems],
        "comparisons": comparisons,
    }


def dumps_compare(report: Mapping[str, Any]) -> str:
    """The report as deterministic UTF-8 JSON text (two-space indent, control characters escaped)."""
    return json_text(json.dumps(report, ensure_ascii=False, indent=2)) + "\n"


def _system(system: System) -> dict[str, Any]:
    return {
        "name": system.name,
        "kind": system.kind,
        "inputs": list(system.inputs),
        "entries": len(system.units),
        "issues": system.issues,
        "input_errors": [dict(e) for e in system.input_errors],
    }


def reference_metric_names(settings: CompareSettings) -> tuple[str, ...]:
    """The reference metrics compared: the ones asked for, else evalkit's defaults."""
    from evalkit.metrics.apply import default_metric_names

    return tuple(settings.metrics) if settings.metrics is not None else default_metric_names()


def pair_measures(pairs: Sequence[Matched], settings: CompareSettings) -> list[MeasureRows]:
    """Every measure of a pair of systems, reference metrics first, then model scores, then checks."""
    from evalkit.metrics import METRICS, load_metrics

    load_metrics()
    names = reference_metric_names(settings)
    excluded = [m.name for m in METRICS if m.needs_reference and not m.needs_model]
    return [
        *reference_measures(pairs, names, settings.sacrebleu),
        *model_measures(pairs, excluded),
        *check_measures(pairs),
    ]


def compare_pair(a: System, b: System, settings: CompareSettings) -> dict[str, Any]:
    """One pair: matching, every measure with its paired tests, entry diffs, win/tie/loss and buckets."""
    matching = match_units(a, b)
    pairs = matching.pairs
    measures = pair_measures(pairs, settings)
    alpha = settings.tests.alpha
    measure_data = [_measure(m, settings.tests, alpha) for m in measures]
    diffs = [diff_findings(p.a, p.b) for p in pairs]
    primary = next((m for m in measures if m.group != "checks"), None)
    primary_delta: dict[int, float] = (
        {k: y - x for k, x, y in zip(primary.covered, primary.segment_a, primary.segment_b)} if primary else {}
    )
    ranked = sorted(
        (k for k, d in enumerate(diffs) if d.changed or primary_delta.get(k)),
        key=lambda k: tuple(-v for v in change_rank(diffs[k], primary_delta.get(k))) + (k,),
    )
    segment_scores: dict[int, dict[str, list[float]]] = {}
    for m in measures:
        if m.group != "checks":
            for k, x, y in zip(m.covered, m.segment_a, m.segment_b):
                segment_scores.setdefault(k, {})[m.name] = [x, y]
    return {
        "baseline": a.name,
        "system": b.name,
        "matched": len(pairs),
        "unmatched": _unmatched(matching),
        "primary": primary.name if primary else None,
        "measures": measure_data,
        "win_tie_loss": win_tie_loss(pairs, measures),
        "findings": _finding_totals(diffs),
        "buckets": buckets(pairs, measures),
        "most_changed": [pairs[k].key for k in ranked[: settings.most_changed]],
        "entries": [_entry(p, d, segment_scores.get(k, {})) for k, (p, d) in enumerate(zip(pairs, diffs))],
    }


def _measure(m: MeasureRows, tests: TestSettings, alpha: float) -> dict[str, Any]:
    result = paired_test(m.rows_a, m.rows_b, m.score, tests, m.vector)
    delta = result.delta
    if delta == 0:
        better = "same"
    else:
        better = "system" if (delta > 0) == m.higher_is_better else "baseline"
    return {
        "name": m.name,
        "label": m.label,
        "group": m.group,
        "unit": m.unit,
        "higher_is_better": m.higher_is_better,
        "digits": m.digits,
        "segments": result.segments,
        "signature": f"{m.signature}|{tests.signature()}" if m.signature else tests.signature(),
        "baseline": result.baseline,
        "system": result.system,
        "delta": delta,
        "better": better,
        "p_bs": result.p_bs,
        "p_ar": result.p_ar,
        "significant": result.significant(alpha),
        "baseline_ci": [result.baseline_mean, result.baseline_ci] if result.baseline_mean is not None else None,
        "system_ci": [result.system_mean, result.system_ci] if result.system_mean is not None else None,
    }


def _unit_ref(unit: Unit) -> dict[str, Any]:
    return {"arxiv_id": unit.arxiv_id, "ref": unit.ref, "issue": unit.issue, "path": unit.path, "line": unit.line}


def _unmatched(matching: Matching) -> dict[str, list[dict[str, Any]]]:
    return {"baseline": [_unit_ref(u) for u in matching.only_a], "system": [_unit_ref(u) for u in matching.only_b]}


def _finding_totals(diffs: Sequence[FindingDiff]) -> dict[str, Any]:
    by_code: dict[str, dict[str, int]] = {}

    def bump(code: Any, what: str) -> None:
        counts = by_code.setdefault(str(code), {"appeared": 0, "disappeared": 0, "persisted": 0})
        counts[what] += 1

    for d in diffs:
        for f in d.appeared:
            bump(f.get("code"), "appeared")
        for f in d.disappeared:
            bump(f.get("code"), "disappeared")
        for f, _ in d.persisted:
            bump(f.get("code"), "persisted")
    return {
        "appeared": sum(len(d.appeared) for d in diffs),
        "disappeared": sum(len(d.disappeared) for d in diffs),
        "persisted": sum(len(d.persisted) for d in diffs),
        "entries_changed": sum(1 for d in diffs if d.changed),
        "by_code": dict(sorted(by_code.items())),
    }


def _entry(p: Matched, d: FindingDiff, scores: Mapping[str, list[float]]) -> dict[str, Any]:
    a, b = p.a, p.b
    fa, fb = list(a.findings), list(b.findings)
    index_a = {id(f): k for k, f in enumerate(fa)}
    index_b = {id(f): k for k, f in enumerate(fb)}
    return {
        "key": p.key,
        "arxiv_id": a.arxiv_id,
        "ref": [a.ref, b.ref],
        "issue": [a.issue, b.issue],
        "line": [a.line, b.line],
        "channel": a.channel,
        "source_truncated": a.source_truncated,
        "english_length": a.english_length,
        "status": [a.status, b.status],
        "errors": [a.errors, b.errors],
        "warnings": [a.warnings, b.warnings],
        "scores": dict(scores),
        "same_text": a.translation == b.translation,
        "appeared": [index_b[id(f)] for f in d.appeared],
        "disappeared": [index_a[id(f)] for f in d.disappeared],
        "persisted": [[index_a[id(x)], index_b[id(y)]] for x, y in d.persisted],
        "text": {
            "title_en": a.title_en,
            "title_zh": [a.title_zh, b.title_zh],
            "abstract_en": a.source,
            "abstract_zh": [a.translation, b.translation],
        },
        "findings": [fa, fb],
    }
