"""``untranslated``: English prose left in the Chinese title, summary or abstract.

Chinese translations of papers rightly keep a lot of Latin script: model and dataset names,
acronyms, code identifiers, URLs, TeX and citations ("Rudy et al., 2017"). What they should not keep
is English *prose*. The check therefore looks at each run of Latin-script text between Chinese
characters, after masking TeX, URLs, inline code and citations, and calls it prose when it reads
like a sentence rather than a name:

* at least :data:`MIN_WORDS` words with at least :data:`MIN_FUNCTION_WORDS` English function words
  (the, of, and, we, to, ...), or a shorter clause ending in a full stop;
* and mostly lower-case content words: a name such as "Multi-Agent Pickup and Delivery" or
  "Journal of Machine Learning Research" is title-cased and is left alone.

Fields with no Chinese at all are reported as a whole: ``untranslated.title`` when the Chinese
title is the English title, ``untranslated.summary`` for the summary. An abstract with no Chinese
is the ``language`` check's ``language.wrong``, so it is not reported twice here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import CHINESE_FIELDS, FIELD_LABELS, Entry, Evidence, Finding, Issue, Severity
from evalkit.text.chars import clip

#: Fewest words in a run of Latin script for it to count as prose.
MIN_WORDS = 6
#: Fewest English function words in such a run: names rarely hold more than one ("of", "for").
MIN_FUNCTION_WORDS = 2
#: A shorter run still counts when it is a clause ending in a full stop with this many words
#: ("...并且 contributed to the elevated mortality rates worldwide。" is a real case).
MIN_CLAUSE_WORDS = 4
#: Share of capitalised content words above which a run is a name or a title, not prose.
MAX_CAPITALISED = 0.5
#: Fewest ordinary words (three letters or more, not all capitals) in an all-Latin Chinese title for
#: it to be an untranslated title rather than a bare name ("GPT-4o", "SQT - std Q-target").
MIN_TITLE_WORDS = 3

#: How far from a run an acronym it spells out may stand, and the longest expansion considered.
ACRONYM_WINDOW = 40
MAX_EXPANSION_WORDS = 16

#: Lower-case words that make a clause (a subject, a verb, a relative pronoun). Title case would
#: capitalise them, so two of them make a run prose however many names it holds.
CLAUSE_WORDS = frozenset(
    "we our us is are was were been has have had which that this these can could would should will".split()
)
MIN_CLAUSE_MARKERS = 2

#: Frequent English words that names and terms rarely use but every sentence does.
FUNCTION_WORDS = frozenset(
    """a an the of and or but nor to in on at by for with from into onto over under as than that
    this these those which who whom whose what when where while how why we our us it its they their
    them he she his her is are was were be been being has have had do does did can could may might
    must shall should will would not no also both such there here then thus so if""".split()
)

#: The Chinese fields checked, with the words used in messages.
LABELS = {field: FIELD_LABELS[field] for field in CHINESE_FIELDS}

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: Letters of scripts the ``language`` check owns: Cyrillic, Hebrew, Arabic, Devanagari, Thai,
#: kana, Hangul. A field in one of them is another language, not untranslated English.
OTHER_SCRIPT = re.compile(r"[\u0400-\u04ff\u0590-\u06ff\u0900-\u097f\u0e00-\u0e7f\u3040-\u30ff\uac00-\ud7af]")

#: Spans that are Latin script but not prose, masked (replaced by spaces, offsets kept) before the
#: runs are found: TeX in its usual delimiters and commands, URLs, inline code, e-mail addresses.
TEX_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+\$|\\\(.+?\\\)|\\\[.+?\\\]", re.DOTALL)
TEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?(?:\{[^{}]*\})*")
URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.]+")
INLINE_CODE = re.compile(r"`[^`]+`")
#: Author-year citations: "Rudy et al., 2017", "(Smith and Jones 2020)", "Leng et al."
CITATION = re.compile(
    r"\b[A-Z][A-Za-z'\-]+(?:,?\s+(?:and|&)\s+[A-Z][A-Za-z'\-]+)?\s+et\s+al\.?(?:,?\s*\(?(?:19|20)\d\d[a-z]?\)?)?"
    r"|\b[A-Z][A-Za-z'\-]+(?:,?\s+(?:and|&)\s+[A-Z][A-Za-z'\-]+)?,?\s+\(?(?:19|20)\d\d[a-z]?\)"
)
MASKS = (TEX_MATH, TEX_COMMAND, URL, INLINE_CODE, CITATION)
#: Something every mask match holds: a TeX or code delimiter, a URL or e-mail mark, a citation.
MASK_GATE = re.compile(r"[$\\`@]|http|www\.|et al|(?:19|20)\d\d")
#: A run of Latin-script text of at least :data:`MIN_CLAUSE_WORDS` space-separated tokens:
#: letters, digits and ASCII punctuation, starting with a letter at the start of a token. Shorter
#: runs (a term, an acronym) can never be prose, and skipping them in the regex keeps the check
#: fast. Quotation marks are excluded so a quoted English example can be recognised by its
#: neighbours.
_TOKEN = r"[A-Za-z0-9'’\-,.;:!?()/&%+=<>\[\]]"
RUN = re.compile(rf"(?<![A-Za-z0-9'’\-])[A-Za-z]{_TOKEN}*(?:[ \t]+{_TOKEN}+){{{MIN_CLAUSE_WORDS - 1},}}")
#: A word: letters with inner apostrophes or hyphens. Code identifiers (snake_case, dotted names)
#: break into pieces here but are caught by :data:`IDENTIFIER` first.
WORD = re.compile(r"[A-Za-z]+(?:['’\-][A-Za-z]+)*")
#: An acronym: two or more capitals, possibly with digits and lower-case plurals ("LLMs").
ACRONYM = re.compile(r"(?<![A-Za-z])[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*s?(?![A-Za-z])")
IDENTIFIER = re.compile(r"\b\w*(?:_\w+|\.\w+\(|[a-z][A-Z]\w*)\w*")
OPEN_QUOTES = "\"“‘'「『《"
CLOSE_QUOTES = "\"”’'」』》"


@dataclass(frozen=True)
class ProseRun:
    """A run of English prose found in a Chinese field: its span and its word count."""

    start: int
    end: int
    words: int


@register_check
class Untranslated(Check):
    """English prose left in a Chinese field, and Chinese titles or summaries that are all English."""

    name = "untranslated"
    codes = (
        CodeSpec("untranslated.text", Severity.ERROR, "English prose left in the Chinese title, summary or abstract"),
        CodeSpec("untranslated.title", Severity.ERROR, "the Chinese title has no Chinese: the English title was not translated"),
        CodeSpec("untranslated.summary", Severity.ERROR, "the Chinese summary has no Chinese: it is written in English"),
    )

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        """One finding per Chinese field: English prose in it, or no Chinese at all."""
        for field in LABELS:
            text = getattr(entry, field)
            if not text.strip():
                continue  # empty fields belong to structure.empty-field / translation.empty
            if not CJK.search(text):
                yield from self._no_chinese(entry, field, text)
                continue
            runs = list(prose_runs(text))
            if runs:
                yield self._prose(entry, field, text, runs)

    def _prose(self, entry: Entry, field: str, text: str, runs: list[ProseRun]) -> Finding:
        first = max(runs, key=lambda r: r.words)
        total = sum(r.words for r in runs)
        stretch = text[first.start : first.end]
        where = f" in {len(runs)} places" if len(runs) > 1 else ""
        return self.finding(
            "untranslated.text",
            f"[^{entry.ref}]: the {LABELS[field]} leaves {total} words of English untranslated{where}: '{clip(stretch, 80, collapse_spaces=True)}'",
            line=entry.line_of(field),
            entry=entry,
            evidence=Evidence(field=field, translation=stretch, translation_span=(first.start, first.end)),
        )

    def _no_chinese(self, entry: Entry, field: str, text: str) -> Iterator[Finding]:
        if field == "abstract_zh" or OTHER_SCRIPT.search(text):
            return  # the language check reports abstracts and other scripts
        evidence = Evidence(field=field, translation=text, translation_span=(0, len(text)), source=entry.title_en or None)
        if field == "title_zh":
            # Words a name would not be made of: three letters or more, not an acronym.
            words = [w for w in WORD.findall(_mask(text)) if len(w) >= 3 and not w.isupper()]
            if len(words) >= MIN_TITLE_WORDS:
                yield self.finding(
                    "untranslated.title",
                    f"[^{entry.ref}]: the Chinese title has no Chinese: '{clip(text, 80, collapse_spaces=True)}'",
                    line=entry.line_of(field),
                    entry=entry,
                    evidence=evidence,
                )
        elif WORD.search(text):
            yield self.finding(
                "untranslated.summary",
                f"[^{entry.ref}]: the Chinese summary has no Chinese: '{clip(text, 80, collapse_spaces=True)}'",
                line=entry.line_of(field),
                entry=entry,
                evidence=Evidence(field=field, translation=text, translation_span=(0, len(text))),
            )


def prose_runs(text: str) -> Iterator[ProseRun]:
    """Runs of English prose in ``text`` (offsets into ``text``), in order."""
    # Most fields hold no run of four Latin words at all; masking cannot create one unless it
    # blanks TeX between words, so the masking regexes only run when they could matter.
    if "$" not in text and "\\" not in text and (text.count(" ") < MIN_CLAUSE_WORDS - 1 or not RUN.search(text)):
        return
    masked = _mask(text)
    for match in RUN.finditer(masked):
        start, end = match.start(), match.end()
        # Trim opening brackets and punctuation that belong to what follows.
        while end > start and masked[end - 1] in "([-,;:":
            end -= 1
        run = masked[start:end]
        words = WORD.findall(IDENTIFIER.sub(" ", run))
        if len(words) < MIN_CLAUSE_WORDS or not _is_prose(words, run):
            continue
        if _quoted(text, start, end) or _expands_acronym(words, text, start, end):
            continue  # a quoted English example or a spelled-out acronym is kept on purpose
        yield ProseRun(start, end, len(words))


def _is_prose(words: list[str], run: str) -> bool:
    """Whether ``words`` (of the run ``run``) read as an English sentence rather than a name."""
    function = sum(1 for w in words if w.lower() in FUNCTION_WORDS)
    content = [w for w in words if w.lower() not in FUNCTION_WORDS and len(w) > 1]
    if not content:
        return False
    if len(words) >= MIN_WORDS and sum(1 for w in words if w in CLAUSE_WORDS) >= MIN_CLAUSE_MARKERS:
        # "In this study, we aim to reduce latency for Named Entity Recognition (NER) with Large
        # Language Models (LLMs)." is mostly capitals, but a name never says "we ... is ... this".
        return True
    capitalised = sum(1 for w in content if w[0].isupper())
    if capitalised / len(content) > MAX_CAPITALISED:
        return False  # a title-cased name or a list of acronyms
    if len(words) >= MIN_WORDS and function >= MIN_FUNCTION_WORDS:
        return True
    lower_content = len(content) - capitalised
    return function >= 1 and lower_content >= 2 and run.rstrip().endswith((".", "!", "?"))


def _expands_acronym(words: list[str], text: str, start: int, end: int) -> bool:
    """Whether the run is the spelled-out form of an acronym written next to it.

    "名为SEED的方法，即Sample-Efficient adaptation with Error-Driven learning for code generation"
    keeps the expansion in English on purpose. The acronym must stand outside the run, within
    :data:`ACRONYM_WINDOW` characters; its letters must be, in order, initials of the run's words
    (hyphenated parts count), the first one the run's first; and the run may not be much longer
    than the acronym, or any long sentence would contain some acronym's letters.
    """
    if len(words) > MAX_EXPANSION_WORDS:
        return False
    initials = "".join(part[0] for w in words for part in w.split("-") if part).lower()
    context = text[max(0, start - ACRONYM_WINDOW) : start] + " " + text[end : end + ACRONYM_WINDOW]
    for acronym in ACRONYM.findall(context):
        letters = acronym.lower()
        if letters[0] != initials[0] or len(words) > 2 * len(letters) + 2:
            continue
        remaining = iter(initials)
        if all(letter in remaining for letter in letters):  # ordered subsequence test
            return True
    return False


def _mask(text: str) -> str:
    """``text`` with TeX, URLs, code and citations replaced by spaces (same length, same offsets)."""
    if not MASK_GATE.search(text):
        return text  # most fields hold nothing to mask; one search is cheaper than five
    for pattern in MASKS:
        text = pattern.sub(_blank, text)
    return text


def _blank(match: re.Match[str]) -> str:
    """As many spaces as ``match`` is long."""
    return " " * (match.end() - match.start())


def _quoted(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is enclosed in quotation marks (spaces allowed inside them)."""
    before = text[:start].rstrip()[-1:]
    after = text[end:].lstrip()[:1]
    return bool(before) and before in OPEN_QUOTES and bool(after) and after in CLOSE_QUOTES
