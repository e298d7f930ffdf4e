"""Write output files atomically: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import os
import re
import secrets
import sys
from pathlib import Path
from typing import Iterable

from evalkit.text.unencodable import ESCAPE_ERRORS

#: Temporary files are hidden, named after the target and the writing process: ``.NAME.PID.HEX.tmp``.
_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")
#: The start of a spool directory's name (:mod:`evalkit.report.spool`): ``.evalkit-spool.PID.HEX``.
SPOOL_PREFIX = ".evalkit-spool."
_SPOOL = re.compile(r"^\.evalkit-spool\.(?P<pid>\d+)\.[0-9a-f]{8}$")


def write_text(path: str, text: str | Iterable[str]) -> None:
    """Write ``text`` (a string or an iterable of chunks) to ``path`` (``-`` for stdout).

    Files are written to a temporary file beside the target, synced and renamed over it, so an
    interrupted run leaves the previous version intact. Chunks let large reports stream to disk.
    A target that exists and is not a regular file (``/dev/null``, a FIFO, ``/dev/stdout``) is written
    in place: renaming over it would replace the device with a file. The new file gets the usual
    permissions (``0666`` less the umask, or the old file's mode), not a temporary file's private ``0600``.
    A run killed outright (SIGKILL, power loss) cannot remove its temporary file (``.NAME.PID.HEX.tmp``);
    the next write to the same path removes those whose process is gone. An ``OSError`` names ``path``,
    never the temporary file. Files are UTF-8; a non-UTF-8 file name in the text is written with its bad
    bytes as ``\\xNN``.
    """
    chunks = [text] if isinstance(text, str) else text
    if path == "-":
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    try:
        _write_file(Path(path), chunks)
    except OSError as exc:
        # The failing call may have been on the hidden temporary file; the person asked for ``path``.
        exc.filename, exc.filename2 = path, None
        raise


def _write_file(target: Path, chunks: Iterable[str]) -> None:
    if target.exists() and not target.is_file():
        with open(target, "w", encoding="utf-8", errors=ESCAPE_ERRORS, newline="\n") as fh:
            for chunk in chunks:
                fh.write(chunk)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    mode = target.stat().st_mode & 0o7777 if target.exists() else None
    fd, tmp = _create_temporary(target)
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", errors=ESCAPE_ERRORS, newline="\n") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_directory(target.parent)


def check_target(path: str, what: str, *, directory: bool = False) -> None:
    """Raise :class:`~evalkit.errors.ConfigError` now if ``path`` cannot take the output, so a long run
    fails before its work rather than after it.

    ``what`` names the option in the message (``--output``). A file target (``directory`` false) must
    not be a directory; a directory target must not be anything else; ``-`` (stdout) is always fine.
    Missing parent directories are fine (:func:`write_text` creates them), but the nearest one that
    exists must be a directory this process can write in.
    """
    from evalkit.errors import ConfigError

    if path == "-" and not directory:
        return
    target = Path(path)
    if target.is_dir() and not directory:
        raise ConfigError(f"{what} {path}: is a directory; give a file name")
    if target.exists() and directory and not target.is_dir():
        raise ConfigError(f"{what} {path}: is not a directory")
    if target.exists() and not target.is_dir() and not target.is_file():
        return  # a device or FIFO such as /dev/null: written in place
    existing = target.parent if not target.exists() or not directory else target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"{what} {path}: {existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"{what} {path}: cannot write in {existing}: permission denied")


def temporary_files(target: str | os.PathLike[str]) -> list[Path]:
    """The temporary files of writes to ``target`` that are still on disk (finished or not)."""
    target = Path(target)
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    return sorted(
        target.parent / name for name in names if (m := _TEMP.match(name)) is not None and m["name"] == target.name
    )


def remove_stale_temporaries(target: str | os.PathLike[str]) -> None:
    """Delete the temporary files of earlier writes to ``target`` whose process no longer runs, and the
    spool directories such runs left beside it (:func:`remove_stale_spools`)."""
    for tmp in temporary_files(target):
        m = _TEMP.match(tmp.name)
        assert m is not None  # selected by the pattern
        if not process_alive(int(m["pid"])):
            tmp.unlink(missing_ok=True)
    remove_stale_spools(Path(target).parent)


def remove_stale_spools(directory: str | os.PathLike[str]) -> None:
    """Delete the spool directories (:mod:`evalkit.report.spool`) in ``directory`` whose process no longer runs:
    a run killed outright cannot remove its own."""
    import shutil

    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        m = _SPOOL.match(name)
        if m is not None and not process_alive(int(m["pid"])):
            shutil.rmtree(Path(directory) / name, ignore_errors=True)


def _create_temporary(target: Path) -> tuple[int, str]:
    """A new, empty temporary file beside ``target`` (mode 0666 minus the umask) and its path."""
    while True:
        tmp = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), str(tmp)
        except FileExistsError:
            continue  # another write of this process picked the same name: draw again


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` may still run (``True`` when there is no way to tell, or it is this one)."""
    if pid == os.getpid():
        return True  # a write of this very process, perhaps in another thread
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or no way to tell: leave its file alone
    return True


def _sync_directory(directory: Path) -> None:
    """Make the rename durable (the directory entry), where the platform allows it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a directory; the rename itself is still atomic
    finally:
        os.close(fd)
