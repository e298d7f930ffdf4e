"""The Markdown report: digest text inside it is escaped so it renders as the characters it is."""

from __future__ import annotations

import re

from evalkit.pipeline import score
from evalkit.records import Severity
from evalkit.report import build_report
from evalkit.report.markdown import MAX_TABLE_ISSUES, WORST_ENTRIES, render_markdown
from tests.digest_builder import build_digest, fixture_path, make_entry
from tests.helpers import foundation_config

# the finding quotes the last 30 characters of the Chinese: put the markup there
HOSTILE_TAIL = "<i>斜</i>*强*_划_[链](x.t) | 管，"
HOSTILE_ZH = make_entry(1).abstract_zh[:-1] + "，" + HOSTILE_TAIL
assert len(HOSTILE_TAIL) <= 30


def markdown_for(paths, **config) -> str:
    cfg = foundation_config(**config)
    return render_markdown(build_report(score(paths, cfg), cfg))


def test_clean_fixtures_give_a_headline_only():
    text = markdown_for([fixture_path("v1_s1.md"), fixture_path("v1_s2.md")])
    assert text.startswith("# evalkit report\n\n2 issue(s), 6 entries: **0 fail**, 0 warn, 6 pass.\n")
    assert "## " not in text and "Worst entries" not in text
    assert text.endswith("|\n")


#: The context finding of the fixture's cut entry, made a warning so the entry is listed.
AS_WARNING = {"severity": {"truncation.follows-source": Severity.WARNING}}


def test_warned_entry_is_listed_with_its_first_finding():
    text = markdown_for([fixture_path("v1_s3.md")], **AS_WARNING)
    assert "## v1\\_s3" in text
    assert "| `truncation.follows-source` | warning | 1 |" in text
    line = next(x for x in text.split("\n") if x.startswith("- **[^2]**"))
    assert "[2402.01234](https://arxiv.org/abs/2402.01234)" in line
    assert "line 35" in line and "`truncation.follows-source`" in line


def test_markup_in_digest_text_is_escaped(write_file):
    text = build_digest([make_entry(1, abstract_zh=HOSTILE_ZH)])
    md = markdown_for([write_file("d.md", text)])
    finding_line = next(x for x in md.split("\n") if x.startswith("- **[^1]**"))
    assert "<i>" not in md and "&lt;i&gt;斜&lt;/i&gt;" in finding_line
    assert "\\*强\\*" in finding_line and "\\_划\\_" in finding_line
    assert "\\[链\\]\\(x.t\\) \\| 管，" in finding_line
    assert "[链](" not in md


def test_markup_in_file_names_is_escaped(tmp_path):
    path = tmp_path / "a|b *c* [d].md"
    path.write_text(build_digest([make_entry(1, abstract_zh="只译了一半，")]), encoding="utf-8")
    md = markdown_for([str(path)])
    heading = next(x for x in md.split("\n") if x.startswith("## "))
    assert heading == "## a\\|b \\*c\\* \\[d\\]"
    row = next(x for x in md.split("\n") if "a\\|b" in x and x.startswith("| "))
    # the escaped "|" does not add a column: as many cells as the header
    header = next(x for x in md.split("\n") if x.startswith("| issue |"))
    assert len(re.split(r"(?<!\\)\|", row)) == len(header.split("|"))


def test_link_target_cannot_inject_markdown(write_file):
    """A damaged link paragraph must not reach the report as live Markdown."""
    link = "https://arxiv.org/abs/2401.10001) [click me](https://evil.test/x"
    text = build_digest([make_entry(1)]).replace(
        "    [https://arxiv.org/abs/2401.10001](https://arxiv.org/abs/2401.10001)", f"    {link}"
    )
    md = markdown_for([write_file("d.md", text)])
    assert "structure.malformed-link" in md  # the entry is listed
    assert "[click me](https://evil.test/x" not in md


