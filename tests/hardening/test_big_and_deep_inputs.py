"""Large, deep and numerically absurd inputs: bounded time and memory, no crash.

Each case here once cost quadratic time, unbounded memory or an uncaught exception (see tests/README.md);
the time limits are generous (tens of times the measured cost on a 2-core machine) so that they catch a
return to O(n²), not a slow CI runner.
"""

from __future__ import annotations

import time

import pytest

from evalkit.align import align
from evalkit.align.segment import split_chinese, split_english
from evalkit.checks import CHECKS, load_checks
from evalkit.config import Config
from evalkit.parse import SourceText, parse_digest
from evalkit.pipeline import active_checks, check_issue
from evalkit.text.numbers import chinese_numeral_value, extract_numbers
from tests.digest_builder import DETAIL, HEADER, build_digest, make_entry, render_entry
from tests.property.budget import FUZZ
from tests.property.invariants import all_checks, assert_spans, run_checks

MB = 1_000_000


def _digest(**fields: str) -> str:
    """One entry with ``fields`` replaced; the table row is written here (the builder's ``clean_title``
    mirrors the generator's ``\\s*\\(arXiv.+`` regex, itself quadratic on a title of a million spaces)."""
    spec = make_entry(1, **fields)
    row = f"| [^1] | [{spec.title_en}]({spec.link}) | {spec.summary_zh} |"
    return HEADER + row + DETAIL + render_entry(1, spec) + "\n\n"


def _parse(text: str):
    return parse_digest(SourceText("big.md", text, had_bom=False, had_crlf=False))


def _timed(seconds: float, fn, *args):
    started = time.perf_counter()
    out = fn(*args)
    elapsed = time.perf_counter() - started
    assert elapsed < seconds, f"{fn.__name__} took {elapsed:.1f} s (limit {seconds} s)"
    return out


# --- one line of a megabyte, in each field and of each troublesome kind ----------------------------

