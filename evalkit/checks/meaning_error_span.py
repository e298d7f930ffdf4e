"""``meaning.error-span``: an error a word-level quality model (XCOMET) marks in the Chinese abstract.

The finding is made by the model-metric stage (:mod:`evalkit.metrics.model_stage`), not here: any
model metric whose segment scores carry error spans gives one finding per span, at the exact
characters of ``abstract_zh`` the model marks, with the model named in the evidence. Its severity is
the model's, mapped by ``[comet] span_severity`` (critical and major: error, minor: warning); the
declared severity below is what lists and SARIF show. This module only declares the code, so that
``disable = ["meaning.error-span"]`` and ``[severity]`` accept it.
"""

from __future__ import annotations

from evalkit.checks.base import declare_model_codes
from evalkit.records import Severity

#: The code of a model's error span, and the source name its pseudo-check is registered under.
ERROR_SPAN_CODE = "meaning.error-span"

declare_model_codes(
    "error-span",
    "An error span a word-level quality model (XCOMET) marks in the Chinese abstract (made by the model stage).",
    [
        (
            ERROR_SPAN_CODE,
            Severity.WARNING,
            "a word-level model (XCOMET) marks this span of the Chinese as an error; severity from the model's "
            "(critical/major → error, minor → warning; [comet] span_severity)",
        )
    ],
)
