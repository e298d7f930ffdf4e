"""Turn a file, or standard input, into text: size limit, binary detection, UTF-8 with a clear error.

A BOM and CRLF line endings are tolerated (and reported by the parser as file-level findings); any
other non-UTF-8 input is refused with the line of the first bad byte and a guess of its encoding.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from evalkit.errors import InputError

#: Largest input read by default. The largest real digest is ~2 MB; 20 MB leaves ample room while
#: keeping memory bounded on hostile input.
DEFAULT_MAX_FILE_SIZE = 20 * 1024 * 1024
#: Bytes asked for per read once the expected size is passed (stdin, a file that grows, /proc).
_CHUNK = 1 << 20

UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class SourceText:
    """Decoded input text plus what decoding noticed about it."""

    path: str
    text: str
    had_bom: bool
    had_crlf: bool


def read_source(path: str, max_size: int = DEFAULT_MAX_FILE_SIZE) -> SourceText:
    """Read ``path`` (``-`` for stdin) and decode it, raising :class:`InputError` on unreadable input."""
    data = _read_bytes(path, max_size)
    return decode(path, data)


def _read_at_most(fh: BinaryIO, limit: int, expected: int) -> bytes:
    """Up to ``limit`` bytes of ``fh``, in reads no larger than ``expected + 1`` and then :data:`_CHUNK`.

    ``read(n)`` reserves ``n`` bytes up front, so a huge limit (``--max-file-size 99999999999999999999999MB``,
    meaning "no limit") must never become the size of one read.
    """
    parts: list[bytes] = []
    total = 0
    want = min(limit, expected + 1)
    while want > 0:
        part = fh.read(want)
        if not part:
            break
        parts.append(part)
        total += len(part)
        want = min(limit - total, _CHUNK)
    return b"".join(parts)


def _read_bytes(path: str, max_size: int) -> bytes:
    if path == "-":
        data = _read_at_most(sys.stdin.buffer, max_size + 1, expected=0)
        if len(data) > max_size:
            raise InputError(path, f"standard input is larger than the {_mb(max_size)} limit (--max-file-size)")
        return data
    p = Path(path)
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise InputError(path, "not a regular file")
        if size > max_size:
            raise InputError(
                path,
                f"file is {_mb(size)}, larger than the {_mb(max_size)} limit; a digest is at most a few MB "
                "(raise the limit with --max-file-size if this is intended)",
            )
        with p.open("rb") as fh:
            data = _read_at_most(fh, max_size + 1, expected=size)
        if len(data) > max_size:  # it grew after stat(), or reports no size (/proc): never cut it silently
            raise InputError(
                path,
                f"file is larger than the {_mb(max_size)} limit, though it reported {_mb(size)} (did it grow while "
                "being read?); raise the limit with --max-file-size if this is intended",
            )
        return data
    except FileNotFoundError:
        raise InputError(path, "no such file or directory") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None


def decode(path: str, data: bytes) -> SourceText:
    """Decode bytes as UTF-8, refusing binary data and other encodings with a located message."""
    if not data:
        raise InputError(path, "file is empty (0 bytes); an empty digest still has its '# 摘要' header")
    if b"\x00" in data[:8192]:
        raise InputError(path, "binary file (contains NUL bytes), not a Markdown digest")
    had_bom = data.startswith(UTF8_BOM)
    if had_bom:
        data = data[len(UTF8_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        guess, codec = _guess_encoding(data)
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            path,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); {guess}; "
            f"convert it first, e.g. `iconv -f {codec} -t UTF-8 {path} > fixed.md`",
            line=line,
        ) from None
    had_crlf = "\r\n" in text
    if had_crlf:
        text = text.replace("\r\n", "\n")
    return SourceText(path=path, text=text, had_bom=had_bom, had_crlf=had_crlf)


def _guess_encoding(data: bytes) -> tuple[str, str]:
    """A short, honest guess of the encoding and its iconv name, for the error message."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return "it looks like a single-byte encoding such as Latin-1", "LATIN1"
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "it looks like GBK/GB18030-encoded Chinese", "GB18030"
    return "it looks like a single-byte encoding such as Latin-1", "LATIN1"


def _mb(n: int) -> str:
    """A size for people: bytes, KB or MB."""
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
