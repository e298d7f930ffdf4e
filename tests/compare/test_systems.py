"""Reading systems: what kind an input is, and the names systems get without --name."""

from __future__ import annotations

import pytest

from evalkit.compare.systems import default_names, input_kind
from evalkit.errors import InputError


def test_names_are_the_file_stems_when_they_differ() -> None:
    assert default_names([["runs/baseline.md"], ["runs/new-prompt.json"]]) == ["baseline", "new-prompt"]


def test_the_same_file_name_is_told_apart_by_its_directory() -> None:
    assert default_names([["old/cs.CL.md"], ["new/cs.CL.md"]]) == ["old", "new"]
    assert default_names([["old/"], ["new"]]) == ["old", "new"]


def test_otherwise_systems_are_lettered() -> None:
    assert default_names([["x/cs.CL.md"], ["x/cs.CL.md"], ["x/cs.CL.md"]]) == ["A", "B", "C"]


def test_reports_and_digests_do_not_mix_in_one_system(tmp_path) -> None:
    report = tmp_path / "r.json"
    report.write_text("{}", encoding="utf-8")
    assert input_kind([str(report)], triples=False) == "report"
    assert input_kind([str(tmp_path / "d.md")], triples=False) == "digests"
    assert input_kind([str(report)], triples=True) == "triples"
    with pytest.raises(InputError, match="not both"):
        input_kind([str(report), str(tmp_path / "d.md")], triples=False)
