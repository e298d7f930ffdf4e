"""structure.format: BOM, CRLF, unparsable table and stray text become findings."""

from __future__ import annotations

from evalkit.checks import CHECKS, load_checks
from evalkit.parse import parse_digest, read_source
from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, make_entry

NAME = "structure.format"


def _findings(path: str):
    load_checks()
    issue = parse_digest(read_source(path)).issue
    return list(CHECKS.get(NAME)().check_issue(issue))


def test_fixtures_have_no_format_findings():
    for fixture in ALL_FIXTURES:
        assert run_check_on_fixture(NAME, fixture) == []


def test_bom(bom_digest):
    (finding,) = _findings(bom_digest)
    assert finding.code == "structure.bom" and finding.severity is Severity.INFO and finding.line == 1


def test_crlf(crlf_digest):
    (finding,) = _findings(crlf_digest)
    assert finding.code == "structure.line-endings" and finding.severity is Severity.INFO


def test_broken_table_row_and_stray_text():
    text = build_digest([make_entry(1), make_entry(2)])
    text = text.replace("| [^2] | [", "| [^2] | ", 1).replace("# 详细\n\n", "# 详细\n\n注：本期共两篇。\n\n")
    findings = run_check(NAME, text)
    assert sorted((f.code, f.severity, f.line) for f in findings) == [
        ("structure.stray-text", Severity.WARNING, 10),
        ("structure.table", Severity.WARNING, 6),
    ]


def test_declares_its_codes():
    load_checks()
    codes = {spec.code for spec in CHECKS.get(NAME).codes}
    assert codes == {"structure.bom", "structure.line-endings", "structure.table", "structure.stray-text"}


def test_the_declarations_are_the_one_home_of_these_severities(bom_digest, monkeypatch):
    """Change a declared severity and the parser's finding follows it (the parser's own is not used)."""
    from evalkit.checks import CodeSpec

    load_checks()
    cls = CHECKS.get(NAME)
    codes = tuple(CodeSpec(s.code, Severity.WARNING, s.help) if s.code == "structure.bom" else s for s in cls.codes)
    monkeypatch.setattr(cls, "codes", codes)
    (finding,) = _findings(bom_digest)
    assert finding.code == "structure.bom" and finding.severity is Severity.WARNING
