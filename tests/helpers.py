"""Helpers that keep the foundation tests independent of checks added later.

The foundation checks are the ones these tests cover. Other checks (numbers, leak, coverage, ...)
have their own tests; runs here switch them off so a new check cannot change what is asserted.
"""

from __future__ import annotations

from typing import Any

from evalkit.checks import CHECKS, load_checks
from evalkit.config import Config

FOUNDATION_CHECKS = frozenset(
    {
        "structure.empty-field",
        "structure.format",
        "structure.malformed-link",
        "structure.refs",
        "structure.table-mismatch",
        "translation.empty",
        "truncation.source",
        "truncation.translation",
    }
)


def other_checks() -> frozenset[str]:
    """Registered checks that are not part of the foundation."""
    load_checks()
    return frozenset(CHECKS.names()) - FOUNDATION_CHECKS


def foundation_config(disable: frozenset[str] | set[str] = frozenset(), **kwargs: Any) -> Config:
    """A :class:`Config` that runs only the foundation checks (minus ``disable``) and, unless asked, no
    reference-based scoring (so the repository's references/ directory does not change what is asserted)."""
    kwargs.setdefault("use_references", False)
    return Config(disable=frozenset(disable) | other_checks(), **kwargs)


def foundation_flags() -> list[str]:
    """The same for the command line: ``--disable NAME`` for every other check."""
    return [arg for name in sorted(other_checks()) for arg in ("--disable", name)]


def all_codes_of(run) -> list[str]:  # noqa: ANN001 - a RunResult
    """Every finding code of a run (entries and files), sorted."""
    return sorted(
        [f.code for i in run.issues for e in i.entries for f in e.findings]
        + [f.code for i in run.issues for f in i.findings]
    )
