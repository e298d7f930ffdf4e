"""The evalkit.compare/1 report of two versions of a fixture digest with known injected defects."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evalkit.compare.report import SCHEMA, CompareSettings, build_compare_report, dumps_compare
from evalkit.compare.significance import TestSettings
from evalkit.compare.systems import load_system, units_of_report
from evalkit.config import Config
from tests.compare.conftest import LEAKED, MAGNITUDE, arxiv_id

FAST = CompareSettings(TestSettings(bs_samples=500, ar_trials=2000))


@pytest.fixture(scope="module")
def report(versions) -> dict:
    return build_compare_report([versions.a, versions.b], FAST)


def test_exactly_the_injected_entries_change_with_the_injected_codes(versions, report) -> None:
    pair = report["comparisons"][0]
    assert pair["matched"] == len(versions.entries)
    assert pair["unmatched"] == {"baseline": [], "system": []}
    changed = {
        e["arxiv_id"]: sorted(e["findings"][1][i]["code"] for i in e["appeared"])
        for e in pair["entries"]
        if e["appeared"] or e["disappeared"]
    }
    leaked = {arxiv_id(versions.entries[k]) for k in LEAKED}
    magnitude = {arxiv_id(versions.entries[k]) for k in MAGNITUDE}
    assert set(changed) == leaked | magnitude
    assert all("leak.metadata" in changed[i] for i in leaked)
    assert all(changed[i] == ["numbers.magnitude"] for i in magnitude)
    assert not any(e["disappeared"] for e in pair["entries"])
    assert set(pair["most_changed"]) == leaked | magnitude
    assert pair["findings"]["by_code"]["leak.metadata"]["appeared"] == len(LEAKED)


def test_the_injected_difference_is_significant(report) -> None:
    measures = {m["name"]: m for m in report["comparisons"][0]["measures"]}
    failing = measures["failing"]
    assert failing["baseline"] == 0.0 and failing["system"] == pytest.approx(100 * 6 / 30)
    assert failing["significant"] and failing["better"] == "baseline"
    assert failing["p_bs"] < 0.05 and failing["p_ar"] < 0.05
    assert measures["category:leak"]["system"] == pytest.approx(100 * 4 / 30)
    assert failing["signature"] == "seed:12345|bs:500|ar:2000"


def test_an_identical_pair_is_never_significant(versions) -> None:
    for seed in range(1, 21):
        settings = CompareSettings(TestSettings(seed=seed, bs_samples=200, ar_trials=400))
        pair = build_compare_report([versions.a, replace(versions.a, name="again")], settings)["comparisons"][0]
        assert all(not m["significant"] and m["better"] == "same" for m in pair["measures"])
        assert pair["findings"]["appeared"] == pair["findings"]["disappeared"] == 0
        assert pair["most_changed"] == []


def test_the_report_is_deterministic(versions, report) -> None:
    again = build_compare_report([versions.a, versions.b], FAST)
    assert dumps_compare(again) == dumps_compare(report)
    assert report["schema"] == SCHEMA and report["settings"]["baseline"] == "original"
    assert [s["name"] for s in report["systems"]] == ["original", "injected"]


def test_three_systems_compare_every_pair(versions) -> None:
    third = replace(versions.b, name="third")
    report = build_compare_report([versions.a, versions.b, third], CompareSettings(TestSettings(bs_samples=100, ar_trials=200)))
    assert [(c["baseline"], c["system"]) for c in report["comparisons"]] == [
        ("original", "injected"), ("original", "third"), ("injected", "third"),
    ]


def test_references_give_sacrebleu_measures_over_the_entries_that_have_them(versions) -> None:
    class Refs:
        def for_id(self, arxiv_id):
            from evalkit.references.store import Provenance, Reference

            if arxiv_id.endswith(("1", "2", "3", "4", "5", "6")):
                return (Reference(arxiv_id, "低资源语言的机器翻译长期受限于平行语料的不足。", Provenance("test", "2026-01-01", "human translation")),)
            return ()

    a = replace(versions.a, units=tuple(units_of_report(versions.a.report, Refs())))
    b = replace(versions.b, units=tuple(units_of_report(versions.b.report, Refs())))
    pair = build_compare_report([a, b], CompareSettings(TestSettings(bs_samples=100, ar_trials=200), metrics=("bleu", "chrf")))["comparisons"][0]
    measures = {m["name"]: m for m in pair["measures"]}
    with_refs = sum(1 for u in a.units if u.references)
    assert 0 < with_refs < len(a.units)
    assert measures["bleu"]["segments"] == measures["chrf"]["segments"] == with_refs
    assert measures["chrf"]["signature"].startswith("nrefs:1|") and measures["chrf"]["signature"].endswith("|seed:12345|bs:100|ar:200")
    assert pair["primary"] == "bleu"
    assert set(pair["win_tie_loss"]) == {"checks", "bleu", "chrf"}


def test_a_saved_report_is_a_system(versions, tmp_path) -> None:
    from evalkit.report.canonical import dumps_report

    saved = tmp_path / "original.json"
    saved.write_text(dumps_report(versions.a.report), encoding="utf-8")
    loaded = load_system("saved", [str(saved)], Config(use_references=False))
    assert loaded.kind == "report" and loaded.units == versions.a.units
