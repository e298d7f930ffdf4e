"""Digests, configurations and synthetic history for the gate tests (all written by hand, none copied)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from evalkit.gate.facts import EntryFacts, IssueFacts
from evalkit.records import Severity
from tests.digest_builder import EntrySpec, build_digest, make_entry

#: A file name the parser reads a date and a channel from.
NAME = "20260105T090000Z_0a1b2c3d_cs.CL.md"


def dated_name(day: int, channel: str = "cs.CL") -> str:
    """A digest file name for January ``day`` of 2026."""
    return f"202601{day:02d}T090000Z_{day:08x}_{channel}.md"


def good_entries(count: int, start: int = 1) -> list[EntrySpec]:
    """``count`` defect-free entries with distinct arXiv ids 2401.1(start)... ."""
    return [make_entry(n) for n in range(start, start + count)]


def with_defect(entry: EntrySpec, kind: str) -> EntrySpec:
    """``entry`` with one defect the default policy fails on.

    ``untranslated``: an English sentence left in the Chinese (untranslated.text); ``empty``: no Chinese
    abstract (translation.empty); ``cut``: the Chinese stops in dots (truncation.translation);
    ``number``: 2.3 BLEU became 5.3 (numbers.changed).
    """
    zh = entry.abstract_zh
    if kind == "untranslated":
        return entry.but(abstract_zh=zh + "We also release our code and data for future research on this topic.")
    if kind == "empty":
        return entry.but(abstract_zh="")
    if kind == "cut":
        return entry.but(abstract_zh=zh[:60] + "...")
    if kind == "number":
        return entry.but(abstract_zh=zh.replace("2.3", "5.3"))
    raise ValueError(kind)


def write_digest(folder: Path, name: str, entries: Iterable[EntrySpec]) -> Path:
    """Write the digest of ``entries`` to ``folder/name`` and return its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build_digest(list(entries)), encoding="utf-8")
    return path


def synthetic_issue(failing: int, total: int, *, name: str, series: str = "cs.CL", date: str | None = None,
                    scores: list[float] | None = None) -> IssueFacts:
    """Stored facts of an issue with ``failing`` of ``total`` entries holding a translation.empty error."""
    entries = []
    for k in range(total):
        findings = (("translation.empty", Severity.ERROR),) if k < failing else ()
        entry_scores = {"chrf": scores[k]} if scores is not None else {}
        entries.append(EntryFacts(ref=k + 1, arxiv_id=f"2401.{k:05d}", findings=findings, scores=entry_scores))
    return IssueFacts(
        path=name, issue_id=name.rsplit(".", 1)[0], series=series, channel=series, date=date,
        digest=f"digest-{name}", entries=tuple(entries), failing=failing,
    )
