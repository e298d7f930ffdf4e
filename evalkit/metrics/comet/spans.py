"""COMET's error spans (XCOMET, word-level unified models): read from a prediction, placed exactly in the translation.

COMET builds a span from the subword tokens its tagger marks: ``text`` is the tokenizer's decoding of
those tokens, ``start``/``end`` the first token's start and the last token's end offset. Both can be off:

- the offsets of a token that follows a space include the space (XLM-R's ``▁`` marks it), so
  ``mt[start:end]`` is ``" word"`` while ``text`` is ``"word"`` (Unbabel/COMET issue #179);
- ``text`` starts with ``<s>`` when the span begins at the first token, ends with ``</s>`` when it
  runs into the last one (whose offsets are ``(0, 0)``, so ``end`` can lie before ``start``), says
  ``<unk>`` for a character the vocabulary lacks, and is NFKC-normalised (``，`` decodes as ``,``).

:func:`raw_spans` turns a prediction's spans into :class:`ErrorSpan` records with the special tokens
taken out of ``text`` (``<unk>`` becomes :data:`UNKNOWN`); they are what the cache stores.
:func:`locate_spans` then checks each against the translation and gives it exact offsets: the
offsets' own text when it matches (ignoring surrounding whitespace, NFKC differences and spaces the
decoding adds or drops), else the occurrence of ``text`` nearest to ``start``. A span whose text is
nowhere in the translation is dropped and counted, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any, Iterable, Mapping, Sequence

from evalkit.metrics.segments import ErrorSpan

#: Stands for a token the tokenizer decodes as its unknown token: it matches any run of non-space characters.
UNKNOWN = "\ufffd"
#: XLM-R's special tokens, which COMET's decoding leaves in a span's text.
SPECIAL_TOKENS = ("<s>", "</s>", "<pad>", "<mask>")
UNKNOWN_TOKEN = "<unk>"


def raw_spans(
    spans: Iterable[Mapping[str, Any]],
    special_tokens: Sequence[str] = SPECIAL_TOKENS,
    unknown_token: str = UNKNOWN_TOKEN,
) -> tuple[ErrorSpan, ...]:
    """One segment's spans as COMET's ``metadata.error_spans`` gives them, as :class:`ErrorSpan` records.

    The text loses the special tokens and its surrounding whitespace, and says :data:`UNKNOWN` for the
    unknown token; offsets, severity and confidence are kept as the model gave them (see
    :func:`locate_spans` for the offsets). A span with neither text nor severity is left out.
    """
    out = []
    for span in spans:
        text = str(span.get("text") or "")
        for token in special_tokens:
            if token:
                text = text.replace(token, " ")
        if unknown_token:
            text = text.replace(unknown_token, UNKNOWN)
        severity = str(span.get("severity") or "")
        if not severity:
            continue
        confidence = span.get("confidence")
        category = span.get("category")
        out.append(
            ErrorSpan(
                text=" ".join(text.split()),
                start=int(span.get("start") or 0),
                end=int(span.get("end") or 0),
                severity=severity,
                confidence=float(confidence) if confidence is not None else None,
                category=str(category) if category else None,
            )
        )
    return tuple(out)


def locate_spans(mt: str, spans: Sequence[ErrorSpan]) -> tuple[tuple[ErrorSpan, ...], int]:
    """``spans`` with exact offsets into ``mt`` (``mt[start:end] == text``), and how many were dropped.

    A span keeps its offsets' text, trimmed, when that text is the span's text up to whitespace and
    NFKC differences; otherwise it moves to the occurrence of its text nearest to ``start``. A span
    with no text, or whose text is not in ``mt``, is dropped.
    """
    kept: list[ErrorSpan] = []
    dropped = 0
    normalised: _Normalised | None = None
    for span in spans:
        pattern = _pattern(span.text)
        if pattern is None:
            dropped += 1
            continue
        if normalised is None:
            normalised = _Normalised(mt)
        found = _at_offsets(mt, normalised, pattern, span) or _nearest(normalised, pattern, span.start)
        if found is None:
            dropped += 1
            continue
        start, end = found
        kept.append(replace(span, text=mt[start:end], start=start, end=end))
    return tuple(kept), dropped


class _Normalised:
    """``mt`` NFKC-normalised character by character, with the original offset of every character."""

    def __init__(self, mt: str) -> None:
        chars: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(mt):
            for out in unicodedata.normalize("NFKC", ch):
                chars.append(out)
                origin.append(i)
        self.text = "".join(chars)
        self.origin = origin
        self.length = len(mt)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of normalised characters ``start`` to ``end`` (``end`` exclusive)."""
        return self.origin[start], self.origin[end - 1] + 1

    def position(self, offset: int) -> int:
        """The first normalised character at or after original offset ``offset``."""
        for i, o in enumerate(self.origin):
            if o >= offset:
                return i
        return len(self.origin)


def _pattern(text: str) -> re.Pattern[str] | None:
    """A regex for ``text`` as it may appear in the translation: NFKC-normalised, any whitespace between
    its characters (decoding adds spaces between some tokens and drops others), :data:`UNKNOWN` for any
    non-space run; ``None`` when nothing but whitespace and unknowns is left to match."""
    chars = [c for c in unicodedata.normalize("NFKC", text) if not c.isspace()]
    if not any(c != UNKNOWN for c in chars):
        return None
    parts = [r"\S+?" if c == UNKNOWN else re.escape(c) for c in chars]
    return re.compile(r"\s*".join(parts))


def _at_offsets(mt: str, normalised: _Normalised, pattern: re.Pattern[str], span: ErrorSpan) -> tuple[int, int] | None:
    """The span's own offsets, trimmed of whitespace, when their text is the span's text."""
    start, end = max(0, span.start), min(len(mt), span.end)
    if end <= start:
        return None
    while start < end and mt[start].isspace():
        start += 1
    while end > start and mt[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    a, b = normalised.position(start), normalised.position(end)
    if pattern.fullmatch(normalised.text, a, b) is None:
        return None
    return start, end


def _nearest(normalised: _Normalised, pattern: re.Pattern[str], start: int) -> tuple[int, int] | None:
    """The occurrence of ``pattern`` in the translation whose start is nearest to ``start`` (the first of a tie)."""
    best: tuple[int, int] | None = None
    for match in pattern.finditer(normalised.text):
        found = normalised.original(match.start(), match.end())
        if best is None or abs(found[0] - start) < abs(best[0] - start):
            best = found
    return best
