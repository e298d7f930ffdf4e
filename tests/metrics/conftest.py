"""Fixtures for the COMET tests: two tiny offline models and an isolated cache and hub.

The models are built once per session (a few seconds, ~1 MB each) by :mod:`tests.comet_models`.
Tests that use them are skipped, with the reason, when the ``comet`` extra is not installed.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.comet_models import TinyModels, build_tiny_models

COMET_MISSING = importlib.util.find_spec("comet") is None
SKIP_REASON = "unbabel-comet is not installed (pip install -e '.[comet]')"


@pytest.fixture(scope="session")
def tiny_comet(tmp_path_factory: pytest.TempPathFactory) -> TinyModels:
    """A reference-based (RegressionMetric) and a reference-free (ReferencelessRegression) tiny COMET model."""
    if COMET_MISSING:
        pytest.skip(SKIP_REASON)
    return build_tiny_models(tmp_path_factory.mktemp("tiny-comet"))


@pytest.fixture(autouse=True)
def isolated_caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own evalkit cache and an empty, offline Hugging Face hub: no test reads the
    user's caches or touches the network."""
    cache = tmp_path / "evalkit-cache"
    monkeypatch.setenv("EVALKIT_CACHE_DIR", str(cache))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.delenv("HUGGINGFACE_HUB_CACHE", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return cache
