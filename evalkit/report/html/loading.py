"""Read a JSON report back from disk, refusing anything that is not one with a clear message.

A compact report (``evalkit.report/1+compact``) is read as well and comes back in the canonical form
(:func:`~evalkit.report.compact.expand_report`), so no reader needs to know that form exists.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evalkit.errors import InputError
from evalkit.report.canonical import SCHEMA
from evalkit.report.compact import COMPACT_SCHEMA, expand_report
from evalkit.safe_load import json_loads


def load_report(path: str) -> dict[str, Any]:
    """The report in ``path``, checked to have the ``evalkit.report/1`` shape the renderers rely on
    (a compact report expanded to it first).

    Raises :class:`InputError` (naming the file, and the line for broken JSON) for a missing or
    unreadable file, text that is not JSON, JSON that is not an evalkit report, or a report whose
    ``issues`` are not shaped as the schema says.
    """
    file = Path(path)
    if not file.exists():
        raise InputError(path, "no such file")
    if file.is_dir():
        raise InputError(path, "is a directory, not a JSON report")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text: not a JSON report written by evalkit score --format json") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        report = json_loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not JSON ({exc.msg}); expected a report written by evalkit score --format json", line=exc.lineno) from None
    report = expand_report(report, path)
    check_report(report, path)
    return report


def is_report(data: Any) -> bool:
    """Whether ``data`` claims to be a score report, canonical or compact (its ``schema`` key), without
    checking further."""
    return isinstance(data, dict) and data.get("schema") in (SCHEMA, COMPACT_SCHEMA)


def check_report(report: Any, path: str) -> None:
    """Raise :class:`InputError` unless ``report`` has the keys and types the HTML and Markdown need.

    The canonical form only: a compact report is refused here until :func:`expand_report` has given
    its pairs their texts back.
    """
    if not (isinstance(report, dict) and report.get("schema") == SCHEMA):
        found = (f"schema {report['schema']!r}" if "schema" in report else "no 'schema' key") if isinstance(report, dict) else f"a JSON {type(report).__name__}"
        raise InputError(path, f"not an evalkit report (expected schema {SCHEMA!r}, found {found})")
    if not isinstance(report.get("issues"), list):
        raise InputError(path, "malformed evalkit report: 'issues' is not a list")
    for k, issue in enumerate(report["issues"]):
        where = f"malformed evalkit report: issues[{k}]"
        if not isinstance(issue, dict) or not isinstance(issue.get("summary"), dict) or not isinstance(issue.get("entries"), list):
            raise InputError(path, f"{where} lacks a 'summary' object or an 'entries' list")
        if not isinstance(issue.get("findings", []), list):
            raise InputError(path, f"{where}.findings is not a list")
        for j, entry in enumerate(issue["entries"]):
            if not isinstance(entry, dict):
                raise InputError(path, f"{where}.entries[{j}] is not an object")
            for key in ("findings", "pairs"):
                value = entry.get(key, [])
                if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
                    raise InputError(path, f"{where}.entries[{j}].{key} is not a list of objects")
            if any(not isinstance(f.get("code"), str) for f in entry.get("findings", [])):
                raise InputError(path, f"{where}.entries[{j}] has a finding without a 'code'")
            if not isinstance(entry.get("text", {}), dict) or not isinstance(entry.get("scores", {}) or {}, dict):
                raise InputError(path, f"{where}.entries[{j}]: 'text' and 'scores' must be objects")
    for key in ("config", "summary"):
        if not isinstance(report.get(key, {}), dict):
            raise InputError(path, f"malformed evalkit report: '{key}' is not an object")
    if not isinstance(report.get("errors", []), list):
        raise InputError(path, "malformed evalkit report: 'errors' is not a list")
