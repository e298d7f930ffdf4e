"""Turn a file, or standard input, into text: size limit, binary detection, UTF-8 with a clear error.

A BOM and CRLF line endings are tolerated (and reported by the parser as file-level findings); any
other non-UTF-8 input is refused with the line of the first bad byte and a guess of its encoding.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from evalkit.errors import InputError, os_error_reason

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
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        raise InputError(path, os_error_reason(exc)) from None
    except OSError as exc:  # a name too long, a symlink loop, an I/O error: this input only
        raise InputError(path, f"cannot read: {os_error_reason(exc)}") from None


def decode(path: str, data: bytes) -> SourceText:
    """Decode bytes as UTF-8, refusing binary data and other encodings with a located message."""
    if not data:
        raise InputError(path, "file is empty (0 bytes); an empty digest still has its '# 摘要' header")
    utf16 = _utf16_kind(data)
    if utf16 is not None:
        description, codec = utf16
        raise InputError(
            path, f"{description}, not UTF-8; convert it first, e.g. `iconv -f {codec} -t UTF-8 {path} > fixed.md`"
        )
    if b"\x00" in data[:8192]:
        raise InputError(path, "binary file (contains NUL bytes), not a Markdown digest")
    had_bom = data.startswith(UTF8_BOM)
    if had_bom:
        data = data[len(UTF8_BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if exc.end == len(data) and exc.reason == "unexpected end of data":
            # Only the last bytes are a character's beginning: the file was cut, not written in another encoding.
            raise InputError(
                path,
                f"the file ends in the middle of a UTF-8 character (its last {len(data) - exc.start} byte(s)): it looks"
                " cut off while being written or copied; regenerate or copy it again",
                line=line,
            ) from None
        guess, codec = _guess_encoding(data)
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


def _utf16_kind(data: bytes) -> tuple[str, str] | None:
    """``(description, iconv name)`` when ``data`` looks like UTF-16, else ``None``.

    A byte-order mark says so outright. Without one, the NUL bytes tell: the ASCII of a digest (markup,
    links, the English abstract) puts a NUL beside every such character, all at odd offsets in little-endian
    text and all at even ones in big-endian, where binary data has them at both.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        order = "little" if data.startswith(b"\xff\xfe") else "big"
        return f"UTF-16 text ({order}-endian, with a byte-order mark)", "UTF-16"
    sample = data[:8192]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < max(4, len(sample) // 10) or min(even, odd) * 50 > max(even, odd):
        return None
    return ("UTF-16 text (little-endian, no byte-order mark)", "UTF-16LE") if odd > even else (
        "UTF-16 text (big-endian, no byte-order mark)",
        "UTF-16BE",
    )


def _guess_encoding(data: bytes) -> tuple[str, str]:
    """A short, honest guess of the encoding and its iconv name, for the error message.

    GBK text (simplified Chinese) and Big5 text (traditional) often both decode under either codec, so the
    guess weighs which decoding gives common characters: the GB2312 set for GBK, Big5's level-1
    ("frequently used") characters for Big5. Read with the wrong codec, each gives mostly rare
    characters; when both readings look ordinary the message says it cannot tell.
    """
    gbk = _common_share(data, "gb18030", _in_gb2312)
    big5 = _common_share(data, "big5", _in_big5_level1)
    likely = [name for name, share in (("gbk", gbk), ("big5", big5)) if share is not None and share >= COMMON_SHARE]
    if likely == ["gbk"] or (not likely and gbk is not None and big5 is None and gbk >= 0.5):
        return "it looks like GBK/GB18030-encoded Chinese", "GB18030"
    if likely == ["big5"] or (not likely and big5 is not None and gbk is None and big5 >= 0.5):
        return "it looks like Big5-encoded (traditional) Chinese", "BIG5"
    if likely:
        return "it looks like Chinese in GBK or Big5 (it reads as either; if GB18030 gives garbled text, use BIG5)", "GB18030"
    return "it looks like a single-byte encoding such as Latin-1", "LATIN1"


#: Share of Chinese characters from a codec's common set above which that codec's reading is plausible.
#: Correct readings of real text score 0.95-1.0; a wrong codec's reading of a few lines, 0.4-0.7.
COMMON_SHARE = 0.9


def _common_share(data: bytes, codec: str, is_common) -> float | None:  # type: ignore[no-untyped-def]
    """The share of Han characters of ``data`` read as ``codec`` that ``is_common`` (``None``: does not
    decode, or holds no Han characters)."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    return sum(1 for ch in han if is_common(ch)) / len(han) if han else None


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _in_big5_level1(ch: str) -> bool:
    try:
        code = int.from_bytes(ch.encode("big5"), "big")
    except UnicodeEncodeError:
        return False
    return 0xA440 <= code <= 0xC67E


def _mb(n: int) -> str:
    """A size for people: bytes, KB or MB."""
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
