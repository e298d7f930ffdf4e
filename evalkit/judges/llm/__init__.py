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

from evalkit.judges.llm.findings import findings_for
from evalkit.judges.llm.parse import JudgedSpan
from evalkit.judges.llm.prompt import CATEGORIES, CATEGORY_CODES, LLM_CODES, load_prompt
from evalkit.judges.llm.run import JudgeBatch, JudgeItem, JudgeOutcome, request_estimate, run_judge

__all__ = [
    "CATEGORIES", "CATEGORY_CODES", "JudgeBatch", "JudgeItem", "JudgeOutcome", "JudgedSpan", "LLM_CODES",
    "findings_for", "load_prompt", "request_estimate", "run_judge",
]
