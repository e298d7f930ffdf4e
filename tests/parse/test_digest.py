"""evalkit.parse.digest: layouts v0/v1, styles S1/S2/S3, line numbers, hazards, damaged files."""

from __future__ import annotations

import pytest

from evalkit.errors import InputError, NotADigestError
from evalkit.parse import decode, parse_digest, read_source
from evalkit.records import Entry
from tests.conftest import README_TEXT
from tests.digest_builder import (
    EntrySpec,
    build_digest,
    entry_line,
    fixture_path,
    fixture_text,
    make_entry,
    s1_title,
    s3_abstract,
    split_digest,
)


def parse_text(text: str, path: str = "digest.md"):
    return parse_digest(decode(path, text.encode("utf-8")))


def parse_fixture(name: str):
    result = parse_digest(read_source(fixture_path(name)))
    assert result.problems == ()
    return result.issue


# --- every fixture -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, count, layout, styles",
    [
        ("v1_s1.md", 3, "v1", ["S1", "S1", "S1"]),
        ("v1_s2.md", 3, "v1", ["S2", "S2", "S2"]),
        ("v1_s3.md", 3, "v1", ["S3", "S3", "S3"]),
        ("v0.md", 3, "v0", ["S1", "S1", "S1"]),
        ("hazards.md", 3, "v1", ["S3", "S3", "S2"]),
        ("mixed.md", 4, "v1", ["S3", "S2", "S1", "S1"]),
        ("empty.md", 0, None, []),
    ],
)
def test_fixture_entries_layout_and_style(name, count, layout, styles):
    issue = parse_fixture(name)
    assert len(issue.entries) == count
    assert len(issue.table) == count
    assert [e.ref for e in issue.entries] == list(range(1, count + 1))
    assert [r.ref for r in issue.table] == list(range(1, count + 1))
    assert issue.layout == layout
    assert [e.english_style for e in issue.entries] == styles
    assert issue.findings == ()


@pytest.mark.parametrize("name", ["v1_s1.md", "v1_s2.md", "v1_s3.md", "v0.md", "hazards.md", "mixed.md"])
def test_fields_equal_what_the_generator_wrote(name):
    """Every field round-trips: Chinese verbatim, English title without S1 suffix, abstract without S3 prefix."""
    issue = parse_fixture(name)
    specs = split_digest(fixture_text(name))
    for entry, spec in zip(issue.entries, specs, strict=True):
        assert entry.title_zh == spec.title_zh
        assert entry.link == entry.link_label == spec.link
        assert entry.abstract_zh == spec.abstract_zh
        assert spec.title_en.startswith(entry.title_en)
        assert spec.abstract_en.endswith(entry.abstract_en)
        assert entry.abstract_en_length == len(spec.abstract_en)
        assert entry.summary_en == ""
        if entry.layout == "v1":
            assert entry.summary_zh == spec.summary_zh
        else:
            assert entry.summary_zh == ""


# --- line numbers --------------------------------------------------------------------------------


def test_every_field_line_in_v1_fixture():
    issue = parse_fixture("v1_s1.md")
    e1, e2, e3 = issue.entries
    assert (e1.line, e2.line, e3.line) == (11, 25, 39)
    assert dict(e1.lines) == {
        "title_zh": 11,
        "title_en": 13,
        "link": 15,
        "summary_zh": 17,
        "summary_en": 19,
        "abstract_zh": 21,
        "abstract_en": 23,
    }
    assert {k: v - 14 for k, v in e2.lines.items()} == dict(e1.lines)
    assert {k: v - 28 for k, v in e3.lines.items()} == dict(e1.lines)
    assert [r.line for r in issue.table] == [5, 6, 7]
    assert issue.line_count == 54


def test_field_lines_point_at_the_right_text():
    """Cross-check the numbers against the file itself: each line holds that field's text."""
    lines = fixture_text("mixed.md").split("\n")
    issue = parse_fixture("mixed.md")
    for e in issue.entries:
        assert lines[e.lines["title_zh"] - 1] == f"[^{e.ref}]: {e.title_zh}"
        assert lines[e.lines["title_en"] - 1].startswith("    " + e.title_en)
        assert lines[e.lines["link"] - 1] == f"    [{e.link}]({e.link})"
        assert lines[e.lines["summary_zh"] - 1] == "    " + e.summary_zh
        assert lines[e.lines["summary_en"] - 1] == "    "
        assert lines[e.lines["abstract_zh"] - 1] == "    " + e.abstract_zh
        assert lines[e.lines["abstract_en"] - 1].endswith(e.abstract_en)
        assert e.line_of("abstract_en") == e.lines["abstract_en"]
    assert [e.line for e in issue.entries] == [entry_line(k, 4) for k in range(1, 5)] == [12, 26, 40, 54]


