"""The gate report as SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run, tool ``evalkit`` with a rule per code that occurs (its one-line help from the check registry).
Each failing reason is a result of level ``error`` located at its digest line; a waived one is a result
with an external ``suppression`` holding the waiver's reason, so viewers show it as dismissed. Artifact
locations are relative paths written as URI references (percent-encoded), and ``partialFingerprints`` tie
a result to (path, paper, code) so an alert keeps its identity when lines move (a byte of a file name
that is not UTF-8 is percent-encoded as itself). The text is serialised with :mod:`json`, which escapes
whatever the digest holds, and :func:`~evalkit.text.safe.json_text`, which escapes the control characters
:mod:`json` leaves raw.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any
from urllib.parse import quote

from evalkit.text.chars import fit
from evalkit.text.safe import json_text

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: Descriptions of the gate's own codes (finding codes take theirs from the check registry).
_GATE_RULES = {
    "score": "an entry score is beyond the gate's threshold, or was not computed where the policy requires it",
    "issue.failing-share": "too many entries of the issue fail",
    "issue.score": "an issue-level score is beyond the gate's threshold",
    "issue.findings": "too many findings of one category or code in the issue",
    "regression": "a significant drop against the issue's history (bootstrap test)",
}


def render_sarif(report: dict[str, Any]) -> str:
    """SARIF 2.1.0 JSON text for a gate report."""
    results: list[dict[str, Any]] = []
    codes: list[str] = []
    for issue in report["issues"]:
        for reason in issue["reasons"]:
            results.append(_result(issue["path"], None, reason))
            codes.append(reason["code"])
        for entry in issue["entries"]:
            for reason in entry["reasons"]:
                results.append(_result(issue["path"], entry, reason))
                codes.append(reason["code"])
    for problem in report["errors"]:
        results.append(
            {
                "ruleId": "input",
                "level": "error",
                "message": {"text": fit(problem["message"], 2000)},
                "locations": [_location(problem["path"], problem["line"] or 1)],
            }
        )
        codes.append("input")
    rules = _rules(sorted(set(codes)))
    index = {rule["id"]: n for n, rule in enumerate(rules)}
    for result in results:
        result["ruleIndex"] = index[result["ruleId"]]
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "evalkit",
                        "version": report["tool"]["version"],
                        "semanticVersion": report["tool"]["version"],
                        "rules": rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json_text(json.dumps(sarif, ensure_ascii=False, indent=2)) + "\n"


def _result(path: str, entry: dict[str, Any] | None, reason: dict[str, Any]) -> dict[str, Any]:
    line = reason["line"] or (entry["line"] if entry else 1)
    prefix = ""
    if entry is not None:
        prefix = f"[^{entry['ref']}] arXiv {entry['arxiv_id']}: " if entry["arxiv_id"] else f"[^{entry['ref']}]: "
    arxiv = entry["arxiv_id"] if entry is not None else None
    key = "\x1f".join([path.replace(os.sep, "/"), str(arxiv or (entry["ref"] if entry else "")), reason["code"]])
    result: dict[str, Any] = {
        "ruleId": reason["code"],
        "level": "error" if reason["status"] == "fail" else "note",
        "message": {"text": fit(prefix + reason["message"], 2000)},
        "locations": [_location(path, line)],
        "partialFingerprints": {"evalkitReason/v1": hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()},
    }
    waiver = reason["waiver"]
    if waiver is not None:
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": fit(f"{waiver['reason']} (until {waiver['expires']})", 1000)}
        ]
    return result


def _location(path: str, line: int) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": quote(path.replace(os.sep, "/"), safe="/", errors="surrogateescape")},
            "region": {"startLine": max(1, int(line))},
        }
    }


def _rules(codes: list[str]) -> list[dict[str, Any]]:
    from evalkit.checks import all_codes

    specs = all_codes()
    rules = []
    for code in codes:
        spec = specs.get(code)
        if spec is not None:
            text, level = spec.help, "error" if spec.severity.value == "error" else "warning"
        elif code == "input":
            text, level = "an input could not be read or parsed as a digest", "error"
        else:
            text = next((t for prefix, t in _GATE_RULES.items() if code == prefix or code.startswith(prefix + ".")), code)
            level = "error"
        rules.append(
            {
                "id": code,
                "name": code,
                "shortDescription": {"text": text},
                "defaultConfiguration": {"level": level},
                "properties": {"category": code.split(".", 1)[0]},
            }
        )
    return rules
