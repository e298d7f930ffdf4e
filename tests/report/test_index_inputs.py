"""What the index reads besides score reports (gate reports, gate histories), and the paths it shows."""

from __future__ import annotations

import datetime
import json
import sqlite3
from pathlib import Path

import pytest

from evalkit.config import Config
from evalkit.errors import InputError
from evalkit.gate.report import dumps_gate_report
from evalkit.gate.run import GateOptions, run_gate
from evalkit.report.index import collect_issues, find_reports, index_context, write_site
from evalkit.report.index_inputs import PathDisplay, read_inputs
from evalkit.report.trends import aggregate, headline_measures
from tests.gate.util import dated_name, good_entries, with_defect, write_digest
from tests.report.test_html import collect, run_report

TODAY = datetime.date(2026, 2, 1)


@pytest.fixture(scope="module")
def gated(tmp_path_factory) -> dict[str, Path]:
    """Two sources of dated digests, gated by the real gate code: its report and its recorded history."""
    root = tmp_path_factory.mktemp("archive")
    digests = [
        write_digest(root / "raw" / "alpha", dated_name(5), [with_defect(e, "empty") if k < 2 else e for k, e in enumerate(good_entries(5))]),
        write_digest(root / "raw" / "alpha", dated_name(12, "cs.CV"), good_entries(3)),
        write_digest(root / "raw" / "beta", dated_name(19), [with_defect(e, "untranslated") for e in good_entries(4)]),
    ]
    history = root / "reports" / "history.sqlite"
    run = run_gate([str(p) for p in digests], Config(), GateOptions(history=str(history), record=True, today=TODAY))
    report = root / "reports" / "gate.json"
    report.write_text(dumps_gate_report(run.report), encoding="utf-8")
    score = root / "reports" / "score.json"
    score.write_text(json.dumps(run_report([str(digests[0])], use_references=False)), encoding="utf-8")
    return {"root": root, "history": history, "gate": report, "score": score, "digests": digests, "run": run}  # type: ignore[dict-item]


def failing_by_issue(context: dict) -> dict[str, tuple[int, int]]:
    return {r.id: (r.fail, r.entries) for r in context["rows"]}


def test_a_gate_report_gives_rows_without_pages_and_the_failing_share(gated):
    found = read_inputs([str(gated["gate"])])
    assert [x.kind for x in found.loaded] == ["gate"] and not found.problems
    sources, _ = collect_issues([(x.path, x.data) for x in found.loaded])
    context = index_context(sources)
    assert failing_by_issue(context) == {Path(p).stem: counts for p, counts in zip(gated["digests"], [(2, 5), (0, 3), (4, 4)])}
    assert all(r.page is None and r.kind == "gate" for r in context["rows"])
    assert {r.source for r in context["rows"]} == {"alpha", "beta"}
    assert {c["id"] for c in context["charts"]} == {"failing"}  # no finding counts in a gate report
    data = json.loads(str(context["trend_data"]))
    month = data["sets"][data["sel"]["all"]]["month"]["s"]["failing"]
    assert [p[4:] for p in month] == [[6, 12, 3]]


def test_a_history_gives_findings_by_category_from_its_codes(gated):
    found = read_inputs([str(gated["history"])])
    assert [x.kind for x in found.loaded] == ["history"]
    sources, _ = collect_issues([(x.path, x.data) for x in found.loaded])
    context = index_context(sources)
    assert sorted(failing_by_issue(context).values()) == [(0, 3), (2, 5), (4, 4)]
    ids = {c["id"] for c in context["charts"]}
    assert {"failing", "findings", "cat:translation", "cat:untranslated"} <= ids and "invented" not in ids and "cut" not in ids
    beta = next(r for r in context["rows"] if r.source == "beta")
    assert beta.errors and beta.errors >= 4 and beta.status == "fail" and beta.page is None


