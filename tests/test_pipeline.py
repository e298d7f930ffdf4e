"""evalkit.pipeline.score: inputs -> parse -> checks -> RunResult."""

from __future__ import annotations

import pytest

from evalkit.checks import CHECKS, load_checks
from evalkit.config import Config
from evalkit.errors import ConfigError, UnknownNameError
from evalkit.pipeline import active_checks, score
from evalkit.records import Severity
from tests.conftest import FIXTURE_NAMES
from tests.digest_builder import FIXTURES, build_digest, fixture_path, make_entry
from tests.helpers import FOUNDATION_CHECKS, all_codes_of, foundation_config


def run_(paths, **config):
    """``score`` with only the foundation checks, so checks added later cannot change the findings."""
    return score(paths, foundation_config(**config))


def codes(run) -> list[str]:
    return all_codes_of(run)


def test_all_fixtures_score_without_errors():
    run = run_([str(FIXTURES)])
    assert run.errors == () and run.skipped == ()
    assert sorted(i.issue.id for i in run.issues) == sorted(n[:-3] for n in FIXTURE_NAMES)
    assert sum(len(i.entries) for i in run.issues) == 3 + 3 + 3 + 3 + 0 + 3 + 4
    # directory contents come in a stable (sorted) order
    assert [i.issue.path for i in run.issues] == sorted(i.issue.path for i in run.issues)
    assert codes(run) == ["truncation.follows-source", "truncation.source"]


def test_findings_land_on_their_entries():
    (result,) = run_([fixture_path("v1_s3.md")]).issues
    by_ref = {e.entry.ref: [(f.code, f.severity) for f in e.findings] for e in result.entries}
    assert by_ref == {
        1: [],
        2: [("truncation.follows-source", Severity.INFO), ("truncation.source", Severity.INFO)],
        3: [],
    }
    assert result.findings == ()


def test_findings_are_sorted_by_line_then_code(write_file):
    text = build_digest([make_entry(1, title_zh="", abstract_zh="", link="https://example.org/x")])
    (result,) = run_([write_file("d.md", text)]).issues
    findings = result.entries[0].findings
    keys = [(f.line, f.code) for f in findings]
    assert keys == sorted(keys) and len(keys) == 3
    assert [f.code for f in findings] == ["structure.empty-field", "structure.malformed-link", "translation.empty"]


def test_file_level_findings_stay_on_the_issue(bom_digest):
    (result,) = run_([bom_digest]).issues
    assert [f.code for f in result.findings] == ["structure.bom"]
    assert all(e.findings == () for e in result.entries)


def test_directory_with_readme_skips_it(digest_dir):
    run = run_([str(digest_dir)])
    assert run.errors == ()
    assert [s.path for s in run.skipped] == [str(digest_dir / "README.md")]
    assert "# 摘要" in run.skipped[0].reason
    assert [i.issue.channel for i in run.issues] == ["cs.CL"]
    assert run.issues[0].issue.date == "2024-02-15"


def test_named_readme_is_an_error(readme_file):
    run = run_([readme_file])
    assert run.issues == () and run.skipped == ()
    (problem,) = run.errors
    assert problem.path == readme_file and problem.line == 1 and "not a digest" in problem.message


@pytest.mark.parametrize(
    "fixture_name, message",
    [
        ("gbk_digest", "GBK"),
        ("latin1_file", "Latin-1"),
        ("binary_file", "binary"),
        ("zero_byte_file", "0 bytes"),
    ],
)
def test_unreadable_input_is_an_error_and_the_rest_is_scored(request, fixture_name, message):
    bad = request.getfixturevalue(fixture_name)
    run = run_([fixture_path("v1_s1.md"), bad, fixture_path("v1_s2.md")])
    assert [i.issue.id for i in run.issues] == ["v1_s1", "v1_s2"]
    (problem,) = run.errors
    assert problem.path == bad and message in problem.message


