"""Citations of the digest-format description stay pointed at evalkit's own ``docs/format.md``.

Comments and docstrings justify thresholds with measured facts and cite the section that states them
(``docs/format.md §9``). A citation of a description outside the project, or of a section that was
renamed or never written, leaves the reader with nothing to check the number against.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORMAT_DOC = ROOT / "docs" / "format.md"
CITING_TREES = ("evalkit", "tests")
#: The third-party description the project once cited (spelt in two pieces so this file does not cite it).
OUTSIDE_DESCRIPTION = "FORMAT" + ".md"
#: ``docs/format.md §2``, ``docs/format.md`` §2 and §3, ``docs/format.md §9–§11``: every § number in the run.
_CITATION = re.compile(r"docs/format\.md`*(?P<run>(?:\s*(?:,|and|or|to|–|-)?\s*§\d+)+)")
_SECTION_NUMBER = re.compile(r"§(\d+)")
_HEADING = re.compile(r"^## (\d+)\. \S", re.MULTILINE)


def _text_files() -> list[Path]:
    """Every file under evalkit/ and tests/ but this one, whose examples are not citations."""
    files = []
    for tree in CITING_TREES:
        for path in sorted((ROOT / tree).rglob("*")):
            if path == Path(__file__).resolve() or "__pycache__" in path.parts:
                continue
            if path.is_file() and path.suffix not in (".pyc", ".sqlite"):
                files.append(path)
    return files


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ""  # a binary fixture cites nothing


def _sections() -> list[int]:
    return [int(n) for n in _HEADING.findall(FORMAT_DOC.read_text(encoding="utf-8"))]


def _citations() -> list[tuple[str, int, int]]:
    """(file, line, section) for every ``docs/format.md §N`` under evalkit/ and tests/."""
    found = []
    for path in _text_files():
        text = _read(path)
        for match in _CITATION.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            for number in _SECTION_NUMBER.findall(match["run"]):
                found.append((str(path.relative_to(ROOT)), line, int(number)))
    return found


def test_no_file_cites_the_outside_format_description():
    citing = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in _text_files()
        for n, line in enumerate(_read(path).splitlines(), 1)
        if OUTSIDE_DESCRIPTION in line
    ]
    assert citing == [], f"cite docs/format.md instead: {citing}"


def test_format_sections_are_numbered_one_to_n():
    # code cites sections by number, so a section must never be renumbered or skipped
    sections = _sections()
    assert sections and sections == list(range(1, len(sections) + 1))


def test_every_cited_section_exists():
    citations = _citations()
    assert citations, "no file cites docs/format.md: has the citation pattern changed?"
    sections = set(_sections())
    missing = [f"{path}:{line} cites §{n}" for path, line, n in citations if n not in sections]
    assert missing == []


@pytest.mark.parametrize(
    "comment, cited",
    [
        ("ratio (docs/format.md §9)", [9]),
        ("see ``docs/format.md`` §2 and §3", [2, 3]),
        ("docs/format.md §9–§11", [9, 11]),
        ("docs/format.md §5, §11", [5, 11]),
    ],
)
def test_citation_pattern_reads_every_section_of_a_citation(comment, cited):
    # the drift test above is only as good as this pattern
    assert [int(n) for m in _CITATION.finditer(comment) for n in _SECTION_NUMBER.findall(m["run"])] == cited
