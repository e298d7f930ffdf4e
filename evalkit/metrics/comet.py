"""COMET through unbabel-comet: model resolution, batched scoring of aligned segments, a disk cache.

COMET (Rei et al., 2020, "COMET: A Neural Framework for MT Evaluation"; Rei et al., 2022 for
wmt22-comet-da and CometKiwi) encodes source, translation and (for reference-based models) reference
with XLM-R and regresses a quality score per segment. Reference-free models (quality estimation, QE)
score a translation from its source alone.

How evalkit uses it:

- **Resolution** (:func:`resolve_model`): a local checkpoint (a directory holding ``hparams.yaml`` and
  ``checkpoints/model.ckpt``, or the ``.ckpt`` itself), else a hub name found in the local Hugging Face
  cache, else a download when online and allowed. Anything else is a :class:`ModelUnavailableError`
  whose one-line message says what to do.
- **Segments** are the aligned sentence pairs of each abstract (:func:`pair_segments`), so no input
  reaches COMET's silent 512-token crop unnoticed; where one still does, its score says ``cropped``.
  The whole-abstract mode (:func:`abstract_segment`) stays available.
- **One model load per process, one batch for the run**: :class:`CometScorer` takes the segments of
  all issues at once, drops duplicates and cached ones, sorts the rest by length (less padding) and
  calls ``model.predict`` once.
- **Cache** (:class:`ScoreCache`): one SQLite file keyed by sha256 of (model identity including the
  checkpoint's sha256, precision, src, mt, ref), so re-scoring an unchanged digest loads no model.
- **Signature**: model name, checkpoint hash, class, precision, device and comet/torch versions.

torch and comet are imported only inside the functions that load a model (``import comet`` alone
costs ~6 s); a run whose scores all come from the cache never imports them.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import math
import os
import pickle
import re
import sqlite3
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from evalkit.errors import ConfigError, ModelUnavailableError
from evalkit.metrics.base import Metric, Score, register_metric
from evalkit.records import Entry, Pair
from evalkit.text.chars import clip

__all__ = [
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
    "default_cache_dir",
    "pair_segments",
    "resolve_model",
    "weighted_mean",
]

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
#: A Hugging Face repo id: ``name`` or ``owner/name`` (letters, digits, ``-_.``).
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)?")
_TRUTHY = {"1", "on", "yes", "true"}
#: Loggers that comet, Lightning and transformers write to while loading and predicting.
_NOISY_LOGGERS = ("comet", "pytorch_lightning", "lightning", "lightning_fabric", "transformers")

_log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Segment:
    """One thing to score: source, translation, optional reference and its weight in aggregates.

    ``weight`` defaults to ``len(src) + len(mt)`` (characters of both sides): a pair that covers more
    of the abstract counts more, and a one-sided segment still has a positive weight.
    """

    src: str
    mt: str
    ref: str | None = None
    weight: float | None = None

    @property
    def length(self) -> float:
        """The weight this segment carries in entry and issue aggregates."""
        return float(self.weight) if self.weight is not None else float(len(self.src) + len(self.mt))


@dataclass(frozen=True)
class SegmentScore:
    """A COMET score of one segment.

    ``metric`` is ``comet`` when a reference was used and ``comet-qe`` when not (the two are on
    different scales and should not be averaged together). ``cropped`` is true when an input was longer
    than the encoder's limit (512 tokens for XLM-R) and COMET cut it; ``cached`` when it came from the
    disk cache; ``device`` is where it was computed.
    """

    value: float
    metric: str
    cropped: bool = False
    cached: bool = False
    device: str = "cpu"


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


# ------------------------------------------------------------------------------------ model resolution


@dataclass(frozen=True)
class ModelInfo:
    """A resolved COMET checkpoint: where it is and what kind of model it is (read from ``hparams.yaml``)."""

    name: str  # the hub name as given, or the model directory's name for a local path
    checkpoint: Path  # .../checkpoints/model.ckpt
    class_identifier: str
    input_segments: tuple[str, ...] = ()  # unified models only
    encoder: str = ""  # hparams pretrained_model: the encoder whose config and tokenizer COMET loads

    @property
    def needs_reference(self) -> bool:
        """True when the model cannot score without a reference (wmt22-comet-da); False for QE models."""
        fixed = SUPPORTED_CLASSES.get(self.class_identifier)
        if fixed is not None:
            return fixed
        return tuple(self.input_segments) == ("mt", "ref")

    @property
    def uses_reference(self) -> bool:
        """True when the model reads a reference if one is given (reference-based and most unified models)."""
        fixed = SUPPORTED_CLASSES.get(self.class_identifier)
        if fixed is not None:
            return fixed
        return "ref" in self.input_segments


def resolve_model(
    spec: str | os.PathLike[str],
    *,
    allow_download: bool = True,
    hub_cache_dir: str | os.PathLike[str] | None = None,
) -> ModelInfo:
    """Find a COMET checkpoint: local path, then the local Hugging Face cache, then a download.

    ``spec`` is a directory holding ``hparams.yaml`` and ``checkpoints/model.ckpt``, a ``.ckpt`` file,
    or a hub name (``Unbabel/wmt22-comet-da``). A download is tried only when ``allow_download`` is true
    and ``HF_HUB_OFFLINE`` is not set. Raises :class:`ModelUnavailableError` (one line, with what to do)
    when none of these gives a checkpoint, and :class:`ConfigError` for a checkpoint COMET cannot use
    for segment scores (a ranking model).
    """
    text = os.fspath(spec)
    path = Path(text).expanduser()
    if path.exists():
        return _model_at(path, name=_local_name(path))
    if not _HUB_ID.fullmatch(text) or text.endswith(".ckpt"):
        raise ModelUnavailableError(
            f"COMET model path {text!r} does not exist; pass a checkpoint directory (hparams.yaml + "
            f"checkpoints/model.ckpt), its model.ckpt, or a hub name such as {EXAMPLE_MODEL}"
        )
    cache = Path(hub_cache_dir).expanduser() if hub_cache_dir is not None else hub_cache_path()
    snapshot = _cached_snapshot(text, cache)
    if snapshot is None:
        fill = f"fill the cache (huggingface-cli download {text}, cache {cache})"
        if hf_hub_offline():
            raise ModelUnavailableError(
                f"COMET model {text!r} is not in the Hugging Face cache and HF_HUB_OFFLINE is set: "
                f"pass a local checkpoint path with --comet-model, {fill}, or unset HF_HUB_OFFLINE to download it"
            )
        if not allow_download:
            raise ModelUnavailableError(
                f"COMET model {text!r} is not in the Hugging Face cache and downloads are off: "
                f"pass a local checkpoint path with --comet-model or {fill}"
            )
        snapshot = _download(text, cache)
    return _model_at(snapshot, name=text)


def hf_hub_offline() -> bool:
    """Whether ``HF_HUB_OFFLINE`` is set, read now (huggingface_hub reads it once, at import)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUTHY


