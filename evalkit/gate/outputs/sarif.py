"""The gate report as SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run, tool ``evalkit`` with a rule per code that occurs: its one-line help from the check registry as
``shortDescription``, the check's own documentation as ``fullDescription`` and ``help`` (text and
Markdown), and ``helpUri`` pointing at the documentation of the code (:data:`DOCS_URL`). Each failing
reason is a result of level ``error`` located at its digest line; a waived one is a result with an
external ``suppression`` holding the waiver's reason, so viewers show it as dismissed. Artifact locations
are paths relative to ``%SRCROOT%`` (the checkout: ``$GITHUB_WORKSPACE``, else the working directory,
declared in ``originalUriBaseIds``) written as URI references (percent-encoded); a path outside it is an
absolute ``file:`` URI. ``partialFingerprints`` tie a result to (path, paper, code) so an alert keeps its
identity when lines move (a byte of a file name that is not UTF-8 is percent-encoded as itself). The text
is serialised with :mod:`json`, which escapes whatever the digest holds, and
:func:`~evalkit.text.safe.json_text`, which escapes the control characters :mod:`json` leaves raw.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from evalkit.gate.outputs import GATE_FORMATS, GateFormat
from evalkit.gate.outputs.github import workspace_path
from evalkit.text.chars import fit
from evalkit.text.safe import json_text

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: Where evalkit's documentation lives; ``helpUri`` is this plus a page and the anchor of the code's section.
#: OWNER stands for the account that hosts the project, as in docs/gate.md's pre-commit example.
DOCS_URL = "https://github.com/OWNER/evalkit/blob/main/"
#: The base every relative artifact location is resolved against (SARIF's conventional name for it).
SRCROOT = "%SRCROOT%"
#: The documentation page and section of each code that is not a check's finding code.
_GATE_DOCS = {
    "score": "docs/gate.md#how-a-verdict-is-reached",
    "issue": "docs/gate.md#how-a-verdict-is-reached",
    "regression": "docs/gate.md#history-and-regressions",
    "input": "docs/gate.md#ci-outputs",
}
_CHECK_DOCS = "README.md#checks"
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
                "originalUriBaseIds": {SRCROOT: {"uri": _srcroot_uri(), "description": {"text": "the checkout the paths are relative to"}}},
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
            "artifactLocation": _artifact(path),
            "region": {"startLine": max(1, int(line))},
        }
    }


def _artifact(path: str) -> dict[str, str]:
    """A path relative to ``%SRCROOT%``; one outside the checkout as an absolute ``file:`` URI."""
    path = workspace_path(path)  # an absolute path inside $GITHUB_WORKSPACE becomes relative to it
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path, safe="/", errors="surrogateescape"), "uriBaseId": SRCROOT}


def _srcroot_uri() -> str:
    """``%SRCROOT%`` as an absolute URI ending in ``/``: the checkout on GitHub, else the working directory."""
    root = Path(os.environ.get("GITHUB_WORKSPACE") or os.getcwd()).absolute()
    return root.as_uri().rstrip("/") + "/"


def _rules(codes: list[str]) -> list[dict[str, Any]]:
    from evalkit.checks import checks_by_code

    checks = checks_by_code()
    rules = []
    for code in codes:
        found = checks.get(code)
        if found is not None:
            check, spec = found
            text, level = spec.help, "error" if spec.severity.value == "error" else "warning"
            long_text = _plain(check.__doc__ or text)
            page = _CHECK_DOCS
        else:
            if code == "input":
                text = "an input could not be read or parsed as a digest"
            else:
                text = next((t for prefix, t in _GATE_RULES.items() if code == prefix or code.startswith(prefix + ".")), code)
            level = "error"
            long_text = f"evalkit gate: {text}. The policy that decides it is described in docs/gate.md."
            page = _GATE_DOCS.get(code.split(".", 1)[0], "docs/gate.md")
        uri = DOCS_URL + page
        summary = long_text.split("\n\n", 1)[0]
        rules.append(
            {
                "id": code,
                "name": code,
                "shortDescription": {"text": text},
                "fullDescription": {"text": summary if summary != text else f"{code}: {summary}"},
                "help": {
                    "text": f"{code}: {text}\n\n{long_text}\n\nSee {uri}",
                    "markdown": f"**`{code}`**: {text}\n\n{_markdown(long_text)}\n\nSee [the documentation]({uri}).",
                },
                "helpUri": uri,
                "defaultConfiguration": {"level": level},
                "properties": {"category": code.split(".", 1)[0]},
            }
        )
    return rules


def _plain(docstring: str) -> str:
    """A docstring as plain paragraphs: indentation gone, lines of a paragraph joined, reST roles reduced."""
    import inspect

    text = re.sub(r":[a-z]+:`~?(?:[\w.]+\.)?([\w]+)`", r"\1", inspect.cleandoc(docstring))  # :func:`~a.b.f` -> f
    text = text.replace("``", "")
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())


def _markdown(text: str) -> str:
    """Plain documentation text escaped as Markdown: it quotes digest text such as ``*`` and ``[^3]``."""
    from evalkit.text.safe import markdown_text

    return "\n\n".join(markdown_text(p, limit=4000) for p in text.split("\n\n"))


@GATE_FORMATS.register
class SarifGateFormat(GateFormat):
    """``--sarif FILE``: :func:`render_sarif`."""

    name = "sarif"

    def render(self, report: dict[str, Any], outcome: Any = None) -> str:
        return render_sarif(report)
