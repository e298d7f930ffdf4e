"""``refs import``: a post-edited digest becomes references with provenance."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evalkit.errors import InputError
from evalkit.parse import parse_digest, read_source
from evalkit.references import ReferenceFileError, load_references
from evalkit.references.importer import import_digest, references_from_digest
from tests.digest_builder import build_digest, fixture_path, make_entry


def test_every_entry_becomes_a_reference(tmp_path):
    refs, notes = references_from_digest(fixture_path("v1_s1.md"), who="Li", when="2026-11-20")
    entries = parse_digest(read_source(fixture_path("v1_s1.md"))).issue.entries
    assert notes == []
    assert [(r.arxiv_id, r.abstract, r.title) for r in refs] == [(e.arxiv_id, e.abstract_zh, e.title_zh) for e in entries]
    assert {(r.provenance.who, r.provenance.when, r.provenance.how, r.provenance.source) for r in refs} == {
        ("Li", "2026-11-20", "post-edit", fixture_path("v1_s1.md"))
    }


def test_import_writes_one_file_per_source_and_replaces_it_on_reimport(tmp_path):
    edited = tmp_path / "edited.md"
    shutil.copy(fixture_path("v1_s2.md"), edited)
    out = tmp_path / "refs"
    out.mkdir()
    result = import_digest(str(edited), str(out), who="Li", when="2026-11-20")
    assert Path(result.target) == out / "edited.jsonl" and not result.replaced and len(result.references) == 3
    edited.write_text(edited.read_text(encoding="utf-8").replace("大型语言模型经常", "大语言模型常常"), encoding="utf-8")
    again = import_digest(str(edited), str(out), who="Li", when="2026-11-21")
    assert again.replaced
    loaded = load_references(str(out))
    assert len(loaded) == 3 and loaded.for_id("2402.01876")[0].abstract.startswith("大语言模型常常")


def test_a_file_of_that_name_from_another_source_is_refused(tmp_path):
    out = tmp_path / "refs"
    out.mkdir()
    first, second = tmp_path / "a" / "edited.md", tmp_path / "b" / "edited.md"
    for path, name in ((first, "v1_s1.md"), (second, "v1_s2.md")):
        path.parent.mkdir()
        shutil.copy(fixture_path(name), path)
    import_digest(str(first), str(out), who="Li")
    with pytest.raises(ReferenceFileError, match="choose another file name with --name"):
        import_digest(str(second), str(out), who="Li")
    result = import_digest(str(second), str(out), who="Li", name="edited-b")
    assert Path(result.target).name == "edited-b.jsonl"


def test_skips_entries_without_text_and_references_that_exist_already(tmp_path):
    text = build_digest([make_entry(1), make_entry(2, abstract_zh=""), make_entry(3)])
    digest = tmp_path / "d.md"
    digest.write_text(text, encoding="utf-8")
    out = tmp_path / "refs"
    out.mkdir()
    first = import_digest(str(digest), str(out), who="Li", name="first")
    assert len(first.references) == 2 and any("empty Chinese abstract" in n for n in first.skipped)
    # the same abstracts under another name add nothing: every one is skipped, so nothing is written
    with pytest.raises(ReferenceFileError, match="no entry could be imported.*already a reference"):
        import_digest(str(digest), str(out), who="Li", name="second")
    assert not (out / "second.jsonl").exists()
    refs, notes = references_from_digest(str(digest), who="Li")
    assert len(refs) == 2 and any("empty Chinese abstract" in n for n in notes)


def test_a_file_that_is_no_digest_is_an_input_error(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# Notes\n\nnothing here\n", encoding="utf-8")
    with pytest.raises(InputError):
        import_digest(str(path), str(tmp_path), who="Li")
