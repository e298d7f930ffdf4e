"""Character classes for mixed Chinese/Latin text."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: Punctuation that ends a Chinese sentence (or a quotation/bracket that closes one).
ZH_SENTENCE_END = tuple("。！？；!?.」』）)”’\"'")
#: Ellipses the translators use to mark a cut: ASCII dots (3 or more) or the Unicode ellipsis.
ELLIPSIS = re.compile(r"(?:\.{3,}|…+|。。。+)\s*$")


def cjk_count(text: str) -> int:
    """Number of CJK ideographs in ``text``."""
    return len(CJK.findall(text))


def ends_with_ellipsis(text: str) -> bool:
    """Whether ``text`` ends with ``...``, ``....``, ``…`` or ``……`` (trailing spaces ignored)."""
    return bool(ELLIPSIS.search(text))


#: Brackets, quotes and stops a translator may close a sentence with after marking the cut with dots.
_CLOSERS = "）)」』”’\"'。．. "


def ends_in_dots(text: str) -> bool:
    """Whether ``text`` stops in an ellipsis, also one closed by brackets, quotes or a stop
    (``…（GPT-4o接近……）。``): the translator marked where the English stops."""
    return ends_with_ellipsis(text) or ends_with_ellipsis(text.rstrip(_CLOSERS))


def ends_mid_sentence(text: str) -> bool:
    """Whether the last visible character cannot end a sentence (a letter, digit, ideograph, comma...)."""
    stripped = text.rstrip()
    return bool(stripped) and not stripped.endswith(ZH_SENTENCE_END) and not stripped.endswith(("$", "】", "》"))


def fit(text: str, limit: int) -> str:
    """``text`` cut so that it is at most ``limit`` characters long, the closing "…" included (for
    outputs with a hard length limit, where :func:`clip`'s ``width`` plus one would not do)."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def clip(text: str, width: int = 60, *, collapse_spaces: bool = False) -> str:
    """``text`` cut to ``width`` characters plus "…" for a message (whitespace runs collapsed if asked)."""
    if collapse_spaces:
        text = " ".join(text.split())
    return text if len(text) <= width else text[:width] + "…"


def exception_line(exc: BaseException) -> str:
    """An exception as one clipped line, for a notice or message that must stay on one line."""
    return clip(str(exc), 200, collapse_spaces=True) or type(exc).__name__
