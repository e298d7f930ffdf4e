"""Untrusted text (file names, digest text) made safe for every output evalkit writes.

A pull request chooses both the names of the files the gate reads and the text inside them, and both end
up in CI logs, terminals, pull-request comments and report files. The helpers here guarantee:

- no control character (C0, DEL, C1), line or paragraph separator, bidi control or other invisible format
  character reaches an output raw: each is written as a visible escape (``\\n``, ``\\x1b``, ``\\u202e``; a
  byte that was not UTF-8, kept by Python as a lone surrogate, as ``\\xff``). So no untrusted text can
  start a line, move the cursor, set the window title or print an OSC-8 hyperlink;
- no log line made from untrusted text is a GitHub workflow command: the runner reads ``::cmd::`` at the
  start of a line (after leading white space) and the legacy ``##[cmd]`` anywhere in a line, on stdout and
  stderr (:func:`log_line`);
- Markdown holds neither markup nor ``@mention``/bare-URL autolinks that would ping people or link out
  (:func:`markdown_text`);
- JSON carries only escapes for the characters above (:func:`json_text`), byte for byte the same as before
  for text without them.

Ordinary text (Chinese, ASCII, paths without such characters) comes out unchanged from every helper
except the Markdown one.
"""

from __future__ import annotations

import html
import re
import unicodedata

from evalkit.text.chars import fit

#: Format characters that are part of ordinary text and harmless (zero-width space, non-joiner, joiner:
#: used in emoji and some scripts); every other ``Cf`` character (bidi controls, BOM, soft hyphen, word
#: joiner, tags) is escaped.
_HARMLESS_FORMAT = frozenset("\u200b\u200c\u200d")
#: Categories never written raw: controls, format characters, lone surrogates, line/paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
#: Line breaks that :func:`one_line` turns into a space (prose reads better that way than with ``\\n``).
_BREAKS = frozenset("\r\n\t\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: Python decodes a byte that is not UTF-8 (in a file name) as U+DC80..U+DCFF ("surrogateescape").
_SURROGATE_BYTES = range(0xDC80, 0xDD00)

#: What JSON writers leave raw and must not: DEL and C1 controls (``json`` escapes only C0), lone
#: surrogates (not encodable as UTF-8), line/paragraph separators and bidi controls.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
#: ``::`` after leading white space starts a workflow command (the runner trims Unicode white space).
_COMMAND_START = re.compile(r"^(\s*):(?=:)")
#: The legacy workflow-command prefix, recognised anywhere in a line.
_LEGACY_COMMAND = re.compile(r"##(?=\[)")
#: The ANSI colour codes rich may write before a line's text (in colour mode).
_LEADING_SGR = re.compile(r"^(?:\x1b\[[0-9;]*m)*")

#: Markdown characters that could start markup inside a table cell or a list item (CommonMark allows a
#: backslash before any ASCII punctuation; these are the ones that matter here; ``$`` starts math).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~$])")
#: ``@name`` / ``@org/team`` mentions and e-mail addresses: GitHub links (and notifies) them.
_MENTION = re.compile(r"@(?=[\w-])")
#: GitHub's autolinks of bare URLs: ``http(s)://``, ``ftp://`` and ``www.``.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp)(?=:)|\b(www)(?=\.)")
#: Inserted to break a mention or an autolink: invisible, and kept by :func:`visible`.
_JOINER = "\u200d"


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in _UNSAFE_CATEGORIES and ch not in _HARMLESS_FORMAT


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    if code in _SURROGATE_BYTES:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep: str = "") -> str:
    """``text`` with every unsafe character (see the module) but those in ``keep`` written as a visible
    escape, so it is one line without control characters (``keep="\\n"``: lines, still no controls);
    other text is kept as it is."""
    if text.isprintable():  # the common case, fast: no control, format or separator character at all
        return text
    return "".join(_escape(ch) if _unsafe(ch) and ch not in keep else ch for ch in text)


def one_line(text: str) -> str:
    """``text`` on one line for prose: line breaks and tabs become spaces, other unsafe characters
    visible escapes (:func:`visible`)."""
    return visible("".join(" " if ch in _BREAKS else ch for ch in text))


def display_path(path: str) -> str:
    """A file name as messages show it: :func:`visible` (a newline in the name reads ``\\n``, a byte
    that is not UTF-8 ``\\xff``); a name starting with ``::`` gets ``./`` in front, the same file."""
    shown = visible(str(path))
    return "./" + shown if shown.startswith("::") else shown


def log_line(line: str) -> str:
    """One line for a CI log or terminal (stdout or stderr) that holds untrusted text: :func:`visible`,
    and no workflow command: a ``:`` that would start ``::`` is written ``\\x3a``, ``##[`` as ``#\\x23[``."""
    return _no_command_start(break_legacy_commands(visible(line)))


def break_legacy_commands(text: str) -> str:
    """``text`` with every ``##[`` written ``#\\x23[``: the runner reads a legacy ``##[command]`` anywhere
    in a line, even inside a well-formed annotation's message."""
    return _LEGACY_COMMAND.sub("#\\\\x23", text)


def _no_command_start(line: str) -> str:
    return _COMMAND_START.sub(lambda m: m.group(1) + "\\x3a", line)


def guard_lines(text: str) -> str:
    """Rendered terminal text (lines already free of untrusted control characters, perhaps coloured by
    rich) with :func:`log_line`'s workflow-command guard applied to every line, so that wrapping a long
    cell cannot put ``::`` at the start of a line."""
    out = []
    for line in text.split("\n"):
        colour = _LEADING_SGR.match(line).group()
        rest = line[len(colour):]
        out.append(colour + _no_command_start(break_legacy_commands(rest)))
    return "\n".join(out)


def markdown_text(text: str, limit: int | None = 300) -> str:
    """Untrusted text as inline Markdown: one line (:func:`one_line`), clipped to ``limit`` characters
    (``None``: not clipped), HTML special characters as entities, Markdown punctuation backslash-escaped
    (``|`` too, so it is safe in a table cell), and mentions and bare URLs broken by an invisible joiner
    so that GitHub neither notifies anyone nor links anywhere."""
    shown = one_line(text)
    if limit is not None:
        shown = fit(shown, limit)
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(shown, quote=False))
    return _AUTOLINK.sub(lambda m: m.group() + _JOINER, _MENTION.sub("@" + _JOINER, escaped))


def markdown_code(text: str) -> str:
    """Untrusted text for a Markdown code span (`` `…` ``): :func:`visible`, backticks as ``'`` so the
    span cannot end early (GitHub links neither mentions nor URLs inside code)."""
    return visible(text).replace("`", "'")


def xml_text(text: str) -> str:
    """Text for an XML element or attribute: :func:`visible`, but keeping newlines and tabs (XML 1.0 holds
    them; the serialiser escapes them in attributes)."""
    return visible(text, keep="\n\t")


def json_text(dumped: str) -> str:
    """JSON text from :func:`json.dumps` (``ensure_ascii=False``) with DEL, C1 controls, lone surrogates,
    line separators and bidi controls written as ``\\uXXXX`` escapes, and the second ``#`` of ``##[`` as
    ``\\u0023`` (so the file can be printed in a CI log): the same value for every parser, no raw control
    character in the file, and unchanged text when there are none (these characters can only occur inside
    JSON strings, so escaping them in place is exact)."""
    escaped = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
    return _LEGACY_COMMAND.sub("#\\\\u0023", escaped) if "##[" in escaped else escaped
