"""Find the numbers in English or Chinese text and normalise them to comparable values.

One extractor serves both languages, because each side quotes the other: Chinese abstracts keep
Arabic digits, TeX and model names from the English, and English never holds Chinese numerals.
:func:`extract_numbers` returns :class:`Number` records in text order. Each keeps the span it was
read from, its value after every magnitude is applied (``1.2 million``, ``120万``, ``7B``,
``$9.91\\times 10^9$`` and ``10^{-3}`` all become plain floats), whether it is a percentage, and how
precisely it was written (:attr:`Number.ulp`), so that ``3.0`` matches ``3`` and ``42.0%`` matches
``42%`` while ``0.86`` does not match ``0.83``.

Three kinds of numbers come back (:attr:`Number.kind`):

* ``digits``: written with Arabic digits (optionally with a magnitude word or suffix). These are
  the numbers a translation must carry over.
* ``words``: English number words (``three``, ``twenty-five``, ``a dozen``) and Chinese numerals
  (``三``, ``十二``, ``两千``, ``二点九``, ``三点五万``, ``百分之八``, ``三成`` = 30%), read by cn2an.
  Translators switch freely between words and digits, and
  ``一`` doubles as the article "a", so these only serve as counterparts, never as findings.
* ``identifier``: digits that belong to a name rather than state a quantity: arXiv ids, URLs, model
  names (``GPT-4``, ``Llama-3.2-1B``), TeX subscripts and variable exponents, bracketed citations,
  list markers such as ``(1)``. Kept so that ``Llama 2`` on one side can be matched against
  ``Llama2`` on the other, never reported.

Spans are offsets into the text as given: normalising full-width digits maps one character to one
character, so it moves nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Iterable
from evalkit.memo import text_cache
from evalkit.text.phrases import FOLDS_ONTO_ASCII

#: Full-width digits and the full-width full stop used as a decimal point, mapped 1:1 to ASCII so
#: that spans stay valid. The full-width comma is kept: it is a finding of its own (``1，183``).
_FULLWIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "．": "."})
_HAS_FULLWIDTH = re.compile("[０-９．]")

DIGITS = "digits"
WORDS = "words"
IDENTIFIER = "identifier"

#: Relative difference below which two values are the same number (float noise only: rounding is
#: handled through ``ulp``).
_REL_EPS = 1e-9


@dataclass(frozen=True)
class Number:
    """One number found in a text.

    ``value`` has every magnitude applied and is never negative (signs are dropped: a minus and a
    range dash cannot be told apart reliably, and translators rarely flip a sign). A percentage keeps
    its written value (``42`` for ``42%``) with ``percent`` set. ``ulp`` is the unit of the last
    written digit in the same scale as ``value`` (``0.01`` for ``0.86``, ``1e4`` for ``1.23 million``):
    the rounding a reader may assume. ``digits`` is the literal digit string without separators or
    decimal point (``"1183"`` for ``1,183``) and ``decimals`` the number of digits after the point.
    ``scale`` is the magnitude word or suffix applied (``1e6`` for ``million``/``M``, ``1e4`` for
    ``万``), ``scaled`` says whether such a magnitude or a power of ten was applied, and
    ``fullwidth_comma`` marks a group separator written as ``，``. ``alt`` is a second reading where
    the text is ambiguous: the bare value of ``30K`` (Kelvin?) or ``7.1M`` (a unit?), and the first
    bound of a range as written (``from 1 to 10 billion``: 1, not 1 billion).
    """

    value: float
    start: int
    end: int
    text: str
    percent: bool = False
    kind: str = DIGITS
    ulp: float = 1.0
    digits: str = ""
    decimals: int = 0
    alt: float | None = None
    scale: float = 1.0
    scaled: bool = False
    fullwidth_comma: bool = False

    @property
    def significant(self) -> str:
        """The significant digits (``"12"`` for ``1.2``, ``120``, ``12万`` and ``0.012``)."""
        return self.digits.strip("0") or "0"


# --------------------------------------------------------------------------------------------------
# Numbers written with digits. A cheap scan finds each digit; one anchored regex reads the number
# that starts there with what is attached to it; Python then looks at the context to tell a quantity
# from part of a name. (One big ``finditer`` over the whole text was 4x slower: a pattern that opens
# with lookbehinds or alternations is tried at every character.)

_DIGIT = re.compile(r"[0-9]")
_DIGIT_RUN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NUMBER = re.compile(
    r"""
    (?:
        (?P<grouped>[0-9]{1,3}(?:(?:,|，|\\,|\{,\})[0-9]{3})+(?![0-9]))   # 1,183  1，183  10{,}000
      | (?P<spaced>[0-9]{1,3}(?:[ \u2009\u202f][0-9]{3})+(?![0-9.,]))       # 5 017 (SI style)
      | (?P<plain>[0-9]+)
      | (?=\.[0-9])                                                      # .5
    )
    (?:\.(?P<frac>[0-9]+))?
    (?:
        (?P<e>[eE][-+−]?[0-9]+)(?![A-Za-z0-9])                          # 1e-3
      | \s*(?:\\times|×|\\cdot|x|\*)\s*10\s*\^\s*\{?\s*(?P<sx>[-−]?\s*[0-9]+)\s*\}?   # 9.91\times 10^9
      | \s*\^\s*(?:\{\s*(?P<pwb>[-−]?\s*[0-9]+)\s*\}|(?P<pw>[-−]?[0-9]+))            # 10^{-3}, 2^10
    )?
    (?:
        (?P<pct>\s?(?:%|％|\\%)|\s?(?:percent|per\s?cent)(?![A-Za-z]))
      | (?P<enmag>(?:\s|\\[,;:\ ]|~|\$|-){0,3}(?i:thousand|million|billion|trillion)s?(?![A-Za-z]))
      | (?P<sfx>(?:\\,|\$){0,2}(?:[KMBTkmb]|bn)(?![A-Za-z0-9])|\ [KMBT](?![A-Za-z0-9]))
      | (?P<zhmag>\s?[多余]?(?:[十百千]?万亿?|[十百千]?亿|千(?![米克瓦兆赫])))
      | (?P<times>[x×X](?![A-Za-z0-9]))
    )?
    """,
    re.VERBOSE,
)
_EN_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SUFFIX_SCALE = {"K": 1e3, "k": 1e3, "M": 1e6, "m": 1e6, "G": 1e9, "B": 1e9, "b": 1e9, "bn": 1e9, "T": 1e12}
_ZH_SCALE = {"十": 10, "百": 100, "千": 1000, "万": 1e4, "亿": 1e8}
_GROUP_SEPARATORS = re.compile(r",|，|\\,|\{,\}")
_SPACES = re.compile(r"[ \u2009\u202f]")
#: Letters that may follow a number without making it part of a name: ordinals and units.
_UNITS = frozenset(
    """st nd rd th s ms us ns ps h hr hrs min mins d GB MB KB TB PB Gb Mb Kb G Hz kHz MHz GHz THz dB nm um
    mm cm m km kg g mg fps px bit bits bp kbp Mbp W kW MW V mV mA A pp Ah mAh FLOPs TFLOPs flops""".split()
)
_LETTERS = re.compile(r"[A-Za-z]+")
#: Units with an SI prefix that Chinese often spells out as a magnitude: 620 Mt → 620百万吨.
_PREFIXED_UNIT = re.compile(r"\s?([kMGT])(?:t|W|Wh|Hz|B|bps|toe|eV|m|g|J|USD)(?![A-Za-z])")
#: Characters of a name token such as ``Llama-3.2-1B``, ``pass@1``, ``hep-th/9901001`` or ``x_1``.
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_/:@+'")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
#: How far back a name token is followed (``Qwen2.5-VL-72B-Instruct`` fits).
_TOKEN_LOOKBACK = 40
#: What may stand between ``^``/``_`` and a digit of the same exponent or subscript: n^ {-1/2}.
_EXPONENT_CHARS = frozenset(" {-−(/+0123456789.")
_EXPONENT_LOOKBACK = 8
_ARXIV_ID = re.compile(r"[0-9]{4}\.[0-9]{4,5}(?:v[0-9]+)?(?![0-9])")
#: Spans whose digits are never quantities, each with a literal start so ``re`` can skip to it, and
#: a substring that must be present before the pattern is run at all.
_NAME_SPANS = (
    ("://", re.compile(r"https?://\S+")),
    ("www.", re.compile(r"www\.\S+")),
    ("@", re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")),
    ("\\", re.compile(r"\\(?:url|href|cite[tp]?|ref|eqref|label|footnote|ding)\{[^}]*\}")),
    ("10.", re.compile(r"\b10\.[0-9]{4,9}/\S+")),  # DOIs
    ("[", re.compile(r"\[[0-9]{1,3}(?:\s*[,–-]\s*[0-9]{1,3})*\]")),  # citations [12], [3, 4]
)
#: Between two numbers of a range: "10-20%", "1–2 million", "5 to 10", "3至5万".
_RANGE_LINK = re.compile(r"\s*\$?\s*(?:-{1,3}|–|—|~|～|\\sim|to|至|到)\s*\\?\$?\s*")
_ZH_PERCENT_PREFIX = "百分之"
_CENTURY_DECADE = ("世纪", "年代")
_ANY_DIGIT = re.compile(r"[0-9０-９]")


def extract_numbers(text: str) -> tuple[Number, ...]:
    """All numbers in ``text`` (English or Chinese) in text order: digits, identifiers and words.

    See the module docstring for what each kind covers. Callers that only need the words when the
    digits leave something unexplained can call :func:`digit_numbers` and :func:`word_numbers`.
    """
    return tuple(sorted(digit_numbers(text) + word_numbers(text), key=lambda n: (n.start, n.end)))


@text_cache(maxsize=4096)
def digit_numbers(text: str) -> tuple[Number, ...]:
    """The ``digits`` and ``identifier`` numbers of ``text``, in text order, ranges resolved.

    Cached: a digest republishes the same abstracts many times (15,500 occurrences of 12,119
    entries in the sample corpus).
    """
    if not _ANY_DIGIT.search(text):
        return ()
    # str.translate walks the whole text through a dict (slow for Chinese); most texts have nothing to map.
    norm = text.translate(_FULLWIDTH) if _HAS_FULLWIDTH.search(text) else text
    names = _name_spans(norm)
    out: list[Number] = []
    pos = 0
    while (c := _DIGIT.search(norm, pos)) is not None:
        start = c.start()
        if start and norm[start - 1] == "." and (start == 1 or norm[start - 2] not in _TOKEN_CHARS):
            start -= 1  # ".5"
        if names and (span := _inside(names, start)):
            out.extend(_identifiers(norm, *span))
            pos = span[1]
            continue
        m = _NUMBER.match(norm, start)
        if m is None or m.end() == start:  # a lone "." before a digit that is not a decimal
            pos = c.end()
            continue
        number = _read(m, norm)
        pos = m.end()
        if norm.startswith(_CENTURY_DECADE, pos):
            # 19世纪20年代 ("the 1820s"), 18世纪: Chinese counts centuries and decades where English
            # writes years; such numbers answer others but are not expected in the English.
            number = replace(number, kind=WORDS)
        if _is_name(norm, m, number):
            end = m.end()
            if (arxiv := _ARXIV_ID.match(norm, start)) is not None:
                end = pos = max(pos, arxiv.end())
            number = Number(
                value=number.value, start=start, end=end, text=norm[start:end], kind=IDENTIFIER, digits=number.digits,
            )
        out.append(number)
    _spread_over_ranges(out, norm)
    if norm != text:  # full-width digits were mapped: quote the text as written
        out = [replace(n, text=text[n.start : n.end]) for n in out]
    return tuple(out)


def _name_spans(text: str) -> list[tuple[int, int]]:
    """Sorted spans of URLs, e-mails, TeX references, DOIs and bracketed citations in ``text``."""
    spans = []
    for needle, pattern in _NAME_SPANS:
        if needle in text:
            spans.extend(m.span() for m in pattern.finditer(text))
    return sorted(spans)


def _inside(spans: list[tuple[int, int]], offset: int) -> tuple[int, int] | None:
    """The span that holds ``offset``, if any (the list is short: a linear scan is enough)."""
    for s, e in spans:
        if s <= offset < e:
            return s, e
        if s > offset:
            break
    return None


def _identifiers(text: str, start: int, end: int) -> list[Number]:
    """The digit runs of a name span, as ``identifier`` numbers."""
    out = []
    for m in _DIGIT_RUN.finditer(text, start, end):
        out.append(
            Number(value=float(m.group()), start=m.start(), end=m.end(), text=m.group(), kind=IDENTIFIER,
                   digits=m.group().replace(".", ""))
        )
    return out



def _read(m: re.Match[str], text: str) -> Number:
    """The :class:`Number` one ``_NUMBER`` match states, magnitudes and percent sign applied."""
    start, end = m.span()
    spaced = m["spaced"]
    whole = _GROUP_SEPARATORS.sub("", m["grouped"] or m["plain"] or "") or _SPACES.sub("", spaced or "")
    frac = m["frac"] or ""
    value = float(f"{whole or '0'}.{frac or '0'}")
    ulp = 10.0 ** -len(frac)
    scaled = False
    exponent = m["e"] or m["sx"] or m["pwb"] or m["pw"]
    if exponent is not None:
        written = exponent.replace("−", "-").replace(" ", "").lstrip("eE")
        # int() refuses thousands of digits; any exponent this long is absurd and left as read below
        power = int(written) if len(written) <= 8 else 10**9
        if m["pwb"] is not None or m["pw"] is not None:
            # base^exp (10^{-3}, 2^{10}): computed so both sides agree; absurd powers are left as read.
            if abs(power) <= 30 and value <= 1e3:
                value = value**power
                ulp = value or 1.0
                scaled = True
        elif abs(power) <= 300:  # 1e400 would overflow a float: absurd exponents are left as read too
            value *= 10.0**power
            ulp *= 10.0**power
            scaled = True
    scale = 1.0
    if m["enmag"]:
        scale = _EN_SCALE[_LETTERS.search(m["enmag"]).group().lower().rstrip("s")]
    elif m["sfx"]:
        scale = _SUFFIX_SCALE[m["sfx"].lstrip("\\,$ ")]
    elif m["zhmag"]:
        for ch in m["zhmag"].strip().lstrip("多余"):  # 1000多万: "more than" 10 million
            scale *= _ZH_SCALE[ch]
    # "5 017" is 5017 in SI style, but "in 2 100-token windows" may be two numbers: keep both readings.
    alt = float(spaced.split()[0]) if spaced else None
    if scale == 1.0 and (unit := _PREFIXED_UNIT.match(text, end)) is not None:
        alt = value * _SUFFIX_SCALE[unit[1]]  # "620 Mt" is 620百万吨 in Chinese
    if scale != 1.0:
        if m["sfx"]:
            alt = value  # a one-letter suffix may be a unit: 30K, 5M, 2T
        value, ulp, scaled = value * scale, ulp * scale, True
    return Number(
        value=abs(value), start=start, end=end, text=text[start:end],
        percent=m["pct"] is not None or text.endswith(_ZH_PERCENT_PREFIX, 0, start),
        ulp=ulp, digits=whole + frac, decimals=len(frac), alt=alt, scale=scale, scaled=scaled,
        fullwidth_comma="，" in (m["grouped"] or ""),
    )


def _is_name(text: str, m: re.Match[str], number: Number) -> bool:
    """Whether the number just read is part of a name, an id, a subscript or a list marker."""
    start, end = m.span()
    before = text[start - 1] if start else " "
    # x^2, n^ {-1/2}, x_{12}: an exponent of a variable or a subscript (10^3 was read whole).
    k = start
    while k > 0 and start - k < _EXPONENT_LOOKBACK and text[k - 1] in _EXPONENT_CHARS:
        k -= 1
    if k > 0 and text[k - 1] in "^_":
        return True
    if text.startswith(".", end) and text[end + 1 : end + 2].isdigit():
        return True  # 1.2 of version 1.2.3
    if before in _TOKEN_CHARS:
        # Walk back over the token: GPT-4, Llama-3.2-1B, x_1, pass@1, Fig.3 start with a letter.
        j = start
        stop = max(0, start - _TOKEN_LOOKBACK)
        while j > stop and text[j - 1] in _TOKEN_CHARS:
            j -= 1
            if text[j] in _ASCII_LETTERS:
                return True
        if before == "." and start >= 2 and text[start - 2].isdigit():
            return True  # the third part of a version number: 1.2.3
    if _ARXIV_ID.match(text, start):
        return True
    after = _LETTERS.match(text, end)
    if after is not None and after.group() not in _UNITS and not m["enmag"]:
        return True  # 3D, 4o, 5G
    if len(number.text) <= 2 and number.text.isdigit() and text.startswith((")", "）"), end):
        # (1) （2） 1) 将2）: list markers, which translators renumber or drop
        return before not in _ASCII_LETTERS and not before.isdigit()
    return False


def _spread_over_ranges(numbers: list[Number], text: str) -> None:
    """Give the first number of a range the percent sign or magnitude written only after the second.

    "10-20%" means 10% to 20%, "1-2 million" means 1 to 2 million; without this the first bound
    would never match a translation that writes both units ("10%-20%", "100万-200万").
    """
    for i in range(len(numbers) - 2, -1, -1):
        a, b = numbers[i], numbers[i + 1]
        if a.kind != DIGITS or b.kind != DIGITS or not _RANGE_LINK.fullmatch(text, a.end, b.start):
            continue
        if b.percent and not a.percent:
            numbers[i] = a = replace(a, percent=True)
        if b.scale != 1.0 and not a.scaled and a.value < b.value / b.scale:
            f = b.scale
            numbers[i] = replace(a, value=a.value * f, ulp=a.ulp * f, alt=a.value, scale=f, scaled=True)


# --------------------------------------------------------------------------------------------------
# Numbers written as words.

_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twice": 2, "double": 2, "triple": 3, "half": 0.5, "single": 1,
    # Months: Chinese writes "2021年3月" for "March 2021".
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_EN_MULT = {"hundred": 100, "dozen": 12}
_EN_WORD = "|".join(sorted([*_EN_UNITS, *_EN_MULT, *_EN_SCALE], key=len, reverse=True))
_EN_WORDS = re.compile(
    rf"(?<![A-Za-z0-9])(?:{_EN_WORD})(?:(?:\s+|-)(?:and\s+)?(?:{_EN_WORD}))*"
    rf"(?:\s?(?:percent|per\s?cent))?(?![A-Za-z])",
    re.IGNORECASE,
)
_EN_SPLIT = re.compile(r"[A-Za-z]+")
_NUMBER_WORDS = frozenset({*_EN_UNITS, *_EN_MULT, *_EN_SCALE})
_NUMBER_WORD_STARTS = tuple(sorted(_NUMBER_WORDS))
_LOWER_WORD = re.compile(r"[a-z]+")
_NOT_NUMBER_WORDS = frozenset(("and", "percent", "per", "cent"))

_ZH_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"
_ZH_DECIMAL_DIGITS = "零〇一二三四五六七八九"
_ZH_NUMERAL = re.compile(
    rf"(?P<pctnum>百分之(?P<pctbody>[{_ZH_NUMERAL_CHARS}]+(?:点[{_ZH_DECIMAL_DIGITS}]+)?))"
    r"|(?P<frac>(?P<den>[一二三四五六七八九十百千]+)分之(?P<num>[一二三四五六七八九十]+))"
    # 三成 = 30%; not 一成 (一成不变, 统一成), nor 成 starting a word (成本, 成员, 成功, ...)
    r"|(?P<share>(?<![零〇一二两三四五六七八九十百千万亿])(?P<sharebody>[二两三四五六七八九])成(?!不变|本|员|功|果|绩|熟|立|像|型|分))"
    rf"|(?P<plainzh>[{_ZH_NUMERAL_CHARS}]*[零〇一二两三四五六七八九十][{_ZH_NUMERAL_CHARS}]*"
    rf"(?:点[{_ZH_DECIMAL_DIGITS}]+[万亿]*)?)"
)
_ZH_NUMERAL_CHAR = re.compile(r"[零〇一二两三四五六七八九十]")
_ZH_MAGNITUDE = {"万": 10_000, "亿": 100_000_000}


@text_cache(maxsize=8192)
def word_numbers(text: str) -> tuple[Number, ...]:
    """The ``words`` numbers of ``text``: English number words and Chinese numerals, in text order.

    A magnitude word that belongs to a number written in digits ("1.2 million") is not repeated here.
    """
    out = _english_words(text)
    if _ZH_NUMERAL_CHAR.search(text):
        out.extend(_chinese_numerals(text))
    return tuple(sorted(out, key=lambda n: (n.start, n.end)))


def _english_words(text: str) -> list[Number]:
    """English number words as ``words`` numbers: ``three``, ``twenty-five``, ``two million``."""
    # The scan is the costliest regex of a run (a case-blind alternation tried at every position),
    # and most texts (all Chinese ones, many English ones) hold no number word at all.
    # A match starts with a whole number word (a word of its own, or one run into "percent"), so a text
    # whose lower-cased words include none needs no scan. Exact except for the few non-ASCII letters
    # that re.IGNORECASE folds onto ASCII ones (FOLDS_ONTO_ASCII); a text with one is scanned.
    if not FOLDS_ONTO_ASCII.search(text):
        words = set(_LOWER_WORD.findall(text.lower()))
        if _NUMBER_WORDS.isdisjoint(words) and not any("per" in w and w.startswith(_NUMBER_WORD_STARTS) for w in words):
            return []
    return _scan_english_words(text)


def _scan_english_words(text: str) -> list[Number]:
    """What :func:`_english_words` finds, by the full scan."""
    out: list[Number] = []
    for m in _EN_WORDS.finditer(text):
        words = [w.lower() for w in _EN_SPLIT.findall(m.group())]
        if len(words) == 1 and words[0] in _EN_SCALE and _DIGIT_BEFORE.search(text, 0, m.start()):
            continue  # "1.2 million": the digits already carry it
        percent = words[-1] in ("percent", "cent")
        value = english_words_value([w for w in words if w not in _NOT_NUMBER_WORDS])
        if value is not None:
            out.append(Number(value=value, start=m.start(), end=m.end(), text=m.group(), percent=percent, kind=WORDS))
    return out


_DIGIT_BEFORE = re.compile(r"[0-9](?:\s|\\[,;: ]|~|\$|-){0,3}$")


def english_words_value(words: list[str]) -> float | None:
    """The value of a sequence of lower-case English number words (``["twenty", "five"]`` → 25)."""
    total = current = 0.0
    for w in words:
        if w in _EN_UNITS:
            current += _EN_UNITS[w]
        elif w in _EN_MULT:
            current = (current or 1) * _EN_MULT[w]
        elif w in _EN_SCALE:
            total += (current or 1) * _EN_SCALE[w]
            current = 0
        else:
            return None
    return total + current if words else None


def _chinese_numerals(text: str) -> list[Number]:
    """Chinese numerals as ``words`` numbers: ``三``, ``十二``, ``两千``, ``二点九``, ``三点五万``,
    ``百分之八``, ``百分之三十五点五``, ``三成`` (30%), ``三分之一``.

    A decimal keeps its precision (``二点九``: ``ulp`` 0.1), so that it answers 2.9 and not 2.4; a
    share in 成 is a percentage known to the nearest ten.
    """
    out = []
    for m in _ZH_NUMERAL.finditer(text):
        span = {"start": m.start(), "end": m.end(), "text": m.group(), "kind": WORDS}
        if m["pctnum"]:
            read = _chinese_decimal(m["pctbody"])
            if read is not None:
                value, ulp, decimals = read
                out.append(Number(value=value, percent=True, ulp=ulp, decimals=decimals, **span))
        elif m["share"]:
            value = chinese_numeral_value(m["sharebody"])
            if value is not None:
                out.append(Number(value=value * 10, percent=True, ulp=10.0, **span))
        elif m["frac"]:
            den, num = chinese_numeral_value(m["den"]), chinese_numeral_value(m["num"])
            if den and num is not None:
                # "三分之一": the fraction, and its parts, which the English may give as 1/3.
                for value in (num / den, den, num):
                    out.append(Number(value=value, **span))
        else:
            read = _chinese_decimal(m["plainzh"])
            if read is not None:
                value, ulp, decimals = read
                out.append(Number(value=value, ulp=ulp, decimals=decimals, **span))
    return out


def _chinese_decimal(s: str) -> tuple[float, float, int] | None:
    """``(value, ulp, decimals)`` of a Chinese numeral that may have a decimal part and a magnitude
    after it (``三点五万`` → 35000, which cn2an does not read itself), or ``None``."""
    whole, point, rest = s.partition("点")
    if not point:
        value = chinese_numeral_value(s)
        return None if value is None else (float(value), 1.0, 0)
    magnitude = 1
    while rest and rest[-1] in _ZH_MAGNITUDE:
        magnitude *= _ZH_MAGNITUDE[rest[-1]]
        rest = rest[:-1]
    value = chinese_numeral_value(f"{whole}点{rest}")
    if value is None:
        return None
    return value * magnitude, 10.0 ** -len(rest) * magnitude, len(rest)


#: Longest run of Chinese numeral characters given a value (``三亿五千万零五百`` is 8).
MAX_ZH_NUMERAL = 30


def chinese_numeral_value(s: str) -> float | None:
    """The value of a Chinese numeral by cn2an (``十二`` → 12, ``一百零五`` → 105, ``二点九`` → 2.9,
    ``三亿五千万`` → 350000000, ``两千`` → 2000).

    Digits without units are read positionally (``二〇二三`` → 2023); a bare magnitude is one of it
    (``万`` → 10000). Returns ``None`` for what cn2an cannot read (a character that is not a numeral,
    a malformed run such as ``三三十``), or a run longer than :data:`MAX_ZH_NUMERAL` characters (no
    real numeral is; cn2an would spend its time on it). Numerals of up to three characters come from
    the table of cn2an's answers (:mod:`evalkit.text.chinese_numerals`), so most runs never import cn2an.
    """
    if not s or len(s) > MAX_ZH_NUMERAL:
        return None
    from evalkit.text.chinese_numerals import TABLE_LENGTH, cn2an_reading, short_numerals

    if s[0] in _ZH_MAGNITUDE:
        s = "一" + s
    if len(s) <= TABLE_LENGTH:
        known = short_numerals()
        if s in known:  # cn2an's own answer, without importing cn2an
            return known[s]
    return cn2an_reading(s)


# --------------------------------------------------------------------------------------------------
# Comparison.


def same_number(source: Number, translation: Number) -> bool:
    """Whether ``translation`` renders ``source``: equal values, or ``source`` rounded to the
    translation's precision (``3.14`` → ``3.1``; not ``3`` → ``3.4``, which invents precision).

    A percentage and a fraction match when they differ by exactly 100 (``0.42`` = ``42%``); a
    percentage also matches the bare number (``42`` = ``42%``), because translators add and drop the
    sign around "accuracy of 42".
    """
    a, ua, b, ub = source.value, source.ulp, translation.value, translation.ulp
    if _close(a, ua, b, ub):
        return True
    if source.percent == translation.percent:
        return False
    if source.percent:
        return _close(a / 100, ua / 100, b, ub)
    return _close(a, ua, b / 100, ub / 100)


def _close(a: float, ua: float, b: float, ub: float) -> bool:
    """``b`` equals ``a``, or is ``a`` rounded to ``b``'s coarser precision."""
    tol = _REL_EPS * max(1.0, abs(a), abs(b))
    if abs(a - b) <= tol:
        return True
    return ub > ua and abs(a - b) <= ub / 2 + tol


