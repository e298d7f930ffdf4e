"""evalkit.inputs: every path that cannot be used is one input problem, and the other paths are kept."""

from __future__ import annotations

import errno
import os
import shutil

import pytest

from evalkit.inputs import expand

ROOT_REASON = "root ignores permission bits; the monkeypatched variant covers this case"


@pytest.fixture
def good(tmp_path):
    """A readable digest, ``good.md``, in ``tmp_path``."""
    path = tmp_path / "good.md"
    path.write_text("# 摘要\n", encoding="utf-8")
    return str(path)


def refuse_stat(monkeypatch, target, error):
    """Make ``os.stat`` (and so every stat-based check) fail with ``error`` for paths under ``target``."""
    real_stat = os.stat

    def stat(path, *args, **kwargs):
        if os.fspath(path).startswith(str(target)):
            raise OSError(error, os.strerror(error), os.fspath(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)


def test_a_file_name_too_long_is_one_problem_and_the_rest_is_kept(tmp_path, good):
    long_name = str(tmp_path / ("a" * 300 + ".md"))  # ENAMETOOLONG for root too
    inputs = expand([good, long_name])
    assert inputs.paths == (good,)
    assert [(p.path, p.message) for p in inputs.problems] == [(long_name, "cannot read: file name too long")]


def test_a_path_of_megabytes_is_one_problem_with_a_short_name(tmp_path, good):
    huge = "b" * 10_000_000
    inputs = expand([huge, good])
    assert inputs.paths == (good,)
    (problem,) = inputs.problems
    assert len(problem.path) < 200 and "10,000,000 characters" in problem.path
    assert "name too long" in problem.message


def test_a_file_in_a_directory_without_search_permission(tmp_path, good, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.md").write_text("# 摘要\n", encoding="utf-8")
    refuse_stat(monkeypatch, locked, errno.EACCES)
    inputs = expand([str(locked / "x.md"), good])
    assert inputs.paths == (good,)
    assert [(p.path, p.message) for p in inputs.problems] == [(str(locked / "x.md"), "permission denied")]


@pytest.mark.skipif(os.geteuid() == 0, reason=ROOT_REASON)
def test_a_file_in_a_directory_without_search_permission_for_real(tmp_path, good):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.md").write_text("# 摘要\n", encoding="utf-8")
    locked.chmod(0o600)  # readable, not searchable
    try:
        inputs = expand([str(locked / "x.md"), good])
    finally:
        locked.chmod(0o700)
    assert inputs.paths == (good,)
    assert [p.message for p in inputs.problems] == ["permission denied"]


def test_a_symlink_loop_is_named_as_such(tmp_path, good):
    loop = tmp_path / "loop.md"
    loop.symlink_to(loop)
    inputs = expand([str(loop), good])
    assert inputs.paths == (good,)
    assert [p.message for p in inputs.problems] == ["cannot read: too many levels of symbolic links"]


def test_a_name_that_is_not_utf8_is_read_like_any_other(tmp_path, good):
    """Linux allows any bytes in a name; every output escapes the bad byte (``\\xe9``) and JSON keeps the exact
    name, so such a file is read and scored like any other, not refused."""
    bad = os.fsdecode(os.fsencode(str(tmp_path)) + b"/caf\xe9.md")  # as sys.argv or --paths-from hand it over
    with open(os.fsencode(bad), "w", encoding="utf-8") as fh:
        fh.write("# 摘要\n")
    inputs = expand([bad, good])
    assert inputs.paths == (bad, good) and inputs.problems == ()


def test_an_unreadable_directory_says_so_instead_of_holding_no_files(tmp_path, good, monkeypatch):
    sealed = tmp_path / "sealed"
    sealed.mkdir()
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(sealed):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    inputs = expand([str(sealed), good])
    assert inputs.paths == (good,)
    assert [(p.path, p.message) for p in inputs.problems] == [(str(sealed), "cannot read directory: permission denied")]


def test_an_unreadable_subdirectory_is_a_problem_and_its_siblings_are_read(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    (tree / "open").mkdir(parents=True)
    (tree / "sealed").mkdir()
    (tree / "open" / "a.md").write_text("# 摘要\n", encoding="utf-8")
    (tree / "sealed" / "b.md").write_text("# 摘要\n", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(tree / "sealed"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    inputs = expand([str(tree)])
    assert inputs.paths == (str(tree / "open" / "a.md"),)
    assert [(p.path, p.message) for p in inputs.problems] == [
        (str(tree / "sealed"), "cannot read directory: permission denied")
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason=ROOT_REASON)
def test_a_chmod_000_subdirectory_for_real(tmp_path):
    tree = tmp_path / "tree"
    (tree / "sealed").mkdir(parents=True)
    (tree / "sealed" / "b.md").write_text("# 摘要\n", encoding="utf-8")
    (tree / "sealed").chmod(0)
    try:
        inputs = expand([str(tree), str(tree / "sealed")])
    finally:
        (tree / "sealed").chmod(0o700)
    assert inputs.paths == ()
    assert [p.message for p in inputs.problems] == ["cannot read directory: permission denied"] * 2


def test_walking_finds_what_rglob_found(tmp_path, monkeypatch):
    """The walk keeps the order, the suffixes and the path spelling of the pathlib version it replaced."""
    from pathlib import Path

    tree = tmp_path / "tree"
    for name in ("b/z.md", "a.MD", "b/c/d.txt", "b/skip.json", ".hidden/e.md"):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text("# 摘要\n", encoding="utf-8")
    (tmp_path / "outside.md").write_text("# 摘要\n", encoding="utf-8")
    (tree / "link.md").symlink_to(tmp_path / "outside.md")
    (tree / "dangling.md").symlink_to(tree / "nowhere")
    (tree / "linked-dir").symlink_to(tree / "b")  # not followed, as rglob did not
    shutil.copytree(tree / "b", tree / "copy")
    monkeypatch.chdir(tmp_path)
    for spelling in (str(tree), str(tree) + "/", "tree", "./tree/"):
        expected = sorted(
            str(p) for p in Path(spelling).rglob("*") if p.suffix.lower() in (".md", ".txt") and p.is_file()
        )
        assert len(expected) == 7
        assert list(expand([spelling]).paths) == expected
