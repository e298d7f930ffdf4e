"""Findings that appear, disappear or persist; win/tie/loss; buckets."""

from __future__ import annotations

from evalkit.compare.diff import buckets, check_outcome, diff_findings, length_bucket, score_outcome, win_tie_loss
from evalkit.compare.match import Matched
from evalkit.compare.systems import Unit


def finding(code: str, severity: str = "error", text: str = "") -> dict:
    out = {"code": code, "severity": severity, "line": 1, "message": code}
    if text:
        out["evidence"] = {"translation": text}
    return out


def unit(*findings: dict, status: str | None = None, cut: bool = False, length: int = 700, channel: str = "cs.CL") -> Unit:
    worst = status or ("fail" if any(f["severity"] == "error" for f in findings) else "warn" if findings else "pass")
    return Unit(
        arxiv_id="2401.1", ref=1, issue="i", path="i.md", line=1, channel=channel, source="x" * length, translation="译文。",
        findings=tuple(findings), status=worst, source_truncated=cut, english_length=length,
    )


def test_findings_pair_by_code_and_prefer_the_same_evidence() -> None:
    a = unit(finding("leak.metadata", text="公告类型"), finding("numbers.changed", text="3%"), finding("numbers.changed", text="5%"))
    b = unit(finding("numbers.changed", text="5%"), finding("title.mismatch", "warning"))
    d = diff_findings(a, b)
    assert [f["code"] for f in d.disappeared] == ["leak.metadata", "numbers.changed"]
    assert d.disappeared[1]["evidence"]["translation"] == "3%"  # the 5% one persisted: same evidence
    assert [(x["evidence"]["translation"], y["evidence"]["translation"]) for x, y in d.persisted] == [("5%", "5%")]
    assert [f["code"] for f in d.appeared] == ["title.mismatch"]
    assert d.changed == 3


def test_info_findings_are_facts_not_changes() -> None:
    d = diff_findings(unit(finding("truncation.source", "info")), unit())
    assert d.changed == 0 and d.persisted == ()


def test_check_outcome_compares_errors_then_warnings() -> None:
    assert check_outcome(unit(finding("a.b")), unit()) == 1
    assert check_outcome(unit(), unit(finding("a.b", "warning"))) == -1
    assert check_outcome(unit(finding("a.b"), finding("c.d", "warning")), unit(finding("a.b"))) == 1
    assert check_outcome(unit(finding("a.b")), unit(finding("x.y"))) == 0


def test_score_outcome_follows_the_direction() -> None:
    assert score_outcome(50.0, 55.0, True) == 1 and score_outcome(50.0, 55.0, False) == -1
    assert score_outcome(50.0, 50.0, True) == 0


def test_win_tie_loss_counts_entries_from_the_systems_side() -> None:
    pairs = [Matched("k1", unit(finding("a.b")), unit()), Matched("k2", unit(), unit()), Matched("k3", unit(), unit(finding("a.b")))]
    assert win_tie_loss(pairs, []) == {"checks": {"wins": 1, "ties": 1, "losses": 1}}


def test_length_buckets_cover_every_length() -> None:
    assert [length_bucket(unit(length=n)) for n in (10, 499, 500, 950, 1000, 5000)] == [
        "< 500 chars", "< 500 chars", "500–899 chars", "900–999 chars", "1,000 chars (cut)", "1,000 chars (cut)",
    ]


def test_buckets_split_by_length_cut_and_channel() -> None:
    pairs = [
        Matched("k1", unit(cut=True, length=1000, channel="cs.CL"), unit(finding("truncation.fabricated"), cut=True, length=1000, channel="cs.CL")),
        Matched("k2", unit(length=300, channel="cs.LG"), unit(length=300, channel="cs.LG")),
    ]
    rows = {(b["by"], b["bucket"]): b for b in buckets(pairs, [])}
    assert set(rows) == {
        ("length", "< 500 chars"), ("length", "1,000 chars (cut)"), ("cut", "English cut"), ("cut", "English whole"),
        ("channel", "cs.CL"), ("channel", "cs.LG"),
    }
    cut = rows[("cut", "English cut")]
    assert cut["entries"] == 1 and cut["a"]["invented_endings"] == 0.0 and cut["b"]["invented_endings"] == 100.0
    assert cut["checks"] == {"wins": 0, "ties": 0, "losses": 1}
    assert rows[("cut", "English whole")]["a"]["invented_endings"] is None
