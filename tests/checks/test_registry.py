"""The check registry: names, declared codes, suggestions for unknown names."""

from __future__ import annotations

import pytest

from evalkit.checks import CHECKS, Check, CodeSpec, all_codes, load_checks
from evalkit.errors import UnknownNameError
from evalkit.records import Severity
from evalkit.registry import Registry
from tests.helpers import FOUNDATION_CHECKS

EXPECTED_CODES = {
    "structure.bom": Severity.INFO,
    "structure.line-endings": Severity.INFO,
    "structure.table": Severity.WARNING,
    "structure.stray-text": Severity.WARNING,
    "structure.table-mismatch": Severity.WARNING,
    "structure.duplicate-ref": Severity.ERROR,
    "structure.missing-ref": Severity.WARNING,
    "structure.duplicate-link": Severity.WARNING,
    "structure.malformed-link": Severity.WARNING,
    "structure.empty-field": Severity.ERROR,
    "translation.empty": Severity.ERROR,
    "truncation.source": Severity.INFO,
    "truncation.translation": Severity.ERROR,
}


def test_codes_and_default_severities():
    codes = all_codes()
    assert {code: codes[code].severity for code in EXPECTED_CODES if code in codes} == EXPECTED_CODES
    assert FOUNDATION_CHECKS <= set(CHECKS.names())


def test_names_are_sorted_and_categories_match():
    load_checks()
    names = CHECKS.names()
    assert names == sorted(names) and [c.name for c in CHECKS] == names
    for check in CHECKS:
        category = check.name.split(".", 1)[0]
        assert all(spec.code.split(".", 1)[0] == category for spec in check.codes)
        assert check.__doc__ and check.__doc__.strip()


def test_unknown_check_suggests_the_closest_name():
    load_checks()
    with pytest.raises(UnknownNameError, match="did you mean 'truncation.source'"):
        CHECKS.get("truncation.sorce")


def test_registry_refuses_a_second_class_with_the_same_name():
    registry: Registry = Registry("thing")

    class A(Check):
        name = "x.y"
        codes = (CodeSpec("x.y", Severity.INFO, "help"),)

    class B(A):
        pass

    registry.register(A)
    registry.register(A)  # the same class again is fine
    with pytest.raises(TypeError, match="two things"):
        registry.register(B)


def test_undeclared_code_is_a_bug():
    load_checks()
    check = CHECKS.get("translation.empty")()
    with pytest.raises(KeyError):
        check.finding("translation.other", "message")
