"""The terminology glossary: English terms, accepted Chinese renderings, forbidden renderings.

The file is tab-separated (``references/glossary.tsv``; ``#`` starts a comment line)::

    large language model<TAB>大语言模型|大型语言模型<TAB>逻辑-概率模型

Accepted renderings also feed the aligner's lexicon (:mod:`evalkit.align.lexicon`), since CC-CEDICT lacks
much ML vocabulary; this module imports nothing of the aligner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from evalkit.errors import ConfigError
from evalkit.text.lazy_re import LazyPattern

GLOSSARY_NAME = "glossary.tsv"
#: What separates the words of an English term: white space and hyphens ("fine-tuning" = "fine tuning").
_WORD_SEPARATORS = re.compile(r"[\s\-]+")


def term_key(english: str) -> str:
    """The form under which rows of one English term are merged: lower case, words separated by one space."""
    return " ".join(_WORD_SEPARATORS.split(english.lower().strip()))


@dataclass(frozen=True)
class Term:
    """One glossary row; ``line`` is its line in the file, for messages."""

    english: str
    accepted: tuple[str, ...]
    forbidden: tuple[str, ...]
    line: int

    @property
    def words(self) -> list[str]:
        """The words of the English term (spaces and hyphens separate them)."""
        return _WORD_SEPARATORS.split(self.english)

    @property
    def pattern(self) -> LazyPattern:
        """Case-insensitive, word-bounded match of the English term, plural allowed (compiled on first use)."""
        words = r"[\s\-]+".join(re.escape(w) for w in self.words)
        return LazyPattern(rf"(?<![A-Za-z]){words}(?:s|es)?(?![A-Za-z])", re.IGNORECASE)


def default_glossary_path() -> Path | None:
    """``references/glossary.tsv`` in the working directory, else the one beside the evalkit source tree."""
    for base in (Path.cwd(), Path(__file__).resolve().parents[1]):
        candidate = base / "references" / GLOSSARY_NAME
        if candidate.is_file():
            return candidate
    return None


def load_glossary(path: Path | None = None) -> tuple[Term, ...]:
    """Read a glossary file; ``None`` means the default one (an empty glossary if there is none)."""
    path = path or default_glossary_path()
    if path is None:
        return ()
    return _load(str(path))


@lru_cache(maxsize=8)
def _load(path: str) -> tuple[Term, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the glossary: {exc}") from None
    return parse_glossary(text, path)


def split_renderings(cell: str) -> tuple[str, ...]:
    """The renderings of one glossary cell (``|`` separates them), stripped, empty ones left out."""
    return tuple(x.strip() for x in cell.split("|") if x.strip())


def parse_glossary(text: str, path: str) -> tuple[Term, ...]:
    """The rows of a glossary file's text; ``path`` names the file in a :class:`ConfigError` for a bad row."""
    terms = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2 or not cols[0].strip() or not cols[1].strip():
            raise ConfigError(f"{path}:{number}: a glossary row needs 'English<TAB>accepted[<TAB>forbidden]'")
        forbidden = split_renderings(cols[2]) if len(cols) > 2 else ()
        terms.append(Term(cols[0].strip(), split_renderings(cols[1]), forbidden, number))
    return tuple(terms)