def test_every_field_line_in_v0_fixture():
    issue = parse_fixture("v0.md")
    e1, e2, e3 = issue.entries
    assert dict(e1.lines) == {"title_zh": 11, "title_en": 13, "link": 15, "abstract_zh": 17, "abstract_en": 19}
    assert (e2.line, e3.line) == (21, 31)
    assert e3.lines["abstract_en"] == 39
    # a field a layout lacks falls back to the entry line
    assert e1.line_of("summary_zh") == 11


# --- English styles ------------------------------------------------------------------------------


def test_s1_suffix_is_stripped_and_its_fields_extracted():
    cross, new, updated = parse_fixture("v1_s1.md").entries
    assert cross.title_en == "Sparse Mixture-of-Adapters for Low-Resource Speech Translation."
    assert (cross.arxiv_id, cross.version, cross.category, cross.announce_type) == ("2307.04567", 1, "eess.AS", "cross")
    assert new.title_en == "Calibrating Confidence in Retrieval-Augmented Question Answering."
    assert (new.arxiv_id, new.version, new.category, new.announce_type) == ("2307.01234", 1, "cs.CL", "new")
    assert updated.title_en == "Rethinking Graph Neural Networks for Session-Based Recommendation."
    assert (updated.arxiv_id, updated.version, updated.category, updated.announce_type) == (
        "2206.10128",
        3,
        "cs.IR",
        "replace",
    )
    for e in (cross, new, updated):
        assert "(arXiv" not in e.title_en and "UPDATED" not in e.title_en and "CROSS" not in e.title_en


def test_s2_has_no_announce_fields_and_reads_the_rss_link():
    rss, second, third = parse_fixture("v1_s2.md").entries
    assert rss.link == "https://rss.arxiv.org/abs/2402.01876"
    assert rss.arxiv_id == "2402.01876"
    for e in (rss, second, third):
        assert (e.announce_type, e.version, e.category) == (None, None, None)
        assert e.english_style == "S2"
    assert second.arxiv_id == "2401.17654"


def test_s3_prefix_goes_into_fields_not_into_abstract_en():
    new, replace, replace_cross = parse_fixture("v1_s3.md").entries
    assert (new.announce_type, new.version) == ("new", 1)
    assert (replace.announce_type, replace.version) == ("replace", 2)
    assert (replace_cross.announce_type, replace_cross.version) == ("replace-cross", 3)
    for e in (new, replace, replace_cross):
        assert "Announce Type" not in e.abstract_en
        assert not e.abstract_en.startswith(("arXiv:", "Abstract", " "))
    assert new.abstract_en.startswith("We present a diffusion model")
    assert replace.abstract_en.startswith("Data filtering is a key ingredient")


def test_s3_cut_line_is_truncated_and_short_lines_are_not():
    new, replace, replace_cross = parse_fixture("v1_s3.md").entries
    assert replace.abstract_en_length == 1000  # prefix included
    assert len(replace.abstract_en) == 1000 - len("arXiv:2402.01234v2 Announce Type: replace  Abstract: ")
    assert replace.abstract_en.endswith("disproporti")
    assert replace.source_truncated is True
    assert new.source_truncated is False and replace_cross.source_truncated is False
    assert new.abstract_en_length == len(new.abstract_en) + len("arXiv:2403.05432v1 Announce Type: new  Abstract: ")


def test_mixed_file_keeps_each_entry_style_and_the_chinese_title_verbatim():
    s3, s2, s1_updated, s1_new = parse_fixture("mixed.md").entries
    assert s3.announce_type == "cross" and s2.announce_type is None and s1_updated.announce_type == "replace"
    assert s1_new.title_zh == "机器翻译字幕的词汇多样性度量。（arXiv:2305.00321v1 [cs.CL]）"
    assert s1_new.title_en == "Measuring Lexical Diversity in Machine-Translated Subtitles."


