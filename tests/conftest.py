"""Shared fixtures: paths of the hand-written digests and generated bad inputs.

Bad inputs that involve bytes (encodings, BOM, CRLF, NUL, 0 bytes, sparse files) are written into
``tmp_path`` at test time rather than kept in the repository.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Callable

import pytest

from tests.comet_models import TinyModels, build_tiny_models, build_tiny_xcomet
from tests.digest_builder import EMPTY_DIGEST, FIXTURES, build_digest, entry_line, fixture_text, make_entry

# The empty digest is the format's fixed 70 bytes, byte-identical to files of the third-party corpus,
# so it is written here before collection instead of being committed (see .gitignore).
_EMPTY_FIXTURE = FIXTURES / "empty.md"
if not _EMPTY_FIXTURE.is_file() or _EMPTY_FIXTURE.read_bytes() != EMPTY_DIGEST.encode("utf-8"):
    _EMPTY_FIXTURE.write_bytes(EMPTY_DIGEST.encode("utf-8"))

COMET_MISSING = importlib.util.find_spec("comet") is None
COMET_SKIP_REASON = "unbabel-comet is not installed (pip install -e '.[comet]')"


@pytest.fixture(scope="session")
def tiny_comet(tmp_path_factory: pytest.TempPathFactory) -> TinyModels:
    """A reference-based (RegressionMetric) and a reference-free (ReferencelessRegression) tiny COMET
    model, built offline once per session (see tests/comet_models.py)."""
    if COMET_MISSING:
        pytest.skip(COMET_SKIP_REASON)
    return build_tiny_models(tmp_path_factory.mktemp("tiny-comet"))


@pytest.fixture(scope="session")
def tiny_xcomet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The checkpoint of a tiny XCOMET-shaped model (word-level tags: error spans), built offline once
    per session (see tests/comet_models.py)."""
    if COMET_MISSING:
        pytest.skip(COMET_SKIP_REASON)
    return build_tiny_xcomet(tmp_path_factory.mktemp("tiny-xcomet"))


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


FIXTURE_NAMES = ("v1_s1.md", "v1_s2.md", "v1_s3.md", "v0.md", "empty.md", "hazards.md", "mixed.md")

README_TEXT = (
    "# evalkit examples\n"
    "\n"
    "This folder holds digests for the examples in the documentation.\n"
    "\n"
    "| file | what |\n"
    "| --- | --- |\n"
    "| v1_s1.md | old RSS style |\n"
)


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., str]:
    """``write_file(name, text_or_bytes, encoding="utf-8")`` -> path (str) of a new file in ``tmp_path``."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode(encoding)
        path.write_bytes(content)
        return str(path)

    return write


@pytest.fixture
def two_entry_text() -> str:
    return build_digest([make_entry(1), make_entry(2)])


@pytest.fixture
def gbk_digest(write_file) -> str:
    return write_file("gbk.md", fixture_text("v1_s2.md"), encoding="gbk")


@pytest.fixture
def latin1_file(write_file) -> str:
    # first non-ASCII byte (é) on line 3
    return write_file("latin1.md", "# Notes\n\nCaf\u00e9 r\u00e9sum\u00e9: na\u00efve se\u00f1or.\n", encoding="latin-1")


@pytest.fixture
def bom_digest(write_file) -> str:
    return write_file("bom.md", b"\xef\xbb\xbf" + fixture_text("v1_s1.md").encode("utf-8"))


@pytest.fixture
def crlf_digest(write_file) -> str:
    return write_file("crlf.md", fixture_text("v1_s1.md").replace("\n", "\r\n"))


@pytest.fixture
def binary_file(write_file) -> str:
    return write_file("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)))


@pytest.fixture
def zero_byte_file(write_file) -> str:
    return write_file("zero.md", b"")


@pytest.fixture
def readme_file(write_file) -> str:
    return write_file("README.md", README_TEXT)


@pytest.fixture
def cut_after_paragraphs(write_file, two_entry_text) -> str:
    """The two-entry digest cut after the link paragraph of entry 2 (the file still ends in a newline)."""
    lines = two_entry_text.split("\n")
    start = entry_line(2, 2) - 1
    return write_file("cut_paragraphs.md", "\n".join(lines[: start + 5]) + "\n")


@pytest.fixture
def cut_mid_line(write_file, two_entry_text) -> str:
    """The two-entry digest cut in the middle of entry 2's English abstract, without a final newline."""
    text = two_entry_text
    tail = text.rindex("while adding only")
    return write_file("cut_mid_line.md", text[:tail + len("while add")])


@pytest.fixture
def digest_dir(tmp_path: Path) -> Path:
    """A directory with one digest and a README.md (which is no digest)."""
    folder = tmp_path / "issues"
    folder.mkdir()
    (folder / "20240215T090000Z_abcdef12_cs.CL.md").write_text(fixture_text("v1_s3.md"), encoding="utf-8")
    (folder / "README.md").write_text(README_TEXT, encoding="utf-8")
    return folder
