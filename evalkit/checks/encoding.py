"""``encoding``: text damaged by a wrong character decoding (mojibake) or by lost characters (U+FFFD).

Mojibake here is UTF-8 read as Latin-1/cp1252: every Chinese character becomes three Latin-1
characters such as ``è‡ª`` (or ``è�ª`` when the bytes 0x80-0x9F were lost on the way). Detection
uses ftfy's badness heuristic (the one ftfy itself uses to decide what needs fixing), which flags
sequences of the ~400 characters that occur in UTF-8 mojibake and almost never in real text; the
damaged stretch is then widened to the whole run of such characters so the evidence shows it.

UTF-8 read as GBK (``鍩轰簬`` for 基于) is made of real Chinese characters, which ftfy does not
flag; it is found by its clusters of rare characters instead (see :func:`gbk_mojibake_spans`).

Replacement characters (U+FFFD, and ``锟斤拷``, which is what they become when their UTF-8 bytes
are read as GBK) mark text that was lost in a decoding and cannot be recovered.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import FIELD_LABELS, Entry, Evidence, Finding, Issue, Severity
from evalkit.text.chars import clip

#: Fields checked, Chinese first; ``(name, is_source)``. The English fields are inputs, not
#: translations, so their evidence is a ``source`` span.
FIELDS = (
    ("title_zh", False),
    ("summary_zh", False),
    ("abstract_zh", False),
    ("title_en", True),
    ("abstract_en", True),
)
#: Field names as messages say them.
LABELS = FIELD_LABELS

#: cp1252's characters for the bytes 0x80-0x9F, which UTF-8 continuation bytes often become.
_CP1252 = (
    "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
#: The Latin-1 letters that UTF-8 lead bytes become (0xC2-0xF4: ``Â``...``ô``). Every mojibake
#: stretch holds one, and clean Chinese text almost never does, so this search is the cheap gate in
#: front of ftfy's much larger regex.
LEAD_BYTE = re.compile("[\u00c2-\u00f4]")
#: A run of characters that UTF-8 bytes turn into when read as Latin-1 or cp1252 (U+FFFD for bytes
#: that had no character): the extent of one damaged stretch. ASCII is excluded, so runs stop at the
#: Latin letters and digits that UTF-8 leaves intact; :data:`MAX_GAP` joins them again.
MOJIBAKE_RUN = re.compile(f"[\u0080-\u00ff{_CP1252}\ufffd]+")
#: One Chinese character garbled on its own (``å’Œ`` for 和), which ftfy's heuristic lets pass
#: because two or three such characters can be legitimate Latin text: the Latin-1 form of a CJK
#: lead byte (0xE4-0xE9) followed by two continuation bytes. None occurs in the corpus.
CJK_TRIPLE = re.compile(f"[\u00e4-\u00e9][\u0080-\u00bf{_CP1252}\ufffd]{{2}}")
#: Intact ASCII (a model name, a year) between two damaged runs belongs to the same stretch.
MAX_GAP = 20
#: ...unless the gap holds intact Chinese or a space: then they are two damaged words or stretches.
GAP_BREAK = re.compile(r"[\s\u3400-\u4dbf\u4e00-\u9fff]")
#: The characters GBK makes of a UTF-8 lead byte of a Chinese character (0xE4-0xE9) followed by
#: any byte: the rows of rare level-2 characters that UTF-8-read-as-GBK text is full of.
GBK_ROW_CHARS = "".join(
    sorted(
        {
            bytes([lead, trail]).decode("gbk")
            for lead in range(0xE4, 0xEA)
            for trail in (*range(0x40, 0x7F), *range(0x80, 0xFF))
        }
    )
)
GBK_ROW_CHAR = re.compile(f"[{GBK_ROW_CHARS}]")
#: Fewest such characters close together (at most :data:`GBK_MAX_GAP` others between two) that make
#: a garbled stretch. Intact punctuation, ASCII and spaces break a cluster.
GBK_MIN_CLUSTER = 3
GBK_MAX_GAP = 4
GBK_CLUSTER = re.compile(
    f"(?:[{GBK_ROW_CHARS}][^\\s，。、：；（）A-Za-z0-9]{{0,{GBK_MAX_GAP}}}){{{GBK_MIN_CLUSTER - 1},}}[{GBK_ROW_CHARS}]"
)
#: Intact punctuation, ASCII or a space between two clusters: they are separate stretches.
GBK_GAP_BREAK = re.compile(r"[\s，。、：；（）A-Za-z0-9]")
#: ``U+FFFD U+FFFD`` encoded as UTF-8 and read back as GBK: the classic sign of lost characters
#: in text that went through a Chinese code page.
GBK_REPLACEMENT = re.compile("(?:锟斤拷)+")
#: One or more replacement characters in a row count as one lost stretch.
REPLACEMENT = re.compile("\ufffd+")
#: Characters of text shown in a message.
QUOTE = 40


@register_check
class EncodingDamage(Check):
    """Mojibake (UTF-8 decoded as Latin-1/cp1252, or GBK) and replacement characters, in any field.

    Both are errors: the reader sees garbage instead of the text. A U+FFFD inside a mojibake stretch
    is reported as part of that stretch, not a second time.
    """

    name = "encoding"
    codes = (
        CodeSpec("encoding.mojibake", Severity.ERROR, "text is UTF-8 decoded as Latin-1/cp1252 or GBK (e.g. 'è‡ªç”±', 'Ã©', '鍩轰簬')"),
        CodeSpec("encoding.replacement-char", Severity.ERROR, "a field holds U+FFFD replacement characters (lost text)"),
    )

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        """Mojibake and replacement-character findings, at most one of each kind per field."""
        for field, is_source in FIELDS:
            text = getattr(entry, field)
            if text.isascii():
                continue  # most English fields: no character of either kind can be there
            damaged: list[tuple[int, int]] = []
            if LEAD_BYTE.search(text):
                latin = list(mojibake_spans(text))
                if latin:
                    damaged += latin
                    yield self._mojibake(entry, field, is_source, text, latin, "Latin-1/cp1252")
            if not is_source:
                gbk = list(gbk_mojibake_spans(text))
                if gbk:
                    damaged += gbk
                    yield self._mojibake(entry, field, is_source, text, gbk, "GBK")
            yield from self._replacement(entry, field, is_source, text, damaged)

    def _mojibake(
        self, entry: Entry, field: str, is_source: bool, text: str, spans: list[tuple[int, int]], codec: str
    ) -> Finding:
        start, end = spans[0]
        damaged = text[start:end]
        more = f" (and {len(spans) - 1} more stretch{'es' if len(spans) > 2 else ''})" if len(spans) > 1 else ""
        repaired = _repair(damaged, codec)
        # Only offer a repair when it produced clean text; where bytes were lost it cannot.
        from ftfy.badness import is_bad

        clean = repaired != damaged and "\ufffd" not in repaired and not is_bad(repaired)
        hint = f"; it reads '{clip(repaired, QUOTE)}' when re-decoded" if clean else ""
        return self.finding(
            "encoding.mojibake",
            f"[^{entry.ref}]: the {LABELS[field]} holds mojibake (UTF-8 read as {codec}): "
            f"'{clip(damaged, QUOTE)}'{more}{hint}",
            line=entry.line_of(field),
            entry=entry,
            evidence=_evidence(field, is_source, damaged, (start, end)),
        )

    def _replacement(
        self, entry: Entry, field: str, is_source: bool, text: str, inside: list[tuple[int, int]]
    ) -> Iterator[Finding]:
        hits = [
            (m.start(), m.end())
            for m in _replacement_marks(text)
            if not any(s <= m.start() < e for s, e in inside)
        ]
        if not hits:
            return
        start, end = hits[0]
        context = text[max(0, start - 10) : end + 10]
        yield self.finding(
            "encoding.replacement-char",
            f"[^{entry.ref}]: the {LABELS[field]} holds {len(hits)} replacement character"
            f"{'s' if len(hits) > 1 else ''} (text lost in a decoding): '{clip(context, QUOTE)}'",
            line=entry.line_of(field),
            entry=entry,
            evidence=_evidence(field, is_source, text[start:end], (start, end)),
        )


def mojibake_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every stretch of ``text`` that ftfy's heuristic (or :data:`CJK_TRIPLE`) calls mojibake.

    Each ftfy hit is widened to the run of Latin-1/cp1252 characters around it; runs separated only
    by a little intact ASCII without spaces are joined. Runs without a hit (``Loève``, ``café``) are left alone.
    """
    runs = [(m.start(), m.end()) for m in MOJIBAKE_RUN.finditer(text)]
    if not runs:
        return
    # A hit may begin on the intact ASCII letter before the damage ("fÃ©"), so test for overlap.
    # ftfy (30 ms to import) only here: clean text never gets past the LEAD_BYTE gate in front of this.
    from ftfy.badness import BADNESS_RE

    hits = [m.span() for m in BADNESS_RE.finditer(text)] + [m.span() for m in CJK_TRIPLE.finditer(text)]
    if not hits:
        return
    bad = [run for run in runs if any(h_start < run[1] and run[0] < h_end for h_start, h_end in hits)]
    merged: list[list[int]] = []
    for start, end in bad:
        if merged and start - merged[-1][1] <= MAX_GAP and not GAP_BREAK.search(text, merged[-1][1], start):
            merged[-1][1] = end
        else:
            merged.append([start, end])
    for start, end in merged:
        yield start, end


