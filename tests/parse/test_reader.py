"""evalkit.parse.reader: size limit, binary and encoding detection, BOM/CRLF, stdin."""

from __future__ import annotations

import io
import sys
import time

import pytest

from evalkit.errors import InputError
from evalkit.parse import DEFAULT_MAX_FILE_SIZE, decode, read_source
from tests.digest_builder import fixture_path, fixture_text


def test_reads_a_fixture_as_text():
    source = read_source(fixture_path("v1_s1.md"))
    assert source.text == fixture_text("v1_s1.md")
    assert source.path == fixture_path("v1_s1.md")
    assert (source.had_bom, source.had_crlf) == (False, False)


def test_bom_is_removed_and_noted(bom_digest):
    source = read_source(bom_digest)
    assert source.had_bom and not source.had_crlf
    assert source.text == fixture_text("v1_s1.md")


def test_crlf_is_normalised_and_noted(crlf_digest):
    source = read_source(crlf_digest)
    assert source.had_crlf and not source.had_bom
    assert "\r" not in source.text
    assert source.text == fixture_text("v1_s1.md")


def test_bom_and_crlf_together():
    data = b"\xef\xbb\xbf" + fixture_text("v0.md").replace("\n", "\r\n").encode()
    source = decode("x.md", data)
    assert source.had_bom and source.had_crlf and source.text == fixture_text("v0.md")


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_gbk_digest_is_refused_with_a_guess_and_a_fix(gbk_digest):
    with pytest.raises(InputError) as info:
        read_source(gbk_digest)
    err = info.value
    assert err.path == gbk_digest
    # "# 摘要" in GBK (d5 aa d2 aa) happens to be valid UTF-8; the first bad byte is further down
    first_bad = next(i for i, line in enumerate(fixture_text("v1_s2.md").split("\n"), 1) if not _utf8(line.encode("gbk")))
    assert first_bad > 1
    assert err.line == first_bad
    assert "not valid UTF-8" in err.message
    assert "GBK/GB18030" in err.message
    assert "iconv -f GB18030 -t UTF-8" in err.message


def test_latin1_file_is_refused_with_the_line_of_the_first_bad_byte(latin1_file):
    with pytest.raises(InputError) as info:
        read_source(latin1_file)
    err = info.value
    assert err.line == 3
    assert "byte 0xe9" in err.message
    assert "Latin-1" in err.message and "iconv -f LATIN1" in err.message
    assert str(err).startswith(f"{latin1_file}:3: ")


def test_binary_file_is_refused(binary_file):
    with pytest.raises(InputError, match="binary file"):
        read_source(binary_file)


def test_zero_byte_file_is_refused(zero_byte_file):
    with pytest.raises(InputError, match=r"empty \(0 bytes\)"):
        read_source(zero_byte_file)


def test_nonexistent_path(tmp_path):
    with pytest.raises(InputError, match="no such file or directory") as info:
        read_source(str(tmp_path / "missing.md"))
    assert info.value.line is None


def test_directory_is_not_a_regular_file(tmp_path):
    with pytest.raises(InputError, match="not a regular file"):
        read_source(str(tmp_path))


def test_size_limit(write_file):
    text = fixture_text("v1_s2.md")
    size = len(text.encode())
    path = write_file("d.md", text)
    assert read_source(path, max_size=size).text == text  # exactly at the limit is fine
    with pytest.raises(InputError, match="--max-file-size"):
        read_source(path, max_size=size - 1)


def test_size_limit_message_states_readable_sizes(write_file):
    """A 2 KB file refused under a 1 KB limit must not be described as '0.0 MB, larger than the 0.0 MB limit'."""
    path = write_file("d.md", fixture_text("v1_s2.md")[:2048])
    with pytest.raises(InputError) as info:
        read_source(path, max_size=1024)
    assert "0.0 MB" not in info.value.message


def test_sparse_100mb_file_is_refused_quickly(tmp_path):
    path = tmp_path / "huge.md"
    with open(path, "wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        read_source(str(path))
    assert time.perf_counter() - started < 1.0  # refused from the size, without reading 100 MB
    message = info.value.message
    assert "100.0 MB" in message and "20.0 MB limit" in message and "--max-file-size" in message
    assert DEFAULT_MAX_FILE_SIZE == 20 * 1024 * 1024


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", _Stdin(fixture_text("v1_s3.md").encode()))
    source = read_source("-")
    assert source.path == "-" and source.text == fixture_text("v1_s3.md")


def test_stdin_over_the_limit(monkeypatch):
    monkeypatch.setattr(sys, "stdin", _Stdin(b"# \xe6\x91\x98\xe8\xa6\x81\n" * 100))
    with pytest.raises(InputError, match="standard input is larger"):
        read_source("-", max_size=100)


def test_nul_bytes_in_an_otherwise_utf8_text():
    with pytest.raises(InputError, match="NUL"):
        decode("x.md", fixture_text("v1_s1.md").encode()[:100] + b"\x00" + b"rest")


@pytest.mark.parametrize(
    "data, codec",
    [
        (b"\xff\xfe" + "# 摘要\n\n| Ref | Title |\n".encode("utf-16-le"), "UTF-16"),
        (b"\xfe\xff" + "# 摘要\n\n| Ref | Title |\n".encode("utf-16-be"), "UTF-16"),
        ("# 摘要\n\n| Ref | Title | Summary |\n".encode("utf-16-le"), "UTF-16LE"),
        ("# 摘要\n\n| Ref | Title | Summary |\n".encode("utf-16-be"), "UTF-16BE"),
    ],
    ids=["le-bom", "be-bom", "le", "be"],
)
def test_utf16_is_named_as_such_not_binary(data, codec):
    with pytest.raises(InputError) as info:
        decode("x.md", data)
    assert "UTF-16" in info.value.message and "binary" not in info.value.message
    assert f"iconv -f {codec} -t UTF-8 x.md" in info.value.message


def test_binary_with_nuls_everywhere_is_still_binary():
    with pytest.raises(InputError, match="binary file"):
        decode("x.png", bytes(range(256)) * 8)


#: Traditional Chinese written for this test (every character is in Big5).
TRADITIONAL = "我們提出一種新的機器翻譯方法，該方法在多個語言對上顯著提高了翻譯品質。實驗結果表明，與現有系統相比，我們的模型在準確性和流暢性方面均有明顯優勢。"


def test_big5_is_called_big5_not_gbk():
    data = ("# 摘要\n\n" + TRADITIONAL + "\n").encode("big5")
    with pytest.raises(InputError) as info:
        decode("x.md", data)
    assert "Big5" in info.value.message and "GBK" not in info.value.message
    assert "iconv -f BIG5 -t UTF-8" in info.value.message


def test_bytes_that_read_well_as_gbk_and_as_big5_are_called_either():
    data = b"# " + bytes([0xB0, 0xA1, 0xB0, 0xA2, 0xB0, 0xA3, 0xB1, 0xA1]) + b"\n"  # common in both sets
    with pytest.raises(InputError) as info:
        decode("x.md", data)
    assert "GBK or Big5" in info.value.message


def test_utf8_cut_mid_character_says_so_instead_of_latin1():
    text = fixture_text("v1_s2.md").rstrip() + "\n最后一行"
    data = text.encode("utf-8")[:-2]  # the last character lost two of its three bytes
    with pytest.raises(InputError) as info:
        decode("x.md", data)
    err = info.value
    assert err.line == text.count("\n") + 1
    assert "middle of a UTF-8 character" in err.message and "cut" in err.message
    assert "iconv" not in err.message and "LATIN1" not in err.message
