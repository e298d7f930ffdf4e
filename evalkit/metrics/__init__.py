"""Stage 3b: metrics. Each module registers :class:`~evalkit.metrics.base.Metric` classes by name."""

from __future__ import annotations

from evalkit.metrics.base import METRICS, Metric, ModelMetric, Score, register_metric
from evalkit.registry import import_submodules

__all__ = ["METRICS", "Metric", "Score", "display_precision", "load_metrics", "model_metric_classes", "register_metric"]

_loaded = False


def load_metrics() -> None:
    """Import every metric module so its decorators register it (idempotent)."""
    global _loaded
    if _loaded:
        return
    import_submodules(__name__, __path__)
    _loaded = True


def model_metric_classes() -> list[type[ModelMetric]]:
    """Every registered model metric, in name order (the order the stage runs and the report lists them)."""
    load_metrics()
    return [m for m in METRICS if issubclass(m, ModelMetric)]


def display_precision(score_name: str) -> int:
    """Decimals to show for a score reported as ``score_name``: its metric's ``precision`` (2 for a name
    no registered metric reports, e.g. from a report written by another version)."""
    load_metrics()
    for metric in METRICS:
        if score_name in metric.reported_names():
            return metric.precision
    return Metric.precision
