"""Matching entries of two systems by arXiv id, then ref; unmatched entries are listed."""

from __future__ import annotations

from evalkit.compare.match import match_units
from evalkit.compare.systems import System, Unit


def unit(arxiv_id: str | None, ref: int | None, text: str = "译文。") -> Unit:
    return Unit(arxiv_id=arxiv_id, ref=ref, issue="i", path="i.md", line=ref, channel="cs.CL", source="Text.", translation=text)


def system(name: str, *units: Unit) -> System:
    return System(name, (f"{name}.md",), "digests", tuple(units))


def test_entries_are_matched_by_id_whatever_their_order_and_refs() -> None:
    a = system("a", unit("2401.1", 1), unit("2401.2", 2), unit("2401.3", 3))
    b = system("b", unit("2401.3", 1), unit("2401.1", 2), unit("2401.2", 3))
    m = match_units(a, b)
    assert [(p.key, p.a.ref, p.b.ref) for p in m.pairs] == [("2401.1", 1, 2), ("2401.2", 2, 3), ("2401.3", 3, 1)]
    assert m.only_a == () and m.only_b == ()


def test_unmatched_entries_are_listed_on_their_side() -> None:
    a = system("a", unit("2401.1", 1), unit("2401.2", 2))
    b = system("b", unit("2401.2", 1), unit("2401.9", 2))
    m = match_units(a, b)
    assert [p.key for p in m.pairs] == ["2401.2"]
    assert [u.arxiv_id for u in m.only_a] == ["2401.1"]
    assert [u.arxiv_id for u in m.only_b] == ["2401.9"]


def test_a_repeated_id_is_matched_by_ref_first_then_in_order() -> None:
    a = system("a", unit("2401.1", 1, "甲"), unit("2401.1", 5, "乙"), unit("2401.1", 7, "丙"))
    b = system("b", unit("2401.1", 5, "乙2"), unit("2401.1", 2, "甲2"), unit("2401.1", 9, "丙2"))
    m = match_units(a, b)
    assert [(p.key, p.a.translation, p.b.translation) for p in m.pairs] == [
        ("2401.1#1", "甲", "甲2"),
        ("2401.1#5", "乙", "乙2"),
        ("2401.1#7", "丙", "丙2"),
    ]


def test_keys_stay_unique_when_id_and_ref_repeat() -> None:
    a = system("a", unit("2401.1", 1), unit("2401.1", 1))
    b = system("b", unit("2401.1", 1), unit("2401.1", 1))
    assert [p.key for p in match_units(a, b).pairs] == ["2401.1#1", "2401.1#1@2"]


def test_entries_without_an_id_are_matched_by_ref() -> None:
    a = system("a", unit(None, 3), unit(None, 4))
    b = system("b", unit(None, 4))
    m = match_units(a, b)
    assert [p.key for p in m.pairs] == ["ref 4"] and [u.ref for u in m.only_a] == [3]


def test_a_paper_in_two_issues_is_matched_within_the_issue_of_the_same_file_name() -> None:
    def at(path: str, ref: int, text: str) -> Unit:
        return Unit(arxiv_id="2401.1", ref=ref, issue=path, path=path, line=1, channel="", source="T.", translation=text)

    a = system("a", at("old/0101_cs.CL.md", 3, "一月"), at("old/0102_cs.CL.md", 3, "二月"))
    b = system("b", at("new/0102_cs.CL.md", 3, "二月新"), at("new/0101_cs.CL.md", 3, "一月新"))
    assert [(p.a.translation, p.b.translation) for p in match_units(a, b).pairs] == [("一月", "一月新"), ("二月", "二月新")]
