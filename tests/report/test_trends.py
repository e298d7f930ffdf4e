"""The index's trend arithmetic: buckets, entry-weighted rates, intervals, selections and axes."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from evalkit.report.trends import (
    FEW_ENTRIES,
    Dated,
    Figures,
    IssueScore,
    aggregate,
    bucket_label,
    bucket_start,
    buckets_between,
    category_measures,
    default_grain,
    headline_measures,
    nice_top,
    poisson_rate,
    rate_axis_top,
    score_measures,
    trend_data,
    wilson,
)

MEASURES = {m.key: m for m in headline_measures()}


def item(day: str, entries: int, *, fail: int = 0, findings: int = 0, cut: int = 0, invented: int = 0,
         leak: int = 0, channel: str = "cs.CL", source: str = "a", scores: dict | None = None) -> Dated:
    by_category = {"leak": leak, "numbers": findings - leak}
    return Dated(date.fromisoformat(day), channel, source,
                 Figures(entries, fail, findings, cut, invented, by_category, scores or {}))


# --- intervals --------------------------------------------------------------------------------------


def test_wilson_matches_the_textbook_values():
    # Wilson 95% for 3 of 10: 0.1078 .. 0.6032 (Newcombe 1998, table I, row "Wilson")
    lo, hi = wilson(3, 10)
    assert lo == pytest.approx(0.1078, abs=1e-4) and hi == pytest.approx(0.6032, abs=1e-4)
    assert wilson(0, 10)[0] == 0 and wilson(0, 10)[1] == pytest.approx(0.2775, abs=1e-4)
    assert wilson(10, 10)[1] == pytest.approx(1) and wilson(10, 10)[0] == pytest.approx(0.7225, abs=1e-4)
    one = wilson(1, 1)  # a one-entry issue at 100% says almost nothing
    assert one[0] < 0.25 and one[1] == pytest.approx(1)
    assert wilson(0, 0) == (0.0, 1.0)


def test_poisson_score_interval_solves_its_equation():
    for k, n in ((0, 5), (3, 10), (40, 200)):
        lo, hi = poisson_rate(k, n)
        for lam in (lo, hi):
            assert (k - n * lam) ** 2 == pytest.approx(1.959963984540054**2 * n * lam, rel=1e-9, abs=1e-9)
        assert lo <= k / n <= hi
    assert poisson_rate(0, 4)[0] == 0 and poisson_rate(0, 4)[1] == pytest.approx(1.959963984540054**2 / 4)
    narrow, wide = poisson_rate(100, 1000), poisson_rate(1, 10)
    assert narrow[1] - narrow[0] < wide[1] - wide[0]  # the same rate, measured on more entries


# --- buckets ----------------------------------------------------------------------------------------


def test_weeks_start_on_monday_and_months_on_the_first():
    assert bucket_start(date(2026, 1, 4), "week") == date(2025, 12, 29)  # a Sunday: the week began in 2025
    assert bucket_start(date(2026, 1, 5), "week") == date(2026, 1, 5)
    assert bucket_label(date(2025, 12, 29), "week") == "2026-W01"  # ISO week-numbering year
    assert bucket_start(date(2026, 2, 28), "month") == date(2026, 2, 1)
    assert bucket_label(date(2026, 2, 1), "month") == "2026-02"
    assert buckets_between(date(2025, 11, 30), date(2026, 2, 1), "month") == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    weeks = buckets_between(date(2026, 1, 1), date(2026, 1, 31), "week")
    assert weeks[0] == date(2025, 12, 29) and all(b - a == timedelta(days=7) for a, b in zip(weeks, weeks[1:]))
    with pytest.raises(ValueError, match="unknown grain"):
        bucket_start(date(2026, 1, 1), "day")


def test_default_grain_follows_the_span():
    assert default_grain(date(2026, 1, 1), date(2026, 5, 1)) == "week"
    assert default_grain(date(2025, 1, 1), date(2026, 1, 1)) == "month"


# --- weighted rates ---------------------------------------------------------------------------------


def test_a_bucket_is_the_sum_of_numerators_over_the_sum_of_entries():
    # one big issue (10 of 100 failing) and a one-entry issue that fails: 11/101, not the mean 55%
    items = [item("2026-03-02", 100, fail=10), item("2026-03-04", 1, fail=1)]
    (point,) = aggregate(items, MEASURES["failing"], "week")
    assert point.value == pytest.approx(100 * 11 / 101) and (point.k, point.n, point.issues) == (11, 101, 2)
    lo, hi = wilson(11, 101)
    assert (point.lo, point.hi) == (pytest.approx(100 * lo), pytest.approx(100 * hi))
    # by month the same two issues and one of the next week are one bucket
    monthly = aggregate(items + [item("2026-03-20", 9, fail=0)], MEASURES["failing"], "month")
    assert len(monthly) == 1 and monthly[0].n == 110 and monthly[0].value == pytest.approx(1100 / 110)
    weekly = aggregate(items + [item("2026-03-20", 9, fail=0)], MEASURES["failing"], "week")
    assert [p.bucket for p in weekly] == [date(2026, 3, 2), date(2026, 3, 16)]


def test_rates_are_per_100_entries_with_a_poisson_interval():
    items = [item("2026-03-02", 20, findings=9, leak=4), item("2026-03-03", 30, findings=1, leak=1)]
    (findings,) = aggregate(items, MEASURES["findings"], "week")
    assert findings.value == pytest.approx(100 * 10 / 50)
    lo, hi = poisson_rate(10, 50)
    assert findings.lo == pytest.approx(100 * lo) and findings.hi == pytest.approx(100 * hi)
    (leaks,) = aggregate(items, MEASURES["leaks"], "week")
    assert leaks.value == pytest.approx(10) and leaks.k == 5


def test_invented_endings_are_a_share_of_the_cut_entries():
    items = [item("2026-03-02", 10, cut=4, invented=1), item("2026-03-03", 10, cut=0), item("2026-03-04", 10, cut=6, invented=3)]
    (point,) = aggregate(items, MEASURES["invented"], "week")
    assert (point.k, point.n) == (4, 10) and point.value == pytest.approx(40)
    assert aggregate([item("2026-03-02", 10, cut=0)], MEASURES["invented"], "week") == []  # no cut entry: no point


def test_an_issue_without_a_figure_is_left_out_of_that_series_only():
    gate_like = Dated(date(2026, 3, 2), "cs.CL", "a", Figures(entries=50, fail=5))
    items = [item("2026-03-03", 50, fail=0, findings=10), gate_like]
    (failing,) = aggregate(items, MEASURES["failing"], "week")
    (findings,) = aggregate(items, MEASURES["findings"], "week")
    assert (failing.k, failing.n, failing.issues) == (5, 100, 2)
    assert (findings.k, findings.n, findings.issues) == (10, 50, 1)


def test_scores_are_weighted_by_scored_entries_with_a_combined_interval():
    z = 1.959963984540054
    a = IssueScore(60.0, 30, (56.0, 64.0))
    b = IssueScore(40.0, 10, (30.0, 50.0))
    items = [item("2026-03-02", 30, scores={"chrf": a}), item("2026-03-03", 10, scores={"chrf": b})]
    (point,) = aggregate(items, score_measures([("chrf", True, 2)])[0], "week")
    assert point.value == pytest.approx((30 * 60 + 10 * 40) / 40)
    se = math.sqrt((30 * 4 / z) ** 2 + (10 * 10 / z) ** 2) / 40
    assert point.lo == pytest.approx(point.value - z * se) and point.hi == pytest.approx(point.value + z * se)
    no_ci = [item("2026-03-02", 30, scores={"chrf": IssueScore(50.0, 30)})]
    (bare,) = aggregate(no_ci, score_measures([("chrf", True, 2)])[0], "week")
    assert bare.lo is None and bare.hi is None


def test_category_charts_are_the_busiest_categories():
    items = [item("2026-03-02", 10, findings=6, leak=1), item("2026-03-09", 10, findings=3, leak=3)]  # numbers 5, leak 4
    assert [m.key for m in category_measures(items)] == ["cat:numbers", "cat:leak"]
    assert all(m.scale == "category" for m in category_measures(items))


# --- axes and the page's data -----------------------------------------------------------------------


def test_nice_top():
    assert nice_top(95) == (100, 25)
    assert nice_top(7.2) == (8, 2)
    assert nice_top(0) == (1.0, 0.25)


def test_a_few_entries_do_not_stretch_a_rate_axis():
    items = [item("2026-03-02", 100, findings=20), item("2026-03-09", 1, findings=3)]  # 20 and 300 per 100
    points = aggregate(items, MEASURES["findings"], "week")
    assert points[1].n < FEW_ENTRIES and points[1].value == 300
    assert rate_axis_top(points) == pytest.approx(max(20, points[1].lo))
    assert rate_axis_top(points[1:]) == pytest.approx(points[1].lo)


def test_trend_data_has_every_selection_and_shares_sets_of_the_same_issues():
    items = [
        item("2026-01-05", 10, fail=1, channel="cs.CL", source="a"),
        item("2026-01-12", 10, fail=5, channel="cs.CL", source="b"),
        item("2026-02-02", 20, fail=2, channel="cs.CV", source="a"),
    ]
    data = trend_data(items, headline_measures())
    assert set(data["sel"]) == {"all", "c:cs.CL", "c:cs.CV", "s:a", "s:b", "c:cs.CL|s:a", "c:cs.CL|s:b", "c:cs.CV|s:a"}
    assert data["sel"]["c:cs.CV"] == data["sel"]["c:cs.CV|s:a"]  # the same single issue: one set
    assert data["default"] == "week" and len(data["buckets"]["week"]) == 5 and data["buckets"]["month"][0][0] == "2026-01"
    week = data["sets"][data["sel"]["c:cs.CL"]]["week"]
    assert [p[0] for p in week["s"]["failing"]] == [0, 1]  # bucket indices into data["buckets"]["week"]
    assert [p[1] for p in week["s"]["failing"]] == [10.0, 50.0]
    month = data["sets"][data["sel"]["all"]]["month"]["s"]["failing"]
    assert month[0][4:] == [6, 20, 2] and month[0][1] == 30.0
    spec = {c["id"]: c for c in data["charts"]}
    assert spec["failing"]["y"] == [0, 100, 25] and "y" not in spec["findings"]
    assert trend_data([], headline_measures()) == {}