def hub_cache_path() -> Path:
    """The Hugging Face hub cache directory, from the environment as it is now."""
    env = os.environ
    for name in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if env.get(name):
            return Path(env[name]).expanduser()
    home = env.get("HF_HOME") or os.path.join(env.get("XDG_CACHE_HOME") or "~/.cache", "huggingface")
    return Path(home).expanduser() / "hub"


def _absolute(path: Path) -> Path:
    # Absolute without following symlinks: in the Hugging Face cache model.ckpt is a link into blobs/,
    # and hparams.yaml must be found next to the link, not next to the blob.
    return Path(os.path.abspath(path))


def _local_name(path: Path) -> str:
    # A checkpoint file lives at <model>/checkpoints/model.ckpt: the model is named by <model>.
    return (_absolute(path).parents[1] if path.is_file() else _absolute(path)).name


def _model_at(path: Path, name: str) -> ModelInfo:
    """Read a checkpoint laid out as COMET writes it; the file layout is checked before comet is imported."""
    if path.is_file():
        checkpoint = path
        model_dir = _absolute(path).parents[1]  # comet.load_from_checkpoint looks for hparams.yaml there
    else:
        model_dir = path
        checkpoint = path / "checkpoints" / "model.ckpt"
    hparams_file = model_dir / "hparams.yaml"
    if not checkpoint.is_file() or not hparams_file.is_file():
        raise ModelUnavailableError(
            f"{os.fspath(path)!r} is not a COMET checkpoint: expected {hparams_file} and {model_dir}/checkpoints/"
            f"model.ckpt; pass the model directory or its model.ckpt"
        )
    hparams = _read_hparams(hparams_file)
    identifier = str(hparams.get("class_identifier", ""))
    if identifier not in SUPPORTED_CLASSES:
        raise ConfigError(
            f"COMET model {name!r} is a {identifier or 'model of unknown class'}, which gives no segment scores; "
            f"use a regression, referenceless or unified model such as {EXAMPLE_MODEL}"
        )
    segments = hparams.get("input_segments") or ()
    encoder = str(hparams.get("pretrained_model") or "")
    return ModelInfo(name, checkpoint, identifier, tuple(str(s) for s in segments), encoder)


