"""What a model metric scores: segments of (source, translation, optional reference), and their scores.

- **Segments** are the aligned sentence pairs of each abstract (:func:`pair_segments`), so no input
  reaches an encoder's silent crop (512 tokens for XLM-R) unnoticed; where one still does, its score
  says ``cropped``. The whole-abstract mode (:func:`abstract_segment`) stays available.
- **Aggregates** of an entry or an issue are length-weighted means of segment scores (:func:`aggregate`).
- **Error spans**: a model that tags words (XCOMET) gives its scores :class:`ErrorSpan` records, with
  offsets into the segment's translation; :attr:`Segment.mt_offset` places them in the abstract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from evalkit.records import Entry, EntryResult, Pair


@dataclass(frozen=True)
class Segment:
    """One thing to score: source, translation, optional reference and its weight in aggregates.

    ``weight`` defaults to ``len(src) + len(mt)`` (characters of both sides): a pair that covers more
    of the abstract counts more, and a one-sided segment still has a positive weight. ``mt_offset`` and
    ``src_offset`` are where ``mt`` and ``src`` start in the texts they were cut from (the entry's
    ``abstract_zh`` and ``abstract_en``), ``None`` when they were not cut from one; they are not part of
    what a model scores.
    """

    src: str
    mt: str
    ref: str | None = None
    weight: float | None = None
    mt_offset: int | None = None
    src_offset: int | None = None

    @property
    def length(self) -> float:
        """The weight this segment carries in entry and issue aggregates."""
        return float(self.weight) if self.weight is not None else float(len(self.src) + len(self.mt))


@dataclass(frozen=True)
class ErrorSpan:
    """A stretch of a segment's translation that a model marks as an error (XCOMET's word-level tags).

    ``start`` and ``end`` are character offsets into the segment's ``mt``, and ``text`` is
    ``mt[start:end]``; ``severity`` is the model's own word for it (XCOMET: ``minor``, ``major``,
    ``critical``) and ``confidence`` its probability (0-1). ``category`` is the kind of error where the
    model names one (XCOMET does not: ``None``).
    """

    text: str
    start: int
    end: int
    severity: str
    confidence: float | None = None
    category: str | None = None


@dataclass(frozen=True)
class SegmentScore:
    """A model metric's score of one segment.

    ``metric`` is the key it is reported under: for COMET ``comet`` when a reference was used and
    ``comet-qe`` when not (the two are on different scales and should not be averaged together).
    ``cropped`` is true when an input was longer than the encoder's limit (512 tokens for XLM-R) and
    the model cut it; ``cached`` when it came from a disk cache; ``device`` is where it was computed.
    ``error_spans`` are the errors a word-level model (XCOMET) marks in the translation, in order
    (none for a model that only scores); ``model`` names the model that gave the score, where known.
    """

    value: float
    metric: str
    cropped: bool = False
    cached: bool = False
    device: str = "cpu"
    error_spans: tuple[ErrorSpan, ...] = ()
    model: str | None = None


def pair_segments(
    entry: Entry, pairs: Sequence[Pair], references: Sequence[str | None] | None = None
) -> list[tuple[int, Segment]]:
    """``(pair index, Segment)`` for each aligned pair of an entry that has both sides.

    ``references`` (one per pair, or ``None``) are reference translations of the pairs' Chinese side.
    1-0 and 0-1 pairs are left out: a model score of an empty side says nothing the coverage checks do not.
    """
    out: list[tuple[int, Segment]] = []
    for i, pair in enumerate(pairs):
        if pair.en is None or pair.zh is None:
            continue
        src, src_offset = _stripped(entry.abstract_en, pair.en[0], pair.en[1])
        mt, mt_offset = _stripped(entry.abstract_zh, pair.zh[0], pair.zh[1])
        if not src or not mt:
            continue
        ref = references[i] if references is not None else None
        out.append((i, Segment(src, mt, ref, mt_offset=mt_offset, src_offset=src_offset)))
    return out


def abstract_segment(entry: Entry, reference: str | None = None) -> Segment:
    """The whole abstract as one segment (the model may crop it: see :attr:`SegmentScore.cropped`)."""
    src, src_offset = _stripped(entry.abstract_en, 0, len(entry.abstract_en))
    mt, mt_offset = _stripped(entry.abstract_zh, 0, len(entry.abstract_zh))
    return Segment(src, mt, reference, mt_offset=mt_offset, src_offset=src_offset)


def _stripped(text: str, start: int, end: int) -> tuple[str, int]:
    """``text[start:end]`` without surrounding whitespace, and where what is left starts in ``text``."""
    piece = text[start:end]
    kept = piece.strip()
    return kept, start + (len(piece) - len(piece.lstrip()))


def entry_segments(er: EntryResult, reference: str | None, mode: str) -> list[tuple[int | None, Segment]]:
    """``(pair index, Segment)`` to score for one entry (pair index ``None`` in abstract mode).

    In ``pairs`` mode a pair's reference is the sentences of ``reference`` its Chinese matches
    (:func:`evalkit.metrics.pairs.pair_reference_texts`). Entries without Chinese or English give
    nothing: the structure and translation checks report them.
    """
    entry = er.entry
    if not entry.abstract_zh.strip() or not entry.abstract_en.strip():
        return []
    if mode == "abstract" or not er.pairs:
        return [(None, abstract_segment(entry, reference))]
    pair_refs = None
    if reference is not None:
        from evalkit.metrics.pairs import pair_reference_texts

        pair_refs = pair_reference_texts(entry.abstract_zh, er.pairs, reference)
    return [(p, seg) for p, seg in pair_segments(entry, er.pairs, pair_refs)]


def weighted_mean(values: Sequence[float | None], weights: Sequence[float]) -> float | None:
    """Mean of ``values`` weighted by ``weights``, skipping ``None`` values; ``None`` when nothing is left."""
    if len(values) != len(weights):
        raise ValueError(f"{len(values)} values but {len(weights)} weights")
    total = weight_sum = 0.0
    for value, weight in zip(values, weights):
        if value is None or weight <= 0:
            continue
        total += value * weight
        weight_sum += weight
    return total / weight_sum if weight_sum else None


def aggregate(segments: Sequence[Segment], scores: Sequence[SegmentScore | float | None]) -> float | None:
    """Length-weighted mean of segment scores (entry from its pairs, issue from all its pairs)."""
    values = [s.value if isinstance(s, SegmentScore) else s for s in scores]
    return weighted_mean(values, [seg.length for seg in segments])