def value_key(value: float) -> float:
    """``value`` rounded to 9 significant digits: equal keys mean equal numbers up to float noise."""
    return float(f"{value:.9g}")


class NumberIndex:
    """Numbers of one side, indexed so that "does the other side state this value?" is a dict lookup.

    :meth:`find` tries the exact value (and the percent/fraction reading) first and falls back to
    :func:`same_number` over all numbers only when that fails, which is rare in real translations.
    """

    def __init__(self, numbers: Iterable[Number]) -> None:
        self.numbers = list(numbers)
        self._by_value: dict[float, list[Number]] = {}
        self._plain_by_value: dict[float, Number] = {}
        self._percent_as_fraction: dict[float, Number] = {}
        self._alt_by_value: dict[float, Number] = {}
        for n in self.numbers:
            key = value_key(n.value)
            self._by_value.setdefault(key, []).append(n)
            if n.alt is not None:
                self._alt_by_value.setdefault(value_key(n.alt), n)
            if n.percent:
                self._percent_as_fraction.setdefault(value_key(n.value / 100), n)
            else:
                self._plain_by_value.setdefault(key, n)

    def find(self, n: Number, *, as_translation: bool) -> Number | None:
        """A number of this side that ``n`` renders (``as_translation``) or that renders ``n``."""
        key = value_key(n.value)
        if key in self._by_value:
            return self._by_value[key][0]
        if n.percent and (hit := self._plain_by_value.get(value_key(n.value / 100))) is not None:
            return hit
        if not n.percent and (hit := self._percent_as_fraction.get(key)) is not None:
            return hit
        # Second readings, either way round: "30 K" vs "30K", "1 to 10亿" vs "1 to 10 billion".
        if (hit := self._alt_by_value.get(key)) is not None:
            return hit
        if n.alt is not None and (hits := self._by_value.get(value_key(n.alt))):
            return hits[0]
        for other in self.numbers:
            if same_number(other, n) if as_translation else same_number(n, other):
                return other
        return None

    def count(self, n: Number) -> int:
        """How many numbers of this side state exactly the value of ``n``."""
        return len(self._by_value.get(value_key(n.value), ()))


