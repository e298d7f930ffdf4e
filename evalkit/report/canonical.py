"""The canonical JSON report (``schema: evalkit.report/1``); every other output is rendered from it.

Same input and configuration give byte-identical JSON: no timestamps, no absolute paths the user did
not type, findings sorted by line and code, keys in a fixed order.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any, Iterator

from evalkit import __version__
from evalkit.config import Config
from evalkit.records import CorpusScore, Entry, EntryResult, Finding, IssueResult, Pair, RunResult, Severity
from evalkit.text.indented_json import dumps_indented
from evalkit.text.safe import json_text

SCHEMA = "evalkit.report/1"
SEVERITIES = ("error", "warning", "info")


def build_report(run: RunResult, config: Config, *, with_issues: bool = True) -> dict[str, Any]:
    """The report as plain data, in the documented key order (``issues`` left empty if not ``with_issues``)."""
    from evalkit.metrics.bootstrap import BootstrapSettings
    from evalkit.pipeline import active_checks

    return {
        "schema": SCHEMA,
        "tool": {"name": "evalkit", "version": __version__},
        "config": {
            **config.to_dict(),
            **model_metric_sections(run, config),
            **judge_sections(run, config),
            "checks": [c.name for c in active_checks(config)],
            "references": _references(run),
            "metrics": {
                **metrics_config(config.metrics, run.issues if run.references is not None else None),
                **model_metrics_config(run),
            },
            "bootstrap": BootstrapSettings(samples=config.bootstrap).to_dict(),
        },
        "summary": _run_summary(run),
        "issues": [_issue(i) for i in run.issues] if with_issues else [],
        "errors": [p.to_dict() for p in run.errors],
        "skipped": [{"path": s.path, "reason": s.reason} for s in run.skipped],
    }


def dumps_report(report: dict[str, Any]) -> str:
    """Serialise deterministically: UTF-8 text (no \\u escapes for Chinese), two-space indent; the control
    characters :mod:`json` leaves raw (DEL, C1, lone surrogates, ...) as ``\\u`` escapes
    (:func:`~evalkit.text.safe.json_text`), so the file holds no raw control character."""
    return json_text(dumps_indented(report)) + "\n"


def iter_report_json(run: RunResult, config: Config) -> Iterator[str]:
    """Exactly ``dumps_report(build_report(run, config))``, in chunks, building one entry's data at a time.

    A corpus-sized report (50+ MB of JSON), or one huge issue, thus never sits in memory as one dict or
    one string. An issue whose JSON its worker process already wrote (``run.spooled``, see
    :mod:`evalkit.report.spool`) is copied from that file: the same text, dumped in parallel.
    """
    head = build_report(run, config, with_issues=False)
    keys = list(head)
    # Keyed by identity and checked against the very object: an issue replaced after it was spooled
    # (dataclasses.replace) is dumped anew, never copied stale.
    spooled = {id(issue): (issue, where) for issue, where in run.spooled}
    yield "{\n"
    for n, key in enumerate(keys):
        yield f"  {json.dumps(key)}: "
        if key == "issues" and run.issues:
            yield "[\n"
            for k, issue in enumerate(run.issues):
                yield "    "
                same, where = spooled.get(id(issue), (None, None))
                text = where.read() if same is issue and where is not None else None
                if text is not None:
                    yield text
                else:
                    yield from iter_issue_json(issue)
                yield ",\n" if k + 1 < len(run.issues) else "\n"
            yield "  ]"
        else:
            yield _dumps_nested(head[key], 2)
        yield ",\n" if n + 1 < len(keys) else "\n"
    yield "}\n"


#: Stands in for an issue's entries while the rest of the issue is dumped; JSON writes it as \u0000.
_ENTRIES_MARK = "\x00entries\x00"


def split_at_mark(dumped: str) -> tuple[str, str]:
    """The JSON text before and after the one :data:`_ENTRIES_MARK` value in ``dumped`` (a dump of data
    holding it where a list is to be written piece by piece)."""
    before, after = dumped.split(json.dumps(_ENTRIES_MARK), 1)
    return before, after


def iter_issue_json(result: IssueResult) -> Iterator[str]:
    """One issue as it appears in the canonical report (``_dumps_nested(_issue(result), 4)``: nested in
    the ``issues`` list), in chunks, its entries dumped one at a time."""
    data = _issue(result, with_entries=False)
    data["entries"] = _ENTRIES_MARK
    before, after = split_at_mark(_dumps_nested(data, 4))
    yield before
    if not result.entries:
        yield "[]"
    else:
        yield "[\n"
        for k, entry in enumerate(result.entries):
            yield " " * 8 + _dumps_nested(_entry(entry), 8)
            yield ",\n" if k + 1 < len(result.entries) else "\n"
        yield " " * 6 + "]"
    yield after


def _dumps_nested(value: Any, depth: int) -> str:
    """``value`` as it appears nested ``depth`` spaces deep in an indent=2 dump (JSON strings hold no raw newline)."""
    return json_text(dumps_indented(value, depth))


def entry_status(findings: tuple[Finding, ...] | list[Finding]) -> str:
    """``fail`` with any error, ``warn`` with any warning, else ``pass``."""
    severities = {f.severity for f in findings}
    if Severity.ERROR in severities:
        return "fail"
    if Severity.WARNING in severities:
        return "warn"
    return "pass"


def _run_summary(run: RunResult) -> dict[str, Any]:
    entries = [e for i in run.issues for e in i.entries]
    statuses = Counter(entry_status(e.findings) for e in entries)
    return {
        "issues": len(run.issues),
        "entries": len(entries),
        "pass": statuses["pass"],
        "warn": statuses["warn"],
        "fail": statuses["fail"],
        "input_errors": len(run.errors),
        "with_references": sum(1 for e in entries if e.references),
    }


def _references(run: RunResult) -> dict[str, Any] | None:
    info = run.references
    if info is None:
        return None
    return {"path": info.path, "files": list(info.files), "ids": info.ids, "references": info.references}


def metrics_config(names: tuple[str, ...] | None, scored: Any) -> dict[str, Any]:
    """``config.metrics``: per selected metric its direction and signatures, recorded once per report.

    ``scored`` is an iterable of objects with a ``scores`` mapping of :class:`CorpusScore` (issues, or
    a triples result), or ``None`` when no reference set was used (then no metric ran: ``{}``). A
    signature is ``None`` when nothing was scored; when issues had different numbers of references the
    signatures differ only in ``nrefs``, which becomes ``nrefs:var``.
    """
    from evalkit.metrics import METRICS
    from evalkit.metrics.apply import default_metric_names

    if scored is None:
        return {}
    scores = [s.scores for s in scored]
    out: dict[str, Any] = {}
    for name in names if names is not None else default_metric_names():
        found = [sc[name] for sc in scores if name in sc]
        signature = _one_signature(s.signature for s in found)
        segment = _one_signature(s.segment_signature or s.signature for s in found)
        entry: dict[str, Any] = {"higher_is_better": METRICS.get(name).higher_is_better, "signature": signature}
        if segment != signature:
            entry["segment_signature"] = segment
        out[name] = entry
    return out


def model_metric_sections(run: Any, config: Config) -> dict[str, Any]:
    """One ``config`` section per registered model metric: its settings and what the stage did for it.

    ``run`` is a :class:`RunResult` or a triples result (anything with ``model_run(name)``). A metric the
    run did not ask for says ``status: "off"``. Cache hits are left out on purpose: they differ between
    a first run and a re-run, and the report must be byte-identical for the same input and configuration.
    """
    from evalkit.metrics import model_metric_classes

    sections: dict[str, Any] = {}
    for cls in model_metric_classes():
        info = run.model_run(cls.name)
        status = {"status": "off"} if info is None else {
            "status": info.status,
            "reason": info.reason,
            "mode": info.mode,
            "resolved": dict(sorted(info.models.items())),
            "segments": info.segments,
            "cropped": info.cropped,
        }
        sections[cls.name] = {**cls.settings_from(config).to_dict(), **status}
    return sections


def judge_sections(run: Any, config: Config) -> dict[str, Any]:
    """``config.judge``: the LLM judge's settings, its signature and what it did, when the run asked for it.

    As for the model metrics, what depends on the cache (answers reused, tokens spent) is left out,
    so a rerun that costs nothing writes the same report.
    """
    runs = getattr(run, "judges", ())
    if not runs:
        return {}
    info = runs[0]
    return {
        "judge": {
            **config.judge.to_dict(),
            "status": info.status,
            "reason": info.reason,
            "signature": info.signature,
            "entries": info.entries,
            "judged": info.judged,
            "failed": info.failed,
            "over_budget": info.over_budget,
            "findings": info.findings,
            "dropped_spans": info.dropped_spans,
        }
    }


def model_metrics_config(run: Any) -> dict[str, Any]:
    """``config.metrics`` entries of the model metrics that produced scores: per score key (``comet``,
    ``comet-qe``, ...) its direction and model signature."""
    from evalkit.metrics import METRICS

    out: dict[str, Any] = {}
    for info in run.model_metrics:
        if info.computed_ok:
            higher = METRICS.get(info.metric).higher_is_better
            out.update({key: {"higher_is_better": higher, "signature": sig} for key, sig in sorted(info.signatures.items())})
    return out


def _one_signature(signatures: Any) -> str | None:
    distinct = sorted(set(signatures))
    if not distinct:
        return None
    merged = sorted({re.sub(r"nrefs:[^|]*", "nrefs:var", s) for s in distinct}) if len(distinct) > 1 else distinct
    return " ; ".join(merged)


def corpus_score_dict(score: CorpusScore) -> dict[str, Any]:
    """An issue-level (or file-level) score as it appears under ``summary.scores``."""
    return {
        "value": score.value,
        "ci": list(score.ci) if score.ci is not None else None,
        "n": score.n,
        "signature": score.signature,
    }


def _issue(result: IssueResult, with_entries: bool = True) -> dict[str, Any]:
    issue = result.issue
    return {
        "path": issue.path,
        "id": issue.id,
        "date": issue.date,
        "channel": issue.channel,
        "layout": issue.layout,
        "summary": _issue_summary(result),
        "findings": [_finding(f) for f in result.findings],
        "entries": [_entry(e) for e in result.entries] if with_entries else [],
    }


def _issue_summary(result: IssueResult) -> dict[str, Any]:
    all_findings = [f for e in result.entries for f in e.findings] + list(result.findings)
    counts = Counter(f.severity.value for f in all_findings)
    by_category: dict[str, dict[str, int]] = {}
    for f in sorted(all_findings, key=lambda f: f.category):
        cat = by_category.setdefault(f.category, {s: 0 for s in SEVERITIES})
        cat[f.severity.value] += 1
    statuses = Counter(entry_status(e.findings) for e in result.entries)
    return {
        "entries": len(result.entries),
        "pass": statuses["pass"],
        "warn": statuses["warn"],
        "fail": statuses["fail"],
        "errors": counts["error"],
        "warnings": counts["warning"],
        "infos": counts["info"],
        "source_truncated": sum(1 for e in result.entries if e.entry.source_truncated),
        "by_category": by_category,
        "by_code": dict(sorted(Counter(f.code for f in all_findings if f.severity is not Severity.INFO).items())),
        "with_references": sum(1 for e in result.entries if e.references),
        "scores": {name: corpus_score_dict(score) for name, score in result.scores.items()},
    }


def _entry(result: EntryResult) -> dict[str, Any]:
    e = result.entry
    return {
        "ref": e.ref,
        "arxiv_id": e.arxiv_id,
        "link": e.link,
        "line": e.line,
        "status": entry_status(result.findings),
        "layout": e.layout,
        "english_style": e.english_style,
        "announce_type": e.announce_type,
        "version": e.version,
        "source_truncated": e.source_truncated,
        "english_length": e.abstract_en_length,
        "lines": dict(e.lines),
        "text": {
            "title_en": e.title_en,
            "title_zh": e.title_zh,
            "summary_zh": e.summary_zh,
            "abstract_en": e.abstract_en,
            "abstract_zh": e.abstract_zh,
        },
        "references": result.references,
        "scores": dict(result.scores),
        "pairs": [
            _pair(p, e, result.pair_scores[k] if k < len(result.pair_scores) else {}) for k, p in enumerate(result.pairs)
        ],
        "findings": [_finding(f) for f in result.findings],
        # Only when a judge ran, so other reports keep their shape; "cached" is reported as "judged"
        # because a rerun from the cache must write the same report.
        **({"judged": {k: ("judged" if v == "cached" else v) for k, v in sorted(result.judged.items())}}
           if result.judged else {}),
    }


def _finding(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {"code": f.code, "severity": f.severity.value, "line": f.line, "message": f.message}
    if f.evidence is not None:
        evidence = f.evidence.to_dict()
        if evidence:
            out["evidence"] = evidence
    return out


def _pair(p: Pair, entry: Entry, scores: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": p.kind,
        "en": entry.abstract_en[p.en[0] : p.en[1]] if p.en else "",
        "zh": entry.abstract_zh[p.zh[0] : p.zh[1]] if p.zh else "",
        "en_span": list(p.en) if p.en else None,
        "zh_span": list(p.zh) if p.zh else None,
        "similarity": p.similarity,
        "confidence": p.confidence,
        "scores": dict(scores),
    }
    if p.tail:
        out["tail"] = True
    return out