# --- markdown hazards ----------------------------------------------------------------------------


def test_pipe_in_table_title_and_summary():
    issue = parse_fixture("hazards.md")
    row = issue.table[0]
    assert row.title == "Fair or Fast? | Auditing Bias Mitigation in Legal Language Models"
    assert row.link == "https://arxiv.org/abs/2402.03310"
    assert row.summary == "本文在条件分布$Y|X$下审计法律语言模型的偏见缓解方法，发现多数方法以牺牲效率换取公平。"
    assert issue.entries[0].title_en == row.title
    assert issue.entries[0].summary_zh == row.summary


def test_brackets_and_tex_survive_verbatim():
    _, mask, tex = parse_fixture("hazards.md").entries
    assert mask.title_en == "What Fills the [MASK]? Probing Masked Language Models for Numerical Commonsense"
    assert mask.title_zh == "什么填入了[MASK]？探究掩码语言模型的数值常识"
    assert tex.title_en == "Sliced Wasserstein Flows on $\\mathbb{R}^n$ with \\textit{Adaptive} Projections"
    assert "\\textit{自适应}" in tex.title_zh
    assert "$\\mathbb{R}^n$" in tex.abstract_en and "\\texttt{pot\\_flow}" in tex.abstract_en
    assert "top-*k*" in tex.abstract_en
    table = parse_fixture("hazards.md").table
    assert table[1].title == mask.title_en and table[2].title == tex.title_en


# --- the empty digest and file names -------------------------------------------------------------


def test_empty_digest():
    issue = parse_fixture("empty.md")
    assert issue.entries == () and issue.table == () and issue.layout is None
    assert issue.line_count == 11


@pytest.mark.parametrize(
    "path, stem, date, channel",
    [
        ("raw/20230313T144011Z_5e54f541_cs.AI.md", "20230313T144011Z_5e54f541_cs.AI", "2023-03-13", "cs.AI"),
        ("x/20240215T090000Z_abcdef12_cs.CL.md", "20240215T090000Z_abcdef12_cs.CL", "2024-02-15", "cs.CL"),
        ("digests/2024-02-05.md", "2024-02-05", "2024-02-05", None),
        ("v1_s1.md", "v1_s1", None, None),
        ("-", "stdin", None, None),
    ],
)
def test_issue_metadata_from_path(path, stem, date, channel):
    issue = parse_text(fixture_text("v1_s2.md"), path=path).issue
    assert (issue.path, issue.id, issue.date, issue.channel) == (path, stem, date, channel)


# --- not a digest --------------------------------------------------------------------------------


def test_readme_is_not_a_digest():
    with pytest.raises(NotADigestError) as info:
        parse_text(README_TEXT, path="README.md")
    assert info.value.line == 1
    assert "# 摘要" in info.value.message and "# evalkit examples" in info.value.message


def test_header_after_leading_blank_lines_is_found_and_other_text_is_not():
    assert len(parse_text("\n\n" + fixture_text("v1_s2.md")).issue.entries) == 3
    with pytest.raises(NotADigestError) as info:
        parse_text("\n\nHello\n# 摘要\n")
    assert info.value.line == 3


def test_blank_only_text_is_not_a_digest():
    with pytest.raises(NotADigestError):
        parse_text("\n\n   \n")
    assert issubclass(NotADigestError, InputError)


# --- damaged digests -----------------------------------------------------------------------------


def test_file_cut_after_a_few_paragraphs(cut_after_paragraphs):
    result = parse_digest(read_source(cut_after_paragraphs))
    assert [e.ref for e in result.issue.entries] == [1]
    (problem,) = result.problems
    assert problem.line == entry_line(2, 2)
    assert "ends in the middle of entry [^2]" in problem.message and "2 of its 6" in problem.message


def test_file_cut_mid_line_without_final_newline(cut_mid_line):
    result = parse_digest(read_source(cut_mid_line))
    assert [e.ref for e in result.issue.entries] == [1]
    (problem,) = result.problems
    assert problem.line == entry_line(2, 2) + 12  # the English abstract line of entry 2
    assert "without a newline" in problem.message and "[^2]" in problem.message


