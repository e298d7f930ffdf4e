"""Text helpers shared by the gate's renderers: one-line text, clipping, Markdown and XML escaping."""

from __future__ import annotations

import html
import re
import unicodedata

from evalkit.text.chars import fit

#: Characters XML 1.0 cannot hold at all, even escaped (C0 controls but tab, newline and return; surrogates;
#: U+FFFE/U+FFFF). ElementTree writes them unchanged and the file no longer parses, so they are replaced.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Markdown characters that could start markup inside a table cell or a list item (CommonMark allows a
#: backslash before any ASCII punctuation; these are the ones that matter here).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and tabs become spaces, other control and bidi-format characters
    become visible ``\\uXXXX`` escapes (so no digest text can start a new log line or reorder a line)."""
    out = []
    for ch in text:
        if ch in "\r\n\t\u2028\u2029\x85":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200b\u200c\u200d":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def markdown_text(text: str, limit: int = 300) -> str:
    """Untrusted text as inline Markdown: one line, clipped, HTML special characters as entities and
    Markdown punctuation backslash-escaped (``|`` too, so it is safe in a table cell)."""
    escaped = html.escape(fit(one_line(text), limit), quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold replaced by visible ``\\uXXXX`` escapes."""
    return _XML_INVALID.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
