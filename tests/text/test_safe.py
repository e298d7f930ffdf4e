"""The helpers that make file names and digest text safe for logs, terminals, Markdown and JSON."""

from __future__ import annotations

import json

from evalkit.text.safe import (
    display_path,
    guard_lines,
    json_text,
    log_line,
    markdown_code,
    markdown_text,
    one_line,
    visible,
)

#: Every kind of character that must not reach an output raw.
CONTROLS = "\x00\x07\x1b\x7f\x85\x9b\u2028\u2029\u202e\u2066\ufeff\ud800"


def test_visible_escapes_every_control_and_keeps_ordinary_text():
    assert visible("20260105T090000Z_0a1b2c3d_cs.CL.md") == "20260105T090000Z_0a1b2c3d_cs.CL.md"
    assert visible("中文 text\u200d with spaces\u3000and joiners") == "中文 text\u200d with spaces\u3000and joiners"
    shown = visible("a\nb\rc\td" + CONTROLS)
    assert shown == "a\\nb\\rc\\td\\x00\\x07\\x1b\\x7f\\x85\\x9b\\u2028\\u2029\\u202e\\u2066\\ufeff\\ud800"
    assert shown.isprintable()
    assert visible("a\nb", keep="\n") == "a\nb"


def test_display_path_shows_bytes_that_are_not_utf8_and_never_starts_a_command():
    name = b"caf\xe9\xff.md".decode("utf-8", "surrogateescape")
    assert display_path(name) == "caf\\xe9\\xff.md"
    assert display_path("::error::x.md") == "./::error::x.md"
    assert display_path("x\n::error::y.md") == "x\\n::error::y.md"


def test_log_line_cannot_be_a_workflow_command():
    for line in ("::error::x", "  ::add-mask::s", "\u3000::stop-commands::t", "\n::error::x"):
        assert not log_line(line).lstrip().startswith("::"), line
    assert log_line("see ##[error]boom") == "see #\\x23[error]boom"  # the legacy form works anywhere in a line
    assert log_line("evalkit: a.md:3: ok :: fine") == "evalkit: a.md:3: ok :: fine"


def test_guard_lines_checks_every_rendered_line_even_coloured():
    text = "│ row │\n::error::wrapped\n\x1b[31m  ::warning::x\x1b[0m\nend ##[group]x"
    guarded = guard_lines(text).split("\n")
    assert guarded[0] == "│ row │"
    assert guarded[1] == "\\x3a:error::wrapped"
    assert guarded[2] == "\x1b[31m  \\x3a:warning::x\x1b[0m"
    assert guarded[3] == "end #\\x23[group]x"


def test_markdown_breaks_mentions_and_autolinks():
    text = markdown_text("ask @octocat or @org/team, mail a@b.io, see https://evil.example and www.evil.example", None)
    assert "@octocat" not in text and "@org" not in text and "@b.io" not in text
    assert "https://" not in text and "www." not in text
    # the reader still sees the same characters (the joiner is invisible)
    assert text.replace("\u200d", "") == "ask @octocat or @org/team, mail a@b.io, see https://evil.example and www.evil.example"
    assert markdown_text("x\x1b]0;t\x07") == "x\\\\x1b\\]0;t\\\\x07"
    assert markdown_code("a`b\x9b") == "a'b\\x9b"
    assert one_line("a\nb\x1b") == "a b\\x1b"


def test_json_text_escapes_what_json_leaves_raw_and_nothing_else():
    ordinary = json.dumps({"path": "a.md", "zh": "中文，“引号”"}, ensure_ascii=False)
    assert json_text(ordinary) == ordinary
    value = {"path": "x\x1b\x7f\x85\x9b\u2028\u202e" + b"\xff".decode("utf-8", "surrogateescape")}
    dumped = json_text(json.dumps(value, ensure_ascii=False))
    assert dumped.isascii() and "\x1b" not in dumped
    assert json.loads(dumped) == value  # the same value for any reader
    legacy = json.dumps(["##[add-mask]x"], ensure_ascii=False)
    assert "##[" not in json_text(legacy) and json.loads(json_text(legacy)) == ["##[add-mask]x"]
