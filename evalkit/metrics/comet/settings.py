"""The named defaults and limits COMET runs with, and the message helpers every COMET module shares.

The user-facing settings themselves are :class:`evalkit.config.CometSettings` (``[comet]`` table,
``--comet-*`` flags); these are the values behind them and the identifiers of what evalkit stores.
"""

from __future__ import annotations

from evalkit.text.chars import exception_line

PRECISIONS = ("fp32", "fp16")
DEVICES = ("cpu", "cuda")
DEFAULT_PRECISION = "fp32"
DEFAULT_BATCH_SIZE = 32
#: Segments per ``model.predict`` call; the cache is written after each, so an interrupted run keeps them.
PREDICT_CHUNK = 2048
#: Name of the cache file inside the cache directory; the suffix is the schema version.
CACHE_FILE = "comet-v1.sqlite3"
#: Mixed into every cache key: bump it when the meaning of a cached score changes.
KEY_VERSION = "evalkit.comet/1"
#: COMET's ``class_identifier`` values that give segment scores, and whether they require a reference.
#: Unified models (CometKiwi-23, XCOMET) decide from their ``input_segments`` (see :class:`ModelInfo`).
SUPPORTED_CLASSES = {
    "regression_metric": True,
    "referenceless_regression_metric": False,
    "unified_metric": None,
    "xcomet_metric": None,
}
EXAMPLE_MODEL = "Unbabel/wmt22-comet-da"


def missing_extra_message() -> str:
    """What to do when comet (or torch) is not installed."""
    return "COMET is not installed: pip install 'evalkit[comet]' (torch + unbabel-comet, ~1.6 GB)"


#: An exception as one clipped line (the COMET modules' name for it).
one_line = exception_line
