"""Acronyms and coined names: found in the (masked) English, looked for among the Latin words of the Chinese."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from evalkit.align.lexicon import STOP_WORDS
from evalkit.checks.terminology.common import LATIN_PIECE, is_ascii_alnum, is_word
from evalkit.checks.terminology.tables import not_names

#: An all-capital English word at least this long is shouting ("CORRECTION"), not an acronym.
SHOUTED_WORD_LENGTH = 7

#: A Latin word that may be a name: an upper-case letter or a digit after its first letter ("PCA",
#: "HiQA", "SHapley", "T5", "Llama2"); :func:`is_name` decides.
_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][a-z]*[A-Z0-9][A-Za-z0-9]*")
#: The parts of a camel-case or mixed word: "ReRAM" -> Re, RAM; "GPT4" -> GPT, 4.
_CAMEL_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_LEADING_LETTERS = re.compile(r"[a-z]+")
_SUB_SUPERSCRIPT = re.compile(r"[₀-₉⁰¹²³⁴-⁹]")
_SUB_SUPERSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹", "01234567890123456789")
#: Masked before the English is scanned (offsets kept): TeX math, TeX command names (the text of
#: \emph{...} stays, the argument of \color{...}, \cite{...} and the like goes), URLs and arXiv ids,
#: and citations (see :func:`_mask_citations`). Each runs only when its cheap gate is in the text.
_TEX_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]*\$|\\\(.+?\\\)|\\\[.+?\\\]", re.DOTALL)
_URL = re.compile(r"(?:https?://|www\.)\S+|arXiv:\s*\S+")
_TEX_COMMAND = re.compile(
    r"\\(?:(?:text)?color|definecolor|label|ref|eqref|cite[a-z]*|url|href|includegraphics)\{[^{}]*\}|\\[A-Za-z]+\*?"
)
_YEAR = re.compile(r"(?:19|20)[0-9][0-9]")


# --------------------------------------------------------------------------------------------------
# The English


@dataclass(frozen=True)
class Name:
    """An acronym or coined name of the English: its comparison key, first spelling and all spellings
    ("LLM", "LLMs"), and the masked English it was found in."""

    key: str
    text: str
    spellings: tuple[str, ...]
    masked: str

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """Where the name occurs, in text order (computed on demand: most names need no spans)."""
        return _name_spans(self.spellings, self.masked)


def _name_spans(spellings: tuple[str, ...], masked: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for spelling in spellings:
        start = masked.find(spelling)
        while start >= 0:
            end = start + len(spelling)
            glued_before = start > 0 and is_ascii_alnum(masked[start - 1])
            if not glued_before and not (end < len(masked) and is_ascii_alnum(masked[end])):
                spans.append((start, end))
            start = masked.find(spelling, start + 1)
    return tuple(sorted(spans))


def mask_english(text: str) -> str:
    """``text`` with TeX, URLs, arXiv ids and citations blanked out by spaces (offsets kept)."""
    blank = lambda m: " " * len(m.group())  # noqa: E731
    if "$" in text or "\\(" in text or "\\[" in text:
        text = _TEX_MATH.sub(blank, text)
    if "http" in text or "www." in text or "arXiv:" in text:
        text = _URL.sub(blank, text)
    if "\\" in text:
        text = _TEX_COMMAND.sub(blank, text)
    if ("19" in text or "20" in text) and _YEAR.search(text):
        text = _mask_citations(text)
    return text


def _mask_citations(text: str) -> str:
    """Blank citations: a parenthesis holding a year ("(ICML 2019)", "(Smith et al., 2021)") and
    BibTeX-style keys glued to a year ("vaswani2017attention")."""
    spans = []
    for m in _YEAR.finditer(text):
        start, end = m.start(), m.end()
        if (start and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit()):
            continue  # part of a longer number
        if start and text[start - 1].isalpha():
            while start and text[start - 1].isalnum():
                start -= 1
            while end < len(text) and text[end].isalpha():
                end += 1
            spans.append((start, end))
            continue
        left, right = text.rfind("(", 0, start), text.find(")", end)
        enclosed = 0 <= left and 0 <= right and right - left < 120
        if enclosed and ")" not in text[left:start] and "(" not in text[end:right]:
            spans.append((left, right + 1))
    if not spans:
        return text
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def name_key(piece: str) -> str:
    """Comparison key of a name: lower-case, an acronym's plural "s" dropped ("LLMs" -> "llm")."""
    if len(piece) > 2 and piece.endswith("s") and piece[-2].isupper():
        return piece[:-1].lower()
    return piece.lower()


