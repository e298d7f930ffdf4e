"""``meaning.error-span``: an error a word-level quality model (XCOMET) marks in the Chinese abstract.

The findings are made by the model-metric stage (:func:`evalkit.metrics.model_stage.span_findings`):
any model metric whose segment scores carry error spans gives one finding per span, at the exact
characters of ``abstract_zh`` the model marks, with the model named in the evidence. Their severity
is the model's, mapped by ``[comet] span_severity`` (critical and major: error, minor: warning); the
declared severity below is what lists and SARIF show. This module declares the code for the
registry of model-judgment codes (:mod:`evalkit.judges.codes`).
"""

from __future__ import annotations

from evalkit.checks.base import CodeSpec
from evalkit.records import Severity

#: The code of a model's error span.
ERROR_SPAN_CODE = "meaning.error-span"

CODES = (
    CodeSpec(
        ERROR_SPAN_CODE,
        Severity.WARNING,
        "a word-level model (XCOMET) marks this span of the Chinese as an error; severity from the model's "
        "(critical/major → error, minor → warning; [comet] span_severity)",
    ),
)