@pytest.mark.parametrize("keep", [1, 3, 5, 7, 11])
def test_file_cut_at_any_paragraph_of_the_last_entry_is_reported(keep, two_entry_text):
    lines = two_entry_text.split("\n")
    start = entry_line(2, 2) - 1
    result = parse_text("\n".join(lines[: start + keep]) + "\n")
    assert [e.ref for e in result.issue.entries] == [1]
    assert len(result.problems) == 1 and result.problems[0].line == start + 1


def test_v1_file_cut_after_the_empty_english_summary_is_not_read_as_a_v0_entry(two_entry_text):
    """A v1 file cut right after entry 2's (empty) English-summary paragraph holds 4 paragraphs for it.

    The generator never mixes layouts in one file (v0 exists only in 2023-03-13 files, and there the
    4th paragraph is an English abstract, never blank), so this is a cut file, not a v0 entry whose
    "Chinese abstract" is the summary and whose English abstract is empty.
    """
    lines = two_entry_text.split("\n")
    start = entry_line(2, 2) - 1
    result = parse_text("\n".join(lines[: start + 9]) + "\n")  # up to and including the 4-space en_tldr line
    assert [e.layout for e in result.issue.entries] == ["v1"]
    assert len(result.problems) == 1
    assert result.problems[0].line == start + 1


def test_wrong_paragraph_count_in_a_middle_entry_keeps_the_others():
    text = build_digest([make_entry(1), make_entry(2), make_entry(3)])
    lines = text.split("\n")
    second = entry_line(2, 3) - 1
    del lines[second + 9 : second + 11]  # drop entry 2's Chinese abstract and its separator: 5 paragraphs
    result = parse_text("\n".join(lines))
    assert [e.ref for e in result.issue.entries] == [1, 3]
    (problem,) = result.problems
    assert problem.line == second + 1 and "has 5 paragraphs" in problem.message


def test_missing_detail_section_is_a_problem():
    text = build_digest([make_entry(1)])
    head = text.split("\n\n# 详细")[0] + "\n"
    result = parse_text(head)
    assert result.issue.entries == ()
    assert len(result.issue.table) == 1
    (problem,) = result.problems
    assert "# 详细" in problem.message


# --- tolerated edits -----------------------------------------------------------------------------


def _key(e: Entry):
    return (e.ref, e.title_zh, e.title_en, e.link, e.summary_zh, e.abstract_zh, e.abstract_en, e.announce_type, e.version)


@pytest.mark.parametrize("name", ["v1_s1.md", "v1_s3.md", "v0.md"])
def test_trailing_whitespace_stripped_by_an_editor(name):
    text = fixture_text(name)
    stripped = "\n".join(line.rstrip() for line in text.split("\n"))
    original, edited = parse_text(text), parse_text(stripped)
    assert edited.problems == ()
    assert [_key(e) for e in edited.issue.entries] == [_key(e) for e in original.issue.entries]
    assert [dict(e.lines) for e in edited.issue.entries] == [dict(e.lines) for e in original.issue.entries]


def test_wrapped_paragraph_is_joined_with_a_space():
    text = build_digest([make_entry(1)])
    wrapped = text.replace("。我们提出一种检索增强的翻译框架，", "。\n    我们提出一种检索增强的翻译框架，")
    entry = parse_text(wrapped).issue.entries[0]
    assert "。 我们提出一种检索增强的翻译框架，" in entry.abstract_zh
    assert entry.lines["abstract_en"] == parse_text(text).issue.entries[0].lines["abstract_en"] + 1


def test_non_empty_english_summary_of_2023_03_14():
    spec = make_entry(1, summary_en="A retrieval-augmented method improves low-resource translation.")
    entry = parse_text(build_digest([spec])).issue.entries[0]
    assert entry.summary_en == spec.summary_en
    assert entry.layout == "v1"


def test_old_style_arxiv_identifier():
    spec = EntrySpec(
        "弦论中的对偶性",
        s1_title("Dualities in String Theory.", "hep-th/9901001", 2, "hep-th", "UPDATED"),
        "http://arxiv.org/abs/hep-th/9901001",
        "本文综述了弦论中的各种对偶性。",
        "我们综述了弦论中的各种对偶性及其物理意义。",
        "We review dualities in string theory and their physical meaning.",
    )
    entry = parse_text(build_digest([spec])).issue.entries[0]
    assert (entry.arxiv_id, entry.version, entry.announce_type) == ("hep-th/9901001", 2, "replace")
    assert entry.title_en == "Dualities in String Theory."


