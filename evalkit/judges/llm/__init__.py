"""The LLM judge: MQM-style error spans from any OpenAI-compatible chat-completions endpoint.

- :mod:`~evalkit.judges.llm.prompt`: the versioned prompt (``data/mqm-zh-1.toml``), the answer's JSON
  schema, and the category -> finding code table (:data:`LLM_CODES` for the code registry).
- :mod:`~evalkit.judges.llm.client`: the HTTP client (retries, Retry-After, response-format step-down).
- :mod:`~evalkit.judges.llm.parse`: defensive reading of an answer and verbatim location of its spans.
- :mod:`~evalkit.judges.llm.cache`: answers on disk, keyed by model, prompt version and texts.
- :mod:`~evalkit.judges.llm.tokens`: the token estimate behind the budget.
- :mod:`~evalkit.judges.llm.run`: :func:`run_judge`, a batch of items in, outcomes and a run record out.
- :mod:`~evalkit.judges.llm.findings`: :func:`findings_for`, an entry's outcome as findings.

httpx is imported only when a request is about to be sent.
"""

from __future__ import annotations

from evalkit.lazy_exports import lazy_exports

#: Each name this package exports -> the module that defines it. Imported on first use (PEP 562): the
#: code registry reads ``prompt`` on every run, while the rest (the client, the cache, the run) is only
#: needed when a judge is configured.
_EXPORTS = {
    "findings_for": "findings",
    "JudgedSpan": "parse",
    "CATEGORIES": "prompt",
    "CATEGORY_CODES": "prompt",
    "LLM_CODES": "prompt",
    "load_prompt": "prompt",
    "JudgeBatch": "run",
    "JudgeItem": "run",
    "JudgeOutcome": "run",
    "request_estimate": "run",
    "run_judge": "run",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)
