"""``fluency.tex-damaged``: TeX math that is intact in the English and broken in the Chinese.

Two kinds of damage are seen in real digests, both only in the Chinese: a space typed after the
backslash of a command (``\\ alpha``, ``\\ mathbb``, ``\\ ep`` for ``\\epsilon``), which turns the
command into a control space and a stray word, and full-width punctuation inside a formula
(``$p^*（m，t）$`` for ``$p^*(m,t)$``), which renders as Chinese text in the middle of the math.
Both are compared with the English, so a control space the author wrote (``$a\\ b$``) and the
formulas of an English that has none are left alone.

Corpus (15,500 entries): 11 spaced commands in 1 entry and 9 entries with full-width punctuation in
a formula that the English writes with ASCII; all of them are real damage.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.records import FIELD_LABELS, Entry, Evidence, Finding, Issue, Severity
from evalkit.text.chars import clip

#: Each Chinese field with the English it translates (the summary condenses the abstract).
FIELDS = (("title_zh", "title_en"), ("summary_zh", "abstract_en"), ("abstract_zh", "abstract_en"))
#: A backslash, blanks, then letters: a command name with a space typed after its backslash.
SPACED_COMMAND = re.compile(r"\\[ \t\u3000]+([A-Za-z]+)")
#: An inline formula, shortest first. Dollar amounts pair up across text too; the CJK test drops those.
INLINE_MATH = re.compile(r"\$([^$]{1,300})\$")
#: Chinese (or Japanese) characters: a "formula" holding them is prose between two dollar signs.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
#: Full-width punctuation that has an ASCII counterpart in math, with that counterpart.
FULL_WIDTH = {"（": "(", "）": ")", "，": ",", "：": ":", "；": ";", "！": "!", "？": "?", "［": "[", "］": "]"}
_FULL_WIDTH_CHAR = re.compile(f"[{''.join(FULL_WIDTH)}]")
_ASCII_PUNCTUATION = str.maketrans(FULL_WIDTH)
_BLANKS = re.compile(r"\s+")
#: Characters of a formula shown in a message.
QUOTE = 40


@register_check
class TexDamaged(Check):
    """TeX math of the English damaged in the Chinese: a spaced command or full-width punctuation.

    A command with a space after its backslash, or a formula with full-width punctuation, where the
    English has the intact form.
    """

    name = "fluency.tex-damaged"
    codes = (
        CodeSpec(
            "fluency.tex-damaged",
            Severity.WARNING,
            "TeX math intact in the English is broken in the Chinese (\\ alpha, $p（m，t）$)",
        ),
    )

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        """One finding per Chinese field with damaged math, pointing at the first damage."""
        for field, english_field in FIELDS:
            text = getattr(entry, field)
            if "\\" not in text and "$" not in text:
                continue
            english = getattr(entry, english_field)
            damage = sorted([*spaced_commands(text, english), *full_width_math(text, english)])
            if not damage:
                continue
            start, end, intact = damage[0]
            more = f" ({len(damage)} damaged places in all)" if len(damage) > 1 else ""
            yield self.finding(
                self.name,
                f"[^{entry.ref}]: the {FIELD_LABELS[field]} breaks the TeX of the English: "
                f"'{clip(text[start:end], QUOTE)}' for '{clip(intact, QUOTE)}'{more}",
                line=entry.line_of(field),
                entry=entry,
                evidence=Evidence(field=field, translation=text[start:end], translation_span=(start, end)),
            )


def spaced_commands(text: str, english: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, intact form)`` of each ``\\ name`` in ``text`` whose English has ``\\name...`` unspaced.

    ``name`` may be the start of the English command (``\\ ep`` for ``\\epsilon``): the rest was lost too.
    """
    for match in SPACED_COMMAND.finditer(text):
        name = match.group(1)
        if re.search(r"\\\s+" + name, english):
            continue  # the English has the same control space: nothing was damaged
        intact = re.search(r"\\" + name + r"[A-Za-z]*", english)
        if intact:
            yield match.start(), match.end(), intact.group()


def full_width_math(text: str, english: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, intact form)`` of each formula of ``text`` holding full-width punctuation where
    the English writes the same formula (blanks aside) with ASCII punctuation."""
    plain_english = _BLANKS.sub("", english)
    for match in INLINE_MATH.finditer(text):
        formula = match.group()
        if CJK.search(formula) or not _FULL_WIDTH_CHAR.search(formula):
            continue
        intact = _BLANKS.sub("", formula.translate(_ASCII_PUNCTUATION))
        if intact in plain_english:
            yield match.start(), match.end(), intact
