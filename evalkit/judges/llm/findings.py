"""The LLM judge's located spans as findings of an entry, with the model and prompt in their evidence."""

from __future__ import annotations

from evalkit.config import JudgeSettings
from evalkit.judges.llm.prompt import CATEGORY_CODES
from evalkit.judges.llm.run import JudgeOutcome
from evalkit.records import Entry, Evidence, Finding
from evalkit.text.chars import clip

#: How much of a quoted span a message shows (the evidence holds all of it).
QUOTE_WIDTH = 40


def findings_for(entry: Entry, outcome: JudgeOutcome, settings: JudgeSettings) -> list[Finding]:
    """One finding per span of ``outcome``, the judgment of ``entry``'s abstracts (source ``abstract_en``,
    translation ``abstract_zh``).

    A translation span points into ``abstract_zh`` (``translation_span``), a source span (an omission)
    into ``abstract_en`` (``source_span``), each on that field's line. A span that no longer matches
    the entry's text (the caller judged other text) is left out rather than pointing at the wrong
    characters. The severity follows ``settings.severity``; pass the result through
    :meth:`~evalkit.config.Config.finalise_findings` for ``disable``/``severity`` overrides.
    """
    model = f"{settings.model} · {settings.prompt}"
    findings: list[Finding] = []
    for span in outcome.spans:
        on_source = span.side == "source"
        text = entry.abstract_en if on_source else entry.abstract_zh
        if text[span.start : span.end] != span.text:
            continue
        field = "abstract_en" if on_source else "abstract_zh"
        evidence = (
            Evidence(source=span.text, field=field, source_span=(span.start, span.end), model=model)
            if on_source
            else Evidence(translation=span.text, field=field, translation_span=(span.start, span.end), model=model)
        )
        label = span.category.replace("-", " ")
        message = f'LLM judge ({span.severity} {label}): "{clip(span.text, QUOTE_WIDTH, collapse_spaces=True)}"'
        if span.explanation:
            message += f" — {clip(span.explanation, 160)}"
        findings.append(Finding(
            code=CATEGORY_CODES[span.category], severity=settings.severity[span.severity], message=message,
            line=entry.line_of(field), ref=entry.ref, evidence=evidence,
        ))
    return findings
