"""COMET model resolution: a local checkpoint, else the local Hugging Face cache, else a download.

Anything else is a :class:`~evalkit.errors.ModelUnavailableError` whose one-line message says what
to do (offline, downloads off, gated, not found); a checkpoint COMET cannot use for segment scores is
a :class:`~evalkit.errors.ConfigError`. The file layout is checked before comet is imported.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from evalkit.errors import ConfigError, ModelUnavailableError
from evalkit.metrics.comet.settings import EXAMPLE_MODEL, SUPPORTED_CLASSES, missing_extra_message, one_line

#: A Hugging Face repo id: ``name`` or ``owner/name`` (letters, digits, ``-_.``).
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)?")
_TRUTHY = {"1", "on", "yes", "true"}


@dataclass(frozen=True)
class ModelInfo:
    """A resolved COMET checkpoint: where it is and what kind of model it is (read from ``hparams.yaml``)."""

    name: str  # the hub name as given, or the model directory's name for a local path
    checkpoint: Path  # .../checkpoints/model.ckpt
    class_identifier: str
    input_segments: tuple[str, ...] = ()  # unified models only
    encoder: str = ""  # hparams pretrained_model: the encoder whose config and tokenizer COMET loads
    word_level: bool = False  # tags words too (XCOMET, unified models trained word-level): gives error spans

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


def model_name(spec: str) -> str:
    """The name a model goes by in scores and reports: a local checkpoint's model directory, else ``spec``."""
    path = Path(spec).expanduser()
    return _local_name(path) if path.exists() else spec


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
    # XCOMET always tags words; a unified model does when it was trained to (word_level_training).
    word_level = identifier == "xcomet_metric" or (
        identifier == "unified_metric" and bool(hparams.get("word_level_training"))
    )
    return ModelInfo(name, checkpoint, identifier, tuple(str(s) for s in segments), encoder, word_level)


def _read_hparams(path: Path) -> Mapping[str, Any]:
    try:
        import yaml
    except ImportError:  # yaml comes with comet; without it there is no COMET anyway
        raise ModelUnavailableError(missing_extra_message()) from None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ModelUnavailableError(f"cannot read COMET hparams {path}: {one_line(exc)}") from None
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
            f"could not download COMET model {repo_id!r} ({one_line(exc)}); pass a local checkpoint path, "
            f"fill the Hugging Face cache, or set HF_HUB_OFFLINE=1 to skip COMET without trying"
        ) from None
