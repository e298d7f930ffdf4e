"""Word tables shipped as package data: ``<package>/data/<name>.tsv``.

Each file is tab-separated UTF-8; a line starting with ``#`` is a comment (each file says at its top what it
holds and how it was measured), blank lines are skipped. A table is read on first use, once per process.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files


@lru_cache(maxsize=None)
def package_table(package: str, name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of ``data/<name>.tsv`` inside ``package``, split at tabs and stripped."""
    text = (files(package) / "data" / f"{name}.tsv").read_text(encoding="utf-8")
    return tuple(
        tuple(cell.strip() for cell in line.split("\t"))
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )
