"""``leak``: text inside a translation that is not a translation of the paper.

Three kinds, all seen in the corpus (docs/format.md §5 and §11):

* ``leak.metadata`` — the RSS wrapper of the English (``arXiv:ID Announce Type: new  Abstract:``)
  translated along with the abstract (``arXiv:2403.11009v1 公告类型：新 摘要：``), a leading
  ``摘要：``, or the S1 title suffix ``(arXiv:ID vN [cat])`` copied into the Chinese title. Over half
  of the E3 entries carry it and the reader loses nothing, so it is a warning.
* ``leak.translator-note`` — a meta-comment of the translating model (``（摘要截断）``,
  ``（注：原文截断…）``, ``（此处原文截断，推测为…）``): the reader cannot tell it from the paper.
* ``leak.label`` — a field name of the generator's prompt (``translated_abstract:``, ``tldr:``,
  ``en_tdlr``) or a stray label word (``…和一个用户 摘要。``) left in the text.

The patterns describe the shape of each leak (a label, a colon, a short value) rather than list
the exact strings seen, because every model run words them a little differently.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import CHINESE_FIELDS, FIELD_LABELS, Entry, Evidence, Finding, Issue, Severity
from evalkit.text.chars import clip
from evalkit.text.lazy_re import LazyPattern

#: The Chinese fields, with the words used in messages.
FIELDS = {field: FIELD_LABELS[field] for field in CHINESE_FIELDS}

_ID = r"arXiv\s*[:：]?\s*\d{4}\.\d{4,5}(?:v\d+)?"
#: The label of the announce type as the model renders it: ``Announce Type``, ``公告类型``,
#: ``类型``, ``发布类型``, ``类型公告``, ``语种``, traditional ``公告類型``... (a few ideographs
#: around 类型/类别/语种).
_TYPE_LABEL = r"(?:Announce\s*Type|[\u4e00-\u9fff]{0,3}(?:类型|類型|类别|類別|语种|語種)[\u4e00-\u9fff]{0,2})"
#: The value after it: a short word (新, 交叉, 替换-交叉, replace-cross), never running into 摘要.
_TYPE_VALUE = r"(?:(?!摘要|Abstract)[^\s:：。.,，;；]){0,16}"
_ABSTRACT_LABEL = r"(?:论文)?(?:摘要|Abstract)\s*[:：]"
#: The RSS wrapper at the head of a field: an optional leading label (``摘要：``, ``地址：``),
#: the arXiv ID, the announce type, the ``Abstract:`` label, each optional but at least one present.
METADATA_HEAD = re.compile(
    rf"^\s*(?:(?:{_ABSTRACT_LABEL}|地址\s*[:：])\s*)?"
    rf"(?:{_ID}\s*[,，。.;；]?\s*)?"
    rf"(?:{_TYPE_LABEL}\s*[:：]\s*{_TYPE_VALUE}\s*[。.]?\s*)?"
    rf"(?:{_ABSTRACT_LABEL}\s*)?",
    re.IGNORECASE,
)
#: What a head match must contain to be metadata rather than an ordinary "X类型：" sentence.
HEAD_EVIDENCE = re.compile(rf"{_ID}|{_ABSTRACT_LABEL}|公告|Announce", re.IGNORECASE)
#: Words one of which every :data:`METADATA_INSIDE` match holds, and how far around them it may reach.
TYPE_ANCHOR = re.compile(r"类型|類型|类别|類別|语种|語種|nnounce|NNOUNCE")
ANCHOR_WINDOW = 60
#: The same wrapper elsewhere in a field: an announce-type label with its value, either the
#: unmistakable ``公告类型``/``Announce Type`` or any type label followed by ``摘要：``.
# Compiled on first use (4 ms): it is only tried around a TYPE_ANCHOR hit, which most runs never see.
METADATA_INSIDE = LazyPattern(
    rf"(?:{_ID}\s*)?(?:(?:Announce\s*Type|公告[类類]型)\s*[:：]\s*{_TYPE_VALUE}"
    rf"|{_TYPE_LABEL}\s*[:：]\s*{_TYPE_VALUE}\s*[。.]?\s*(?={_ABSTRACT_LABEL}))"
    rf"(?:\s*[。.]?\s*{_ABSTRACT_LABEL})?",
    re.IGNORECASE,
)
#: The S1 title suffix ``(arXiv:2307.03691v1 [cs.CL] UPDATED)``, in either kind of bracket and
#: whatever the model made of ``UPDATED`` (更新, 已更新, 更新版) or put before the ID (翻译自).
TITLE_SUFFIX = re.compile(rf"\s*[（(][^（）()]{{0,10}}{_ID}\s*\[[\w.\-]+\][^（）()]{{0,12}}[）)]", re.IGNORECASE)

#: Words that, inside brackets, only a translator's comment uses: the source was cut,
#: something was left out, the translator guessed. ``不完整`` (incomplete) alone is ordinary prose
#: ("不完整配对"), so it counts only after a word for the text itself (摘要/此处/内容...).
_NOTE_WORDS = (
    r"(?:截断|截止于|原文|译者|译注|译文|省略|未完|翻译仅供|仅供参考|翻译自|按上下文|根据上下文|推测为|推断为|可能指"
    r"|(?:摘要|此处|此部分|文本|内容)[^（）()]{0,4}不完整)"
)
NOTE_WORD = re.compile(_NOTE_WORDS)
#: Plain words one of which every note holds: a superset of :data:`NOTE_WORD` and ``注：`` made of
#: literals only, which the regex engine scans much faster (fields without one hold no note).
NOTE_GATE = re.compile(r"截断|截止|原文|译|省略|未完|仅供参考|上下文|推测|推断|可能指|不完整|注：|注:|注 ")
#: A bracketed comment holding such a word, or starting ``注：``. The body may not hold another
#: bracket, so a comment is one parenthesis, not a span across several.
TRANSLATOR_NOTE = re.compile(
    rf"(?:…+|\.{{3,}})?[（(【\[]\s*(?:(?:注|译者注|译注|备注)\s*[:：][^（）()【】\[\]]{{0,160}}"
    rf"|[^（）()【】\[\]]{{0,80}}{_NOTE_WORDS}[^（）()【】\[\]]{{0,160}})[）)】\]]"
)
#: An unbracketed ``注：原文截断…`` or ``译者注：…`` after a sentence end (or at the start).
NOTE_SENTENCE = re.compile(rf"(?:^|(?<=[。；;.!！?？\s]))(?:注|译者注|译注)\s*[:：][^。]{{0,80}}?{_NOTE_WORDS}[^。]*")
#: English words that, when the source has them, make a ``注：`` a translation of the paper's own note.
SOURCE_NOTE = re.compile(r"\b(?:note|N\.B\.|remark)\b", re.IGNORECASE)
#: Likewise for ``截断`` (truncation, clipping) as a technical term of the paper...
SOURCE_TRUNCATION = re.compile(r"truncat|clip", re.IGNORECASE)
#: ...unless the bracket speaks of the text itself (原文截断, 摘要截断, 此处截断).
META_CONTEXT = re.compile(r"原文|摘要|此处|此部分|文本|部分|以下|后续")

#: A field key of the generator's prompt (``translated_title``, ``en_tdlr``...) or ``tldr:``.
FIELD_KEY = re.compile(
    r"(?<![A-Za-z0-9_])(?:(?:translated|original)_(?:title|abstract|summary|text)|(?:en|zh)_t[dl]{2}r"
    r"|t\s*l\s*;?\s*d\s*r\s*[:：])",
    re.IGNORECASE,
)
#: Something every :data:`FIELD_KEY` match holds, in lower case (a cheap gate).
KEY_GATE = re.compile(r"translated_|original_|_t[dl]|tl")
#: A translated field key at the head: ``翻译过的论文摘要：``, ``中文标题：``, ``总结：``. A bare
#: ``摘要：`` is the RSS label and belongs to ``leak.metadata``.
LABEL_HEAD = re.compile(
    r"^\s*(?:(?:翻译(?:过|后)?的?|中文|译文的?)(?:论文)?(?:标题|题目|摘要|总结|概要)"
    r"|(?:论文)?(?:标题|题目|总结|一句话总结|概要)|译文|翻译)\s*[:：]"
)
#: How many characters at the end of a field :data:`LABEL_TAIL` looks at.
TAIL_WINDOW = 16
#: ``摘要`` standing alone at the end, after a space or a sentence end (``…和一个用户 摘要。``): the
#: word was written as a label, not as part of a sentence (``生成摘要。`` is fine).
LABEL_TAIL = re.compile(r"(?:(?<=\s)|(?<=[。；;.!！?？]))(?:摘要|Abstract|TL;?DR)\s*[。.:：]?\s*$", re.IGNORECASE)


@register_check
class Leak(Check):
    """RSS metadata, translator notes and prompt field labels inside the Chinese fields."""

    name = "leak"
    codes = (
        CodeSpec("leak.metadata", Severity.WARNING, "RSS metadata (arXiv ID, 公告类型/Announce Type, 摘要：) inside the translation"),
        CodeSpec("leak.translator-note", Severity.WARNING, "a translator's meta-comment such as （摘要截断） or （注：…） inside the translation"),
        CodeSpec("leak.label", Severity.WARNING, "a stray field label such as translated_abstract:, tldr: or a trailing 摘要。"),
    )

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        """The first leak of each kind in each Chinese field."""
        for field, label in FIELDS.items():
            text = getattr(entry, field)
            if not text.strip():
                continue
            for code, span, what in _leaks(text, entry.abstract_en):
                quoted = text[span[0] : span[1]].strip()
                yield self.finding(
                    code,
                    f"[^{entry.ref}]: the {label} holds {what}: '{clip(quoted)}'",
                    line=entry.line_of(field),
                    entry=entry,
                    evidence=Evidence(field=field, translation=text[span[0] : span[1]], translation_span=span),
                )


def _leaks(text: str, source: str) -> Iterator[tuple[str, tuple[int, int], str]]:
    """``(code, span, description)`` of the first leak of each code in ``text``; ``source`` is the English abstract."""
    # Cheap substring tests (C speed) decide which of the slower regexes can match at all: the
    # corpus run calls this for 46,500 fields and most of them hold no leak.
    lower = text.lower()
    metadata = _metadata(text, lower)
    if metadata:
        yield "leak.metadata", metadata, "RSS metadata"
    note = _translator_note(text, source)
    if note:
        yield "leak.translator-note", note, "a translator's note"
    label = _label(text, lower, skip=metadata)
    if label:
        yield "leak.label", label, "a stray field label"


def _metadata(text: str, lower: str) -> tuple[int, int] | None:
    """Span of the first RSS metadata in ``text``: the wrapper at its head, inside it, or the S1 title suffix."""
    head = METADATA_HEAD.match(text)
    # Every part of the head is optional; only an ID, an Abstract label or the announce label
    # make it metadata ("任务类型：分类" at the head of a sentence does not).
    if head and HEAD_EVIDENCE.search(head.group()):
        return len(text) - len(text.lstrip()), head.end()
    spans = []
    # METADATA_INSIDE is slow to try at every position; its label words are cheap to find, so it
    # is only tried in a small window around each of them.
    for anchor in TYPE_ANCHOR.finditer(text):
        inside = METADATA_INSIDE.search(text, max(0, anchor.start() - ANCHOR_WINDOW), anchor.end() + ANCHOR_WINDOW)
        if inside and inside.start() <= anchor.start() < inside.end():
            spans.append(inside.span())
            break
    if "arxiv" in lower:
        spans += [m.span() for m in TITLE_SUFFIX.finditer(text)][:1]
    return min(spans) if spans else None


def _translator_note(text: str, source: str) -> tuple[int, int] | None:
    """Span of the first translator's comment; ``注：`` alone counts only when the English has no note."""
    if not NOTE_GATE.search(text):
        return None
    for match in TRANSLATOR_NOTE.finditer(text):
        words = set(NOTE_WORD.findall(match.group()))
        if not words and SOURCE_NOTE.search(source):
            continue  # "（注：…）" translating the paper's own "(Note: …)"
        if words == {"截断"} and not META_CONTEXT.search(match.group()) and SOURCE_TRUNCATION.search(source):
            continue  # "（截断阈值）": the paper is about truncation, the bracket translates it
        return match.span()
    sentence = NOTE_SENTENCE.search(text)
    return sentence.span() if sentence else None


def _label(text: str, lower: str, skip: tuple[int, int] | None) -> tuple[int, int] | None:
    """Span of the first stray label, ignoring anything inside the metadata span ``skip``."""
    candidates = [LABEL_HEAD.match(text)]
    if KEY_GATE.search(lower):
        candidates += FIELD_KEY.finditer(text)
    # The trailing label is a few characters at the very end; searching only there is much faster.
    tail_start = max(0, len(text) - TAIL_WINDOW)
    tail = LABEL_TAIL.search(text, tail_start)
    for match in [*candidates, tail]:
        if match is None or (skip and skip[0] <= match.start() < skip[1]):
            continue
        return match.span()
    return None
