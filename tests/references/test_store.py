"""Reference files: format, validation with file and line, several references per id, where the directory is."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from evalkit.errors import ConfigError
from evalkit.parse import parse_digest, read_source
from evalkit.references import (
    Provenance,
    Reference,
    ReferenceFileError,
    load_references,
    resolve_references_dir,
    save_references,
    scan_references,
)
from evalkit.references.store import dumps_references, parse_reference_line
from tests.digest_builder import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
PROV = {"who": "tester", "when": "2026-11-21", "how": "human translation", "source": "d.md"}


def line(arxiv_id: str = "2401.00001", abstract: str = "我们提出一种方法。", **extra) -> str:
    record = {"arxiv_id": arxiv_id, "abstract": abstract, "provenance": PROV, **extra}
    return json.dumps(record, ensure_ascii=False)


def write(directory: Path, name: str, *lines: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    return path


def test_save_and_load_round_trip(tmp_path):
    refs = [
        Reference("2401.00001", "我们提出一种方法。", Provenance("a", "2026-11-21", "post-edit", "x.md"), "一种方法"),
        Reference("hep-th/9901001", "旧式编号也可以。", Provenance("b", "2026-11-20", "human translation")),
    ]
    save_references(str(tmp_path / "r.jsonl"), refs)
    text = (tmp_path / "r.jsonl").read_text(encoding="utf-8")
    assert "我们提出" in text and "\\u" not in text  # Chinese is written as is
    first = json.loads(text.splitlines()[0])
    assert list(first) == ["arxiv_id", "title", "abstract", "provenance"]
    assert first["provenance"] == {"who": "a", "when": "2026-11-21", "how": "post-edit", "source": "x.md"}
    loaded = load_references(str(tmp_path))
    assert [(r.arxiv_id, r.abstract, r.title, r.provenance, r.line) for r in loaded.references] == [
        (r.arxiv_id, r.abstract, r.title, r.provenance, k) for k, r in enumerate(refs, start=1)
    ]
    assert dumps_references(loaded.references) == text


def test_several_references_per_id_come_from_several_files(tmp_path):
    write(tmp_path, "a.jsonl", line(abstract="第一种译法。"), line("2401.00002", "另一篇。"))
    write(tmp_path, "b.jsonl", line(abstract="第二种译法。"))
    (tmp_path / "README.md").write_text("not a reference file", encoding="utf-8")
    (tmp_path / "glossary.tsv").write_text("x\ty\n", encoding="utf-8")
    refs = load_references(str(tmp_path))
    assert [r.abstract for r in refs.for_id("2401.00001")] == ["第一种译法。", "第二种译法。"]
    assert refs.ids == ["2401.00001", "2401.00002"]
    assert refs.for_id(None) == () and refs.for_id("2401.99999") == ()
    info = refs.info()
    assert (info.files, info.ids, info.references) == (("a.jsonl", "b.jsonl"), 2, 3)


@pytest.mark.parametrize(
    "text,message",
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ("", "empty line"),
        (line(arxiv_id="2401.00001v2"), "carries a version; write '2401.00001'"),
        (line(arxiv_id="arXiv:2401.00001"), "is not an arXiv identifier"),
        (line(abstract="  "), "empty 'abstract'"),
        (line(abstract=3), "'abstract' must be a string"),
        (json.dumps({"arxiv_id": "2401.00001", "provenance": PROV}), "missing key 'abstract'"),
        (json.dumps({"arxiv_id": "2401.00001", "abstract": "译文。"}), "missing key 'provenance'"),
        (line(abstrct="x"), "unknown key 'abstrct'; did you mean 'abstract'?"),
        (line(title=""), "'title' must be a non-empty string"),
        (json.dumps({"arxiv_id": "2401.00001", "abstract": "译文。", "provenance": {**PROV, "when": "yesterday"}}),
         "'provenance.when' must be an ISO date"),
        (json.dumps({"arxiv_id": "2401.00001", "abstract": "译文。", "provenance": {"who": "x", "how": "y"}}),
         "missing key 'provenance.when'"),
        (json.dumps({"arxiv_id": "2401.00001", "abstract": "译文。", "provenance": {**PROV, "whom": "x"}}),
         "unknown provenance key 'whom'"),
    ],
)
def test_malformed_lines_name_the_file_and_line(tmp_path, text, message):
    write(tmp_path, "refs.jsonl", line("2401.00009"), text, line("2401.00008"))
    scan = scan_references(str(tmp_path))
    (problem,) = scan.problems
    assert (problem.path, problem.line) == (str(tmp_path / "refs.jsonl"), 2)
    assert message in problem.message, problem.message
    assert str(problem).startswith(f"{tmp_path / 'refs.jsonl'}:2: ")
    assert len(scan.references) == 2  # the valid lines are still read
    with pytest.raises(ReferenceFileError) as info:
        load_references(str(tmp_path))
    assert (info.value.path, info.value.line) == (str(tmp_path / "refs.jsonl"), 2)
    assert message in str(info.value)


def test_duplicate_id_in_one_file_and_same_text_in_two_files(tmp_path):
    write(tmp_path, "a.jsonl", line(), line(abstract="另一种。"))
    write(tmp_path, "b.jsonl", line(abstract="我们 提出一种方法。"))  # the same text but for a space
    problems = scan_references(str(tmp_path)).problems
    assert [(Path(p.path).name, p.line) for p in problems] == [("a.jsonl", 2), ("b.jsonl", 1)]
    assert "duplicate arxiv_id 2401.00001 (first at line 1)" in problems[0].message
    assert "same abstract at" in problems[1].message and "a.jsonl:1" in problems[1].message
    with pytest.raises(ReferenceFileError, match=r"and 1 more problem"):
        load_references(str(tmp_path))


def test_a_blank_last_line_is_fine_but_a_blank_line_inside_is_not(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(line() + "\n", encoding="utf-8")
    assert len(load_references(str(tmp_path))) == 1
    path.write_text(line() + "\n\n" + line("2401.00002") + "\n", encoding="utf-8")
    (problem,) = scan_references(str(tmp_path)).problems
    assert problem.line == 2 and "empty line" in problem.message


def test_not_utf8(tmp_path):
    (tmp_path / "r.jsonl").write_bytes((line() + "\n").encode() + "测试\n".encode("gbk"))
    (problem,) = scan_references(str(tmp_path)).problems
    assert problem.line == 2 and problem.message == "not UTF-8 text"


def test_parse_reference_line_accepts_a_minimal_record():
    ref = parse_reference_line(line(), "x.jsonl", 7)
    assert ref.title is None and ref.where == "x.jsonl:7"


def test_missing_directory_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        scan_references(str(tmp_path / "nope"))


# --- where the directory is ----------------------------------------------------------------------------


def test_resolution_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_references_dir(None) == (None, False)
    (tmp_path / "references").mkdir()
    assert resolve_references_dir(None) == ("references", False)
    (tmp_path / "cfg" / "references").mkdir(parents=True)
    # next to the configuration file wins over the working directory
    assert resolve_references_dir(None, source="cfg/evalkit.toml") == (os.path.join("cfg", "references"), False)
    # an explicit value is relative to the configuration file, or to the working directory for --references
    assert resolve_references_dir("refs/", source="cfg/evalkit.toml") == (os.path.join("cfg", "refs"), True)
    assert resolve_references_dir("refs/", source="cfg/evalkit.toml", base="cwd") == ("refs", True)
    assert resolve_references_dir("/abs/refs", source="cfg/evalkit.toml") == ("/abs/refs", True)


# --- the shipped starter set ---------------------------------------------------------------------------


def test_starter_references_are_valid_and_cover_the_example_and_fixture_digests():
    scan = scan_references(str(ROOT / "references"))
    assert scan.problems == ()
    refs = scan.references
    digests = sorted((ROOT / "examples").glob("*.md")) + sorted(FIXTURES.glob("*.md"))
    covered = 0
    for path in digests:
        for entry in parse_digest(read_source(str(path))).issue.entries:
            (ref,) = refs.for_id(entry.arxiv_id)
            assert ref.title and ref.abstract.strip()
            assert ref.provenance.who == "evalkit maintainers"
            assert ref.provenance.how.startswith("translation from the English by the developers")
            assert ref.provenance.source == str(path.relative_to(ROOT))
            assert ref.abstract != entry.abstract_zh  # translated afresh, not a copy of the machine translation
            covered += 1
    assert covered >= 4 + 6
    assert "not by a human translator" in (ROOT / "references" / "README.md").read_text(encoding="utf-8")
