"""``numbers.*``: the numbers of the Chinese abstract disagree with those of the English."""

from __future__ import annotations

import re
from typing import Callable, Iterable, Iterator

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import Entry, Evidence, Finding, Issue, Severity
from evalkit.text.numbers import (
    DIGITS,
    Number,
    NumberIndex,
    digit_distance,
    digit_numbers,
    has_digits,
    same_digits_other_magnitude,
    word_numbers,
)

#: Chinese characters per English character below which the Chinese is "obviously shorter" and
#: English numbers are not expected in it. docs/format.md §9: the normal band is 0.22-0.41 (p5-p95).
MIN_COVER_RATIO = 0.18
#: Median Chinese/English length ratio (docs/format.md §9), used to guess how far into the English a
#: short translation reaches.
TYPICAL_RATIO = 0.29
#: Two numbers of the same kind are "close" (one was changed into the other) when their digit
#: strings are equally long and differ in at most this many places ...
MAX_CHANGED_DIGITS = 2
#: ... or when they differ by at most this share of the larger one.
MAX_CHANGED_RELATIVE = 0.25

#: Where the last complete English sentence ends: ". ", "? ", "! " (closing quotes/brackets allowed).
_SENTENCE_END = re.compile(r"[.!?][\"'”)\]]*\s+(?=\S)")
#: Everything up to the last digit of a number's text (drops a unit or percent sign).
_LAST_DIGIT = re.compile(r"^.*[0-9]")
#: The digits at the start of a piece of a ``1，183``-style number (without a magnitude or percent sign).
_LEADING_NUMBER = re.compile(r"\d+(?:\.\d+)?")
#: How far before a year to look for the author names of a citation.
_CITATION_WINDOW = 80
_NAME = re.compile(r"[A-Z][A-Za-z'`\\\"]+|et al")
_NAME_BEFORE_BRACKET = re.compile(r"(?:[A-Z][A-Za-z'`\\\"-]+|et al\.?)\s*[(\[]$")
_NAME_BEFORE_YEAR = re.compile(r"(?:et al\.?,?|[A-Z][a-z]+,)\s*$")
_ET_AL_BEFORE = re.compile(r"et al\.?,?\s*[(\[]?$")
#: A cut English line that stops inside a number: "... a total of 1,27" (no space after it).
_CUT_NUMBER = re.compile(r"(?<![A-Za-z0-9_\-.])(?P<number>[0-9][0-9.,{}\\]*)(?:[ \-]?(?P<word>[a-z]{1,7}))?$")
#: Magnitude words a cut may stop inside: "up to 12 billio".
_MAGNITUDE_WORDS = ("thousand", "million", "billion", "trillion")


