"""Text that an output encoding cannot hold: file names that are not UTF-8, and stdout in ASCII or Latin-1.

Linux file names are bytes; Python hands a name that is not UTF-8 to evalkit as a ``str`` with each bad
byte as a lone surrogate (U+DC80..U+DCFF, the ``surrogateescape`` convention of :func:`os.fsdecode`).
Such a name works for opening files but cannot be encoded as UTF-8, so every output that carries a path
decides here what the byte becomes:

- text meant for people (Markdown, HTML, tables, stdout, the history's path column) shows the byte as
  ``\\xff``, the way Python and most tools print it (:func:`escape_unencodable`, and the codec error
  handler :data:`ESCAPE_ERRORS` for whole streams, which also writes ``\\uXXXX`` for any character the
  stream's encoding lacks, such as Chinese on an ASCII stdout: JSON's own escape, so JSON stays JSON);
- JSON keeps the exact name as a ``\\udcff`` escape (:func:`evalkit.text.safe.json_text`): valid UTF-8, valid
  JSON, and ``json.loads`` gives back the very string :func:`os.fsencode` turns into the original bytes.
"""

from __future__ import annotations

import codecs
import re

#: Name of the codec error handler registered by this module (``open(..., errors=ESCAPE_ERRORS)``).
ESCAPE_ERRORS = "evalkit-escape"

#: A lone surrogate: an undecodable file-name byte, or half a pair that JSON input can hold.
SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # an undecodable byte of a file name: show the byte itself
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    # Beyond the BMP: a UTF-16 surrogate pair, as JSON and JavaScript write it, so JSON on an ASCII
    # stdout stays valid JSON.
    high, low = divmod(code - 0x10000, 0x400)
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def escape_unencodable(text: str) -> str:
    """``text`` with undecodable file-name bytes as ``\\xNN`` and other lone surrogates as ``\\uXXXX``:
    always encodable as UTF-8 (for SQLite, which refuses surrogates, and for any text output)."""
    return SURROGATE.sub(lambda m: _escape(m.group()), text)


def _escape_error(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(_escape(ch) for ch in error.object[error.start : error.end]), error.end


codecs.register_error(ESCAPE_ERRORS, _escape_error)
