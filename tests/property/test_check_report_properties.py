"""Property tests of the checks and the report on hostile digests.

Every registered check runs on every entry with exceptions propagating (the pipeline would turn a crash
into an "internal error in check" input error); findings must point at lines of the file and at spans
of the fields they name. The report built from the same input twice, or in chunks, is the same bytes;
its compact form streams the same bytes as its one-shot dump and expands to exactly the canonical report.
"""

from __future__ import annotations

import json

from hypothesis import given

from evalkit.config import Config
from evalkit.memo import clear_text_caches
from evalkit.parse import SourceText, decode, parse_digest
from evalkit.pipeline import active_checks, check_issue
from evalkit.records import RunResult
from evalkit.report.canonical import build_report, dumps_report, iter_report_json
from evalkit.report.compact import COMPACT_SCHEMA, dumps_compact, expand_report, iter_compact_json
from tests.property.budget import examples
from tests.property.invariants import all_checks, assert_parse_invariants, parse_bytes, run_checks
from tests.property.strategies import digest_text, skeleton

CHECKS = all_checks()
CONFIG = Config(use_references=False)


@examples(200)
@given(digest_text())
def test_no_check_crashes_and_findings_point_inside_the_file(text):
    result = parse_bytes(text.encode("utf-8"))
    if result is not None:
        run_checks(result.issue, CHECKS)


@examples(150)
@given(skeleton(max_entries=6))
def test_no_check_crashes_on_intact_skeletons_with_hostile_fields(text):
    # Straight to the parser: decode() refuses NULs only in the first 8 KB, so checks must cope with them.
    result = parse_digest(SourceText("hostile.md", text, had_bom=False, had_crlf=False))
    assert_parse_invariants(result)
    run_checks(result.issue, CHECKS)


def _run(text: str) -> RunResult:
    parsed = parse_digest(decode("digests/hostile.md", text.encode("utf-8")))
    issue, crashes = check_issue(parsed.issue, active_checks(CONFIG), CONFIG)
    assert crashes == [], crashes
    return RunResult(issues=(issue,), errors=parsed.problems)


def _report(text: str) -> tuple[str, str]:
    run = _run(text)
    return dumps_report(build_report(run, CONFIG)), "".join(iter_report_json(run, CONFIG))


@examples(100)
@given(digest_text())
def test_report_is_deterministic_and_streams_the_same_bytes(text):
    try:
        first, streamed = _report(text)
    except Exception as exc:  # only evalkit's own refusal is acceptable here
        from evalkit.errors import EvalkitError

        assert isinstance(exc, EvalkitError), exc
        return
    clear_text_caches()  # a second run without the per-text caches of the first
    second, _ = _report(text)
    assert first == second
    assert streamed == first
    data = json.loads(first)
    assert data["schema"] == "evalkit.report/1"
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # every string is encodable (no lone surrogates)


@examples(100)
@given(digest_text())
def test_compact_report_streams_and_expands_to_the_canonical_bytes(text):
    from evalkit.errors import EvalkitError

    try:
        run = _run(text)
    except EvalkitError:
        return
    report = build_report(run, CONFIG)
    compact = "".join(iter_compact_json(run, CONFIG))
    assert compact == dumps_compact(report)
    data = json.loads(compact)
    assert data["schema"] == COMPACT_SCHEMA
    # hostile text (controls, U+2028, bidi marks: escaped in the file) still slices back to the very pair texts
    assert dumps_report(expand_report(data, "hostile.json")) == dumps_report(report)
