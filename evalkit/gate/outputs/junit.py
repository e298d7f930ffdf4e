"""The gate report as JUnit XML: a test suite per issue, a test case per entry.

A failing entry's test case holds a ``<failure>`` per reason (``type`` = the code); a waived entry passes
and says so in ``<system-out>``. Issue-level reasons (failing share, issue scores, regressions, file-level
findings) are one more test case, ``issue``, per suite; input errors are a suite ``inputs`` of errored
cases. The XML is built with :mod:`xml.etree.ElementTree`, which escapes ``&``, ``<``, ``>`` and quotes;
control characters (those XML cannot hold at all, and the C1 ones it can) are written as visible escapes
first (:func:`~evalkit.text.safe.xml_text`), and file names as :func:`~evalkit.text.safe.display_path`
shows them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from evalkit.text.safe import display_path, xml_text
from evalkit.text.chars import fit


def render_junit(report: dict[str, Any]) -> str:
    """JUnit XML text (UTF-8, with declaration) for a gate report."""
    root = ET.Element("testsuites", name="evalkit gate")
    total = failures = errors = 0
    for issue in report["issues"]:
        path = display_path(issue["path"])
        suite = _element(root, "testsuite", name=path)
        cases = fails = 0
        for entry in issue["entries"]:
            cases += 1
            label = " ".join(x for x in (f"[^{entry['ref']}]", entry["arxiv_id"], fit(entry["title_en"] or entry["title_zh"], 120)) if x)
            case = _element(suite, "testcase", classname=path, name=label, file=path, line=str(entry["line"]))
            failing = [r for r in entry["reasons"] if r["status"] == "fail"]
            for reason in failing:
                failure = _element(case, "failure", message=fit(reason["message"], 500), type=reason["code"])
                failure.text = xml_text(f"{path}:{reason['line'] or entry['line']}: {reason['code']}: {reason['message']}")
            if failing:
                fails += 1
            waived = [r for r in entry["reasons"] if r["status"] == "waived"]
            if waived:
                out = _element(case, "system-out")
                out.text = xml_text("\n".join(_waived_line(r) for r in waived))
        if issue["reasons"]:
            cases += 1
            case = _element(suite, "testcase", classname=path, name="issue", file=path, line="1")
            failing = [r for r in issue["reasons"] if r["status"] == "fail"]
            for reason in failing:
                failure = _element(case, "failure", message=fit(reason["message"], 500), type=reason["code"])
                failure.text = xml_text(f"{path}: {reason['code']}: {reason['message']}")
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
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _element(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    """A child element whose attribute values went through :func:`xml_text`."""
    return ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attributes.items()})


def _waived_line(reason: dict[str, Any]) -> str:
    w = reason["waiver"]
    return f"waived until {w['expires']}: {reason['code']}: {reason['message']} ({w['reason']})"
