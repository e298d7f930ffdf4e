"""Atomic writes: special targets are written in place, new files get the usual permissions."""

from __future__ import annotations

import os
import stat

from evalkit.report.write import write_text


def test_dev_null_stays_a_device():
    write_text(os.devnull, "nothing to see\n")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_fifo_is_written_in_place(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_text(str(fifo), "hello\n")
        assert os.read(reader, 100) == b"hello\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_new_files_follow_the_umask_and_rewrites_keep_the_mode(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "report.json"
        write_text(str(path), "{}\n")
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
        os.chmod(path, 0o600)
        write_text(str(path), "[]\n")
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and path.read_text() == "[]\n"
    finally:
        os.umask(old)
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind


def test_an_error_names_the_output_not_the_temporary_file(tmp_path, monkeypatch):
    import errno

    import pytest

    target = tmp_path / "report.json"

    def replace(src, dst):
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), src, dst)  # as the system names both files

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError) as caught:
        write_text(str(target), "{}")
    assert caught.value.filename == str(target) and caught.value.filename2 is None
    assert os.listdir(tmp_path) == []  # and the temporary file is gone


def test_a_disk_full_while_writing_names_the_output(tmp_path, monkeypatch):
    import errno

    import pytest

    real_open = os.open

    def refusing_open(path, flags, *args):
        if os.fspath(path).endswith(".tmp"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.fspath(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refusing_open)
    with pytest.raises(OSError) as caught:
        write_text(str(tmp_path / "out.md"), "text")
    assert caught.value.filename == str(tmp_path / "out.md")
