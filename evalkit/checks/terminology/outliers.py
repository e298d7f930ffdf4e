"""``terminology.outlier``: the Chinese renders a term with a rendering that a mined or curated glossary
(``evalkit glossary mine``, option ``mined_glossary`` of the ``terminology`` check) marks ``rare``, and
with none of the term's ``usual`` renderings."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from evalkit.checks.terminology.context import EntryContext, RawFinding
from evalkit.glossary_mine import MinedTerm, load_mined
from evalkit.records import Evidence


@lru_cache(maxsize=4)
def _compiled(path: str) -> tuple[tuple[MinedTerm, re.Pattern[str]], ...]:
    """The mined terms with a rare rendering, each with a word-bounded, plural-tolerant English pattern."""
    out = []
    for term in load_mined(path):
        if term.rare:
            words = r"[\s\-]+".join(re.escape(w) for w in re.split(r"[\s\-]+", term.english))
            out.append((term, re.compile(rf"(?<![A-Za-z]){words}(?:s|es)?(?![A-Za-z])", re.IGNORECASE)))
    return tuple(out)


def outlier_findings(c: EntryContext, path: str) -> Iterator[RawFinding]:
    """``terminology.outlier`` for one entry against the mined glossary at ``path``."""
    chinese_lower = c.chinese_lower
    for term, pattern in _compiled(path):
        source = pattern.search(c.english)
        if source is None or any(u.lower() in chinese_lower for u in term.usual):
            continue
        used = [(chinese_lower.find(r.lower()), r) for r in term.rare if r.lower() in chinese_lower]
        if not used:
            continue
        start, rare = min(used)
        yield RawFinding(
            "terminology.outlier",
            f"'{source.group()}' is rendered as {rare}, a rare rendering in the mined glossary"
            f" (usual: {' / '.join(term.usual) or 'none'})",
            Evidence(
                field="abstract_zh",
                source=source.group(),
                translation=c.chinese[start : start + len(rare)],
                source_span=source.span(),
                translation_span=(start, start + len(rare)),
            ),
        )
