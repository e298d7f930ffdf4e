"""Caches of per-text results (tokens, alignments, numbers) that can all be dropped at once.

The same abstracts recur across digests and several checks ask for the same alignment, so these
results are memoised; worker processes drop them between files and batches to keep memory bounded.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_caches: list[Any] = []
#: The caches :func:`clear_text_caches` keeps between the files of a batch (see ``entry_level``).
_entry_caches: list[Any] = []


def text_cache(maxsize: int, *, entry_level: bool = False) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize)`` that :func:`clear_text_caches` can empty.

    ``entry_level`` marks a cache of results for whole entries (an alignment, a tail reading): a worker
    keeps those from one file of its batch to the next, because neighbouring digests republish the same
    entries, and drops the many small per-text caches after each file.
    """

    def decorate(function: F) -> F:
        cached = lru_cache(maxsize=maxsize)(function)
        _caches.append(cached)
        if entry_level:
            _entry_caches.append(cached)
        return cached  # type: ignore[return-value]

    return decorate


def clear_text_caches(*, keep_entry_level: bool = False) -> None:
    """Empty every cache made with :func:`text_cache`, or with ``keep_entry_level`` all but the
    ``entry_level`` ones."""
    for cached in _caches:
        if not (keep_entry_level and cached in _entry_caches):
            cached.cache_clear()
