"""evalkit.parse.english: S1 title suffix, S3 abstract prefix, arXiv links, the 1,000-character cut."""

from __future__ import annotations

import pytest

from evalkit.parse.english import (
    SOURCE_CUT_LENGTH,
    AbstractParts,
    TitleParts,
    arxiv_id_from_link,
    english_style,
    is_source_truncated,
    split_abstract,
    split_title,
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (
            "Open Korean Corpora: A Practical Report. (arXiv:2012.15621v2 [cs.CL] UPDATED)",
            TitleParts("Open Korean Corpora: A Practical Report.", "2012.15621", 2, "cs.CL", "replace"),
        ),
        (
            "Sparse Adapters. (arXiv:2307.04567v1 [eess.AS] CROSS LISTED)",
            TitleParts("Sparse Adapters.", "2307.04567", 1, "eess.AS", "cross"),
        ),
        (
            "Calibrating Confidence. (arXiv:2307.01234v1 [cs.CL])",
            TitleParts("Calibrating Confidence.", "2307.01234", 1, "cs.CL", "new"),
        ),
        (
            "Dualities. (arXiv:hep-th/9901001v12 [hep-th])",
            TitleParts("Dualities.", "hep-th/9901001", 12, "hep-th", "new"),
        ),
        ("Token-Level Uncertainty Estimation", TitleParts("Token-Level Uncertainty Estimation")),
        ("  Padded Title  ", TitleParts("Padded Title")),
        # "(arXiv" that is not a trailing suffix stays in the title
        (
            "Why (arXiv:2307.01234v1 [cs.CL]) Papers Get Cited",
            TitleParts("Why (arXiv:2307.01234v1 [cs.CL]) Papers Get Cited"),
        ),
        ("What Fills the [MASK]? A Study", TitleParts("What Fills the [MASK]? A Study")),
    ],
)
def test_split_title(raw, expected):
    assert split_title(raw) == expected


@pytest.mark.parametrize("announce_type", ["new", "cross", "replace", "replace-cross"])
def test_split_abstract_s3_prefix(announce_type):
    raw = f"arXiv:2402.01234v2 Announce Type: {announce_type}  Abstract: We study filtering."
    parts = split_abstract(raw)
    assert parts == AbstractParts("We study filtering.", "2402.01234", 2, announce_type)


@pytest.mark.parametrize(
    "raw",
    [
        "We study filtering. Announce Type: new  Abstract: is quoted here.",
        "Plain S1/S2 abstract without a prefix.",
        "arXiv:2402.01234 is a paper we extend.",  # no version, no Announce Type
    ],
)
def test_split_abstract_without_prefix_keeps_the_text(raw):
    assert split_abstract(raw) == AbstractParts(raw)


@pytest.mark.parametrize(
    "link, arxiv_id",
    [
        ("http://arxiv.org/abs/2307.03691", "2307.03691"),
        ("https://arxiv.org/abs/2402.01234", "2402.01234"),
        ("https://rss.arxiv.org/abs/2402.01876", "2402.01876"),
        ("https://export.arxiv.org/abs/2402.01876", "2402.01876"),
        ("https://www.arxiv.org/abs/2402.01876v3", "2402.01876"),
        ("https://arxiv.org/abs/2402.01876/", "2402.01876"),
        ("http://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/pdf/2402.01876", None),
        ("https://example.org/abs/2402.01876", None),
        ("https://arxiv.org/abs/2402.01876 extra", None),
        ("", None),
    ],
)
def test_arxiv_id_from_link(link, arxiv_id):
    assert arxiv_id_from_link(link) == arxiv_id


def _line(n: int, end: str = "x") -> str:
    return "a" * (n - len(end)) + end


@pytest.mark.parametrize(
    "line, truncated",
    [
        (_line(1000), True),
        (_line(1000, "done."), True),  # the cut landed on a sentence end: still exactly 1,000
        (_line(999), False),
        (_line(1001), False),
        (_line(998, "mid"), True),  # one joined "-\n" after the cut
        (_line(998, "end."), False),  # ...but it reads as a complete abstract
        (_line(998, 'said."'), False),
        (_line(990, "x"), True),  # five joined breaks
        (_line(988, "x"), False),  # six is more than we attribute to a cut
        (_line(997, "x"), False),  # odd difference: not explained by 2-character joins
        ("Any finite conversation can be rationalized.", False),
        ("", False),
    ],
)
def test_is_source_truncated(line, truncated):
    assert is_source_truncated(line) is truncated
    assert SOURCE_CUT_LENGTH == 1000


def test_english_style():
    s3 = split_abstract("arXiv:2402.01234v2 Announce Type: new  Abstract: Text.")
    plain = split_abstract("Text.")
    suffix = split_title("T. (arXiv:2307.01234v1 [cs.CL])")
    bare = split_title("T")
    assert english_style("https://arxiv.org/abs/2402.01234", bare, s3) == "S3"
    assert english_style("http://arxiv.org/abs/2307.01234", suffix, plain) == "S1"
    assert english_style("http://arxiv.org/abs/2307.01234", bare, plain) == "S1"
    assert english_style("https://arxiv.org/abs/2401.01234", suffix, plain) == "S1"
    assert english_style("https://arxiv.org/abs/2401.01234", bare, plain) == "S2"
    assert english_style("https://rss.arxiv.org/abs/2402.01234", bare, plain) == "S2"
