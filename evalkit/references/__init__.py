"""Reference translations keyed by arXiv id: storage, import from post-edited digests, checks.

See :mod:`evalkit.references.store` for the file format and ``references/README.md`` for the shipped set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evalkit.references.store import (
    Provenance,
    Reference,
    ReferenceFileError,
    ReferenceProblem,
    ReferenceScan,
    ReferenceSet,
    load_references,
    resolve_references_dir,
    save_references,
    scan_references,
)

__all__ = [
    "Provenance",
    "Reference",
    "ReferenceFileError",
    "ReferenceProblem",
    "ReferenceScan",
    "ReferenceSet",
    "load_references",
    "references_for_run",
    "resolve_references_dir",
    "save_references",
    "scan_references",
]

if TYPE_CHECKING:
    from evalkit.config import Config


def references_for_run(config: Config) -> ReferenceSet | None:
    """The reference set a run with ``config`` uses, or ``None`` (no references directory, or switched off).

    A directory the user named (configuration or ``--references``) must exist; the default one may be
    absent. Raises :class:`ReferenceFileError` for an invalid reference file.
    """
    from evalkit.references.store import require_directory

    if not config.use_references:
        return None
    directory, explicit = resolve_references_dir(config.references, source=config.source, base=config.references_base)
    if directory is None:
        return None
    if explicit:
        require_directory(directory)
    return load_references(directory)