LINES = {
    "dots": "." * MB,
    "bangs": "!" * MB,
    "fullstops": "。" * (MB // 3),
    "spaces": "a" + " " * MB + "b",
    "abbreviations": "e.g. A " * (MB // 7),
    "tex-sentences": "$x$. A " * (MB // 7),
    "open-brackets": "(" * MB,
    "link-openers": "](x" * (MB // 3),
    "s1-suffixes": "(arXiv:2401.00001v1 [" * (MB // 21),
    "pipes": " | " * (MB // 3),
    "digit-groups": "1," * (MB // 2),
}
PARSE_FIELDS = ("title_zh", "title_en", "summary_zh", "abstract_zh", "abstract_en")


@pytest.mark.parametrize("kind", sorted(LINES))
def test_a_megabyte_line_in_any_field_parses_in_linear_time(kind):
    for field in PARSE_FIELDS:
        result = _timed(10.0, _parse, _digest(**{field: LINES[kind]}))
        assert len(result.issue.entries) == 1 and result.problems == ()


@pytest.mark.parametrize("kind", ["dots", "bangs", "fullstops", "abbreviations", "tex-sentences", "spaces"])
def test_a_megabyte_of_sentence_marks_segments_in_linear_time(kind):
    text = LINES[kind]
    assert_spans(_timed(10.0, split_english, text), text)
    assert_spans(_timed(10.0, split_chinese, text), text)


def test_a_megabyte_table_row_of_link_openers_is_read_in_linear_time():
    lines = build_digest([make_entry(1)]).split("\n")
    row = next(k for k, line in enumerate(lines) if line.startswith("| [^1]"))
    for bad in ("| [^1] | [" + "](x" * (MB // 3) + " |", "| [^1] | [" + "](" * (MB // 2) + " |"):
        lines[row] = bad
        result = _timed(10.0, _parse, "\n".join(lines))
        assert [f.code for f in result.issue.findings] == ["structure.table"]


def test_both_abstracts_with_tens_of_thousands_of_sentences_align_in_bounded_time():
    english, chinese = "The model works. " * 30_000, "模型有效。" * 60_000
    alignment = _timed(60.0, align, english, chinese, True)
    assert len(alignment.pairs) >= 1
    assert_spans(alignment.en_spans, english)
    assert_spans(alignment.zh_spans, chinese)


# every check on a big field: 256 KB by default, a megabyte under EVALKIT_FUZZ=1
CHECK_SIZE = MB if FUZZ else MB // 4
CHECK_LINES = {
    "cjk-sentences": "模型在数据上训练。" * (CHECK_SIZE // 9),
    "dots": "." * CHECK_SIZE,
    "abbreviations": "e.g. A " * (CHECK_SIZE // 7),
    "digit-groups": "1，" * (CHECK_SIZE // 2),
    "numerals": "一二三四五六七八九十百千万亿" * (CHECK_SIZE // 14),
    "nested-tex": "\\frac{" * (CHECK_SIZE // 6),
    "mojibake": "è‡ªç„¶" * (CHECK_SIZE // 5),
}


@pytest.mark.parametrize("kind", sorted(CHECK_LINES))
def test_every_check_survives_a_huge_abstract_on_both_sides(kind):
    text = CHECK_LINES[kind]
    issue = _parse(_digest(abstract_zh=text, abstract_en=text, summary_zh=text[:5000], title_zh=text[:2000])).issue
    _timed(120.0, run_checks, issue, all_checks())


@pytest.mark.parametrize("depth", [10, 1000, 100_000 if FUZZ else 20_000])
def test_deeply_nested_brackets_and_tex_in_every_field(depth):
    nests = ["(" * depth + "x" + ")" * depth, "[" * depth, "{" * depth + "}" * depth, "\\frac{" * depth + "}" * depth,
             "$" * depth, "（" * depth + "）" * depth, "$\\sqrt{" * depth + "}$" * depth]
    checks = all_checks()
    for nest in nests:
        text = _digest(title_zh=nest, title_en=nest, summary_zh=nest, abstract_zh="我们" + nest + "。", abstract_en="We " + nest + ".")
        result = _parse(text)
        assert len(result.issue.entries) == 1
        _timed(60.0, run_checks, result.issue, checks)


# --- many entries -------------------------------------------------------------------------------------

ENTRIES = 50_000


def _many(n: int) -> str:
    """A digest of ``n`` distinct entries (the builder's layout, written without sorting n specs)."""
    rows, details = [], []
    for k in range(1, n + 1):
        spec = make_entry(k).but(link=f"https://arxiv.org/abs/{2400 + k // 100000:04d}.{k % 100000:05d}")
        rows.append(f"| [^{k}] | [{spec.title_en}]({spec.link}) | {spec.summary_zh} |")
        details.append(render_entry(k, spec))
    return HEADER + "\n".join(rows) + DETAIL + "\n".join(details) + "\n\n"


def test_fifty_thousand_entries_parse_and_pass_the_structure_checks():
    text = _many(ENTRIES)
    result = _timed(60.0, _parse, text)
    assert len(result.issue.entries) == ENTRIES and len(result.issue.table) == ENTRIES and result.problems == ()
    config = Config(use_references=False, align=False)
    structural = [c for c in active_checks(config) if c.name.startswith(("structure", "translation", "truncation"))]
    issue, crashes = _timed(120.0, check_issue, result.issue, structural, config)
    assert crashes == []
    assert not [f for e in issue.entries for f in e.findings if f.code.startswith("structure")]


# --- numbers and reference numbers that once crashed or exhausted memory ------------------------------


def test_a_huge_entry_number_costs_no_memory():
    # [^N] with N ~ 1e9 made structure.refs build set(range(1, N + 1)): gigabytes, then the OOM killer.
    text = build_digest([make_entry(1), make_entry(2)], refs=[1, 999_999_999])
    result = _parse(text)
    load_checks()
    findings = _timed(5.0, lambda: list(CHECKS.get("structure.refs")().check_issue(result.issue)))
    assert [f.code for f in findings] == ["structure.missing-ref"]
    assert "[^2], [^3]" in findings[0].message and "…" in findings[0].message


@pytest.mark.parametrize("digits", [10, 5000])
def test_an_entry_number_of_thousands_of_digits_is_a_problem_not_a_crash(digits):
    # int() refuses strings over 4,300 digits, and so would str() of the number in every message.
    number = "9" * digits
    text = build_digest([make_entry(1), make_entry(2)], refs=[1, 2]).replace("[^2]", f"[^{number}]")
    result = _parse(text)
    assert [e.ref for e in result.issue.entries] == [1]
    assert len(result.problems) == 1 and f"{digits}-digit" in result.problems[0].message
    assert any(f.code == "structure.table" for f in result.issue.findings)
    run_checks(result.issue, all_checks())


@pytest.mark.parametrize(
    "english, chinese",
    [
        ("We report 1e400 and 1e-400.", "我们报告1e400和1e-400。"),
        ("A value of 1e" + "9" * 5000 + ".", "数值为1e" + "9" * 5000 + "。"),
        ("It scales as 9.91 \\times 10^{999}.", "它的规模为9.91\\times 10^{999}。"),
        ("About 10000 samples.", "约0，000万个样本，以及1，5%和2，700。"),
        ("We use 3 models.", "我们用了" + "三" * 3000 + "万个模型，" + "九" * 40 + "分之" + "一" * 40 + "。"),
        ("Digits " + "1" * 400 + ".", "数字" + "1" * 400 + "。"),
    ],
)
def test_absurd_numbers_do_not_crash_the_number_checks(english, chinese):
    issue = _parse(_digest(abstract_en=english, abstract_zh=chinese, summary_zh=chinese)).issue
    run_checks(issue, all_checks())


def test_number_reading_stays_finite_or_declines():
    assert [n.value for n in extract_numbers("1e400")] == [1.0]  # the exponent is absurd: left as read
    assert chinese_numeral_value("三" * 31) is None  # no real numeral is that long
    assert chinese_numeral_value("三亿五千万") == 350_000_000


def test_a_file_that_grows_while_it_is_read_is_refused_not_cut(tmp_path, monkeypatch):
    from evalkit.errors import InputError
    from evalkit.parse import read_source

    path = tmp_path / "growing.md"
    path.write_text(build_digest([make_entry(1)]), encoding="utf-8")
    real_stat = type(path).stat
    monkeypatch.setattr(type(path), "stat", lambda self, **kw: _shrunk(real_stat(self, **kw)))
    with pytest.raises(InputError, match="larger than the"):
        read_source(str(path), max_size=200)


class _shrunk:
    """A stat result that says the file is tiny (as it was when stat() ran, before it grew)."""

    def __init__(self, real):
        self._real = real
        self.st_size = 10

    def __getattr__(self, name):
        return getattr(self._real, name)


# --- "belongs to another entry?" lookups ---------------------------------------------------------------


def test_other_entry_lookups_compare_with_a_bounded_window(monkeypatch):
    """An issue of n entries whose translations fit nothing cost n x n fits; now n x MAX_CANDIDATES."""
    import random

    import evalkit.align.similarity as similarity
    import evalkit.checks.alignment as alignment_check

    from evalkit.align.similarity import nearby

    assert list(nearby(list(range(10)), 0, 4)) == [0, 1, 2, 3]
    assert list(nearby(list(range(10)), 9, 4)) == [6, 7, 8, 9]
    assert list(nearby(list(range(10)), 5, 4)) == [3, 4, 5, 6]
    assert list(nearby(list(range(3)), 1, 4)) == [0, 1, 2]

    rng = random.Random(0)
    words = "模型 数据 方法 实验 结果 语言 翻译 网络 图像 学习 训练 推理 任务 性能 系统".split()
    n, window = 120, 10
    specs = [make_entry(k, abstract_zh="".join(rng.choice(words) for _ in range(60)) + "。") for k in range(1, n + 1)]
    issue = _parse(build_digest(specs)).issue
    calls = []
    real_fit = alignment_check.lexical_fit
    monkeypatch.setattr(alignment_check, "lexical_fit", lambda *a: calls.append(1) or real_fit(*a))
    monkeypatch.setattr(similarity, "MAX_CANDIDATES", window)
    load_checks()
    list(CHECKS.get("alignment")().check_issue(issue))
    assert len(calls) <= n + n * window  # own fit + at most the window; unbounded it would reach n x n
    assert len(calls) > n  # the entries were suspicious: the lookups did run
