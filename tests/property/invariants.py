"""The invariants every property test asserts, in one place so the fuzz bench can reuse them."""

from __future__ import annotations

from evalkit.align import align_entry
from evalkit.align.segment import split_chinese, split_english
from evalkit.checks import CHECKS, Check, load_checks
from evalkit.errors import EvalkitError
from evalkit.parse import ParseResult, decode, parse_digest
from evalkit.records import Entry, Evidence, Finding, Issue, Severity

#: Per evidence ``field``: the entry attributes its source (English) and translation (Chinese) spans index.
_SIDES = {
    "abstract_en": ("abstract_en", "abstract_zh"),
    "abstract_zh": ("abstract_en", "abstract_zh"),
    "title_en": ("title_en", "title_zh"),
    "title_zh": ("title_en", "title_zh"),
    "summary_zh": ("summary_en", "summary_zh"),
    "summary_en": ("summary_en", "summary_zh"),
}


def parse_bytes(data: bytes, path: str = "fuzz.md") -> ParseResult | None:
    """Decode and parse; ``None`` when evalkit refused the input with one of its own errors."""
    try:
        result = parse_digest(decode(path, data))
    except EvalkitError as exc:
        assert str(exc), "an error without a message"
        return None
    assert_parse_invariants(result)
    return result


def assert_parse_invariants(result: ParseResult) -> None:
    """Every line number points into the file; entry fields hold no line break; the tables agree in type."""
    issue = result.issue
    n = issue.line_count
    assert n >= 1
    for entry in issue.entries:
        assert 1 <= entry.line <= n, (entry.line, n)
        for name, line in entry.lines.items():
            assert 1 <= line <= n, (name, line, n)
        for name in ("title_zh", "title_en", "summary_zh", "summary_en", "abstract_zh", "abstract_en", "link"):
            value = getattr(entry, name)
            assert isinstance(value, str) and "\n" not in value, name
        assert entry.layout in ("v0", "v1") and entry.english_style in ("S1", "S2", "S3")
        assert entry.abstract_en_length >= len(entry.abstract_en)
    for row in issue.table:
        assert 1 <= row.line <= n
        assert "\n" not in row.title + row.link + row.summary
    for finding in issue.findings:
        assert_finding(finding, n, None)
    for problem in result.problems:
        assert problem.line is None or 1 <= problem.line <= n, (problem, n)
        assert problem.message


def assert_spans(spans: list[tuple[int, int]] | tuple[tuple[int, int], ...], text: str) -> None:
    """Sentence spans: inside the text, ordered, disjoint, trimmed, and covering every non-space character."""
    previous = 0
    covered = []
    for a, b in spans:
        assert previous <= a < b <= len(text), (a, b, len(text))
        assert not text[a].isspace() and not text[b - 1].isspace()
        covered.append(text[previous:a])
        previous = b
    covered.append(text[previous:])
    assert all(not gap.strip() for gap in covered), "a non-space character outside every sentence"


def assert_segmentation(english: str, chinese: str) -> None:
    assert_spans(split_english(english), english)
    assert_spans(split_chinese(chinese), chinese)


def assert_alignment(entry: Entry) -> None:
    """Pairs cover every sentence of both sides exactly once, in order, with spans made of whole sentences."""
    alignment = align_entry(entry)
    assert_spans(alignment.en_spans, entry.abstract_en)
    assert_spans(alignment.zh_spans, entry.abstract_zh)
    en_next = zh_next = 0
    for pair in alignment.pairs:
        en_count, zh_count = (int(x) for x in pair.kind.split("-"))
        assert (pair.en is None) == (en_count == 0) and (pair.zh is None) == (zh_count == 0)
        assert en_count + zh_count >= 1
        if pair.en is not None:
            assert pair.en == (alignment.en_spans[en_next][0], alignment.en_spans[en_next + en_count - 1][1])
        if pair.zh is not None:
            assert pair.zh == (alignment.zh_spans[zh_next][0], alignment.zh_spans[zh_next + zh_count - 1][1])
        en_next += en_count
        zh_next += zh_count
        assert 0.0 <= pair.similarity <= 1.0 and 0.0 <= pair.confidence <= 1.0
        assert not pair.tail or entry.source_truncated
    assert en_next == len(alignment.en_spans) and zh_next == len(alignment.zh_spans)
    for value in (alignment.zh_coverage, alignment.en_coverage, *alignment.en_sentence_coverage, *alignment.zh_sentence_coverage):
        assert 0.0 <= value <= 1.0


def assert_finding(finding: Finding, line_count: int, entry: Entry | None) -> None:
    assert isinstance(finding.severity, Severity)
    assert finding.code.count(".") >= 1 and finding.message
    assert finding.line is None or 1 <= finding.line <= line_count, (finding, line_count)
    if entry is not None and finding.evidence is not None:
        assert_evidence(finding.evidence, entry, finding.code)


def assert_evidence(evidence: Evidence, entry: Entry, code: str) -> None:
    """Spans index the field they name, and the quoted text is what the span covers."""
    if evidence.field is None or evidence.field not in _SIDES:
        assert evidence.source_span is None and evidence.translation_span is None, code
        return
    source_attr, translation_attr = _SIDES[evidence.field]
    for span, attr, quoted in (
        (evidence.source_span, source_attr, evidence.source),
        (evidence.translation_span, translation_attr, evidence.translation),
    ):
        if span is None:
            continue
        text = getattr(entry, attr)
        a, b = span
        assert 0 <= a <= b <= len(text), (code, span, attr, len(text))
        if quoted is not None:
            assert quoted == text[a:b], (code, attr, span, quoted, text[a:b])


def all_checks() -> list[Check]:
    load_checks()
    return [cls() for cls in CHECKS]


def run_checks(issue: Issue, checks: list[Check]) -> list[Finding]:
    """Every check on every entry, exceptions propagating (the pipeline would turn them into errors)."""
    out: list[Finding] = []
    for check in checks:
        for finding in check.check_issue(issue):
            assert_finding(finding, issue.line_count, None)
            out.append(finding)
        for entry in issue.entries:
            for finding in check.check_entry(entry, issue):
                assert_finding(finding, issue.line_count, entry)
                out.append(finding)
    return out