def gbk_mojibake_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of stretches of ``text`` that look like UTF-8 Chinese read as GBK.

    Such text is made of real (mostly rare) Chinese characters, so ftfy does not see it. Every UTF-8
    Chinese character starts with a byte 0xE4-0xE9, and read as GBK these bytes lead the rows of
    rare level-2 characters (鍩, 鐨, 浜, 涓...). Real text uses them seldom and never three to a
    handful of characters: 0 of the 46,500 Chinese fields of the corpus, while a garbled stretch of
    eight characters or more has such a cluster about 94% of the time.
    """
    if len(GBK_ROW_CHAR.findall(text)) < GBK_MIN_CLUSTER:
        return
    merged: list[list[int]] = []
    for start, end in (m.span() for m in GBK_CLUSTER.finditer(text)):
        # A garbled comma (锛) or a lost byte can split one stretch into two clusters.
        if merged and start - merged[-1][1] <= MAX_GAP and not GBK_GAP_BREAK.search(text, merged[-1][1], start):
            merged[-1][1] = end
        else:
            merged.append([start, end])
    for start, end in merged:
        yield start, _gbk_stretch_end(text, start, end)


def _gbk_stretch_end(text: str, start: int, end: int) -> int:
    """Where the garbled stretch that a cluster ends at ``end`` really ends.

    The cluster stops at its last rare character, but the garbled text usually goes on for a
    character or two (and a U+FFFD where the UTF-8 bytes were cut). The longest extension that still
    decodes back to UTF-8, or ends in U+FFFD, is taken.
    """
    limit = end
    while limit < len(text) and limit - end < GBK_MAX_GAP and not GBK_GAP_BREAK.match(text, limit):
        limit += 1
    for candidate in range(limit, end, -1):
        if text[candidate - 1] == "\ufffd" or _repair(text[start:candidate], "GBK") != text[start:candidate]:
            return candidate
    return end


def _repair(text: str, codec: str) -> str:
    """``text`` re-encoded with the wrong ``codec`` and decoded as UTF-8, or unchanged if that fails."""
    if codec != "GBK":
        import ftfy

        return ftfy.fix_text(text)
    try:
        return text.encode("gbk").decode("utf-8")
    except UnicodeError:  # a lost or split byte: no clean repair exists
        return text


def _replacement_marks(text: str) -> Iterator[re.Match[str]]:
    """U+FFFD runs and their GBK rendering ``锟斤拷``, in order of position."""
    if "\ufffd" not in text and "锟" not in text:
        return iter(())
    marks = list(REPLACEMENT.finditer(text)) + list(GBK_REPLACEMENT.finditer(text))
    return iter(sorted(marks, key=lambda m: m.start()))


def _evidence(field: str, is_source: bool, text: str, span: tuple[int, int]) -> Evidence:
    """Evidence pointing at ``span`` of ``field``, as source text for English fields."""
    if is_source:
        return Evidence(field=field, source=text, source_span=span)
    return Evidence(field=field, translation=text, translation_span=span)
