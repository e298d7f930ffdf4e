"""Word tables of the checks in this package, read from ``data/<name>.tsv``.

Each file is tab-separated UTF-8; a line starting with ``#`` is a comment (each file says at its top
what it holds and how it was measured). A table is read on first use, once per process.
"""

from __future__ import annotations

from functools import lru_cache

from evalkit.text.tables import package_table


def table_rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of ``data/<name>.tsv``, split at tabs and stripped, without comment and blank lines."""
    return package_table(__package__, name)


@lru_cache(maxsize=None)
def table_words(name: str) -> frozenset[str]:
    """The first column of ``data/<name>.tsv``: a word list."""
    return frozenset(row[0] for row in table_rows(name))
