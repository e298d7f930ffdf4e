"""Stage 3b: metrics. Each module registers :class:`~evalkit.metrics.base.Metric` classes by name."""

from __future__ import annotations

from evalkit.metrics.base import METRICS, Metric, Score, register_metric
from evalkit.registry import import_submodules

__all__ = ["METRICS", "Metric", "Score", "load_metrics", "register_metric"]

_loaded = False


def load_metrics() -> None:
    """Import every metric module so its decorators register it (idempotent)."""
    global _loaded
    if _loaded:
        return
    import_submodules(__name__, __path__)
    _loaded = True
