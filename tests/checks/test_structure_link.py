"""structure.malformed-link: the link paragraph must be [URL](URL) of an arxiv.org/abs/ID page."""

from __future__ import annotations

import pytest

from evalkit.records import Severity
from tests.checks.util import ALL_FIXTURES, parse, run_check, run_check_on_fixture
from tests.digest_builder import build_digest, entry_line, make_entry

NAME = "structure.malformed-link"
LINK = "https://arxiv.org/abs/2401.10001"


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
def test_generator_links_are_well_formed(fixture):
    # http (S1), https and rss.arxiv.org (S2) and https (S3) links
    assert run_check_on_fixture(NAME, fixture) == []


@pytest.mark.parametrize(
    "link",
    ["https://arxiv.org/pdf/2401.10001", "https://example.org/abs/2401.10001", "https://arxiv.org/abs/"],
)
def test_not_an_abstract_link(link):
    (finding,) = run_check(NAME, build_digest([make_entry(1, link=link)]))
    assert finding.code == NAME and finding.severity is Severity.WARNING
    assert finding.line == entry_line(1, 1) + 4
    assert repr(link) in finding.message
    assert finding.evidence.source == link and finding.evidence.field == "link"


def test_label_differs_from_target():
    text = build_digest([make_entry(1)]).replace(f"    [{LINK}]", "    [https://arxiv.org/abs/2401.99999]")
    (finding,) = run_check(NAME, text)
    assert "link text" in finding.message and "differs" in finding.message


def test_bare_url_paragraph_is_accepted():
    text = build_digest([make_entry(1)]).replace(f"    [{LINK}]({LINK})", f"    {LINK}")
    assert parse(text).entries[0].link == LINK
    assert run_check(NAME, text) == []


def test_empty_link_is_left_to_empty_field():
    text = build_digest([make_entry(1)]).replace(f"    [{LINK}]({LINK})", "    ")
    assert parse(text).entries[0].link == ""
    assert run_check(NAME, text) == []
