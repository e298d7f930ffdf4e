"""The finding codes of model judgments, declared next to the rules' so config, gate and ``evalkit list`` know them.

A rule check declares its codes on its class (:class:`evalkit.checks.base.Check`); a model judgment is
no check (it runs after the model stage, not per entry), so each judgment module declares a ``CODES``
tuple of :class:`~evalkit.checks.base.CodeSpec` and is named in :data:`JUDGE_MODULES`.
:func:`evalkit.checks.all_codes` adds these codes to the checks', which is what ``disable`` and
``severity`` are validated against, what a gate policy may name, and what the README's code table is
held to; ``evalkit list checks`` prints them under their own heading.
"""

from __future__ import annotations

import importlib

from evalkit.checks.base import CodeSpec

#: Modules that declare model-judgment codes in a ``CODES`` tuple.
JUDGE_MODULES = ("evalkit.judges.error_spans", "evalkit.judges.qe", "evalkit.judges.llm.prompt")


def judge_codes() -> dict[str, CodeSpec]:
    """Every code a model judgment can emit, by code, in :data:`JUDGE_MODULES` order."""
    out: dict[str, CodeSpec] = {}
    for name in JUDGE_MODULES:
        for spec in importlib.import_module(name).CODES:
            out[spec.code] = spec
    return out
