"""A regular expression compiled the first time it is used, for tables of many patterns few runs need.

The glossary turns every term into two patterns (its English, its loose Chinese renderings): about
330 ``re.compile`` calls, 0.3 s of every start, although a 10-entry digest touches a handful of terms.
"""

from __future__ import annotations

import re
from typing import Any


class LazyPattern:
    """Stands in for ``re.compile(source, flags)``: every attribute (``search``, ``finditer``, ...) is the
    compiled pattern's, compiled on first access and kept."""

    __slots__ = ("_source", "_flags", "_compiled")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if it was not yet)."""
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled(), name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyPattern):
            return (self._source, self._flags) == (other._source, other._flags)
        if isinstance(other, re.Pattern):
            return self.compiled() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._source, self._flags))

    def __repr__(self) -> str:
        return f"LazyPattern({self._source!r}, {self._flags!r})"
