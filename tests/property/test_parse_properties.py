"""Property tests of reading and parsing: any bytes are parsed or refused with an evalkit error, never a crash.

The inputs are generated structurally (digests built by the generator's rules with damaged fields,
then mutated line by line: lines deleted, duplicated, swapped, joined, cut, replaced by hostile text)
plus raw random text, with control characters, NULs, bidi marks, astral characters and the grammar's
own markers mixed in (see :mod:`tests.property.strategies`).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from evalkit.parse import SourceText, decode, parse_digest
from evalkit.parse import english
from tests.digest_builder import EntrySpec, build_digest, entry_line
from tests.property.budget import examples
from tests.property.invariants import assert_parse_invariants, parse_bytes
from tests.property.strategies import digest_bytes, digest_text, hostile_line


@examples(400)
@given(digest_bytes())
def test_any_bytes_are_parsed_or_refused_with_an_evalkit_error(data):
    parse_bytes(data)  # raises only EvalkitError subclasses (turned into None); checks the invariants


@examples(250)
@given(digest_text())
def test_any_text_is_parsed_or_refused_and_lines_stay_inside(text):
    parse_bytes(text.encode("utf-8", "surrogatepass"))


@examples(100)
@given(st.binary(max_size=600))
def test_arbitrary_bytes(data):
    parse_bytes(data)


_LINKS = st.builds(
    lambda scheme, n: f"{scheme}/abs/{2300 + n // 100000:04d}.{n % 100000:05d}",
    st.sampled_from(["http://arxiv.org", "https://arxiv.org", "https://rss.arxiv.org"]),
    st.integers(min_value=0, max_value=10**7 - 1),
)


@st.composite
def _hostile_specs(draw):
    layout = draw(st.sampled_from(["v1", "v0"]))
    links = draw(st.lists(_LINKS, min_size=1, max_size=3, unique=True))
    specs = [
        EntrySpec(
            title_zh=draw(hostile_line(12)),
            title_en=draw(hostile_line(12)),
            link=link,
            summary_zh=draw(hostile_line(12)) if layout == "v1" else "",
            summary_en=draw(hostile_line(6)) if layout == "v1" else "",
            abstract_zh=draw(hostile_line(20)),
            abstract_en=draw(hostile_line(20)),
            layout=layout,
        )
        for link in links
    ]
    return sorted(specs, key=lambda s: s.link, reverse=True)


@examples(250)
@given(_hostile_specs())
def test_hostile_field_content_reads_back_unchanged(specs):
    """Whatever a field holds (short of a line break), the parser gives it back and points at its line."""
    text = build_digest(specs)
    result = parse_digest(SourceText("hostile.md", text, had_bom=False, had_crlf=False))
    assert_parse_invariants(result)
    assert result.problems == ()
    assert len(result.issue.entries) == len(specs)
    lines = text.split("\n")
    for k, (entry, spec) in enumerate(zip(result.issue.entries, specs), 1):
        assert entry.ref == k and entry.line == entry_line(k, len(specs), spec.layout)
        assert entry.title_zh == spec.title_zh.strip()
        assert entry.title_en == english.split_title(spec.title_en.strip()).title
        assert entry.link == spec.link
        assert entry.summary_zh == spec.summary_zh.strip()
        assert entry.abstract_zh == spec.abstract_zh.strip()
        assert entry.abstract_en == english.split_abstract(spec.abstract_en.lstrip()).body.strip()
        assert entry.abstract_en_length == len(spec.abstract_en)
        for name in ("abstract_zh", "summary_zh", "title_en"):
            if name in entry.lines:
                assert lines[entry.lines[name] - 1] == "    " + getattr(spec, name)


@examples(150)
@given(digest_text())
def test_decoding_bom_and_crlf_variants_parse_alike(text):
    """A BOM and CRLF line endings change findings (structure.bom, structure.line-endings), not entries."""
    if "\r" in text or text.startswith("\ufeff"):
        return  # a lone CR, or a second BOM, is content and may rightly change the result
    plain = parse_bytes(text.encode("utf-8"))
    if plain is None:
        return
    dressed = parse_digest(decode("x.md", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")))
    assert dressed.issue.entries == plain.issue.entries
    assert dressed.problems == plain.problems or [p.message for p in dressed.problems] == [p.message for p in plain.problems]


import pytest  # noqa: E402


@pytest.mark.parametrize(
    "text",
    ["# 摘要", "\n# 摘要", "# 摘要\n", "# 摘要\n# 详细", "# 摘要\n# 详细\n[^1]: x", "# 摘要\n\n# 详细\n\n[^1]: x\n\n    a",
     "\ufeff# 摘要", "# 摘要\n| Ref | Title | Summary |", "# 摘要\r\n# 详细\r\n", "  # 摘要  \n\n\n"],
)
def test_tiny_files_point_inside_themselves(text):
    # "# 摘要" alone once gave a finding on line 2 of a 1-line file.
    parse_bytes(text.encode("utf-8"))
