"""``evalkit glossary import`` through typer's CliRunner: output, refusal to overwrite, errors, and the
imported glossary driving ``evalkit score``'s terminology check.

Every glossary, English and Chinese sentence here is invented for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evalkit.cli import app
from evalkit.glossary import parse_glossary
from tests.digest_builder import build_digest, make_entry

runner = CliRunner()

CSV = 'English,Chinese,Avoid\n"sparse probe","稀疏探针;稀疏探测器",稀少探头\ngated residual,门控残差,\n'


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """An empty working directory (no references/, no configuration above it)."""
    (tmp_path / ".git").mkdir()  # stops configuration discovery here
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def test_writes_an_evalkit_glossary(work):
    (work / "mine.csv").write_text(CSV, encoding="utf-8")
    result = invoke("glossary", "import", "mine.csv", "-o", "out/glossary.tsv")
    assert result.exit_code == 0, result.output
    assert "2 term(s)" in result.stdout
    terms = parse_glossary((work / "out/glossary.tsv").read_text(encoding="utf-8"), "out.tsv")
    assert [(t.english, t.accepted, t.forbidden) for t in terms] == [
        ("sparse probe", ("稀疏探针", "稀疏探测器"), ("稀少探头",)),
        ("gated residual", ("门控残差",), ()),
    ]


def test_dash_writes_to_stdout_and_the_summary_to_stderr(work):
    (work / "mine.csv").write_text(CSV, encoding="utf-8")
    result = invoke("glossary", "import", "mine.csv", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Glossary imported from mine.csv")
    assert "sparse probe\t稀疏探针|稀疏探测器\t稀少探头\n" in result.stdout and "term(s)" not in result.stdout
    assert "2 term(s)" in result.stderr
    assert not list(work.glob("*.tsv"))


def test_refuses_to_overwrite_unless_force(work):
    (work / "mine.csv").write_text(CSV, encoding="utf-8")
    (work / "out.tsv").write_text("# keep me\n", encoding="utf-8")
    result = invoke("glossary", "import", "mine.csv", "-o", "out.tsv")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "evalkit: error: --output out.tsv: the file exists; pass --force to replace it or --merge to add to it"
    ]
    assert (work / "out.tsv").read_text(encoding="utf-8") == "# keep me\n"
    result = invoke("glossary", "import", "mine.csv", "-o", "out.tsv", "--force")
    assert result.exit_code == 0 and "sparse probe\t" in (work / "out.tsv").read_text(encoding="utf-8")
    assert invoke("glossary", "import", "mine.csv", "-o", "out.tsv", "--force", "--merge").exit_code == 2


def test_merge_adds_to_an_existing_glossary(work):
    (work / "mine.csv").write_text(CSV, encoding="utf-8")
    (work / "out.tsv").write_text("# ours\nsparse probe\t稀疏探针\n", encoding="utf-8")
    result = invoke("glossary", "import", "mine.csv", "-o", "out.tsv", "--merge")
    assert result.exit_code == 0 and "1 new term(s), 2 new rendering(s)" in result.stdout
    text = (work / "out.tsv").read_text(encoding="utf-8")
    assert text.startswith("# ours\nsparse probe\t稀疏探针|稀疏探测器\t稀少探头\n") and "gated residual\t门控残差" in text


def test_skipped_rows_are_warned_about_and_the_rest_imported(work):
    (work / "mine.csv").write_text("en,zh\nsparse probe,稀疏探针\ngated residual,\n", encoding="utf-8")
    result = invoke("glossary", "import", "mine.csv", "-o", "out.tsv")
    assert result.exit_code == 0
    assert "evalkit: warning: mine.csv:3: no Chinese rendering for 'gated residual'; row skipped" in result.stderr
    assert "sparse probe\t稀疏探针" in (work / "out.tsv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "content, expected",
    [
        ("en\tzh\nsparse probe\t稀疏探针\ngated residual\n".encode(), "mine.csv:3: 1 column(s), but the Chinese column is column 2"),
        ("en,zh\nsparse probe,稀疏探针\n".encode("gb18030"), "mine.csv:2: not valid UTF-8"),
        ("en,zh\n,\n".encode(), "mine.csv: no usable glossary rows"),
        (b"", "mine.csv: the file is empty"),
        (None, "mine.csv: no such file or directory"),
    ],
    ids=["too-few-columns", "not-utf8", "no-usable-row", "empty", "missing"],
)
def test_bad_input_is_one_located_error_line_and_nothing_written(work, content, expected):
    if content is not None:
        (work / "mine.csv").write_bytes(content)
    result = invoke("glossary", "import", "mine.csv", "-o", "out.tsv")
    assert result.exit_code == 2
    [line] = [line for line in result.stderr.splitlines() if line.startswith("evalkit: error:")]
    assert line.startswith(f"evalkit: error: {expected}"), result.stderr
    assert not (work / "out.tsv").exists()


def test_bad_options_exit_2(work):
    (work / "mine.csv").write_text(CSV, encoding="utf-8")
    assert "--delimiter 'pipe'" in invoke("glossary", "import", "mine.csv", "-o", "-", "--delimiter", "pipe").stderr
    result = invoke("glossary", "import", "mine.csv", "-o", "-", "--chinese-column", "Mandarin")
    assert result.exit_code == 2 and "--chinese-column 'Mandarin'" in result.stderr


def test_an_imported_term_drives_a_terminology_glossary_finding(work):
    """The imported file, as the working directory's references/glossary.tsv, is the glossary `score` checks."""
    en = "We train a sparse probe on the hidden states of a small model."
    zh = "我们在一个小模型的隐藏状态上训练了一个稀少探头。"
    (work / "digest.md").write_text(build_digest([make_entry(1, abstract_en=en, abstract_zh=zh)]), encoding="utf-8")

    def glossary_findings() -> list[dict]:
        result = invoke("score", "digest.md", "--format", "json", "--output", "-", "--no-comet")
        assert result.exit_code in (0, 1), result.output
        findings = json.loads(result.stdout)["issues"][0]["entries"][0]["findings"]
        return [f for f in findings if f["code"] == "terminology.glossary"]

    assert not glossary_findings()  # the starter glossary does not know the term
    (work / "mine.tsv").write_text("term\ttranslation\nSparse Probe\t稀疏探针\n", encoding="utf-8")
    assert invoke("glossary", "import", "mine.tsv", "-o", "references/glossary.tsv").exit_code == 0
    [finding] = glossary_findings()
    assert "sparse probe" in finding["message"] and "稀疏探针" in finding["message"]