def same_digits_other_magnitude(a: Number, b: Number) -> bool:
    """Whether ``a`` and ``b`` have the same significant digits but differ by a power of ten.

    ``1.2 million`` vs ``12万`` (120,000) or ``1.2亿``; the percent sign must agree, since a percentage
    and its fraction legitimately differ by 100.
    """
    if a.percent != b.percent or a.significant != b.significant or not a.value or not b.value:
        return False
    ratio = math.log10(a.value / b.value)
    return abs(ratio - round(ratio)) < 1e-6 and round(ratio) != 0


def digit_distance(a: Number, b: Number) -> int | None:
    """Positions in which the digit strings of ``a`` and ``b`` differ, if they are equally long."""
    if len(a.digits) != len(b.digits):
        return None
    return sum(x != y for x, y in zip(a.digits, b.digits))


def has_digits(text: str) -> bool:
    """Whether ``text`` has any ASCII or full-width digit: the cheap test before extracting."""
    return bool(_ANY_DIGIT.search(text))


def numbers_not_in(text: str, *sources: str) -> list[Number]:
    """The numbers ``text`` writes in digits (quantities, not identifiers) that no text of ``sources``
    states in any notation, as a translation of them: what a summary or an added ending made up.

    The sources are read only when ``text`` has such a number (most have none).
    """
    stated = [n for n in digit_numbers(text) if n.kind == DIGITS]
    if not stated:
        return []
    known = NumberIndex([n for source in sources for n in extract_numbers(source)])
    return [n for n in stated if known.find(n, as_translation=True) is None]