def _read_hparams(path: Path) -> Mapping[str, Any]:
    try:
        import yaml
    except ImportError:  # yaml comes with comet; without it there is no COMET anyway
        raise ModelUnavailableError(_missing_extra_message()) from None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ModelUnavailableError(f"cannot read COMET hparams {path}: {_one_line(exc)}") from None
    if not isinstance(data, dict):
        raise ModelUnavailableError(f"COMET hparams {path} is not a mapping; is this a COMET checkpoint?")
    return data


def _cached_snapshot(repo_id: str, cache: Path) -> Path | None:
    """The snapshot of ``repo_id`` in the local hub cache, or ``None``; never touches the network."""
    if not cache.is_dir():
        return None
    from huggingface_hub import snapshot_download

    try:
        snapshot = Path(snapshot_download(repo_id=repo_id, cache_dir=str(cache), local_files_only=True))
    except (OSError, ValueError):  # LocalEntryNotFoundError is an OSError, HFValidationError a ValueError
        return None
    return snapshot if (snapshot / "checkpoints" / "model.ckpt").is_file() else None


def _download(repo_id: str, cache: Path) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError

    try:
        return Path(snapshot_download(repo_id=repo_id, cache_dir=str(cache)))
    except GatedRepoError:
        raise ModelUnavailableError(
            f"COMET model {repo_id!r} is gated on the Hugging Face hub: accept its licence at "
            f"https://huggingface.co/{repo_id}, log in (huggingface-cli login), or pass a local checkpoint path"
        ) from None
    except RepositoryNotFoundError:
        raise ModelUnavailableError(
            f"no COMET model {repo_id!r} on the Hugging Face hub; check the name (e.g. {EXAMPLE_MODEL}) "
            f"or pass a local checkpoint path"
        ) from None
    except (OSError, ValueError) as exc:  # network errors are OSErrors (requests' ConnectionError)
        raise ModelUnavailableError(
            f"could not download COMET model {repo_id!r} ({_one_line(exc)}); pass a local checkpoint path, "
            f"fill the Hugging Face cache, or set HF_HUB_OFFLINE=1 to skip COMET without trying"
        ) from None


def _missing_extra_message() -> str:
    return "COMET is not installed: pip install 'evalkit[comet]' (torch + unbabel-comet, ~1.6 GB)"


def _one_line(exc: BaseException) -> str:
    return clip(str(exc), 200, collapse_spaces=True) or type(exc).__name__


# ------------------------------------------------------------------------------------------- the cache


