"""Read the judge's answer, and find each span it quotes, verbatim, in the text it quotes.

Parsing is defensive but never guesses: the answer is read as JSON after exactly two well-defined
cleanups, a Markdown code fence around it removed and, failing that, the text from the first ``{`` to
the last ``}`` taken (models like to say "Here is the JSON:"). Anything else that is not JSON
(trailing commas, single quotes, a cut-off answer) is :class:`MalformedAnswer`.

A span counts only where it occurs exactly (a plain substring) in the side it names; a span quoted
twice takes the next unused occurrence. A span that is not there is dropped and counted, never fuzzily
matched: a quote the model invented would otherwise become a finding.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from evalkit.judges.llm.prompt import CATEGORY_CODES, JUDGE_SEVERITIES, SIDES

_FENCE = re.compile(r"^```[A-Za-z0-9_-]*[ \t]*\n(.*?)\n?```$", re.DOTALL)


class MalformedAnswer(ValueError):
    """The answer is not the JSON the prompt asks for; ``reason`` says how, in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class JudgedSpan:
    """One error the judge reported, located: ``text == (source or translation)[start:end]``.

    ``side`` is ``translation`` (offsets into the Chinese) or ``source`` (into the English);
    ``category`` is one of :data:`~evalkit.judges.llm.prompt.CATEGORIES`' names and ``severity`` one of
    ``critical``, ``major``, ``minor``.
    """

    category: str
    severity: str
    side: str
    start: int
    end: int
    text: str
    explanation: str


@dataclass(frozen=True)
class LocatedSpans:
    """The spans found verbatim, how many were not (``dropped``), and how many answer items were unusable.

    ``invalid`` counts error objects without a quote or with an unknown side or severity;
    ``duplicates`` spans quoted more often than the text holds them.
    """

    spans: tuple[JudgedSpan, ...]
    dropped: int = 0
    invalid: int = 0
    duplicates: int = 0


def parse_answer(content: str) -> list[Any]:
    """The list of error objects in an answer; :class:`MalformedAnswer` when it is not readable JSON of that shape."""
    data = _load_json(content)
    if isinstance(data, dict):
        errors = data.get("errors")
        if errors is None and not data:
            return []
        if not isinstance(errors, list):
            raise MalformedAnswer('malformed JSON (no "errors" list)')
        return errors
    if isinstance(data, list):
        return data  # the list alone, without its wrapper object: unambiguous
    raise MalformedAnswer("malformed JSON (not an object)")


def _load_json(content: str) -> Any:
    text = content.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1).strip()
    try:
        return json.loads(text)
    except ValueError:
        pass
    first, last = text.find("{"), text.rfind("}")
    if 0 <= first < last:
        try:
            return json.loads(text[first : last + 1])
        except ValueError:
            pass
    raise MalformedAnswer("malformed JSON")


def _word(value: Any) -> str:
    """A category, side or severity as the prompt spells it: lower case, hyphens (``Invented ending``)."""
    return re.sub(r"[\s_]+", "-", value.strip().lower()) if isinstance(value, str) else ""


def locate_spans(errors: list[Any], source: str, translation: str) -> LocatedSpans:
    """The error objects of an answer as :class:`JudgedSpan` records found verbatim in ``source``/``translation``.

    A missing ``side`` is ``source`` for an omission and ``translation`` otherwise; an unknown
    category becomes ``other`` (its span is still verbatim, so still worth a look).
    """
    texts = {"source": source, "translation": translation}
    used: dict[str, set[tuple[int, int]]] = {"source": set(), "translation": set()}
    spans: list[JudgedSpan] = []
    dropped = invalid = duplicates = 0
    for error in errors:
        if not isinstance(error, dict) or not isinstance(error.get("span"), str) or not error["span"].strip():
            invalid += 1
            continue
        category = _word(error.get("category"))
        if category not in CATEGORY_CODES:
            category = "other"
        side = _word(error.get("side")) or ("source" if category == "omission" else "translation")
        severity = _word(error.get("severity"))
        if side not in SIDES or severity not in JUDGE_SEVERITIES:
            invalid += 1
            continue
        quote = error["span"].strip()
        text = texts[side]
        start = text.find(quote)
        if start < 0:
            dropped += 1
            continue
        while (start, start + len(quote)) in used[side]:
            start = text.find(quote, start + 1)
            if start < 0:
                break
        if start < 0:
            duplicates += 1
            continue
        used[side].add((start, start + len(quote)))
        explanation = error.get("explanation")
        spans.append(JudgedSpan(
            category, severity, side, start, start + len(quote), quote,
            " ".join(explanation.split()) if isinstance(explanation, str) else "",
        ))
    return LocatedSpans(tuple(spans), dropped, invalid, duplicates)