def test_an_issue_in_several_inputs_counts_once_and_the_score_report_wins(gated, tmp_path):
    found = read_inputs([str(gated["history"]), str(gated["gate"]), str(gated["score"])])
    reports = [(x.path, x.data) for x in found.loaded]
    sources, notes = collect_issues(reports)
    assert len(sources) == 3
    kinds = {s.issue["id"]: s.kind for s in sources}
    assert kinds[Path(gated["digests"][0]).stem] == "report" and sorted(kinds.values()) == ["gate", "gate", "report"]
    assert any("the gate report in" in n for n in notes) and any("the score report in" in n for n in notes)
    site = write_site(reports, str(tmp_path / "site"))
    assert len(site.pages) == 1  # only the scored issue has a page
    page = Path(site.index).read_text(encoding="utf-8")
    hrefs = [h for h in collect(page).attrs("href") if h.endswith(".html")]
    assert hrefs == [Path(site.pages[0]).name]
    # the failing share counts every issue once: 2 of 5, 0 of 3, 4 of 4
    context = index_context(sources)
    failing = next(m for m in headline_measures() if m.key == "failing")
    from evalkit.report.index import display_of, trend_items

    (month,) = aggregate(trend_items(sources, display_of(sources)), failing, "month")
    assert (month.k, month.n, month.issues) == (6, 12, 3)
    assert context["totals"]["issues"] == 3


def test_no_absolute_path_on_any_page(gated, tmp_path):
    reports = find_reports([str(gated["score"]), str(gated["gate"])])[0]
    site = write_site(reports, str(tmp_path / "site"))
    root = str(gated["root"])
    for page in [site.index, *site.pages]:
        text = Path(page).read_text(encoding="utf-8")
        assert root not in text and str(tmp_path) not in text, page
    index = Path(site.index).read_text(encoding="utf-8")
    assert f"alpha/{dated_name(5)}" in index and f"beta/{dated_name(19)}" in index
    issue_page = Path(site.pages[0]).read_text(encoding="utf-8")
    assert f"<code>alpha/{dated_name(5)}</code>" in issue_page


def test_path_display_is_relative_to_the_shared_root():
    shown = PathDisplay(["/home/u/raw/a/x.md", "/home/u/raw/b/y.md", "raw/a/z.md", "raw/b/w.md"])
    assert shown.show("/home/u/raw/a/x.md") == "a/x.md" and shown.source("/home/u/raw/b/y.md") == "b"
    assert shown.show("raw/a/z.md") == "a/z.md" and shown.source("raw/b/w.md") == "b"
    flat = PathDisplay(["/data/x.md", "/data/y.md"])
    assert flat.show("/data/x.md") == "x.md" and flat.source("/data/x.md") == ""
    assert PathDisplay(["/tmp/one/only.md"]).show("/tmp/one/only.md") == "only.md"
    assert PathDisplay(["a.md", "b.md"]).show("a.md") == "a.md"
    assert shown.show("/elsewhere/secret/q.md") == "q.md"  # outside the root: the name only
    assert shown.show("-") == "-"


def test_unreadable_inputs_are_named_and_the_others_still_read(gated, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "evalkit.gate/1", "issues": [{"path": "x.md"}]}', encoding="utf-8")
    garbage = tmp_path / "history.sqlite"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    other = tmp_path / "cache.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE scores (k TEXT)")
    found = read_inputs([str(gated["gate"]), str(broken), str(garbage), str(other), str(tmp_path / "missing.json")])
    assert [x.kind for x in found.loaded] == ["gate"]
    messages = {Path(p.path).name: p.message for p in found.problems}
    assert set(messages) == {"broken.json", "history.sqlite", "cache.sqlite", "missing.json"}
    assert "entries_total" in messages["broken.json"] and "no such file" in messages["missing.json"]
    assert "not an evalkit history" in messages["cache.sqlite"]
    assert all(isinstance(p, InputError) for p in found.problems)
    site = write_site([(x.path, x.data) for x in found.loaded], str(tmp_path / "site"), problems=found.problems)
    page = Path(site.index).read_text(encoding="utf-8")
    assert "broken.json" in page and "missing.json" in page and str(tmp_path) not in page
    with pytest.raises(InputError, match="entries_total"):
        find_reports([str(broken)])


def test_a_directory_is_searched_for_reports_and_histories(gated, tmp_path):
    found = read_inputs([str(gated["root"] / "reports")])
    assert sorted(x.kind for x in found.loaded) == ["gate", "history", "report"] and not found.problems
