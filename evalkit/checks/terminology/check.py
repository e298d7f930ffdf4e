"""The registered ``terminology`` check: its codes, and the three parts it runs on each entry."""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping

from evalkit.checks.base import Check, CodeSpec, register_check
from evalkit.checks.terminology.acronyms import dropped_acronyms
from evalkit.checks.terminology.common import CJK
from evalkit.checks.terminology.context import EntryContext, RawFinding
from evalkit.checks.terminology.expansions import invented_expansions
from evalkit.checks.terminology.glossary_terms import GlossaryIndex, glossary_findings
from evalkit.checks.terminology.outliers import outlier_findings
from evalkit.checks.terminology.wrong_sense import wrong_sense_findings
from evalkit.glossary import load_glossary
from evalkit.records import Entry, Finding, Issue, Severity


@register_check
class Terminology(Check):
    """Glossary violations, dropped acronyms and invented acronym expansions (see the module docstring)."""

    name = "terminology"
    codes = (
        CodeSpec(
            "terminology.forbidden",
            Severity.WARNING,
            "the Chinese renders a term of the English in a way the glossary forbids",
        ),
        CodeSpec(
            "terminology.glossary",
            Severity.WARNING,
            "a glossary term of the English has none of its accepted renderings in the Chinese",
        ),
        CodeSpec(
            "terminology.acronym-dropped",
            Severity.WARNING,
            "an acronym or coined name of the English is missing from the Chinese",
        ),
        CodeSpec(
            "terminology.invented-expansion",
            Severity.WARNING,
            "the Chinese expands an acronym in a way the English does not",
        ),
        CodeSpec(
            "terminology.wrong-sense",
            Severity.WARNING,
            "a technical term of the English is rendered with an everyday sense of its word (transformer -> 变压器)",
        ),
        CodeSpec(
            "terminology.outlier",
            Severity.WARNING,
            "a term is rendered in a way a mined glossary marks rare (off unless mined_glossary is set)",
        ),
    )
    #: ``mined_glossary``: a file written by ``evalkit glossary mine`` (relative to the working directory);
    #: empty, the default, leaves terminology.outlier off.
    options = {"mined_glossary": ""}
    needs_alignment = True  # the aligner's sentence links and its bilingual lexicon
    #: Entries are republished verbatim in many digests: results are kept for this many text pairs.
    CACHE_SIZE = 16384

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        super().__init__(options)
        self.glossary = GlossaryIndex(load_glossary())
        self._cache: dict[tuple[str, ...], tuple[RawFinding, ...]] = {}

    def check_entry(self, entry: Entry, issue: Issue) -> Iterable[Finding]:
        if not entry.abstract_en.strip() or not CJK.search(entry.abstract_zh):
            return  # empty or untranslated: translation.empty and language report it
        # the titles too: terminology.wrong-sense reads them
        key = (entry.abstract_en, entry.abstract_zh, str(entry.source_truncated), entry.title_en, entry.title_zh)
        raws = self._cache.get(key)
        if raws is None:
            if len(self._cache) >= self.CACHE_SIZE:
                self._cache.clear()
            raws = self._cache[key] = tuple(self._analyse(EntryContext(entry)))
        line = entry.line_of("abstract_zh")
        for raw in raws:
            message = f"[^{entry.ref}]: {raw.message}"
            yield self.finding(raw.code, message, line=line, entry=entry, evidence=raw.evidence, severity=raw.severity)

    def _analyse(self, c: EntryContext) -> Iterator[RawFinding]:
        rows = self.glossary.rows_in(c.english)
        yield from glossary_findings(c, rows)
        yield from dropped_acronyms(c, self.glossary.expansion_renderings)
        yield from invented_expansions(c, rows, self.glossary)
        yield from wrong_sense_findings(c)
        if self.options["mined_glossary"]:
            yield from outlier_findings(c, self.options["mined_glossary"])
