"""The hand-written digests follow the generator grammar of docs/format.md §2 and §3 byte for byte.

Other tests rely on these files being faithful; these checks make a drifting fixture fail loudly.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import FIXTURE_NAMES
from tests.digest_builder import EMPTY_DIGEST, FIXTURES, build_digest, fixture_text, split_digest

V1_S3_PREFIX = re.compile(r"^arXiv:\d{4}\.\d{4,5}v\d+ Announce Type: [a-z\-]+  Abstract: \S")


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_is_exact_generator_output(name):
    data = (FIXTURES / name).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
    text = data.decode("utf-8")
    specs = split_digest(text)
    # re-rendering gives the same bytes, and the generator's sort order (link, descending) holds
    assert build_digest(specs, sort=False) == text
    assert [s.link for s in specs] == sorted((s.link for s in specs), reverse=True)
    assert len({s.link for s in specs}) == len(specs)


def test_empty_fixture_is_the_70_bytes():
    data = (FIXTURES / "empty.md").read_bytes()
    assert data == "# 摘要\n\n| Ref | Title | Summary |\n| --- | --- | --- |\n\n\n# 详细\n\n\n\n".encode()
    assert len(data) == 70
    assert build_digest([]) == EMPTY_DIGEST == data.decode()


def test_v1_s1_has_the_three_suffix_forms():
    titles = [s.title_en for s in split_digest(fixture_text("v1_s1.md"))]
    assert any(t.endswith(" (arXiv:2307.01234v1 [cs.CL])") for t in titles)
    assert any(t.endswith(" UPDATED)") for t in titles)
    assert any(t.endswith(" CROSS LISTED)") for t in titles)
    assert all(s.link.startswith("http://arxiv.org/abs/") for s in split_digest(fixture_text("v1_s1.md")))


def test_v1_s2_has_https_and_rss_links_and_no_suffix():
    specs = split_digest(fixture_text("v1_s2.md"))
    assert all(s.link.startswith("https://") for s in specs)
    assert any(s.link.startswith("https://rss.arxiv.org/abs/") for s in specs)
    assert not any("(arXiv:" in s.title_en or s.title_en.endswith(".") for s in specs)


def test_v1_s3_prefixes_and_the_cut_line():
    specs = split_digest(fixture_text("v1_s3.md"))
    assert all(V1_S3_PREFIX.match(s.abstract_en) for s in specs)
    cut = [s.abstract_en for s in specs if len(s.abstract_en) == 1000]
    assert len(cut) == 1
    assert cut[0].startswith("arXiv:2402.01234v2 Announce Type: replace  Abstract: ")
    assert cut[0][-1].isalpha() and cut[0][-2].isalpha()  # cut mid-word
    short = [s.abstract_en for s in specs if len(s.abstract_en) < 900]
    assert short and all(a.endswith(".") for a in short)


def test_v0_has_no_summary_paragraphs_but_the_table_keeps_its_summary():
    text = fixture_text("v0.md")
    specs = split_digest(text)
    assert {s.layout for s in specs} == {"v0"}
    assert all(s.summary_zh and f"| {s.summary_zh} |" in text for s in specs)
    assert text.count("\n    \n") == len(specs)  # only the closing 4-space lines: no empty en_tldr paragraph


def test_hazards_fixture_holds_the_hazards():
    text = fixture_text("hazards.md")
    rows = text.split("\n")[4:7]
    assert any("[Fair or Fast? | Auditing" in r for r in rows)
    assert any("$Y|X$" in r for r in rows)
    assert any("[MASK]" in r for r in rows)
    assert "$\\mathbb{R}^n$" in text and "\\textit{" in text


def test_mixed_fixture_holds_all_three_styles_in_generator_order():
    specs = split_digest(fixture_text("mixed.md"))
    kinds = [
        "S3" if "Announce Type" in s.abstract_en else "S1" if s.link.startswith("http://") else "S2" for s in specs
    ]
    assert kinds == ["S3", "S2", "S1", "S1"]
