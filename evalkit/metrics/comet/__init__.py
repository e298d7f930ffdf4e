"""COMET through unbabel-comet: model resolution, a disk cache, batched scoring, the registered metric.

COMET (Rei et al., 2020, "COMET: A Neural Framework for MT Evaluation"; Rei et al., 2022 for
wmt22-comet-da and CometKiwi) encodes source, translation and (for reference-based models) reference
with XLM-R and regresses a quality score per segment. Reference-free models (quality estimation, QE)
score a translation from its source alone.

One module per concern:

- :mod:`~evalkit.metrics.comet.settings`: the named defaults and limits, and shared message helpers.
- :mod:`~evalkit.metrics.comet.resolve` (:func:`resolve_model`): a local checkpoint (a directory
  holding ``hparams.yaml`` and ``checkpoints/model.ckpt``, or the ``.ckpt`` itself), else a hub name
  found in the local Hugging Face cache, else a download when online and allowed. Anything else is a
  :class:`ModelUnavailableError` whose one-line message says what to do.
- :mod:`~evalkit.metrics.comet.cache` (:class:`ScoreCache`): one SQLite file keyed by sha256 of (model
  identity including the checkpoint's sha256, precision, src, mt, ref), so re-scoring an unchanged
  digest loads no model.
- :mod:`~evalkit.metrics.comet.scorer` (:class:`CometScorer`): one model load per process, one batch
  for the run: the segments of all issues at once, without duplicates and cached ones, sorted by
  length (less padding). **Signature**: model name, checkpoint hash, class, precision, device and
  comet/torch versions.
- :mod:`~evalkit.metrics.comet.metric` (:class:`Comet`): the registered ``comet`` model metric, which
  routes segments with a reference to the reference-based model and the others to the QE model.

The segments (aligned sentence pairs, or whole abstracts) are those of every model metric
(:mod:`evalkit.metrics.segments`), and the stage that runs COMET over a run's issues is the generic
model-metric stage (:mod:`evalkit.metrics.model_stage`). torch and comet are imported only inside the
functions that load a model (``import comet`` alone costs ~6 s); a run whose scores all come from the
cache never imports them.
"""

from __future__ import annotations

from evalkit.errors import ModelUnavailableError
from evalkit.metrics.comet.cache import ScoreCache, default_cache_dir, file_sha256
from evalkit.metrics.comet.metric import Comet
from evalkit.metrics.comet.resolve import ModelInfo, hf_hub_offline, hub_cache_path, resolve_model
from evalkit.metrics.comet.scorer import CometScorer, CometStats, clear_loaded_models
from evalkit.metrics.comet.settings import (
    CACHE_FILE,
    DEFAULT_BATCH_SIZE,
    DEFAULT_PRECISION,
    DEVICES,
    EXAMPLE_MODEL,
    KEY_VERSION,
    PRECISIONS,
    PREDICT_CHUNK,
    SUPPORTED_CLASSES,
)
from evalkit.metrics.segments import Segment, SegmentScore, abstract_segment, aggregate, pair_segments, weighted_mean

__all__ = [
    "CACHE_FILE",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_PRECISION",
    "DEVICES",
    "EXAMPLE_MODEL",
    "KEY_VERSION",
    "PRECISIONS",
    "PREDICT_CHUNK",
    "SUPPORTED_CLASSES",
    "Comet",
    "CometScorer",
    "CometStats",
    "ModelInfo",
    "ModelUnavailableError",
    "ScoreCache",
    "Segment",
    "SegmentScore",
    "abstract_segment",
    "aggregate",
    "clear_loaded_models",
    "default_cache_dir",
    "file_sha256",
    "hf_hub_offline",
    "hub_cache_path",
    "pair_segments",
    "resolve_model",
    "weighted_mean",
]