class _Side:
    """The numbers of one side of an entry. Words are read only when the digits leave a question.

    ``hard`` are digit numbers that state a quantity (each must find a counterpart); identifiers and
    words only serve as counterparts: ``Llama 2`` may answer ``Llama2``, ``three`` may answer ``3``.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        numbers = digit_numbers(text)
        self._hard = [n for n in numbers if n.kind == DIGITS]
        self.name_digits = frozenset(n.digits for n in numbers if n.kind != DIGITS)
        self._hard_index: NumberIndex | None = None
        self._word_index: NumberIndex | None = None

    @property
    def hard(self) -> list[Number]:
        """The digit numbers that state a quantity."""
        return self._hard

    @hard.setter
    def hard(self, numbers: list[Number]) -> None:
        self._hard = numbers
        self._hard_index = None  # rebuilt from the new list on next use

    @property
    def hard_index(self) -> NumberIndex:
        """Index of :attr:`hard`, built on first use."""
        if self._hard_index is None:
            self._hard_index = NumberIndex(self.hard)
        return self._hard_index

    @property
    def word_index(self) -> NumberIndex:
        """Index of the number words and numerals of the text, read on first use."""
        if self._word_index is None:
            self._word_index = NumberIndex(word_numbers(self.text))
        return self._word_index

    def renders(self, n: Number, *, as_translation: bool) -> bool:
        """Whether this side states ``n`` in digits, in words or inside a name."""
        return (
            self.hard_index.find(n, as_translation=as_translation) is not None
            or _in_names(n, self)
            or self.word_index.find(n, as_translation=as_translation) is not None
        )


@register_check
class NumbersCheck(Check):
    """Compare the numbers of the Chinese abstract with those of the English, after normalisation.

    Both sides are read by :func:`evalkit.text.numbers.extract_numbers`, so ``1.2 million``, ``120万``
    and ``1.2M`` are one value and ``three`` answers ``3``. A Chinese number with no English
    counterpart is paired, where possible, with an English number the Chinese lacks: the same digits
    at another power of ten is ``numbers.magnitude``, a close value of the same kind is
    ``numbers.changed``; an unpaired Chinese number is ``numbers.added`` and an unpaired English one
    ``numbers.missing`` (unless it sits in the cut tail of a truncated English or the Chinese covers
    far less text). ``numbers.malformed`` reports ``1，183`` and numbers guessed from an English cut
    inside a number.

    Evidence: ``source``/``source_span`` quote and locate the English number in ``abstract_en``,
    ``translation``/``translation_span`` the Chinese one in ``abstract_zh`` (the ``field`` named);
    every finding sits on the line of the Chinese abstract.
    """

    name = "numbers"
    codes = (
        CodeSpec("numbers.changed", Severity.ERROR, "a number of the English appears changed in the Chinese (838,305 → 638,305)"),
        CodeSpec("numbers.magnitude", Severity.ERROR, "same digits, wrong magnitude (1.2 million → 12万 or 1.2亿)"),
        CodeSpec("numbers.added", Severity.WARNING, "the Chinese has a number the English does not have"),
        CodeSpec("numbers.missing", Severity.WARNING, "a number of the English is absent from the Chinese"),
        CodeSpec("numbers.malformed", Severity.WARNING, "full-width comma as thousands separator, or a number guessed from a cut"),
    )

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        """Findings for the Chinese abstract of ``entry`` against its English abstract."""
        en, zh = entry.abstract_en, entry.abstract_zh
        if not zh.strip() or not en.strip() or not (has_digits(zh) or has_digits(en)):
            return  # the common case: nothing to compare (translation.empty reports empty text)
        yield from _compare(self, entry, en, zh)


def _compare(check: Check, entry: Entry, en: str, zh: str) -> Iterator[Finding]:
    """The findings for one entry; see :class:`NumbersCheck` for the rules."""
    src, tgt = _Side(en), _Side(zh)
    if not src.hard and not tgt.hard:
        return
    line = entry.line_of("abstract_zh")

    def finding(code: str, message: str, e: Number | None, z: Number | None) -> Finding:
        evidence = Evidence(
            field="abstract_zh",
            source=e.text if e else None,
            translation=z.text if z else None,
            source_span=(e.start, e.end) if e else None,
            translation_span=(z.start, z.end) if z else None,
        )
        return check.finding(code, f"[^{entry.ref}]: {message}", line=line, entry=entry, evidence=evidence)

    # The English stops inside a number ("1,27"): its digits are a prefix, not a value.
    partial = None
    if entry.source_truncated and (m := _CUT_NUMBER.search(en)) and _cut_inside_number(m):
        partial = Number(
            value=0.0, start=m.start(), end=m.end(), text=m["number"], digits=re.sub(r"[^0-9]", "", m["number"])
        )
        src.hard = [n for n in src.hard if n.end <= m.start()]

    # 1，183: one number with a full-width separator when the English has it; a list otherwise.
    if any(z.fullwidth_comma for z in tgt.hard):
        resolved: list[Number] = []
        for z in tgt.hard:
            if not z.fullwidth_comma:
                resolved.append(z)
            elif src.renders(z, as_translation=True):
                yield finding("numbers.malformed", f"'{z.text}' uses a full-width comma as thousands separator", None, z)
                resolved.append(z)  # its value is right: it answers the English number
            else:
                resolved.extend(_pieces(z))
        tgt.hard = resolved

    unmatched_zh = [z for z in tgt.hard if not src.renders(z, as_translation=True)]
    missing = [e for e in src.hard if not tgt.renders(e, as_translation=False)]
    consumed: set[int] = set()

    if unmatched_zh:
        # English values the Chinese states fewer times than the English: candidates for a changed
        # number even where another occurrence was translated ("500 … 500" → "500 … 530").
        missing_ids = {id(e) for e in missing}
        deficit = [
            e for e in src.hard
            if id(e) in missing_ids or src.hard_index.count(e) > tgt.hard_index.count(e) + tgt.word_index.count(e)
        ]
        for z in unmatched_zh:
            if partial and _numeral(z.text) == partial.text.rstrip(",.{\\"):
                continue  # the cut number copied as it stands: "approximately 90" → "大约90", "81.14" → "81.14%"
            if partial and z.digits.startswith(partial.digits):
                yield finding(
                    "numbers.malformed",
                    f"the English was cut inside the number '{partial.text}'; the Chinese gives '{z.text}', a guess",
                    partial, z,
                )
                continue
            pair = _closest(z, deficit, consumed, en, zh, same_digits_other_magnitude)
            if pair is not None:
                consumed.add(id(pair))
                yield finding("numbers.magnitude", f"'{pair.text}' became '{z.text}': same digits, other magnitude", pair, z)
                continue
            pair = _closest(z, deficit, consumed, en, zh, _changed)
            if pair is not None:
                consumed.add(id(pair))
                yield finding("numbers.changed", f"'{pair.text}' became '{z.text}'", pair, z)
                continue
            yield finding("numbers.added", f"'{z.text}' is not in the English", None, z)

    if missing:
        reach = _reach(entry, en, zh)
        for e in missing:
            if id(e) not in consumed and e.start < reach and not _droppable(en, e):
                yield finding("numbers.missing", f"'{e.text}' of the English is not in the Chinese", e, None)


def _cut_inside_number(m: re.Match[str]) -> bool:
    """Whether a ``_CUT_NUMBER`` match ends inside the number: in its digits or its magnitude word."""
    word = m["word"]
    return word is None or any(w.startswith(word) and w != word for w in _MAGNITUDE_WORDS)


def _numeral(text: str) -> str:
    """``text`` up to its last digit: the number as written, without unit or percent sign."""
    m = _LAST_DIGIT.search(text)
    return text[: m.end()] if m else text


def _pieces(z: Number) -> list[Number]:
    """A ``1，183``-style number read as the list it may also be (``1`` and ``183``)."""
    out, offset = [], z.start
    for piece in z.text.split("，"):
        # only the digits: the last piece may carry a magnitude or a percent sign ("0，000万", "1，5%")
        if (m := _LEADING_NUMBER.match(piece)) is not None:
            out.append(Number(value=float(m.group()), start=offset, end=offset + m.end(), text=m.group(), digits=m.group()))
        offset += len(piece) + 1
    return out


def _in_names(n: Number, other: "_Side") -> bool:
    """``Llama 2`` vs ``Llama2``: a plain integer that the other side only writes inside a name.

    Percentages and magnitudes are not let through this way: "19%" must not hide behind "COVID-19".
    """
    return not n.percent and not n.scaled and n.digits in other.name_digits


def _changed(e: Number, z: Number) -> bool:
    """Whether ``z`` looks like ``e`` with a digit or two changed: same kind, close in value."""
    if e.percent != z.percent or e.decimals != z.decimals or e.scaled != z.scaled:
        return False
    distance = digit_distance(e, z)
    if distance is not None and distance <= MAX_CHANGED_DIGITS and distance < len(e.digits):
        return True
    big = max(e.value, z.value)
    return big > 0 and abs(e.value - z.value) / big <= MAX_CHANGED_RELATIVE


def _closest(
    z: Number,
    candidates: list[Number],
    consumed: set[int],
    en: str,
    zh: str,
    test: Callable[[Number, Number], bool],
) -> Number | None:
    """The candidate nearest to ``z`` (by relative position in the text) that passes ``test``."""
    best, best_gap = None, 2.0
    where = z.start / max(1, len(zh))
    for e in candidates:
        if id(e) in consumed or not test(e, z):
            continue
        gap = abs(e.start / max(1, len(en)) - where)
        if gap < best_gap:
            best, best_gap = e, gap
    return best


def _droppable(en: str, e: Number) -> bool:
    """Whether translators routinely leave ``e`` out: a citation year or a decade.

    "(Foret et al., ICLR 2021)", "Xie and Jiang (2021)", "[Ghazi et al. 2021]" and "the 1970s" are
    often dropped or rewritten (20世纪70年代) by a correct translation.
    """
    if e.decimals or e.percent or e.scaled:
        return False
    before = en[max(0, e.start - _CITATION_WINDOW) : e.start]
    if _ET_AL_BEFORE.search(before):
        return True  # "Rotnitzky et al. 21": a citation, whatever the year looks like
    if not 1900 <= e.value <= 2099:
        return False
    if en.startswith(("s", "'s", "’s"), e.end):
        return True  # a decade
    opening = max(before.rfind("("), before.rfind("["))
    if opening >= 0 and ")" not in before[opening:] and "]" not in before[opening:]:
        # inside brackets: a citation if a name comes before the year ("(Smith et al., 2021")
        return bool(_NAME.search(before, opening)) or bool(_NAME_BEFORE_BRACKET.search(before, 0, opening + 1))
    return bool(_NAME_BEFORE_YEAR.search(before))


def _reach(entry: Entry, en: str, zh: str) -> int:
    """How far into the English the Chinese is expected to carry numbers (an offset into ``en``).

    A truncated English ends in a cut sentence the translator may drop or rewrite: its numbers are
    not expected. A Chinese far shorter than usual covers only a guessable share of the English.
    """
    reach = len(en)
    if entry.source_truncated and not en.rstrip().endswith((".", "?", "!")):
        last = None
        for last in _SENTENCE_END.finditer(en):
            pass
        reach = last.end() if last else 0
    ratio = len(zh) / max(1, len(en))
    if ratio < MIN_COVER_RATIO:
        return 0
    if ratio < TYPICAL_RATIO * 0.8:
        reach = min(reach, int(len(en) * ratio / TYPICAL_RATIO))
    return reach
