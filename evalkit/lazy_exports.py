"""Package exports imported on first use (PEP 562), for packages whose modules are costly to import.

``evalkit.compare`` and ``evalkit.judges.llm`` export names from several modules, but a run usually
needs one of them (the CLI reads the compare defaults; the code registry reads the judge's prompt
table): importing all of them on every start cost tens of milliseconds. A package declares its exports
and gets a module ``__getattr__``::

    __getattr__ = lazy_exports(__name__, {"CompareSettings": "report", "load_system": "systems"})
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, Callable, Mapping

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``package.<exports[name]>`` when ``name`` is first
    read, and keeps the value in the package's namespace (later reads are plain attribute look-ups)."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
