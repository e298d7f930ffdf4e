"""Export a JSON report (canonical or compact) as tables: Parquet files and a Hugging Face dataset.

Three tables come out of a report: ``entries`` (one row per entry: ids, channel, layout, date, titles,
line, status, finding counts by severity, scores), ``pairs`` (one row per aligned sentence pair: texts,
kind, similarity, scores) and ``findings`` (one row per finding, file-level ones included: code,
category, severity, line, message and the evidence with its character spans). Every table has a fixed
schema (:func:`table_schemas`): dates are dates, counts integers, and each known score has its column,
null where it was not computed, so exports with and without references stack. Score columns are named
``score_<metric>`` with the metric key made safe for SQL and dataframes (``chrf++`` → ``chrf_plus_plus``,
``comet-qe`` → ``comet_qe``). pandas, pyarrow and datasets are the ``data`` extra and are imported only here.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

from evalkit.errors import InputError
from evalkit.safe_load import json_loads

SCHEMA = "evalkit.report/1"
#: Score keys a report may hold besides the registered metric names: COMET without a reference.
_SCORE_VARIANTS = ("comet-qe",)
SEVERITIES = ("error", "warning", "info")


def score_column(key: str) -> str:
    """The column of a score key: ``score_`` and the key with ``+`` spelled out and other punctuation ``_``."""
    safe = re.sub(r"[^0-9a-z]+", "_", key.lower().replace("+", "_plus")).strip("_")
    return f"score_{safe}"


def score_keys() -> list[str]:
    """Every score key that gets a column whatever the report holds: the registered metrics and variants."""
    from evalkit.metrics import METRICS, load_metrics

    load_metrics()
    return sorted({*METRICS.names(), *_SCORE_VARIANTS})


def report_tables(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The ``entries``, ``pairs`` and ``findings`` rows of a report (plain dicts, one per row).

    A score key no metric registers (a report from another version) still gets its column, after the known ones.
    """
    entries: list[dict[str, Any]] = []
    pairs: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    for issue in report.get("issues", []):
        date = _date(issue.get("date"))
        for finding in issue.get("findings", []):
            findings.append(_finding_row(issue, None, finding))
        for e in issue.get("entries", []):
            text = e.get("text", {})
            severities = [f["severity"] for f in e.get("findings", [])]
            row = {
                "issue": issue["id"],
                "path": issue["path"],
                "channel": issue.get("channel"),
                "layout": e.get("layout") or issue.get("layout"),
                "date": date,
                "ref": e["ref"],
                "arxiv_id": e.get("arxiv_id"),
                "line": e.get("line"),
                "title_en": text.get("title_en"),
                "title_zh": text.get("title_zh"),
                "status": e.get("status"),
                "source_truncated": e.get("source_truncated"),
                **{f"{s}s": severities.count(s) for s in SEVERITIES},
                "codes": sorted({f["code"] for f in e.get("findings", []) if f["severity"] != "info"}),
                "abstract_en": text.get("abstract_en"),
                "abstract_zh": text.get("abstract_zh"),
            }
            row.update({score_column(name): value for name, value in e.get("scores", {}).items()})
            entries.append(row)
            for k, p in enumerate(e.get("pairs", [])):
                pair_row = {
                    "issue": issue["id"],
                    "ref": e["ref"],
                    "arxiv_id": e.get("arxiv_id"),
                    "pair": k,
                    "kind": p["kind"],
                    "en": p["en"],
                    "zh": p["zh"],
                    "similarity": p["similarity"],
                    "tail": bool(p.get("tail", False)),
                }
                pair_row.update({score_column(name): value for name, value in p.get("scores", {}).items()})
                pairs.append(pair_row)
            for finding in e.get("findings", []):
                findings.append(_finding_row(issue, e, finding))
    return {"entries": entries, "pairs": pairs, "findings": findings}


