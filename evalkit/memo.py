"""Caches of per-text results (tokens, alignments, numbers) that can all be dropped at once.

The same abstracts recur across digests and several checks ask for the same alignment, so these
results are memoised; worker processes drop them between files to keep memory bounded.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_caches: list[Any] = []


def text_cache(maxsize: int) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize)`` that :func:`clear_text_caches` can empty."""

    def decorate(function: F) -> F:
        cached = lru_cache(maxsize=maxsize)(function)
        _caches.append(cached)
        return cached  # type: ignore[return-value]

    return decorate


def clear_text_caches() -> None:
    """Empty every cache made with :func:`text_cache`."""
    for cached in _caches:
        cached.cache_clear()
