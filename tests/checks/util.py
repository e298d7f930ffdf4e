"""Run one registered check on digest text, outside the pipeline (default severities, no config)."""

from __future__ import annotations

from evalkit.checks import CHECKS, load_checks
from evalkit.parse import decode, parse_digest
from evalkit.records import Finding, Issue, Severity
from tests.digest_builder import fixture_text


def parse(text: str, path: str = "digest.md") -> Issue:
    result = parse_digest(decode(path, text.encode("utf-8")))
    assert result.problems == (), result.problems
    return result.issue


def run_check(name: str, text: str) -> list[Finding]:
    """Findings of check ``name`` on ``text``: file-level first, then per entry in file order."""
    load_checks()
    check = CHECKS.get(name)()
    issue = parse(text)
    findings = list(check.check_issue(issue))
    for entry in issue.entries:
        findings.extend(check.check_entry(entry, issue))
    return findings


def declared_codes(name: str) -> dict[str, Severity]:
    """The codes check ``name`` declares, with their default severities."""
    load_checks()
    return {spec.code: spec.severity for spec in CHECKS.get(name).codes}


def run_check_on_fixture(name: str, fixture: str) -> list[Finding]:
    return run_check(name, fixture_text(fixture))


ALL_FIXTURES = ("v1_s1.md", "v1_s2.md", "v1_s3.md", "v0.md", "empty.md", "hazards.md", "mixed.md")
