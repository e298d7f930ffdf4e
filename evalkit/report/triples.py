"""The report of ``evalkit score --triples FILE`` (``schema: evalkit.triples/1``) and its renderings.

Generic parallel data has no digest structure (no entries, findings or statuses), so it gets its own
small report: the file's system scores with confidence intervals, and every row's scores::

    {"schema": "evalkit.triples/1", "tool": {...},
     "config": {"metrics": {"bleu": {"higher_is_better": true, "signature": "nrefs:1|case:mixed|..."}},
                "bootstrap": {...}},
     "summary": {"path": "data.jsonl", "segments": 3, "scores": {"bleu": {"value": 41.2, "ci": [..], "n": 3,
                 "signature": "nrefs:1|case:mixed|..."}}},
     "segments": [{"line": 1, "id": "a", "references": 1, "scores": {"bleu": 38.5, ...}}]}
"""

from __future__ import annotations

from typing import Any, TextIO

from evalkit import __version__
from evalkit.config import Config
from evalkit.records import TriplesResult
from evalkit.text.safe import display_path, guard_lines, markdown_code

SCHEMA = "evalkit.triples/1"


def build_triples_report(result: TriplesResult, config: Config) -> dict[str, Any]:
    """The triples report as plain data, keys in the documented order."""
    from evalkit.metrics.bootstrap import BootstrapSettings
    from evalkit.report.canonical import corpus_score_dict, metrics_config, model_metric_sections, model_metrics_config

    return {
        "schema": SCHEMA,
        "tool": {"name": "evalkit", "version": __version__},
        "config": {
            "metrics": {**metrics_config(config.metrics, [result]), **model_metrics_config(result)},
            **model_metric_sections(result, config),
            "bootstrap": BootstrapSettings(samples=config.bootstrap).to_dict(),
        },
        "summary": {
            "path": result.path,
            "segments": len(result.triples),
            "scores": {name: corpus_score_dict(score) for name, score in result.scores.items()},
        },
        "segments": [
            {"line": t.line, "id": t.id, "references": len(t.refs), "scores": dict(scores)}
            for t, scores in zip(result.triples, result.segment_scores)
        ],
    }


def score_rows(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """``(metric, value, interval, direction)`` per system score, formatted for people."""
    rows = []
    for name, score in report["summary"]["scores"].items():
        higher = report["config"]["metrics"].get(name, {}).get("higher_is_better", True)
        ci = score["ci"]
        digits = 3 if name.startswith("comet") else 2  # COMET is on a 0–1 scale
        interval = f"{ci[0]:.{digits}f}–{ci[1]:.{digits}f}" if ci else ""
        rows.append((name, f"{score['value']:.{digits}f}", interval, "higher is better" if higher else "lower is better"))
    return rows


def render_triples_markdown(report: dict[str, Any]) -> str:
    """A short Markdown summary: the file, the number of rows, one table row per metric."""
    s = report["summary"]
    confidence = report["config"]["bootstrap"]["confidence"]
    out = ["# evalkit report", "", f"`{markdown_code(s['path'])}`: {s['segments']} segment(s).", ""]
    out += [f"| metric | score | {confidence:.0%} CI | |", "|---|---:|---|---|"]
    out += [f"| {name} | {value} | {interval} | {direction} |" for name, value, interval, direction in score_rows(report)]
    out += ["", "Signatures:", ""]
    out += [f"- {name}: `{m['signature']}`" for name, m in report["config"]["metrics"].items()]
    return "\n".join(out) + "\n"


def render_triples_table(report: dict[str, Any], stream: TextIO) -> None:
    """The terminal summary: one row per metric with its interval, then the signatures (the file name with
    its control characters escaped, no line starting a workflow command)."""
    from rich.console import Console

    console = Console(file=stream, highlight=False, soft_wrap=False)
    with console.capture() as captured:
        _render_triples(report, console)
    stream.write(guard_lines(captured.get()))


def _render_triples(report: dict[str, Any], console: Any) -> None:
    from rich.markup import escape
    from rich.table import Table

    s = report["summary"]
    confidence = report["config"]["bootstrap"]["confidence"]
    table = Table(title=f"evalkit — {escape(display_path(s['path']))}: {s['segments']} segment(s)", title_justify="left")
    for col, kw in (("metric", {}), ("score", {"justify": "right"}), (f"{confidence:.0%} CI", {}), ("", {})):
        table.add_column(col, **kw)
    for row in score_rows(report):
        table.add_row(*(escape(cell) for cell in row))
    console.print(table)
    for name, m in report["config"]["metrics"].items():
        console.print(f"{escape(name)}: {escape(m['signature'] or '')}")
