"""``evalkit refs import``: turn a post-edited digest into references.

The everyday workflow: an editor fixes the Chinese of a digest; every entry's (fixed) Chinese abstract
and title become a reference for its arXiv id, with provenance who/when/how/source. TER of the
machine translation against such a post-edit is HTER.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

from evalkit.references.store import (
    SUFFIX,
    Provenance,
    Reference,
    ReferenceFileError,
    read_reference_file,
    reference_files,
    save_references,
    _normalise,
)

#: ``--how`` when the editor does not say: the text is a post-edit of the machine translation.
DEFAULT_HOW = "post-edit"


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote (``target``), what it took and what it left out, with reasons."""

    target: str
    references: tuple[Reference, ...]
    skipped: tuple[str, ...]
    replaced: bool


def references_from_digest(
    path: str, *, who: str, how: str = DEFAULT_HOW, when: str | None = None, source: str | None = None
) -> tuple[list[Reference], list[str]]:
    """One reference per entry of the digest at ``path`` (its Chinese abstract and title).

    Returns the references and a note for every entry left out (no arXiv id, empty Chinese abstract, a
    paper repeated in the file). Raises :class:`~evalkit.errors.InputError` if the file does not parse.
    """
    from evalkit.parse import parse_digest, read_source

    parsed = parse_digest(read_source(path))
    when = when or datetime.date.today().isoformat()
    provenance = Provenance(who=who, when=when, how=how, source=source or path)
    refs: list[Reference] = []
    notes: list[str] = []
    first: dict[str, int] = {}
    for entry in parsed.issue.entries:
        where = f"{path}:{entry.line} [^{entry.ref}]"
        if not entry.arxiv_id:
            notes.append(f"{where}: no arXiv id in the link {entry.link!r}; skipped")
            continue
        if not entry.abstract_zh.strip():
            notes.append(f"{where}: empty Chinese abstract; skipped")
            continue
        if entry.arxiv_id in first:
            notes.append(f"{where}: {entry.arxiv_id} already taken from line {first[entry.arxiv_id]}; skipped")
            continue
        first[entry.arxiv_id] = entry.line
        title = entry.title_zh.strip() or None
        refs.append(Reference(entry.arxiv_id, entry.abstract_zh.strip(), provenance, title))
    return refs, notes


def import_digest(
    path: str,
    directory: str,
    *,
    who: str,
    how: str = DEFAULT_HOW,
    when: str | None = None,
    name: str | None = None,
) -> ImportResult:
    """Write the references of a post-edited digest to ``directory/<name>.jsonl`` (default: the digest's stem).

    Re-importing the same digest replaces its file. A file of that name holding references from another
    source is an error (choose another ``name``). A reference identical to one in another file is
    skipped with a note. Raises :class:`ReferenceFileError` when nothing is left to import.
    """
    stem = name or os.path.splitext(os.path.basename(path))[0]
    if not stem or os.sep in stem or (os.altsep and os.altsep in stem) or stem.startswith("."):
        raise ReferenceFileError(path, f"cannot name a reference file {stem!r}; pass --name")
    target = os.path.join(directory, stem + SUFFIX)
    refs, notes = references_from_digest(path, who=who, how=how, when=when)
    replaced = False
    if os.path.exists(target):
        existing, _ = read_reference_file(target)
        sources = {r.provenance.source for r in existing} - {path}
        if sources:
            raise ReferenceFileError(
                target,
                f"already holds references from {', '.join(sorted(str(s) for s in sources))}; "
                "choose another file name with --name",
            )
        replaced = True
    others: dict[tuple[str, str], Reference] = {}
    if os.path.isdir(directory):
        for other in reference_files(directory):
            if os.path.abspath(other) == os.path.abspath(target):
                continue
            for ref in read_reference_file(other)[0]:
                others.setdefault((ref.arxiv_id, _normalise(ref.abstract)), ref)
    kept: list[Reference] = []
    for ref in refs:
        twin = others.get((ref.arxiv_id, _normalise(ref.abstract)))
        if twin is not None:
            notes.append(f"{ref.arxiv_id}: the same abstract is already a reference at {twin.where}; skipped")
            continue
        kept.append(ref)
    if not kept:
        raise ReferenceFileError(path, "no entry could be imported" + (": " + "; ".join(notes) if notes else ""))
    save_references(target, kept)
    return ImportResult(target, tuple(kept), tuple(notes), replaced)