@lru_cache(maxsize=65536)
def is_name(piece: str) -> bool:
    """Whether a Latin word is an acronym or coined name rather than an English word.

    Names: two capitals or more ("PCA", "HiQA"), a capital after a lower-case letter ("ValiTex"), letters
    and digits with a capital ("T5", "GPT4"). Not names: units and Roman numerals
    (:func:`~evalkit.checks.terminology.tables.not_names`), a number with a unit ("3D", "7B"), all-capital
    English words of :data:`SHOUTED_WORD_LENGTH` letters or more, styled English words ("eXplainable",
    "PROmpting") and camel-case compounds of English words ("AutoEncoder", "LinkedIn").
    """
    if len(piece) < 2 or piece[0].isdigit() or name_key(piece) in not_names():
        return False
    capitals = sum(c.isupper() for c in piece)
    if capitals == 0 or (capitals == 1 and piece[0].isupper() and piece[1:].isalpha()):
        return False  # a plain or capitalised word
    letters = piece.rstrip("0123456789")
    if letters.isupper() or (len(letters) > 2 and letters[:-1].isupper() and letters.endswith("s")):
        if piece.lower() in STOP_WORDS:
            return False  # "IN", "OR": a capitalised small word
        return not (len(piece) >= SHOUTED_WORD_LENGTH and piece.isalpha() and is_word(piece))
    if is_word(piece):
        return False  # a styled word
    parts = _CAMEL_PART.findall(piece)
    if any(len(p) >= 2 and p.isupper() for p in parts) or any(p.isdigit() for p in parts):
        return True  # "HiQA", "ChatGPT", "Llama2"
    return not all(is_word(p) for p in parts)


def english_names(masked: str) -> dict[str, Name]:
    """Acronyms and coined names of a masked English text, by :func:`name_key`, in order of appearance."""
    found: dict[str, list[str]] = {}
    for piece in dict.fromkeys(_CANDIDATE.findall(masked)):
        if is_name(piece):
            found.setdefault(name_key(piece), []).append(piece)
    return {k: Name(k, spellings[0], tuple(spellings), masked) for k, spellings in found.items()}


# --------------------------------------------------------------------------------------------------
# The Chinese


def chinese_latin_keys(chinese: str) -> frozenset[str]:
    """Keys under which the Latin words of a Chinese text can match an English name.

    Each alphanumeric piece lower-cased, without a plural "s", its leading letters alone ("gpt4" ->
    "gpt"), and joined with the next piece when a space, hyphen or dot is all that separates them
    ("GPT-4", "Llama 2" -> "gpt4", "llama2").
    """
    out: set[str] = set()
    prev: re.Match[str] | None = None
    if _SUB_SUPERSCRIPT.search(chinese):
        chinese = chinese.translate(_SUB_SUPERSCRIPT_DIGITS)  # "CO₂" -> "CO2"
    for m in LATIN_PIECE.finditer(chinese):
        low = m.group().lower()
        out.add(low)
        if low.endswith("s"):
            out.add(low[:-1])
        letters = _LEADING_LETTERS.match(low)
        if letters and letters.end() < len(low):
            out.add(letters.group())
        if not m.group().islower():
            out.update(part.lower() for part in _CAMEL_PART.findall(m.group()))  # "ReRAM" -> "ram"
        if prev is not None and chinese[prev.end() : m.start()] in ("", " ", "-", ".", "_"):
            out.add(prev.group().lower() + low)
        prev = m
    return frozenset(out)


def verbatim(key: str, lower: str) -> bool:
    """Whether the lower-case Chinese holds ``key`` as a Latin word of its own (a fast path of
    :func:`chinese_latin_keys`): no letter or digit before it, no letter after it but a plural "s"."""
    start = lower.find(key)
    while start >= 0:
        end = start + len(key)
        before = lower[start - 1] if start else " "
        after = lower[end : end + 2]
        glued_before = before.isascii() and before.isalnum()
        glued_after = after[:1].isascii() and after[:1].isalpha() and not (after[0] == "s" and not after[1:2].isalpha())
        if not glued_before and not glued_after:
            return True
        start = lower.find(key, start + 1)
    return False

