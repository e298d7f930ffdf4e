"""Stage 5: the canonical JSON report and the formats rendered from it (table, Markdown).

The names below are imported on first use, so that importing a submodule (the light format registry
:mod:`evalkit.report.formats`, which ``evalkit --help`` needs) does not load the whole report stage.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SCHEMA", "build_report", "dumps_report", "iter_report_json"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from evalkit.report import canonical

        return getattr(canonical, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
