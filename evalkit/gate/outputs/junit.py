"""The gate report as JUnit XML: a test suite per issue, a test case per entry.

A failing entry's test case holds a ``<failure>`` per reason (``type`` = the code, ``message`` starting
``path:line: code:``); a waived entry passes and says so in ``<system-out>``. A case's ``file`` and ``line``
are where its annotation points: the first failing reason's line, else the entry's. Issue-level reasons
(failing share, issue scores, regressions, file-level findings) are one more test case, ``issue``, per
suite; input errors are a suite ``inputs`` of errored cases. Given the run's :class:`RunTime`, the suites
carry its start as ``timestamp`` (UTC, ISO 8601) and every element a ``time``: evalkit scores an issue's
entries in one pass, so a case's time is an even share of the run's wall time. The XML is built with :mod:`xml.etree.ElementTree`, which escapes ``&``, ``<``, ``>`` and quotes;
control characters (those XML cannot hold at all, and the C1 ones it can) are written as visible escapes
first (:func:`~evalkit.text.safe.xml_text`), and file names as :func:`~evalkit.text.safe.display_path`
shows them.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from evalkit.gate.outputs import GATE_FORMATS, GateFormat
from evalkit.text.safe import display_path, xml_text
from evalkit.text.chars import fit


@dataclass(frozen=True)
class RunTime:
    """When a gate run started (an aware datetime) and how many seconds of wall time it took."""

    started: datetime.datetime
    seconds: float

    def timestamp(self) -> str:
        """The start in UTC, ISO 8601 to the second (``2026-06-01T08:30:05Z``)."""
        return self.started.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_junit(report: dict[str, Any], timing: RunTime | None = None) -> str:
    """JUnit XML text (UTF-8, with declaration) for a gate report; ``timing`` adds ``time``/``timestamp``."""
    root = ET.Element("testsuites", name="evalkit gate")
    total = failures = errors = 0
    for issue in report["issues"]:
        path = display_path(issue["path"])
        suite = _element(root, "testsuite", name=path)
        cases = fails = 0
        for entry in issue["entries"]:
            cases += 1
            label = " ".join(x for x in (f"[^{entry['ref']}]", entry["arxiv_id"], fit(entry["title_en"] or entry["title_zh"], 120)) if x)
            failing = [r for r in entry["reasons"] if r["status"] == "fail"]
            line = (failing[0]["line"] or entry["line"]) if failing else entry["line"]
            case = _element(suite, "testcase", classname=path, name=label, file=path, line=str(line))
            for reason in failing:
                _failure(case, path, reason["line"] or entry["line"], reason)
            if failing:
                fails += 1
            waived = [r for r in entry["reasons"] if r["status"] == "waived"]
            if waived:
                out = _element(case, "system-out")
                out.text = xml_text("\n".join(_waived_line(r) for r in waived))
        if issue["reasons"]:
            cases += 1
            failing = [r for r in issue["reasons"] if r["status"] == "fail"]
            line = (failing[0]["line"] or 1) if failing else 1
            case = _element(suite, "testcase", classname=path, name="issue", file=path, line=str(line))
            for reason in failing:
                _failure(case, path, reason["line"] or 1, reason)
            if failing:
                fails += 1
        suite.set("tests", str(cases))
        suite.set("failures", str(fails))
        suite.set("errors", "0")
        total += cases
        failures += fails
    if report["errors"]:
        suite = _element(root, "testsuite", name="inputs")
        for problem in report["errors"]:
            path = display_path(problem["path"])
            case = _element(suite, "testcase", classname="inputs", name=path, file=path)
            error = _element(case, "error", message=fit(problem["message"], 500), type="input")
            error.text = xml_text(f"{path}:{problem['line'] or ''}: {problem['message']}")
        suite.set("tests", str(len(report["errors"])))
        suite.set("failures", "0")
        suite.set("errors", str(len(report["errors"])))
        total += len(report["errors"])
        errors += len(report["errors"])
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    if timing is not None:
        _set_times(root, timing)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _failure(case: ET.Element, path: str, line: int, reason: dict[str, Any]) -> None:
    """A ``<failure>`` whose message and text start with the location, as the console and annotations do."""
    where = f"{path}:{line}: {reason['code']}: "
    failure = _element(case, "failure", message=fit(where + reason["message"], 500), type=reason["code"])
    failure.text = xml_text(where + reason["message"])


def _set_times(root: ET.Element, timing: RunTime) -> None:
    """``time`` on every suite and case (an even share of the run per case), ``timestamp`` on the suites."""
    cases = root.findall("testsuite/testcase")
    share = max(timing.seconds, 0.0) / len(cases) if cases else 0.0
    root.set("time", f"{max(timing.seconds, 0.0):.3f}")
    root.set("timestamp", timing.timestamp())
    for suite in root.findall("testsuite"):
        suite_cases = suite.findall("testcase")
        suite.set("time", f"{share * len(suite_cases):.3f}")
        suite.set("timestamp", timing.timestamp())
        for case in suite_cases:
            case.set("time", f"{share:.3f}")


def _element(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    """A child element whose attribute values went through :func:`xml_text`."""
    return ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attributes.items()})


def _waived_line(reason: dict[str, Any]) -> str:
    w = reason["waiver"]
    return f"waived until {w['expires']}: {reason['code']}: {reason['message']} ({w['reason']})"


@GATE_FORMATS.register
class JunitGateFormat(GateFormat):
    """``--junit FILE``: :func:`render_junit`, timed from the run where it is known."""

    name = "junit"

    def render(self, report: dict[str, Any], outcome: Any = None) -> str:
        timing = RunTime(outcome.started, outcome.seconds) if outcome is not None and outcome.started else None
        return render_junit(report, timing)
