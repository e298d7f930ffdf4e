"""Two versions of one fixture digest, the second with known injected defects, scored once per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from evalkit.compare.systems import System, load_system
from evalkit.config import Config
from tests.digest_builder import EntrySpec, build_digest, make_entry

#: Entries (0-based) of the second version that get a leaked metadata line, and a changed magnitude.
LEAKED = (2, 9, 16, 23)
MAGNITUDE = (5, 12)
ENTRIES = 30


@dataclass(frozen=True)
class Versions:
    """The two digests on disk, their entries, and the systems read from them."""

    original: str
    injected: str
    entries: tuple[EntrySpec, ...]
    a: System
    b: System


def inject(entries: list[EntrySpec]) -> list[EntrySpec]:
    """The injected version: a leaked ``公告类型：新`` after the abstract, and 2.3 BLEU made 23 BLEU."""
    out = list(entries)
    for k in LEAKED:
        out[k] = out[k].but(abstract_zh=out[k].abstract_zh + "公告类型：新")
    for k in MAGNITUDE:
        out[k] = out[k].but(abstract_zh=out[k].abstract_zh.replace("2.3个BLEU分", "23个BLEU分"))
    return out


def arxiv_id(entry: EntrySpec) -> str:
    """The arXiv id of a built entry (its link's last part)."""
    return entry.link.rsplit("/", 1)[1]


@pytest.fixture(scope="session")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    root: Path = tmp_path_factory.mktemp("compare")
    entries = [make_entry(n) for n in range(1, ENTRIES + 1)]
    original, injected = root / "original" / "cs.CL.md", root / "injected" / "cs.CL.md"
    for path, version in ((original, entries), (injected, inject(entries))):
        path.parent.mkdir()
        path.write_text(build_digest(version), encoding="utf-8")
    config = Config(use_references=False).validate()
    a = load_system("original", [str(original)], config)
    b = load_system("injected", [str(injected)], config)
    return Versions(str(original), str(injected), tuple(entries), a, b)
