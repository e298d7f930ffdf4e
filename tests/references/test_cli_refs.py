"""``evalkit refs import|list|check`` and references in ``evalkit score``, through typer's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evalkit.cli import app
from tests.digest_builder import fixture_path

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = next((ROOT / "examples").glob("*.md"))


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """An empty working directory (no references/ yet) holding a post-edited digest."""
    shutil.copy(fixture_path("v1_s3.md"), tmp_path / "edited.md")
    shutil.copy(EXAMPLE, tmp_path / "example.md")
    (tmp_path / ".git").mkdir()  # stops configuration discovery here
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("args", [["refs", "--help"], ["refs", "import", "--help"], ["refs", "list", "--help"], ["refs", "check", "--help"]])
def test_every_refs_command_has_help(args):
    result = invoke(*args)
    assert result.exit_code == 0 and "Usage:" in result.stdout


def test_import_list_check(work):
    result = invoke("refs", "import", "edited.md", "--who", "Li Hua", "--when", "2026-11-20")
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote references/edited.jsonl: 3 reference(s) from edited.md\n"
    record = json.loads((work / "references" / "edited.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert record["provenance"] == {"who": "Li Hua", "when": "2026-11-20", "how": "post-edit", "source": "edited.md"}

    listed = invoke("refs", "list")
    assert listed.exit_code == 0
    lines = listed.stdout.splitlines()
    assert lines[0].split()[:2] == ["2402.00987", "edited.jsonl:3"] and "Li Hua; post-edit; 2026-11-20" in lines[0]
    assert lines[-1] == "3 reference(s) for 3 arXiv id(s) in 1 file(s) under references"

    checked = invoke("refs", "check", "edited.md", "example.md")
    assert checked.exit_code == 0
    assert "edited.md: 3 of 3 entries have a reference" in checked.stdout
    assert "example.md: 0 of 4 entries have a reference" in checked.stdout
    assert "no reference: [^1] 2608.14231" in checked.stdout
    assert checked.stdout.endswith("OK: 3 valid reference(s) for 3 arXiv id(s) in 1 file(s) under references\n")

    again = invoke("refs", "import", "edited.md", "--how", "post-edit by a domain expert")
    assert again.exit_code == 0 and again.stdout.startswith("replaced references/edited.jsonl")


def test_import_option_errors_exit_2(work):
    assert invoke("refs", "import", "edited.md", "--when", "last week").exit_code == 2
    missing = invoke("refs", "import", "nothing.md")
    assert missing.exit_code == 2 and "nothing.md" in missing.stderr


def test_malformed_reference_file_exits_2_with_file_and_line(work):
    (work / "references").mkdir()
    good = {"arxiv_id": "2403.05432", "abstract": "译文。", "provenance": {"who": "x", "when": "2026-11-20", "how": "y"}}
    (work / "references" / "bad.jsonl").write_text(
        json.dumps(good, ensure_ascii=False) + "\n" + '{"arxiv_id": "2402.01234", "abstract": \n', encoding="utf-8"
    )
    checked = invoke("refs", "check")
    assert checked.exit_code == 2
    assert checked.stderr.startswith(f"evalkit: {Path('references', 'bad.jsonl')}:2: invalid JSON")
    assert "1 problem(s); 1 valid reference(s)" in checked.stdout
    listed = invoke("refs", "list")
    assert listed.exit_code == 2 and f"{Path('references', 'bad.jsonl')}:2:" in listed.stderr
    scored = invoke("score", "edited.md", "--format", "json")
    assert scored.exit_code == 2
    assert scored.stderr.startswith(f"evalkit: error: {Path('references', 'bad.jsonl')}:2: invalid JSON")


def test_list_without_a_references_directory_exits_2(work):
    result = invoke("refs", "list")
    assert result.exit_code == 2 and "references directory references does not exist" in result.stderr


def test_score_uses_imported_references(work):
    assert invoke("refs", "import", "edited.md").exit_code == 0
    result = invoke("score", "edited.md", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["config"]["references"] == {"path": "references", "files": ["edited.jsonl"], "ids": 3, "references": 3}
    (issue,) = report["issues"]
    assert issue["summary"]["with_references"] == 3 and report["summary"]["with_references"] == 3
    # the post-edit is the translation itself: perfect scores, HTER 0
    scores = issue["summary"]["scores"]
    assert scores["bleu"]["value"] == pytest.approx(100) and scores["ter"]["value"] == 0
    assert scores["chrf"]["n"] == 3 and scores["chrf"]["signature"] == report["config"]["metrics"]["chrf"]["signature"]
    assert scores["chrf"]["signature"].startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:0|")
    for entry in issue["entries"]:
        assert entry["references"] == 1 and entry["scores"]["chrf"] == pytest.approx(100)
        assert all(p["scores"]["chrf"] == pytest.approx(100) for p in entry["pairs"] if p["zh"])
        assert all(p["scores"]["ter"] == pytest.approx(0) for p in entry["pairs"] if p["zh"])


def test_references_option_and_no_references(work):
    missing = invoke("score", "edited.md", "--references", "nowhere")
    assert missing.exit_code == 2 and "references directory nowhere does not exist" in missing.stderr
    shutil.copytree(ROOT / "references", work / "shipped", ignore=shutil.ignore_patterns("glossary.tsv"))
    report = json.loads(invoke("score", "example.md", "-f", "json", "--references", "shipped").stdout)
    assert report["summary"]["with_references"] == 4
    assert report["config"]["references"]["path"] == "shipped"
    off = json.loads(invoke("score", "example.md", "-f", "json", "--no-references").stdout)
    assert off["summary"]["with_references"] == 0 and off["config"]["references"] is None
    assert off["config"]["metrics"] == {} and off["issues"][0]["summary"]["scores"] == {}
    both = invoke("score", "example.md", "--references", "shipped", "--no-references")
    assert both.exit_code == 2


def test_configured_references_are_relative_to_the_configuration_file(work):
    report = json.loads(
        invoke("score", "example.md", "-f", "json", "--config", str(ROOT / "tests/fixtures/config/evalkit.toml")).stdout
    )
    assert report["config"]["references"]["path"] == str(ROOT / "tests/fixtures/config/references")
    assert report["summary"]["with_references"] == 1  # partial.jsonl holds one reference


def test_table_and_markdown_show_issue_scores(work):
    shutil.copytree(ROOT / "references", work / "references", ignore=shutil.ignore_patterns("glossary.tsv"))
    table = invoke("score", "example.md")
    assert table.exit_code == 0
    assert "issue scores" in table.stdout and "ter ↓" in table.stdout
    assert "4 entries scored against" in table.stdout  # rich wraps the verdict at 80 columns
    markdown = invoke("score", "example.md", "-f", "markdown").stdout
    assert "## Scores against reference translations" in markdown
    assert "4 of 4 entries have a reference" in markdown
    row = next(line for line in markdown.splitlines() if line.startswith("| example.md | 4/4 |"))
    assert row.count("[") == 4  # four metrics, each with its interval
    assert "- `bleu`: `nrefs:1|case:mixed|eff:no|tok:zh|" in markdown
