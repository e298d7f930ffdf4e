"""Facts about the English side that the generator's RSS handling leaves in the text.

* S1 titles carry a ``(arXiv:2307.03691v1 [cs.CL] UPDATED)`` suffix (or ``CROSS LISTED``, or none);
* S3 abstracts start with ``arXiv:2402.01234v2 Announce Type: replace  Abstract:`` (two spaces);
* the generator cuts the English line at exactly 1,000 characters *before* it deletes ``-\\n``
  hyphenation breaks, so a cut line is 1,000 characters long, or 998/996/... when breaks were joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The generator's hard cut: ``soup.get_text().strip()[:1000]``.
SOURCE_CUT_LENGTH = 1000
#: How many joined ``-\n`` breaks (2 characters each) we still attribute to a cut line.
MAX_JOINED_BREAKS = 5

ARXIV_ID = r"(?:\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7})"

_TITLE_SUFFIX = re.compile(
    # (?<!\s): start only at the first space of a run, or a title of 100,000 spaces costs O(n²)
    r"(?<!\s)\s*\(arXiv:(?P<id>" + ARXIV_ID + r")v(?P<version>\d{1,9})\s+\[(?P<category>[^\]]{1,64})\](?:\s+(?P<marker>[A-Z][A-Z ]*[A-Z]))?\)\s*$"
)
_ANNOUNCE_PREFIX = re.compile(
    r"^arXiv:(?P<id>" + ARXIV_ID + r")v(?P<version>\d{1,9})\s+Announce Type:\s*(?P<type>[\w\-]+)\s+Abstract:\s?"
)
_ABS_LINK = re.compile(r"^https?://(?:rss\.|export\.|www\.)?arxiv\.org/abs/(?P<id>" + ARXIV_ID + r")(?:v\d+)?/?$")
#: S1 title-suffix markers in the vocabulary of the S3 ``Announce Type`` field.
S1_MARKERS = {"": "new", "UPDATED": "replace", "CROSS LISTED": "cross"}
_SENTENCE_END = (".", "?", "!", ".)", '."', ".'")


@dataclass(frozen=True)
class TitleParts:
    """An English title split into the clean title and its S1 suffix fields."""

    title: str
    arxiv_id: str | None = None
    version: int | None = None
    category: str | None = None
    announce_type: str | None = None  # S1 markers mapped to the S3 vocabulary


@dataclass(frozen=True)
class AbstractParts:
    """An English abstract line split into the S3 prefix fields and the abstract body."""

    body: str
    arxiv_id: str | None = None
    version: int | None = None
    announce_type: str | None = None


def split_title(raw: str) -> TitleParts:
    """Separate an S1 ``(arXiv:ID vN [cat] UPDATED)`` suffix from the title, if there is one."""
    m = _TITLE_SUFFIX.search(raw)
    if not m:
        return TitleParts(title=raw.strip())
    return TitleParts(
        title=raw[: m.start()].strip(),
        arxiv_id=m["id"],
        version=int(m["version"]),
        category=m["category"],
        announce_type=S1_MARKERS.get(m["marker"] or "", (m["marker"] or "").lower()),
    )


def split_abstract(raw: str) -> AbstractParts:
    """Separate an S3 ``arXiv:ID Announce Type: T  Abstract:`` prefix from the abstract body."""
    m = _ANNOUNCE_PREFIX.match(raw)
    if not m:
        return AbstractParts(body=raw)
    return AbstractParts(
        body=raw[m.end():], arxiv_id=m["id"], version=int(m["version"]), announce_type=m["type"]
    )


def arxiv_id_from_link(link: str) -> str | None:
    """The arXiv identifier in an ``arxiv.org/abs/`` link (any of the hosts seen), or ``None``."""
    m = _ABS_LINK.match(link.strip())
    return m["id"] if m else None


def is_source_truncated(line: str) -> bool:
    """Whether the generator cut this English line (prefix included) at its 1,000-character limit.

    A line of exactly 1,000 characters was cut (a complete abstract of exactly that length is far
    rarer than a cut landing on a sentence end). A line 2, 4, ... characters shorter was cut too if
    hyphen breaks were joined after the cut, unless it ends like a complete sentence.
    """
    n = len(line)
    if n == SOURCE_CUT_LENGTH:
        return True
    short = SOURCE_CUT_LENGTH - n
    if 0 < short <= 2 * MAX_JOINED_BREAKS and short % 2 == 0:
        return not line.rstrip().endswith(_SENTENCE_END)
    return False


def english_style(link: str, title: TitleParts, abstract: AbstractParts) -> str:
    """Classify the RSS style: S1 (old feed, title suffix), S3 (Announce Type prefix), else S2."""
    if abstract.announce_type is not None:
        return "S3"
    if title.arxiv_id is not None or link.startswith("http://"):
        return "S1"
    return "S2"
