"""Token counts for the LLM judge's budget: an estimate before a request, the server's ``usage`` after.

No tokenizer is used: the judge talks to any model, whose tokenizer evalkit cannot know, and the
common ones need files downloaded at first use. The estimate is a stated heuristic, deliberately on
the high side for today's BPE vocabularies:

- a CJK character (ideographs, kana, hangul, full-width punctuation) counts as 1 token;
- any other text counts as 1 token per 4 characters (English averages 4 to 4.5 characters a token);
- each chat message adds 4 tokens of framing.

An answer is estimated at :data:`ANSWER_BASE_TOKENS` plus :data:`TOKENS_PER_ERROR` for each of
:data:`EXPECTED_ERRORS` errors, never more than ``max_output_tokens``. Once a server returns ``usage``,
the run counts those numbers instead.
"""

from __future__ import annotations

import math
import re
from typing import Mapping, Sequence

#: Tokens one chat message costs beyond its text (role and separators), as chat formats add them.
MESSAGE_OVERHEAD_TOKENS = 4
#: Latin-script characters per token (English prose averages 4 to 4.5 on BPE vocabularies).
CHARS_PER_TOKEN = 4.0
#: An answer's fixed part: ``{"errors": [...]}`` and the end of the message.
ANSWER_BASE_TOKENS = 16
#: One error object: a short quote, the four field names, and a one-sentence explanation.
TOKENS_PER_ERROR = 70
#: Errors a judged abstract is expected to have when estimating a run's cost before it runs.
EXPECTED_ERRORS = 2

_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"
)


def estimate_text_tokens(text: str) -> int:
    """The estimated tokens of ``text``: 1 per CJK character plus 1 per 4 other characters (rounded up)."""
    cjk = len(_CJK.findall(text))
    return cjk + math.ceil((len(text) - cjk) / CHARS_PER_TOKEN)


def estimate_prompt_tokens(messages: Sequence[Mapping[str, str]]) -> int:
    """The estimated input tokens of a chat request."""
    return sum(MESSAGE_OVERHEAD_TOKENS + estimate_text_tokens(m["content"]) for m in messages)


def estimate_answer_tokens(max_output_tokens: int) -> int:
    """The expected tokens of one answer (before it is known), capped by ``max_output_tokens``."""
    return min(max_output_tokens, ANSWER_BASE_TOKENS + TOKENS_PER_ERROR * EXPECTED_ERRORS)


def usage_tokens(usage: object) -> tuple[int | None, int | None]:
    """``(prompt_tokens, completion_tokens)`` from a response's ``usage`` object, ``None`` for what it lacks."""
    if not isinstance(usage, Mapping):
        return None, None

    def count(name: str) -> int | None:
        value = usage.get(name)
        # bool is an int in Python; a server that sends true is not counting tokens
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None

    return count("prompt_tokens"), count("completion_tokens")
