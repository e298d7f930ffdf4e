"""Stage 3a: QA checks. Each module holds one registered :class:`~evalkit.checks.base.Check`.

:func:`load_checks` imports every module of this package once, so a new check only needs a new file.
"""

from __future__ import annotations

from evalkit.checks.base import CHECKS, Check, CodeSpec, register_check
from evalkit.registry import import_submodules

__all__ = ["CHECKS", "Check", "CodeSpec", "all_codes", "checks_by_code", "load_checks", "register_check"]

_loaded = False


def load_checks() -> None:
    """Import all check modules so their decorators register them (idempotent)."""
    global _loaded
    if _loaded:
        return
    import_submodules(__name__, __path__)
    _loaded = True


def all_codes() -> dict[str, CodeSpec]:
    """Every code any registered check can emit, by code, and those of model judgments
    (:func:`evalkit.judges.codes.judge_codes`), which config, gate policies and the README name alike."""
    from evalkit.judges.codes import judge_codes

    load_checks()
    return {**{code: spec for code, (_, spec) in checks_by_code().items()}, **judge_codes()}


def checks_by_code() -> dict[str, tuple[type[Check], CodeSpec]]:
    """Every code any registered check can emit, with the check that emits it (for its documentation)."""
    load_checks()
    return {spec.code: (check, spec) for check in CHECKS for spec in check.codes}
