"""Export a canonical JSON report as tables: Parquet files and a Hugging Face dataset.

Two tables come out of a report: ``entries`` (one row per entry: ids, status, counts, scores) and ``pairs``
(one row per aligned sentence pair: texts, kind, similarity, scores). pandas, pyarrow and datasets are the
``data`` extra and are imported only here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evalkit.errors import InputError
from evalkit.safe_load import json_loads

SCHEMA = "evalkit.report/1"


def report_tables(report: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The ``entries`` and ``pairs`` rows of a report (plain dicts, one per row)."""
    entries: list[dict[str, Any]] = []
    pairs: list[dict[str, Any]] = []
    for issue in report.get("issues", []):
        for e in issue.get("entries", []):
            severities = [f["severity"] for f in e.get("findings", [])]
            row = {
                "issue": issue["id"],
                "path": issue["path"],
                "date": issue.get("date"),
                "ref": e["ref"],
                "arxiv_id": e.get("arxiv_id"),
                "status": e.get("status"),
                "source_truncated": e.get("source_truncated"),
                "errors": severities.count("error"),
                "warnings": severities.count("warning"),
                "codes": sorted({f["code"] for f in e.get("findings", []) if f["severity"] != "info"}),
                "abstract_en": e.get("text", {}).get("abstract_en"),
                "abstract_zh": e.get("text", {}).get("abstract_zh"),
            }
            row.update({f"score_{name}": value for name, value in sorted(e.get("scores", {}).items())})
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
                pair_row.update({f"score_{name}": value for name, value in sorted(p.get("scores", {}).items())})
                pairs.append(pair_row)
    return entries, pairs


def export_report(report_path: str, out_dir: str) -> dict[str, int]:
    """Write ``entries.parquet``, ``pairs.parquet`` and a ``dataset/`` (``DatasetDict.save_to_disk``).

    Returns the row count of each table. A file that is not an evalkit report raises :class:`InputError`.
    """
    try:
        report = json_loads(Path(report_path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(report_path, f"cannot read the report: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(report_path, f"not JSON: {exc.msg}", line=exc.lineno) from None
    if not isinstance(report, dict) or report.get("schema") != SCHEMA:
        raise InputError(report_path, f"not an evalkit report (expected schema {SCHEMA!r})")
    entries, pairs = report_tables(report)

    import pandas as pd
    from datasets import Dataset, DatasetDict

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frames = {"entries": pd.DataFrame(entries), "pairs": pd.DataFrame(pairs)}
    for name, frame in frames.items():
        tmp = out / f".{name}.parquet.tmp"
        frame.to_parquet(tmp, index=False)
        tmp.replace(out / f"{name}.parquet")  # atomic: readers never see half a file
    DatasetDict({name: Dataset.from_pandas(frame, preserve_index=False) for name, frame in frames.items()}).save_to_disk(
        str(out / "dataset")
    )
    return {name: len(frame) for name, frame in frames.items()}
