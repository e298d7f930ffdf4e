"""The README's table of finding codes is held to the check registry: a code added without its row, a row
for a code that no check emits, or a row whose default severity is not the declared one fails here."""

from __future__ import annotations

import re
from pathlib import Path

from evalkit.checks import all_codes

README = Path(__file__).resolve().parents[1] / "README.md"
_ROW = re.compile(r"^\| (`[a-z]+\.[a-z-]+`(?:, `[a-z]+\.[a-z-]+`)*) \| ([a-z]+)\b")


def readme_codes(text: str) -> dict[str, str]:
    """``{code: default severity}`` from the rows of the README's code table."""
    rows: dict[str, str] = {}
    for line in text.splitlines():
        match = _ROW.match(line)
        if match:
            for code in re.findall(r"`([^`]+)`", match.group(1)):
                rows[code] = match.group(2)
    return rows


def test_every_registered_code_has_a_readme_row_with_its_default_severity():
    documented = readme_codes(README.read_text(encoding="utf-8"))
    declared = {code: spec.severity.value for code, spec in all_codes().items()}
    assert sorted(set(declared) - set(documented)) == [], "codes without a README row"
    assert sorted(set(documented) - set(declared)) == [], "README rows for codes no check emits"
    assert {c: documented[c] for c in declared if documented[c] != declared[c]} == {}, "README severity differs"


def test_a_code_without_a_row_is_caught(monkeypatch):
    """The drift test itself: a registered code that the README lacks is reported."""
    from evalkit.checks import CHECKS, CodeSpec
    from evalkit.records import Severity

    cls = CHECKS.get("translation.empty")
    monkeypatch.setattr(cls, "codes", (*cls.codes, CodeSpec("translation.new", Severity.ERROR, "a new code")))
    documented = readme_codes(README.read_text(encoding="utf-8"))
    assert "translation.new" in set(all_codes()) - set(documented)
