"""The COMET scorer: one model, its cache, one length-sorted batch for all the segments of a run.

:class:`CometScorer` takes the segments of all issues at once, drops duplicates and cached ones, sorts
the rest by length (less padding) and predicts them in chunks, writing the cache after each. A model is
loaded once per process. A word-level model (XCOMET) also gives each score its error spans, cached
with it and placed exactly in the translation by :mod:`evalkit.metrics.comet.spans`. torch and comet are imported only inside the functions that load a model
(``import comet`` alone costs ~6 s); a run whose scores all come from the cache never imports them.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import pickle
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from evalkit.errors import ConfigError, ModelUnavailableError
from evalkit.metrics.comet.cache import ScoreCache, file_sha256
from evalkit.metrics.comet.resolve import hf_hub_offline, resolve_model
from evalkit.metrics.comet.settings import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_PRECISION,
    DEVICES,
    KEY_VERSION,
    PRECISIONS,
    PREDICT_CHUNK,
    SUPPORTED_CLASSES,
    missing_extra_message,
    one_line,
)
from evalkit.metrics.comet.spans import SPECIAL_TOKENS, UNKNOWN_TOKEN, locate_spans, raw_spans
from evalkit.metrics.segments import ErrorSpan, Segment, SegmentScore

#: Loggers that comet, Lightning and transformers write to while loading and predicting.
_NOISY_LOGGERS = ("comet", "pytorch_lightning", "lightning", "lightning_fabric", "transformers")


@dataclass
class CometStats:
    """Counters of what a scorer did, for reports, benchmarks and tests."""

    segments: int = 0  # segments asked for
    unique: int = 0  # distinct (src, mt, ref) among them
    hits: int = 0  # distinct segments found in the cache
    computed: int = 0  # distinct segments the model scored
    corrupt: int = 0  # cache entries that failed their check and were recomputed
    cropped: int = 0  # segments with an input over the encoder's token limit
    model_loads: int = 0  # checkpoints loaded by this scorer (0 when another scorer had it loaded)
    predict_calls: int = 0
    model_seconds: float = 0.0  # time spent loading the model and predicting
    spans: int = 0  # error spans given to distinct segments (word-level models), after placing them
    spans_dropped: int = 0  # error spans whose text is not in the translation (left out, never guessed)


#: What loading a checkpoint raises when it cannot be used: transformers' OSError for an encoder that is
#: not cached, torch's RuntimeError/EOFError/UnpicklingError for a damaged file.
_LOAD_ERRORS = (OSError, ValueError, KeyError, RuntimeError, EOFError, ImportError, pickle.UnpicklingError)

#: Loaded models, one per (model identity, precision, device) for the whole process.
_LOADED: dict[tuple[str, str, str], Any] = {}


def clear_loaded_models() -> None:
    """Forget the models loaded in this process (frees their memory once no scorer holds them)."""
    _LOADED.clear()


class CometScorer:
    """Scores :class:`Segment` lists with one COMET model, through the disk cache.

    Building a scorer resolves the model and hashes its checkpoint but loads nothing; the model is
    loaded (once per process, shared by scorers of the same model, precision and device) at the first
    segment the cache does not hold. ``device`` is ``"cpu"``, ``"cuda"`` or ``None`` (cuda when
    present). ``precision`` is ``"fp32"`` or ``"fp16"`` (what ``comet-score`` uses since 2.2.5); it is
    part of the cache key and of the signature.
    """

    def __init__(
        self,
        model: str | os.PathLike[str],
        *,
        precision: str = DEFAULT_PRECISION,
        device: str | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        cache_dir: str | os.PathLike[str] | None = None,
        use_cache: bool = True,
        allow_download: bool = True,
        hub_cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        if precision not in PRECISIONS:
            raise ConfigError(f"unknown COMET precision {precision!r}; use one of {', '.join(PRECISIONS)}")
        if device is not None and device not in DEVICES:
            raise ConfigError(f"unknown COMET device {device!r}; use one of {', '.join(DEVICES)} (or leave it unset)")
        if batch_size < 1:
            raise ConfigError(f"COMET batch size must be at least 1, not {batch_size}")
        if importlib.util.find_spec("comet") is None:
            raise ModelUnavailableError(missing_extra_message())
        self.precision = precision
        self.requested_device = device
        self.batch_size = batch_size
        self.allow_download = allow_download
        self.info = resolve_model(model, allow_download=allow_download, hub_cache_dir=hub_cache_dir)
        self.cache: ScoreCache | None = ScoreCache(cache_dir) if use_cache else None
        if self.cache is not None:
            self.checkpoint_sha256 = self.cache.checkpoint_sha256(self.info.checkpoint)
        else:
            self.checkpoint_sha256 = file_sha256(self.info.checkpoint)
        # The checkpoint file holds weights and hyper-parameters: its hash identifies the model,
        # whatever name or path it was reached by.
        self.identity = f"{self.info.class_identifier}:sha256:{self.checkpoint_sha256}"
        self.stats = CometStats()
        self._device: str | None = None
        self._devices_seen: set[str] = set()

    # -- what the model is

    @property
    def needs_reference(self) -> bool:
        """True when every segment must carry a reference (a reference-based model)."""
        return self.info.needs_reference

    @property
    def uses_reference(self) -> bool:
        """True when the model reads references; a QE model's cache keys and inputs drop them."""
        return self.info.uses_reference

    @property
    def gives_spans(self) -> bool:
        """True when the model tags words (XCOMET): its scores carry :class:`ErrorSpan` records."""
        return self.info.word_level

    @property
    def notices(self) -> list[str]:
        """One-line notices (cache trouble, error spans left out) for the run's log or report."""
        out = list(self.cache.notices) if self.cache is not None else []
        if self.stats.spans_dropped:
            out.append(
                f"{self.stats.spans_dropped} error span(s) of COMET model {self.info.name!r} left out: "
                f"their text is not in the translation"
            )
        return out

    @property
    def signature(self) -> str:
        """``model:...|ckpt:...|class:...|ref:...|prec:...|device:...|comet:...|torch:...``.

        ``device`` is where the scores returned so far were computed (several joined by ``+`` when
        cached scores came from another device); before any scoring it is the requested device or
        ``auto``.
        """
        device = "+".join(sorted(self._devices_seen)) or self.requested_device or "auto"
        parts = (
            ("model", self.info.name),
            ("ckpt", self.checkpoint_sha256[:12]),
            ("class", self.info.class_identifier),
            ("ref", "yes" if self.uses_reference else "no"),
            ("prec", self.precision),
            ("device", device),
            ("comet", _version("unbabel-comet")),
            ("torch", _version("torch")),
        )
        return "|".join(f"{k}:{v}" for k, v in parts)

    def cache_key(self, segment: Segment) -> str:
        """sha256 of (key version, model identity, precision, src, mt, ref) for one segment."""
        ref = segment.ref if self.uses_reference else None
        fields = [KEY_VERSION, self.identity, self.precision, segment.src, segment.mt, ref]
        payload = json.dumps(fields, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    # -- scoring

    def score(self, segments: Sequence[Segment]) -> list[float]:
        """One COMET score per segment, in order. See :meth:`score_detailed`."""
        return [s.value for s in self.score_detailed(segments)]

    def score_detailed(self, segments: Sequence[Segment]) -> list[SegmentScore]:
        """Score ``segments`` (all issues of a run at once): cache first, then one batched prediction.

        A word-level model's scores carry their error spans (see :attr:`gives_spans`), with offsets into
        the segment's ``mt``; a cached score of such a model without its spans counts as not cached.
        Raises :class:`ValueError` when a reference-based model gets a segment without reference, and
        :class:`ModelUnavailableError` when the model has to be loaded and cannot be.
        """
        if self.needs_reference:
            missing = [i for i, s in enumerate(segments) if s.ref is None]
            if missing:
                raise ValueError(
                    f"COMET model {self.info.name!r} needs references; segments {missing[:5]} have none"
                )
        keys = [self.cache_key(s) for s in segments]
        unique: dict[str, Segment] = {}
        for key, segment in zip(keys, segments):
            unique.setdefault(key, segment)
        self.stats.segments += len(segments)
        self.stats.unique += len(unique)

        # key -> (score, cropped, cached, device, spans as the model gave them)
        found: dict[str, tuple[float, bool, bool, str, tuple[ErrorSpan, ...]]] = {}
        if self.cache is not None and unique:
            corrupt_before = self.cache.corrupt
            held = self.cache.get_many(list(unique))
            spans = self.cache.get_spans(list(held)) if self.gives_spans and held else {}
            for key, (value, cropped, device) in held.items():
                if self.gives_spans and key not in spans:
                    continue  # scored by an evalkit that kept no spans: compute it again
                found[key] = (value, cropped, True, device, spans.get(key, ()))
            self.stats.corrupt += self.cache.corrupt - corrupt_before
            self.stats.hits += len(found)

        todo = [k for k in unique if k not in found]
        for chunk_keys, computed in self._compute(todo, [unique[k] for k in todo]):
            device = self._device or "cpu"
            for key, (value, cropped, model_spans) in zip(chunk_keys, computed):
                found[key] = (value, cropped, False, device, model_spans)
            if self.cache is not None:  # after every chunk: an interrupted run keeps what it computed
                self.cache.put_many(
                    ((k, found[k][0], found[k][1], device) for k in chunk_keys),
                    spans={k: found[k][4] for k in chunk_keys} if self.gives_spans else None,
                )
            self.stats.computed += len(chunk_keys)

        results = {key: self._segment_score(unique[key], *item) for key, item in found.items()}
        out = [results[k] for k in keys]
        self.stats.cropped += sum(1 for s in out if s.cropped)
        self._devices_seen.update(s.device for s in out)
        return out

    def _segment_score(
        self, segment: Segment, value: float, cropped: bool, cached: bool, device: str, spans: tuple[ErrorSpan, ...]
    ) -> SegmentScore:
        """The score of one distinct segment, its spans placed exactly in its translation."""
        placed: tuple[ErrorSpan, ...] = ()
        if spans:
            # Placed on every run, cached or not: the cache keeps what the model said, so a rerun gives
            # the same spans and the same notice of those left out.
            placed, dropped = locate_spans(segment.mt, spans)
            self.stats.spans += len(placed)
            self.stats.spans_dropped += dropped
        return SegmentScore(value, self._metric_for(segment), cropped, cached, device, placed, self.info.name)

    def _metric_for(self, segment: Segment) -> str:
        return "comet" if (self.uses_reference and segment.ref is not None) else "comet-qe"

    def _compute(
        self, keys: list[str], segments: list[Segment]
    ) -> Iterator[tuple[list[str], list[tuple[float, bool, tuple[ErrorSpan, ...]]]]]:
        """Model scores, crop flags and error spans (as the model gave them; none for a model that only
        scores) for segments the cache lacks, as ``(keys, [(score, cropped, spans)])`` chunks.

        The segments are sorted by length over the whole run (each batch pads to similar lengths) and
        predicted in chunks of :data:`PREDICT_CHUNK`, so a long CPU run that is interrupted keeps the
        chunks it finished in the cache.
        """
        if not segments:
            return
        model = self._load()
        unified = SUPPORTED_CLASSES[self.info.class_identifier] is None
        # COMET builds a batch's inputs from the keys of its first sample: samples with and without a
        # reference (possible for unified models only) go into separate predictions.
        groups: dict[bool, list[int]] = {}
        for i, segment in enumerate(segments):
            groups.setdefault(self.uses_reference and segment.ref is not None, []).append(i)
        for with_ref, indices in sorted(groups.items()):
            indices.sort(key=lambda i: _text_length(segments[i]))  # stable: ties keep input order
            for start in range(0, len(indices), PREDICT_CHUNK):
                chunk = indices[start : start + PREDICT_CHUNK]
                started = time.perf_counter()
                samples = [_sample(segments[i], with_ref) for i in chunk]
                values, spans = self._predict(model, samples)
                with _quiet():
                    cropped = _cropped_flags(model, samples, unified=unified)
                self.stats.model_seconds += time.perf_counter() - started
                yield [keys[i] for i in chunk], list(zip(values, cropped, spans))

    def _predict(self, model: Any, samples: list[dict[str, str]]) -> tuple[list[float], list[tuple[ErrorSpan, ...]]]:
        """Scores and, for a word-level model, the error spans of ``samples`` (empty tuples otherwise)."""
        cuda = self._device == "cuda"
        with _quiet():
            prediction = model.predict(
                samples,
                batch_size=self.batch_size,
                gpus=1 if cuda else 0,
                accelerator="gpu" if cuda else "cpu",
                progress_bar=False,
                num_workers=None if cuda else 0,  # on CPU, worker processes only add start-up time
                length_batching=False,  # already sorted by the length of all inputs, not just src
            )
        self.stats.predict_calls += 1
        scores = [float(v) for v in prediction.scores]
        return scores, _prediction_spans(model, prediction, len(scores)) if self.gives_spans else [()] * len(scores)

    def _load(self) -> Any:
        """The model, loaded once per process for this identity, precision and device."""
        device = self._resolve_device()
        key = (self.identity, self.precision, device)
        model = _LOADED.get(key)
        if model is not None:
            return model
        started = time.perf_counter()
        comet = _import_comet()
        local_only = hf_hub_offline() or not self.allow_download
        with _quiet():
            try:
                model = comet.load_from_checkpoint(str(self.info.checkpoint), local_files_only=local_only)
            except _LOAD_ERRORS as exc:
                raise ModelUnavailableError(
                    f"cannot load COMET model {self.info.name!r} ({one_line(exc)}); fetch the checkpoint again if "
                    f"it is damaged, and offline make sure its encoder {self.info.encoder!r} is in the Hugging Face cache"
                ) from None
            model.eval()
            if self.precision == "fp16":
                model.half()
        _LOADED[key] = model
        self.stats.model_loads += 1
        self.stats.model_seconds += time.perf_counter() - started
        return model

    def _resolve_device(self) -> str:
        if self._device is None:
            import torch

            cuda = torch.cuda.is_available()
            if self.requested_device == "cuda" and not cuda:
                raise ConfigError("COMET device 'cuda' was asked for but torch sees no CUDA device")
            self._device = self.requested_device or ("cuda" if cuda else "cpu")
        return self._device


def _text_length(segment: Segment) -> int:
    return len(segment.src) + len(segment.mt) + len(segment.ref or "")


def _sample(segment: Segment, with_ref: bool) -> dict[str, str]:
    sample = {"src": segment.src, "mt": segment.mt}
    if with_ref and segment.ref is not None:
        sample["ref"] = segment.ref
    return sample


def _prediction_spans(model: Any, prediction: Any, count: int) -> list[tuple[ErrorSpan, ...]]:
    """The error spans of each sample in ``prediction.metadata.error_spans`` (COMET 2.x), as the model gave them.

    A prediction without them (a model whose hparams say word-level but that did not tag) gives none.
    """
    metadata = prediction.get("metadata") if hasattr(prediction, "get") else None
    per_sample = metadata.get("error_spans") if hasattr(metadata, "get") else None
    if not per_sample or len(per_sample) != count:
        return [()] * count
    tokenizer = getattr(getattr(model, "encoder", None), "tokenizer", None)
    unknown = getattr(tokenizer, "unk_token", None) or UNKNOWN_TOKEN
    specials = [t for t in (getattr(tokenizer, "all_special_tokens", None) or SPECIAL_TOKENS) if t != unknown]
    return [raw_spans(spans or (), specials, unknown) for spans in per_sample]


def _cropped_flags(model: Any, samples: list[dict[str, str]], unified: bool) -> list[bool]:
    """Which samples COMET cut at the encoder's limit (it does so silently)."""
    encoder = model.encoder
    fields = list(samples[0])
    # Untruncated lengths; verbose=False stops transformers warning that they exceed the model's limit.
    lengths = {
        f: [len(ids) for ids in encoder.tokenizer([s[f] for s in samples], verbose=False)["input_ids"]] for f in fields
    }
    if not unified:
        limit = encoder.max_positions - 2  # the max_length COMET passes to the tokenizer, specials included
        return [any(lengths[f][i] > limit for f in fields) for i in range(len(samples))]
    # Unified models concatenate their inputs into one sequence (comet.encoders.base.concat_sequences).
    budget = encoder.max_positions - (1 + len(fields) * encoder.size_separator)
    return [sum(lengths[f][i] - 2 for f in fields) > budget for i in range(len(samples))]


def _import_comet() -> Any:
    """Import comet without its side effects: it calls ``logging.basicConfig(level=INFO)`` at import."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torchmetrics warns that pkg_resources is deprecated
            import comet
    except ImportError as exc:
        raise ModelUnavailableError(f"{missing_extra_message()} ({one_line(exc)})") from None
    finally:
        root.setLevel(level)
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
    return comet


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence comet, Lightning and transformers (tips, device banners, deprecations) for one call.

    Levels and warning filters are restored afterwards, so the host application's logging is untouched.
    """
    manager = logging.root.manager
    names = [n for n in list(manager.loggerDict) if n.split(".")[0] in _NOISY_LOGGERS]
    loggers = [logging.getLogger(n) for n in {*names, *_NOISY_LOGGERS}]
    saved = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, level in saved:
            lg.setLevel(level)


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "none"