def default_cache_dir() -> Path:
    """``$EVALKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/evalkit``, else ``~/.cache/evalkit``."""
    if os.environ.get("EVALKIT_CACHE_DIR"):
        return Path(os.environ["EVALKIT_CACHE_DIR"]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser() / "evalkit"


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS scores (key TEXT PRIMARY KEY, score REAL NOT NULL, cropped INTEGER NOT NULL,"
    " device TEXT NOT NULL, checksum TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS checkpoints (path TEXT PRIMARY KEY, size INTEGER NOT NULL,"
    " mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL)",
)
#: SQLite's default limit on ``?`` parameters is 999 on old builds; stay below it.
_CHUNK = 900


#: What a damaged cache file can raise: sqlite3's errors, and UnicodeDecodeError when the damage makes
#: stored text (the schema, a key) invalid UTF-8, which sqlite3 then fails to decode.
_DB_ERRORS = (sqlite3.DatabaseError, UnicodeDecodeError)


#: SQLite result codes that describe the machine, not the file: a full disk, an I/O error, a lock held
#: too long, a read-only or unopenable file. The cache is then turned off for the run and kept as it is.
_ENVIRONMENT_CODES = frozenset(
    getattr(sqlite3, name)
    for name in (
        "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY", "SQLITE_CANTOPEN",
        "SQLITE_NOMEM", "SQLITE_PERM", "SQLITE_INTERRUPT", "SQLITE_NOLFS", "SQLITE_AUTH", "SQLITE_PROTOCOL",
    )
)


def _is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` says the cache file itself is damaged (only then is it moved aside).

    A full disk or an I/O error is not damage: the file is still good, and moving it aside would throw
    away every cached score for good.
    """
    if isinstance(exc, UnicodeDecodeError):
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF not in _ENVIRONMENT_CODES
    # No code: raised by the sqlite3 module itself (stored text that is not UTF-8), or made by hand.
    text = str(exc).lower()
    return any(sign in text for sign in ("could not decode", "malformed", "not a database"))


class ScoreCache:
    """COMET segment scores in one SQLite file, safe to share between processes.

    SQLite gives atomic, concurrent writes (WAL journal, a busy timeout, one transaction per batch).
    Every row carries a checksum of its key and values: a row that fails it, or holds a non-finite
    score, is reported as missing (and counted in ``corrupt``) so the caller recomputes and overwrites
    it. A file that is not a database is moved aside and a fresh one started; if the cache cannot be
    used at all (read-only directory, full disk, I/O error) it turns itself off for the run, keeps the
    file as it is, and says why in ``notices``.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory).expanduser() if directory is not None else default_cache_dir()
        self.path = self.directory / CACHE_FILE
        self.notices: list[str] = []
        self.corrupt = 0
        self.disabled = False
        self._conn: sqlite3.Connection | None = None
        self._pid: int | None = None

    # A connection must not cross a fork: each process opens its own.
    def _connect(self) -> sqlite3.Connection | None:
        if self.disabled:
            return None
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        for attempt in (1, 2):
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                for statement in _SCHEMA:
                    conn.execute(statement)
                self._conn, self._pid = conn, os.getpid()
                return conn
            except _DB_ERRORS as exc:
                if attempt == 1 and _is_damage(exc) and self._quarantine(exc):
                    continue
                self._disable(f"COMET cache {self.path} unusable ({_one_line(exc)}); scoring without it")
                return None
            except OSError as exc:
                self._disable(f"COMET cache directory {self.directory} unusable ({_one_line(exc)}); scoring without it")
                return None
        return None

    def _quarantine(self, exc: BaseException) -> bool:
        """Move a damaged database aside (kept for inspection) so a fresh one can start."""
        self.close()
        stamp = time.strftime("%Y%m%dT%H%M%S")
        moved = False
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{self.path}{suffix}")
            if src.exists():
                try:
                    os.replace(src, f"{self.path}.corrupt-{stamp}-{os.getpid()}{suffix}")
                    moved = True
                except OSError:
                    return False
        if moved:
            self.notices.append(f"COMET cache {self.path} was damaged ({_one_line(exc)}); moved aside, starting afresh")
        return moved

    def _disable(self, notice: str) -> None:
        self.close()
        self.disabled = True
        self.notices.append(notice)
        _log.warning(notice)

    def close(self) -> None:
        """Close this process's connection (a later call reopens it)."""
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None

    def get_many(self, keys: Sequence[str]) -> dict[str, tuple[float, bool, str]]:
        """``key -> (score, cropped, device)`` for the keys held and intact; damaged rows are left out."""
        found: dict[str, tuple[float, bool, str]] = {}
        for attempt in (1, 2):
            conn = self._connect()
            if conn is None:
                return {}
            try:
                for start in range(0, len(keys), _CHUNK):
                    chunk = list(keys[start : start + _CHUNK])
                    marks = ",".join("?" * len(chunk))
                    rows = conn.execute(
                        f"SELECT key, score, cropped, device, checksum FROM scores WHERE key IN ({marks})", chunk
                    )
                    for key, score, cropped, device, checksum in rows:
                        if _row_ok(key, score, cropped, device, checksum):
                            found[key] = (float(score), bool(cropped), str(device))
                        else:
                            self.corrupt += 1
                return found
            except _DB_ERRORS as exc:
                found.clear()
                if attempt == 2 or not _is_damage(exc) or not self._quarantine(exc):
                    self._disable(f"COMET cache {self.path} unreadable ({_one_line(exc)}); scoring without it")
                    return {}
        return found

    def put_many(self, rows: Iterable[tuple[str, float, bool, str]]) -> None:
        """Store ``(key, score, cropped, device)`` rows in one transaction; non-finite scores are not stored."""
        # + 0.0 turns -0.0 into 0.0: SQLite stores -0.0 as the integer 0, and the checksum of the value
        # read back would no longer match, so the score would be recomputed on every run.
        data = [
            (key, float(score) + 0.0, int(bool(cropped)), device, _checksum(key, float(score) + 0.0, bool(cropped), device))
            for key, score, cropped, device in rows
            if math.isfinite(score)
        ]
        if not data:
            return
        for attempt in (1, 2):
            conn = self._connect()
            if conn is None:
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(
                    "INSERT OR REPLACE INTO scores (key, score, cropped, device, checksum) VALUES (?, ?, ?, ?, ?)", data
                )
                conn.execute("COMMIT")
                return
            except _DB_ERRORS as exc:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the transaction may not have started; nothing to undo
                if attempt == 2 or not _is_damage(exc) or not self._quarantine(exc):
                    self._disable(f"COMET cache {self.path} unwritable ({_one_line(exc)}); scoring without it")
                    return

    def checkpoint_sha256(self, path: Path) -> str:
        """sha256 of a checkpoint file, remembered by (path, size, mtime) so a 2 GB file is read once."""
        resolved = str(Path(path).resolve())
        stat = os.stat(resolved)
        conn = self._connect()
        if conn is not None:
            try:
                row = conn.execute(
                    "SELECT sha256 FROM checkpoints WHERE path = ? AND size = ? AND mtime_ns = ?",
                    (resolved, stat.st_size, stat.st_mtime_ns),
                ).fetchone()
            except _DB_ERRORS:
                row = None
            if row and isinstance(row[0], str) and re.fullmatch(r"[0-9a-f]{64}", row[0]):
                return row[0]
        digest = file_sha256(resolved)
        if conn is not None:
            try:
                conn.execute(
                    "INSERT OR REPLACE INTO checkpoints (path, size, mtime_ns, sha256) VALUES (?, ?, ?, ?)",
                    (resolved, stat.st_size, stat.st_mtime_ns, digest),
                )
            except _DB_ERRORS:
                pass  # only a memo: the next run hashes the file again
        return digest


def _checksum(key: str, score: float, cropped: bool, device: str) -> str:
    return hashlib.sha256(f"{key}\x1f{score!r}\x1f{int(cropped)}\x1f{device}".encode()).hexdigest()[:16]


def _row_ok(key: Any, score: Any, cropped: Any, device: Any, checksum: Any) -> bool:
    if not isinstance(score, float) or not math.isfinite(score) or cropped not in (0, 1):
        return False
    if not isinstance(device, str) or not isinstance(checksum, str):
        return False
    return checksum == _checksum(key, score, bool(cropped), device)


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 hex digest of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------ the scorer

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
            raise ModelUnavailableError(_missing_extra_message())
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
    def notices(self) -> list[str]:
        """One-line notices (cache trouble) for the run's log or report."""
        return list(self.cache.notices) if self.cache is not None else []

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

        results: dict[str, SegmentScore] = {}
        if self.cache is not None and unique:
            corrupt_before = self.cache.corrupt
            for key, (value, cropped, device) in self.cache.get_many(list(unique)).items():
                results[key] = SegmentScore(value, self._metric_for(unique[key]), cropped, True, device)
            self.stats.corrupt += self.cache.corrupt - corrupt_before
            self.stats.hits += len(results)

        todo = [k for k in unique if k not in results]
        for chunk_keys, computed in self._compute(todo, [unique[k] for k in todo]):
            device = self._device or "cpu"
            for key, (value, cropped) in zip(chunk_keys, computed):
                results[key] = SegmentScore(value, self._metric_for(unique[key]), cropped, False, device)
            if self.cache is not None:  # after every chunk: an interrupted run keeps what it computed
                self.cache.put_many((k, results[k].value, results[k].cropped, device) for k in chunk_keys)
            self.stats.computed += len(chunk_keys)

        out = [results[k] for k in keys]
        self.stats.cropped += sum(1 for s in out if s.cropped)
        self._devices_seen.update(s.device for s in out)
        return out

    def _metric_for(self, segment: Segment) -> str:
        return "comet" if (self.uses_reference and segment.ref is not None) else "comet-qe"

    def _compute(
        self, keys: list[str], segments: list[Segment]
    ) -> Iterator[tuple[list[str], list[tuple[float, bool]]]]:
        """Model scores and crop flags for segments the cache lacks, as ``(keys, [(score, cropped)])`` chunks.

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
                values = self._predict(model, samples)
                with _quiet():
                    cropped = _cropped_flags(model, samples, unified=unified)
                self.stats.model_seconds += time.perf_counter() - started
                yield [keys[i] for i in chunk], list(zip(values, cropped))

    def _predict(self, model: Any, samples: list[dict[str, str]]) -> list[float]:
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
        return [float(v) for v in prediction.scores]

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
                    f"cannot load COMET model {self.info.name!r} ({_one_line(exc)}); fetch the checkpoint again if "
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
        raise ModelUnavailableError(f"{_missing_extra_message()} ({_one_line(exc)})") from None
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


# --------------------------------------------------------------------------------- segments, aggregates


def pair_segments(
    entry: Entry, pairs: Sequence[Pair], references: Sequence[str | None] | None = None
) -> list[tuple[int, Segment]]:
    """``(pair index, Segment)`` for each aligned pair of an entry that has both sides.

    ``references`` (one per pair, or ``None``) are reference translations of the pairs' Chinese side.
    1-0 and 0-1 pairs are left out: COMET on an empty side says nothing the coverage checks do not.
    """
    out: list[tuple[int, Segment]] = []
    for i, pair in enumerate(pairs):
        if pair.en is None or pair.zh is None:
            continue
        src = entry.abstract_en[pair.en[0] : pair.en[1]].strip()
        mt = entry.abstract_zh[pair.zh[0] : pair.zh[1]].strip()
        if not src or not mt:
            continue
        ref = references[i] if references is not None else None
        out.append((i, Segment(src, mt, ref)))
    return out


def abstract_segment(entry: Entry, reference: str | None = None) -> Segment:
    """The whole abstract as one segment (COMET may crop it: see :attr:`SegmentScore.cropped`)."""
    return Segment(entry.abstract_en.strip(), entry.abstract_zh.strip(), reference)


def weighted_mean(values: Sequence[float | None], weights: Sequence[float]) -> float | None:
    """Mean of ``values`` weighted by ``weights``, skipping ``None`` values; ``None`` when nothing is left."""
    if len(values) != len(weights):
        raise ValueError(f"{len(values)} values but {len(weights)} weights")
    total = weight_sum = 0.0
    for value, weight in zip(values, weights):
        if value is None or weight <= 0:
            continue
        total += value * weight
        weight_sum += weight
    return total / weight_sum if weight_sum else None


def aggregate(segments: Sequence[Segment], scores: Sequence[SegmentScore | float | None]) -> float | None:
    """Length-weighted mean of segment scores (entry from its pairs, issue from all its pairs)."""
    values = [s.value if isinstance(s, SegmentScore) else s for s in scores]
    return weighted_mean(values, [seg.length for seg in segments])


# --------------------------------------------------------------------------------- the registered metric


@register_metric
class Comet(Metric):
    """COMET (Rei et al., 2020; 2022): reference-based model where references exist, reference-free (QE) elsewhere.

    Give it the models to use (``--comet-model``, repeatable): at most one that needs references and
    at most one that does not. A segment with a reference goes to the reference-based model, any other
    to the QE model (a unified QE model also reads the reference where one exists); a segment no model
    can take gets ``None`` ("not computed"). Building the metric raises :class:`ModelUnavailableError`
    when a model cannot be found; options are those of :class:`CometScorer`.
    """

    name = "comet"
    needs_reference = False  # with a QE model it needs only sources and translations
    needs_model = True
    aggregation = "mean"  # length-weighted: rows are [score × length, length], see statistics_rows

    def __init__(self, models: Sequence[str | os.PathLike[str]] = (), **options: Any) -> None:
        self.reference_scorer: CometScorer | None = None
        self.qe_scorer: CometScorer | None = None
        for spec in models:
            scorer = CometScorer(spec, **options)
            slot = "reference_scorer" if scorer.needs_reference else "qe_scorer"
            if getattr(self, slot) is not None:
                kind = "reference-based" if scorer.needs_reference else "reference-free"
                raise ConfigError(
                    f"two {kind} COMET models given ({getattr(self, slot).info.name!r} and {scorer.info.name!r}); "
                    f"give at most one of each kind"
                )
            setattr(self, slot, scorer)

    @property
    def scorers(self) -> list[CometScorer]:
        """The scorers in use, reference-based first."""
        return [s for s in (self.reference_scorer, self.qe_scorer) if s is not None]

    def score_segments(self, segments: Sequence[Segment]) -> list[SegmentScore | None]:
        """Route each segment to its model, score each group in one batch, keep input order."""
        with_reference: list[int] = []
        without: list[int] = []
        for i, segment in enumerate(segments):
            if segment.ref is not None and self.reference_scorer is not None:
                with_reference.append(i)
            elif self.qe_scorer is not None:
                without.append(i)
        out: list[SegmentScore | None] = [None] * len(segments)
        for scorer, indices in ((self.reference_scorer, with_reference), (self.qe_scorer, without)):
            if scorer is None or not indices:
                continue
            for i, score in zip(indices, scorer.score_detailed([segments[i] for i in indices])):
                out[i] = score
        return out

    @property
    def signatures(self) -> dict[str, str]:
        """Signature per metric key: ``comet`` (with reference) and/or ``comet-qe``."""
        out: dict[str, str] = {}
        if self.reference_scorer is not None:
            out["comet"] = self.reference_scorer.signature
        if self.qe_scorer is not None:
            out["comet-qe"] = self.qe_scorer.signature
            if self.qe_scorer.uses_reference and "comet" not in out:
                out["comet"] = self.qe_scorer.signature
        return out

    def signature(self) -> str:
        """The reference-based model's signature if there is one, else the QE model's (see :attr:`signatures`)."""
        scorers = self.scorers
        return scorers[0].signature if scorers else "model:none"

    @staticmethod
    def statistics_rows(
        segments: Sequence[Segment], scores: Sequence[SegmentScore | None], metric: str = "comet"
    ) -> list[list[float]]:
        """``[score × length, length]`` per segment for ``metric`` (zeros where it has no score).

        Summed over any subset of segments and passed to :meth:`score_from_statistics` they give that
        subset's length-weighted mean, so the bootstrap of :mod:`evalkit.metrics.apply` resamples them
        like BLEU's sufficient statistics.
        """
        rows = []
        for segment, score in zip(segments, scores, strict=True):
            if score is None or score.metric != metric:
                rows.append([0.0, 0.0])
            else:
                rows.append([score.value * segment.length, segment.length])
        return rows

    def score_from_statistics(self, stats: Sequence[float]) -> float:
        """Length-weighted mean from summed ``[score × length, length]`` rows; NaN when no segment had a score."""
        return stats[0] / stats[1] if stats[1] > 0 else math.nan

    def segment_statistics(
        self, hypotheses: Sequence[str], references: Sequence[Sequence[str | None]]
    ) -> list[list[float]]:
        """Not available: COMET needs the sources. Use :meth:`score_segments` then :meth:`statistics_rows`."""
        raise NotImplementedError("COMET needs sources: use Comet.score_segments and Comet.statistics_rows")

    def corpus_score(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> Score:
        """Not available: COMET needs the sources. Use :meth:`score_segments` and :func:`aggregate`."""
        raise NotImplementedError("COMET needs sources: use Comet.score_segments and comet.aggregate")

    def sentence_score(self, hypothesis: str, references: Sequence[str]) -> Score:
        """Not available: COMET needs the source. Use :meth:`score_segments`."""
        raise NotImplementedError("COMET needs sources: use Comet.score_segments")