def test_s3_cut_line_ending_in_a_space_counts_the_space():
    prefix = s3_abstract("2402.05555", 1, "new", "")
    words = ("word " * 300)[: 1000 - len(prefix) - 1] + " "
    line = s3_abstract("2402.05555", 1, "new", words + "continues")[:1000]
    assert len(line) == 1000 and line.endswith(" ")
    entry = parse_text(build_digest([make_entry(1, abstract_en=line)])).issue.entries[0]
    assert entry.abstract_en_length == 1000 and entry.source_truncated
    assert not entry.abstract_en.endswith(" ")


# --- file-level findings -------------------------------------------------------------------------


def test_bom_and_crlf_are_findings_not_differences(bom_digest, crlf_digest):
    plain = parse_fixture("v1_s1.md")
    for path, code in ((bom_digest, "structure.bom"), (crlf_digest, "structure.line-endings")):
        result = parse_digest(read_source(path))
        assert result.problems == ()
        assert [f.code for f in result.issue.findings] == [code]
        assert result.issue.findings[0].line == 1
        assert [_key(e) for e in result.issue.entries] == [_key(e) for e in plain.entries]
        assert [dict(e.lines) for e in result.issue.entries] == [dict(e.lines) for e in plain.entries]


def test_stray_text_before_the_first_entry():
    text = build_digest([make_entry(1)]).replace("# 详细\n\n", "# 详细\n\n生成于 2024-02-15\n\n")
    issue = parse_text(text).issue
    (finding,) = issue.findings
    assert finding.code == "structure.stray-text" and finding.line == 9  # header 4, row, blank, "# 详细", blank
    assert len(issue.entries) == 1


def test_unparsable_table_row_and_missing_header():
    text = build_digest([make_entry(1), make_entry(2)])
    broken = text.replace("| [^2] | [", "| [^2] | ", 1)
    issue = parse_text(broken).issue
    assert [f.code for f in issue.findings] == ["structure.table"]
    assert issue.findings[0].line == 6
    assert [r.ref for r in issue.table] == [1]
    no_header = text.replace("| Ref | Title | Summary |\n| --- | --- | --- |\n", "")
    issue = parse_text(no_header).issue
    assert [f.code for f in issue.findings] == ["structure.table"]
    assert issue.table == () and len(issue.entries) == 2


# --- property: whatever the generator writes, the parser reads back -----------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(
    alphabet=st.characters(
        categories=("L", "N", "P", "S", "Zs"),
        exclude_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    ),
    max_size=60,
)
_LINK = st.builds(
    lambda scheme, n: f"{scheme}/abs/{2300 + n // 100000:04d}.{n % 100000:05d}",
    st.sampled_from(["http://arxiv.org", "https://arxiv.org", "https://rss.arxiv.org"]),
    st.integers(min_value=0, max_value=10**7 - 1),
)


@st.composite
def _digests(draw):
    layout = draw(st.sampled_from(["v1", "v0"]))
    links = draw(st.lists(_LINK, min_size=1, max_size=4, unique=True))
    specs = [
        EntrySpec(
            title_zh=draw(_TEXT),
            title_en=draw(_TEXT),
            link=link,
            summary_zh=draw(_TEXT) if layout == "v1" else "",
            abstract_zh=draw(_TEXT),
            abstract_en=draw(_TEXT),
            layout=layout,
        )
        for link in links
    ]
    return sorted(specs, key=lambda s: s.link, reverse=True)


@settings(max_examples=60, deadline=None)
@given(_digests())
def test_parser_reads_back_what_the_generator_writes(specs):
    result = parse_text(build_digest(specs))
    assert result.problems == ()
    assert len(result.issue.entries) == len(specs)
    for k, (entry, spec) in enumerate(zip(result.issue.entries, specs), 1):
        assert entry.ref == k
        assert entry.line == entry_line(k, len(specs), spec.layout)
        assert entry.layout == spec.layout
        assert entry.title_zh == spec.title_zh.strip()
        assert entry.title_en == spec.title_en.strip()
        assert entry.link == spec.link
        assert entry.summary_zh == spec.summary_zh.strip()
        assert entry.abstract_zh == spec.abstract_zh.strip()
        assert entry.abstract_en == spec.abstract_en.strip()
        assert entry.abstract_en_length == len(spec.abstract_en)
