"""The waiver file: format, validation, line numbers, matching and expiry."""

from __future__ import annotations

import datetime

import pytest

from evalkit.errors import ConfigError, UnknownNameError
from evalkit.gate.waivers import WaiverFileError, load_waivers

TODAY = datetime.date(2026, 6, 1)

FILE = """\
# Accepted failures of the digests in this repository.

[[waiver]]
arxiv_id = "2401.10003"
code = "numbers.changed"
reason = "The English abstract has the typo; the Chinese follows the paper."
expires = 2026-12-31

[[waiver]]  # a whole category for one paper
arxiv_id = "2401.10004"
code = "truncation"
reason = "Known generator cut."
expires = "2026-01-31"

[[waiver]]
issue = "20260105T090000Z_0a1b2c3d_cs.CL"
code = "issue.failing-share"
reason = "A bad day upstream."
expires = 2026-06-01
"""


def write(tmp_path, text: str) -> str:
    path = tmp_path / "evalkit-waivers.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_reads_waivers_with_their_lines(tmp_path):
    waivers = load_waivers(write(tmp_path, FILE))
    assert len(waivers) == 3
    first, second, third = waivers.waivers
    assert (first.arxiv_id, first.code, first.expires, first.line) == ("2401.10003", "numbers.changed", datetime.date(2026, 12, 31), 3)
    assert (second.code, second.expires, second.line) == ("truncation", datetime.date(2026, 1, 31), 9)
    assert (third.issue, third.line) == ("20260105T090000Z_0a1b2c3d_cs.CL", 15)
    assert first.location.endswith("evalkit-waivers.toml:3")


def test_matching_and_expiry(tmp_path):
    waivers = load_waivers(write(tmp_path, FILE))
    match = waivers.lookup("numbers.changed", TODAY, arxiv_id="2401.10003")
    assert match.active is not None and match.expired is None
    assert waivers.lookup("numbers.changed", TODAY, arxiv_id="2401.99999").active is None
    assert waivers.lookup("numbers.magnitude", TODAY, arxiv_id="2401.10003").active is None
    # the category waiver of 2401.10004 expired on 2026-01-31
    match = waivers.lookup("truncation.translation", TODAY, arxiv_id="2401.10004")
    assert match.active is None and match.expired is not None and match.expired.line == 9
    # holds through its last day, not after
    assert waivers.lookup("issue.failing-share", TODAY, issue_names=["20260105T090000Z_0a1b2c3d_cs.CL"]).active is not None
    later = TODAY + datetime.timedelta(days=1)
    assert waivers.lookup("issue.failing-share", later, issue_names=["20260105T090000Z_0a1b2c3d_cs.CL"]).expired is not None


@pytest.mark.parametrize(
    "body, message",
    [
        ('code = "numbers.changed"\nreason = "r"\nexpires = 2026-01-01', "give either 'arxiv_id' (a paper) or 'issue'"),
        ('arxiv_id = "2401.10003v2"\ncode = "numbers.changed"\nreason = "r"\nexpires = 2026-01-01', "without version: '2401.10003'"),
        ('arxiv_id = "not-an-id"\ncode = "numbers.changed"\nreason = "r"\nexpires = 2026-01-01', "is not an arXiv identifier"),
        ('arxiv_id = "2401.10003"\nreason = "r"\nexpires = 2026-01-01', "'code' is required"),
        ('arxiv_id = "2401.10003"\ncode = "numbers.chnged"\nreason = "r"\nexpires = 2026-01-01', "did you mean 'numbers.changed'"),
        ('arxiv_id = "2401.10003"\ncode = "numbers.changed"\nexpires = 2026-01-01', "'reason' is required"),
        ('arxiv_id = "2401.10003"\ncode = "numbers.changed"\nreason = "  "\nexpires = 2026-01-01', "'reason' is required"),
        ('arxiv_id = "2401.10003"\ncode = "numbers.changed"\nreason = "r"', "'expires' is required"),
        ('arxiv_id = "2401.10003"\ncode = "numbers.changed"\nreason = "r"\nexpires = "next year"', "'expires' must be a date"),
        ('arxiv_id = "2401.10003"\ncode = "numbers.changed"\nreason = "r"\nexpires = 2026-01-01\nexpiry = 1', "did you mean 'expires'"),
    ],
)
def test_invalid_waivers_name_file_and_line(tmp_path, body, message):
    path = write(tmp_path, f"# header\n[[waiver]]\n{body}\n")
    with pytest.raises(ConfigError) as info:
        load_waivers(path)
    assert message in str(info.value)
    assert f"{path}:2:" in str(info.value)


def test_file_level_problems(tmp_path):
    with pytest.raises(WaiverFileError, match="invalid TOML"):
        load_waivers(write(tmp_path, "[[waiver]\n"))
    with pytest.raises(UnknownNameError, match="one \\[\\[waiver\\]\\] table per waiver"):
        load_waivers(write(tmp_path, "[waivers]\n"))
    with pytest.raises(WaiverFileError, match="cannot read waiver file"):
        load_waivers(str(tmp_path / "missing.toml"))
    duplicate = FILE + '\n[[waiver]]\narxiv_id = "2401.10003"\ncode = "numbers.changed"\nreason = "again"\nexpires = 2027-01-01\n'
    with pytest.raises(WaiverFileError, match="repeats the one at .*:3"):
        load_waivers(write(tmp_path, duplicate))


def test_an_empty_file_holds_no_waivers(tmp_path):
    assert len(load_waivers(write(tmp_path, "# nothing waived\n"))) == 0
