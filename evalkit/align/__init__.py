"""Stage 2: sentence segmentation and Chinese-English sentence alignment of each entry's abstract."""

from __future__ import annotations

from evalkit.align.aligner import Alignment, align
from evalkit.records import Entry

__all__ = ["Alignment", "align", "align_entry"]


def align_entry(entry: Entry) -> Alignment:
    """The alignment of an entry's abstracts (cached: checks and the report share one computation)."""
    return align(entry.abstract_en, entry.abstract_zh, entry.source_truncated)
