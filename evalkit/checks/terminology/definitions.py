"""Acronyms the English spells out, found with the algorithm of Schwartz & Hearst, "A simple algorithm for
identifying abbreviation definitions in biomedical text" (PSB 2003): a parenthesised short form next to a
long form whose words supply its letters in order ("long form (SF)" and "SF (long form)")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from evalkit.checks.terminology.names import name_key

#: Extra words a long form may have beyond its short form's letters (Schwartz & Hearst: min(|A|+5, 2|A|)).
LONG_FORM_EXTRA_WORDS = 5

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_PAREN = re.compile(r"\(([^()]{1,120})\)")
_SHORT_FORM = re.compile(r"[A-Za-z][A-Za-z0-9\-]{0,9}")
_SHORT_BEFORE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9\-]{0,9})\s*$")


@dataclass(frozen=True)
class Definition:
    """An acronym the English spells out, "long form (SF)" or "SF (long form)", with both spans."""

    key: str
    short: str
    long: str
    short_span: tuple[int, int]
    long_span: tuple[int, int]

    def covers(self, span: tuple[int, int]) -> bool:
        """Whether ``span`` is the short form in the definition or lies inside its long form."""
        return span == self.short_span or self.long_span[0] <= span[0] < self.long_span[1]


def find_definitions(masked: str) -> list[Definition]:
    """Acronyms a masked English text spells out: "long form (SF)" and "SF (long form)", in text order."""
    out = []
    for m in _PAREN.finditer(masked):
        d = _definition_at(masked, m.start(), m.end())
        if d is not None:
            out.append(d)
    return out


def _definition_at(masked: str, start: int, end: int) -> Definition | None:
    """The definition made by the parenthesis ``masked[start:end]``, if it makes one."""
    inside = masked[start + 1 : end - 1].strip()
    if not inside or len(inside) > 120:
        return None
    if _SHORT_FORM.fullmatch(inside) and any(c.isupper() for c in inside):
        letters = sum(c.isalnum() for c in inside)
        words = list(_WORD.finditer(masked, max(0, start - 160), start))[-min(letters + LONG_FORM_EXTRA_WORDS, 2 * letters) :]
        if not words:
            return None
        first = words[0].start()
        found = _match_long_form(inside, masked[first:start])
        if found is None:
            return None
        a = first + found
        long_text = masked[a:start].strip(" -")
        short_span = (start + 1 + masked[start + 1 : end].index(inside[0]), 0)
        short_span = (short_span[0], short_span[0] + len(inside))
        return Definition(name_key(inside), inside, long_text, short_span, (a, a + len(long_text)))
    if len(inside.split()) >= 2:
        before = _SHORT_BEFORE.search(masked, max(0, start - 12), start)
        if before and any(c.isupper() for c in before.group(1)) and _match_long_form(before.group(1), inside) == 0:
            inner = start + 1 + masked[start + 1 : end].index(inside[0])
            return Definition(name_key(before.group(1)), before.group(1), inside, before.span(1), (inner, inner + len(inside)))
    return None


def definition_of(masked: str, key: str) -> Definition | None:
    """The first definition of the acronym ``key`` in a masked English text (plural spellings included).

    Only the parentheses next to the acronym are looked at: "(KEY)", "(KEYs)", "KEY (", "KEYs (".
    """
    lower = masked.lower()
    found = []
    for variant in (key, key + "s"):
        for probe, offset in ((f"({variant})", 0), (f"{variant} (", len(variant) + 1), (f"{variant}(", len(variant))):
            at = lower.find(probe)
            while at >= 0:
                paren = at + offset
                end = masked.find(")", paren)
                d = _definition_at(masked, paren, end + 1) if end > paren else None
                if d is not None and d.key == key:
                    found.append(d)
                    break
                at = lower.find(probe, at + 1)
    return min(found, key=lambda d: min(d.short_span, d.long_span)) if found else None


def _match_long_form(short: str, long_text: str) -> int | None:
    """Schwartz & Hearst's match: where the shortest long form of ``short`` starts in ``long_text``.

    Every letter or digit of the short form, read backwards, is looked for in the long form, read
    backwards; the first one must start a word. A plural "s" of the short form is ignored.
    """
    if len(short) > 2 and short.endswith("s") and short[:-1].isupper():
        short = short[:-1]
    chars = [c.lower() for c in short if c.isalnum()]
    if not chars:
        return None
    text = long_text.lower()
    i = len(text) - 1
    for s in range(len(chars) - 1, -1, -1):
        while i >= 0 and (text[i] != chars[s] or (s == 0 and i > 0 and text[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
    start = i + 1
    if not long_text[start:].strip() or long_text[start:].strip().lower() == short.lower():
        return None
    return start