def test_bad_files_in_a_directory_are_errors_not_skipped(tmp_path):
    (tmp_path / "a.md").write_text(build_digest([make_entry(1)]), encoding="utf-8")
    (tmp_path / "b.md").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("just notes\n", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00")  # not .md/.txt: never looked at
    run = run_([str(tmp_path)])
    assert [i.issue.id for i in run.issues] == ["a"]
    assert [e.path for e in run.errors] == [str(tmp_path / "b.md")]
    assert [s.path for s in run.skipped] == [str(tmp_path / "notes.txt")]


def test_cut_files_keep_their_readable_entries(cut_after_paragraphs, cut_mid_line):
    run = run_([cut_after_paragraphs, cut_mid_line])
    assert [len(i.entries) for i in run.issues] == [1, 1]
    assert [e.path for e in run.errors] == [cut_after_paragraphs, cut_mid_line]
    assert all(e.line for e in run.errors)


def test_nonexistent_path_glob_and_empty_directory(tmp_path):
    (tmp_path / "empty").mkdir()
    run = run_([str(tmp_path / "missing.md"), str(tmp_path / "*.nothing"), str(tmp_path / "empty")])
    assert run.issues == ()
    assert [(p.path, p.message) for p in run.errors] == [
        (str(tmp_path / "missing.md"), "no such file or directory"),
        (str(tmp_path / "*.nothing"), "the pattern matches no file"),
        (str(tmp_path / "empty"), "directory holds no .md or .txt files"),
    ]


def test_glob_is_expanded_and_duplicates_are_dropped():
    pattern = str(FIXTURES / "v1_s*.md")
    run = run_([pattern, fixture_path("v1_s2.md"), fixture_path("v1_s2.md")])
    assert [i.issue.id for i in run.issues] == ["v1_s1", "v1_s2", "v1_s3"]
    run = run_([str(FIXTURES.parent / "**" / "v0.md")])
    assert [i.issue.id for i in run.issues] == ["v0"]


def test_max_file_size(write_file):
    path = write_file("d.md", build_digest([make_entry(1)]))
    run = run_([path], max_file_size=1024)
    assert run.issues == () and "larger than" in run.errors[0].message
    assert len(run_([path], max_file_size=1024 * 1024).issues) == 1


# --- configuration -------------------------------------------------------------------------------


def test_disable_a_check_a_category_and_a_single_code(bom_digest):
    path = fixture_path("v1_s3.md")
    assert codes(run_([path], disable={"truncation.source"})) == ["truncation.follows-source"]
    assert codes(run_([path], disable={"truncation"})) == []
    # one code of a multi-code check; the check itself keeps running
    assert codes(run_([bom_digest], disable={"structure.bom"})) == []
    assert codes(run_([bom_digest])) == ["structure.bom"]
    names = [c.name for c in active_checks(Config(disable=frozenset({"structure"})))]
    assert [n for n in names if n in FOUNDATION_CHECKS] == ["translation.empty", "truncation.source", "truncation.translation"]
    assert not any(n.startswith("structure.") for n in names)


def test_severity_override():
    severity = {"truncation.source": Severity.ERROR, "truncation.follows-source": Severity.WARNING}
    (result,) = run_([fixture_path("v1_s3.md")], severity=severity).issues
    assert {(f.code, f.severity) for f in result.entries[1].findings} == {
        ("truncation.source", Severity.ERROR),
        ("truncation.follows-source", Severity.WARNING),
    }


def test_unknown_names_are_refused_with_a_suggestion():
    with pytest.raises(UnknownNameError, match="did you mean 'truncation.source'"):
        score([fixture_path("v1_s1.md")], Config(disable=frozenset({"truncation.sorce"})))
    with pytest.raises(UnknownNameError, match="unknown finding code or category 'structure.refs'"):
        score([fixture_path("v1_s1.md")], Config(severity={"structure.refs": Severity.ERROR}))
    with pytest.raises(ConfigError, match="max_file_size"):
        Config(max_file_size=0).validate()


def test_a_crashing_check_is_reported_and_the_others_still_run(monkeypatch):
    load_checks()
    cls = CHECKS.get("truncation.source")

    def boom(self, entry, issue):
        raise RuntimeError("kaput")

    monkeypatch.setattr(cls, "check_entry", boom)
    run = run_([fixture_path("v1_s3.md")])
    assert len(run.errors) == 3  # once per entry
    assert all("internal error in check truncation.source: RuntimeError: kaput" in e.message for e in run.errors)
    assert [e.line for e in run.errors] == [11, 25, 39]
    assert codes(run) == ["truncation.follows-source"]


# --- progress and bounds of jobs -------------------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_is_reported_once_per_input_in_input_order(jobs):
    seen: list[tuple[int, int, str]] = []
    run = score([str(FIXTURES)], foundation_config(), jobs=jobs, progress=lambda done, total, path: seen.append((done, total, path)))
    total = len(FIXTURE_NAMES)
    assert [(done, n) for done, n, _ in seen] == [(k, total) for k in range(1, total + 1)]
    assert [path for _, _, path in seen] == [i.issue.path for i in run.issues]


def test_progress_does_not_change_the_run():
    from evalkit.report import build_report
    from evalkit.report.canonical import dumps_report

    config = foundation_config()
    quiet = dumps_report(build_report(score([str(FIXTURES)], config, jobs=2), config))
    counted = dumps_report(build_report(score([str(FIXTURES)], config, jobs=2, progress=lambda *_: None), config))
    assert counted == quiet


@pytest.mark.parametrize("jobs", [-1, 257, 10**20])
def test_jobs_out_of_range_is_a_config_error(jobs):
    with pytest.raises(ConfigError, match="jobs"):
        score([str(FIXTURES)], foundation_config(), jobs=jobs)


def test_the_collector_is_paused_while_pooled_results_arrive_and_restored_after():
    import gc

    from evalkit.pipeline import _collections_spare_results

    assert gc.isenabled() and gc.get_freeze_count() == 0
    with _collections_spare_results(True) as after_input:
        assert not gc.isenabled()
        after_input()
        assert gc.get_freeze_count() == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    try:
        with _collections_spare_results(True):
            raise KeyError("boom")
    except KeyError:
        pass
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_in_one_process_the_results_so_far_are_frozen_after_each_input_and_handed_back():
    import gc

    from evalkit.pipeline import _collections_spare_results

    kept = [{"result": k} for k in range(100)]
    with _collections_spare_results(False) as after_input:
        assert gc.isenabled()
        after_input()
        assert gc.get_freeze_count() >= len(kept)  # out of every later collection ...
        gc.collect()
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0  # ... until the run ends


def test_a_callers_own_collector_settings_are_left_alone():
    import gc

    from evalkit.pipeline import _collections_spare_results

    gc.disable()
    try:
        for pooled in (True, False):
            with _collections_spare_results(pooled) as after_input:
                after_input()
                assert gc.get_freeze_count() == 0
            assert not gc.isenabled()
    finally:
        gc.enable()
    gc.freeze()  # the caller froze its own objects: they stay frozen
    try:
        frozen = gc.get_freeze_count()
        for pooled in (True, False):
            with _collections_spare_results(pooled) as after_input:
                after_input()
                assert gc.isenabled()
            assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_a_pool_scoring_batches_largest_first_still_reports_in_input_order(tmp_path):
    import shutil

    from evalkit.report import build_report
    from evalkit.report.canonical import dumps_report

    # Named so that input order is smallest first: the pool's largest-first schedule reverses it.
    by_size = sorted(FIXTURES.glob("*.md"), key=lambda p: p.stat().st_size)
    paths = []
    for k, source in enumerate(by_size):
        target = tmp_path / f"{k:02d}_{source.name}"
        shutil.copyfile(source, target)
        paths.append(str(target))
    config = foundation_config()
    pooled = score(paths, config, jobs=2)
    assert [i.issue.path for i in pooled.issues] == [p for p in paths if any(i.issue.path == p for i in pooled.issues)]
    assert dumps_report(build_report(pooled, config)) == dumps_report(build_report(score(paths, config, jobs=1), config))


@pytest.mark.parametrize(
    "sizes, jobs",
    [([10] * 100, 2), ([1, 500, 3, 0, 0, 40, 7], 2), ([5], 1), ([0, 0, 0, 0], 3), ([100, 1, 1, 1, 1, 1, 1, 1], 4)],
)
def test_batches_are_runs_of_neighbours_covering_every_input_once_largest_first(sizes, jobs):
    from evalkit.pipeline import BATCHES_PER_JOB, _batches

    batches = _batches(sizes, jobs)
    assert sorted(k for batch in batches for k in batch) == list(range(len(sizes)))
    assert all(batch == list(range(batch[0], batch[0] + len(batch))) for batch in batches)  # neighbours, in order
    totals = [sum(sizes[k] for k in batch) for batch in batches]
    assert totals == sorted(totals, reverse=True)
    if sizes == [10] * 100:
        assert len(batches) == jobs * BATCHES_PER_JOB  # equal files: equal shares


def test_a_worker_keeps_entry_level_caches_between_the_files_of_a_batch_only(monkeypatch):
    from evalkit import pipeline
    from evalkit.align.aligner import _align_cached
    from evalkit.text.numbers import digit_numbers

    seen = []

    def fake_task(task):  # noqa: ANN001, ANN202
        # What the caches hold when the next file of the batch starts.
        seen.append((task[0], _align_cached.cache_info().currsize, digit_numbers.cache_info().currsize))
        _align_cached("An English sentence.", "一个中文句子。", False)
        digit_numbers(f"{task[0]} has 12 digits")
        return pipeline.FileOutcome(None)

    monkeypatch.setattr(pipeline, "_score_task", fake_task)
    from evalkit.memo import clear_text_caches

    clear_text_caches()
    pipeline._score_batch([(0, ("a", True)), (1, ("b", True))])
    assert seen == [("a", 0, 0), ("b", 1, 0)]  # the alignment stayed, the per-text cache did not
    assert _align_cached.cache_info().currsize == digit_numbers.cache_info().currsize == 0  # all gone after the batch