def test_input_errors_section(gbk_digest):
    md = markdown_for([fixture_path("v1_s1.md"), gbk_digest])
    assert "; **1 input error(s)**." in md
    assert "## Input errors" in md
    line = next(x for x in md.split("\n") if x.startswith("- `"))
    assert gbk_digest in line and "GBK/GB18030" in line
    assert "\\`iconv" in line  # backticks in the message are escaped too


def test_worst_entries_are_capped(write_file):
    entries = [make_entry(n, abstract_zh="只译了一半，") for n in range(1, WORST_ENTRIES + 4)]
    md = markdown_for([write_file("d.md", build_digest(entries))])
    listed = [x for x in md.split("\n") if x.startswith("- **[^")]
    assert len(listed) == WORST_ENTRIES
    assert listed[0].startswith("- **[^1]** fail")


def test_worst_entry_shows_its_most_severe_finding_without_the_ref_prefix(write_file):
    """An entry with a warning on an early line and an error later is listed with the error."""
    text = build_digest([make_entry(1, abstract_zh="只译了一半，")])
    md = markdown_for([write_file("d.md", text)])
    line = next(x for x in md.split("\n") if x.startswith("- **[^1]**"))
    assert "line" in line and "\\[^1\\]:" not in line  # the message's own "[^1]: " is not repeated
    first_code = re.search(r"— `([^`]+)`", line)[1]
    run = score([write_file("d2.md", text)], foundation_config())
    severities = {f.code: f.severity.value for f in run.issues[0].entries[0].findings}
    assert severities[first_code] == max(severities.values(), key=["info", "warning", "error"].index)


def test_several_issues_get_findings_by_code_across_issues(write_file):
    bad = build_digest([make_entry(1, abstract_zh="只译了一半，"), make_entry(2)])
    md = markdown_for([write_file("a.md", bad), write_file("b.md", bad), fixture_path("v1_s1.md")])
    assert "## Findings by code" in md
    row = next(x for x in md.split("\n") if x.startswith("| `truncation.translation` |"))
    assert row.endswith("| 2 | 2 |")  # two findings, in two issues
    assert "| ✅ pass |" in md and "| ❌ fail |" in md


def test_issue_sections_worst_first():
    md = markdown_for([fixture_path("v1_s1.md"), fixture_path("v1_s3.md")], **AS_WARNING)
    assert md.index("## v1\\_s3") < (md.index("## v1\\_s1") if "## v1\\_s1" in md else len(md))


def test_long_reports_are_cut_to_fit_a_comment(write_file):
    entries = [make_entry(n, abstract_zh="只译了一半，") for n in range(1, 6)]
    paths = [write_file(f"d{k}.md", build_digest(entries)) for k in range(6)]
    full = markdown_for(paths)
    cfg = foundation_config()
    short = render_markdown(build_report(score(paths, cfg), cfg), max_chars=len(full) // 2)
    assert len(short) < len(full) // 2
    assert "more issue section(s) left out to fit a pull-request comment" in short
    assert short.startswith("# evalkit report")


def test_headline_table_is_capped(write_file):
    paths = [write_file(f"d{k}.md", build_digest([make_entry(1)])) for k in range(MAX_TABLE_ISSUES + 2)]
    md = markdown_for(paths)
    rows = [x for x in md.split("\n") if x.startswith("| ") and ".md |" in x]
    assert len(rows) == MAX_TABLE_ISSUES
    assert "2 more issue(s) not listed" in md


def test_entities_and_math_are_escaped(write_file):
    zh = make_entry(1).abstract_zh[:-1] + "，&lt;b&gt; $x$ ~~删~~ "
    md = markdown_for([write_file("d.md", build_digest([make_entry(1, abstract_zh=zh)]))])
    line = next(x for x in md.split("\n") if x.startswith("- **[^1]**"))
    assert "&amp;lt;b&amp;gt;" in line and "\\$x\\$" in line and "\\~\\~删\\~\\~" in line