def _finding_row(issue: dict[str, Any], entry: dict[str, Any] | None, finding: dict[str, Any]) -> dict[str, Any]:
    evidence = finding.get("evidence") or {}
    row = {
        "issue": issue["id"],
        "path": issue["path"],
        "ref": entry["ref"] if entry else None,
        "arxiv_id": entry.get("arxiv_id") if entry else None,
        "code": finding["code"],
        "category": finding["code"].split(".", 1)[0],
        "severity": finding["severity"],
        "line": finding.get("line"),
        "message": finding.get("message"),
        "field": evidence.get("field"),
    }
    for side in ("source", "translation"):
        span = evidence.get(f"{side}_span") or (None, None)
        row.update({side: evidence.get(side), f"{side}_start": span[0], f"{side}_end": span[1]})
    return row


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def table_schemas(extra_scores: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The pyarrow schema of each table; ``extra_scores`` adds unregistered score columns per table."""
    import pyarrow as pa

    scores = [pa.field(score_column(key), pa.float64()) for key in score_keys()]
    extra_scores = extra_scores or {}

    def with_scores(name: str, fields: list[Any]) -> Any:
        extra = [pa.field(c, pa.float64()) for c in extra_scores.get(name, [])]
        return pa.schema(fields + scores + extra)

    string, integer = pa.string(), pa.int64()
    return {
        "entries": with_scores("entries", [
            ("issue", string), ("path", string), ("channel", string), ("layout", string), ("date", pa.date32()),
            ("ref", integer), ("arxiv_id", string), ("line", integer), ("title_en", string), ("title_zh", string),
            ("status", string), ("source_truncated", pa.bool_()),
            *((f"{s}s", integer) for s in SEVERITIES),
            ("codes", pa.list_(string)), ("abstract_en", string), ("abstract_zh", string),
        ]),
        "pairs": with_scores("pairs", [
            ("issue", string), ("ref", integer), ("arxiv_id", string), ("pair", integer), ("kind", string),
            ("en", string), ("zh", string), ("similarity", pa.float64()), ("tail", pa.bool_()),
        ]),
        "findings": pa.schema([
            ("issue", string), ("path", string), ("ref", integer), ("arxiv_id", string), ("code", string),
            ("category", string), ("severity", string), ("line", integer), ("message", string), ("field", string),
            ("source", string), ("source_start", integer), ("source_end", integer),
            ("translation", string), ("translation_start", integer), ("translation_end", integer),
        ]),
    }


def export_report(report_path: str, out_dir: str) -> dict[str, int]:
    """Write ``entries.parquet``, ``pairs.parquet``, ``findings.parquet`` and a ``dataset/``
    (``DatasetDict.save_to_disk``), all with the schemas of :func:`table_schemas`.

    Returns the row count of each table. A compact report (``evalkit.report/1+compact``) gives the same
    tables as the canonical one. A file that is not an evalkit report raises :class:`InputError`.
    """
    try:
        report = json_loads(Path(report_path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(report_path, f"cannot read the report: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(report_path, f"not JSON: {exc.msg}", line=exc.lineno) from None
    from evalkit.report.compact import expand_report

    # A compact report's pairs name their sentences by span; the pairs table wants the texts back.
    report = expand_report(report, report_path)
    if not isinstance(report, dict) or report.get("schema") != SCHEMA:
        raise InputError(report_path, f"not an evalkit report (expected schema {SCHEMA!r})")
    rows = report_tables(report)

    import datasets
    import pyarrow as pa
    import pyarrow.parquet as pq

    known = {score_column(key) for key in score_keys()}
    extra = {name: sorted({c for r in table for c in r if c.startswith("score_")} - known) for name, table in rows.items()}
    schemas = table_schemas(extra)
    tables = {name: pa.Table.from_pylist(rows[name], schema=schema) for name, schema in schemas.items()}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        tmp = out / f".{name}.parquet.tmp"
        pq.write_table(table, tmp)
        tmp.replace(out / f"{name}.parquet")  # atomic: readers never see half a file
    # datasets draws a progress bar per split on stderr; quiet it for this call only, as the caller had it after
    was_enabled = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        splits = {name: datasets.Dataset(datasets.table.InMemoryTable(table)) for name, table in tables.items()}
        datasets.DatasetDict(splits).save_to_disk(str(out / "dataset"))
    finally:
        if was_enabled:
            datasets.enable_progress_bars()
    return {name: table.num_rows for name, table in tables.items()}
