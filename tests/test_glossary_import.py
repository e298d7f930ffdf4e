"""evalkit.glossary_import: a user's own glossary (TSV, CSV, semicolons) read into evalkit's glossary format.

Every glossary here is invented for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evalkit.errors import ConfigError, InputError
from evalkit.glossary import parse_glossary
from evalkit.glossary_import import merge_into, read_user_glossary, to_glossary_tsv


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return str(path)


def table(glossary) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """English -> (accepted, forbidden), as evalkit reads the written file back."""
    terms = parse_glossary(to_glossary_tsv(glossary), "out.tsv")
    return {t.english: (t.accepted, t.forbidden) for t in terms}


def test_tsv_with_a_header_in_another_column_order(tmp_path):
    path = write(
        tmp_path,
        "mine.tsv",
        "译文\tNotes\tEnglish\tDo not use\n"
        "稀疏探针\tprobing\tsparse probe\t稀少探头\n"
        "门控残差\t\tgated residual\t\n",
    )
    glossary = read_user_glossary(path)
    assert glossary.header and glossary.delimiter == "\t"
    assert table(glossary) == {"sparse probe": (("稀疏探针",), ("稀少探头",)), "gated residual": (("门控残差",), ())}


@pytest.mark.parametrize("header", ["en,zh", "EN-US,zh_CN", "Source Term,Translation", "english,中文", "term,target"])
def test_common_header_spellings_are_recognised(tmp_path, header):
    path = write(tmp_path, "g.csv", f"{header}\nsparse probe,稀疏探针\n")
    glossary = read_user_glossary(path)
    assert glossary.header and table(glossary) == {"sparse probe": (("稀疏探针",), ())}


def test_csv_with_quoted_cells_holding_commas_and_a_line_break(tmp_path):
    path = write(
        tmp_path,
        "g.csv",
        'source,target,avoid\n'
        '"probe, sparse","稀疏探针, 稀疏式",稀少探头\n'
        '"gated\nresidual","门控残差;门控式残差",\n'
        'token budget,"词元预算","令牌预算|代币预算"\n',
    )
    glossary = read_user_glossary(path)
    assert glossary.delimiter == ","
    assert table(glossary) == {
        "probe, sparse": (("稀疏探针, 稀疏式",), ("稀少探头",)),
        "gated residual": (("门控残差", "门控式残差"), ()),
        "token budget": (("词元预算",), ("令牌预算", "代币预算")),
    }
    assert [t.lines for t in glossary.terms] == [(2,), (3,), (5,)]  # a quoted line break: the row's first line


def test_without_a_header_column_one_is_english_and_column_two_chinese(tmp_path):
    # the third column is a note, not forbidden renderings, unless --forbidden-column says so
    path = write(tmp_path, "g.tsv", "sparse probe\t稀疏探针、稀疏探测器\tnoun\ngated residual\t门控残差\tnoun\n")
    glossary = read_user_glossary(path)
    assert not glossary.header
    assert table(glossary) == {"sparse probe": (("稀疏探针", "稀疏探测器"), ()), "gated residual": (("门控残差",), ())}
    named = read_user_glossary(path, english_column="2", chinese_column="1", forbidden_column="3")
    assert table(named)["稀疏探针、稀疏探测器"] == (("sparse probe",), ("noun",))


def test_columns_chosen_by_header_name(tmp_path):
    path = write(tmp_path, "g.csv", "Begriff,Übersetzung,Falsch\nsparse probe,稀疏探针,稀少探头\n")
    glossary = read_user_glossary(path, english_column="begriff", chinese_column="ÜBERSETZUNG", forbidden_column="Falsch")
    assert table(glossary) == {"sparse probe": (("稀疏探针",), ("稀少探头",))}
    with pytest.raises(ConfigError, match=r"--chinese-column 'Chinesisch': .*g\.csv has no such column"):
        read_user_glossary(path, english_column="Begriff", chinese_column="Chinesisch")


def test_semicolon_separated_with_fullwidth_separators_in_cells(tmp_path):
    path = write(tmp_path, "g.csv", "English;Chinese\nsparse probe;稀疏探针／稀疏探测器\ngated residual;\"门控残差；门控式残差\"\n")
    glossary = read_user_glossary(path, separators="；／")
    assert glossary.delimiter == ";"
    assert table(glossary) == {
        "sparse probe": (("稀疏探针", "稀疏探测器"), ()),
        "gated residual": (("门控残差", "门控式残差"), ()),
    }


def test_bom_and_crlf(tmp_path):
    content = "\ufeffEnglish\tChinese\r\nsparse probe\t稀疏探针\r\ngated residual\t门控残差\r\n"
    glossary = read_user_glossary(write(tmp_path, "g.tsv", content.encode("utf-8")))
    assert glossary.header  # the BOM is not part of the first header name
    assert table(glossary) == {"sparse probe": (("稀疏探针",), ()), "gated residual": (("门控残差",), ())}


def test_rows_of_one_term_are_merged_case_space_and_hyphen_insensitively(tmp_path):
    path = write(
        tmp_path,
        "g.tsv",
        "# my team's terms\n"
        "en\tzh\tforbidden\n"
        "Sparse probe\t稀疏探针\t稀少探头\n"
        "\n"
        "sparse   PROBE\t稀疏探测器|稀疏探针\t\n"
        "sparse-probe\t稀疏探针\t稀疏探头\n",
    )
    glossary = read_user_glossary(path)
    [term] = glossary.terms
    assert (term.english, term.accepted, term.forbidden, term.lines) == (
        "Sparse probe", ("稀疏探针", "稀疏探测器"), ("稀少探头", "稀疏探头"), (3, 5, 6)
    )


def test_a_rendering_both_accepted_and_forbidden_stays_accepted_with_a_warning(tmp_path):
    path = write(tmp_path, "g.tsv", "en\tzh\tavoid\nsparse probe\t稀疏探针\t稀少探头\nsparse probe\t稀少探头\t\n")
    glossary = read_user_glossary(path)
    assert table(glossary) == {"sparse probe": (("稀疏探针", "稀少探头"), ())}
    assert [(s.line, "稀少探头" in s.message) for s in glossary.skipped] == [(2, True)]


def test_empty_cells_skip_the_row_with_a_located_warning(tmp_path):
    path = write(tmp_path, "g.csv", "en,zh\n,稀疏探针\ngated residual,\nsparse probe,稀疏探针\ntoken budget, ; \n")
    glossary = read_user_glossary(path)
    assert table(glossary) == {"sparse probe": (("稀疏探针",), ())}
    assert [(s.path, s.line) for s in glossary.skipped] == [(path, 2), (path, 3), (path, 5)]
    assert "English" in glossary.skipped[0].message and "gated residual" in glossary.skipped[1].message


@pytest.mark.parametrize(
    "content, line, words",
    [
        ("en\tzh\nsparse probe\t稀疏探针\ngated residual\n", 3, "1 column"),
        ("en\tzh\n,\n\t\n# only comments\n".replace(",", "\t "), None, "no usable"),
        ("# nothing but a comment\n\n", None, "no glossary rows"),
        ("", None, "empty"),
    ],
    ids=["too-few-columns", "no-usable-row", "only-comments", "empty-file"],
)
def test_bad_files_raise_a_located_input_error(tmp_path, content, line, words):
    path = write(tmp_path, "g.tsv", content)
    with pytest.raises(InputError) as caught:
        read_user_glossary(path)
    assert caught.value.path == path and caught.value.line == line and words in caught.value.message
    assert str(caught.value).startswith(f"{path}:{line}:" if line else f"{path}:")


def test_not_utf8_names_the_line_and_the_encoding(tmp_path):
    path = write(tmp_path, "g.csv", "en,zh\nsparse probe,稀疏探针\ngated residual,门控残差\n".encode("gb18030"))
    with pytest.raises(InputError) as caught:
        read_user_glossary(path)
    assert caught.value.line == 2 and "UTF-8" in caught.value.message and "GB" in caught.value.message


def test_unreadable_file(tmp_path):
    with pytest.raises(InputError, match=r"missing\.tsv: no such file"):
        read_user_glossary(str(tmp_path / "missing.tsv"))


def test_merge_keeps_the_existing_lines_and_adds_what_is_new(tmp_path):
    existing = write(
        tmp_path,
        "glossary.tsv",
        "# our glossary\nsparse probe\t稀疏探针\t稀少探头\n# models\nlanguage model\t语言模型\n",
    )
    mine = read_user_glossary(
        write(tmp_path, "g.csv", "en,zh,avoid\nSparse Probe,稀疏探测器;稀少探头,稀疏探头\ngated residual,门控残差,\n")
    )
    result = merge_into(existing, mine)
    assert result.text.splitlines() == [
        "# our glossary",
        "sparse probe\t稀疏探针|稀疏探测器\t稀少探头|稀疏探头",
        "# models",
        "language model\t语言模型",
        "# Imported from g.csv by `evalkit glossary import`.",
        "gated residual\t门控残差",
    ]
    assert (result.new_terms, result.new_renderings) == (1, 2)
    [refused] = result.skipped  # the existing file forbids 稀少探头: the maintainer decides, not the import
    assert refused.line == 2 and "稀少探头" in refused.message
