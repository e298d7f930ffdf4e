"""Write output files atomically: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Iterable


def write_text(path: str, text: str | Iterable[str]) -> None:
    """Write ``text`` (a string or an iterable of chunks) to ``path`` (``-`` for stdout).

    Files are written to a temporary file beside the target, synced and renamed over it, so an
    interrupted run leaves the previous version intact. Chunks let large reports stream to disk.
    A target that exists and is not a regular file (``/dev/null``, a FIFO, ``/dev/stdout``) is written
    in place: renaming over it would replace the device with a file. The new file gets the usual
    permissions (``0666`` less the umask, or the old file's mode), not ``mkstemp``'s private ``0600``.
    """
    chunks = [text] if isinstance(text, str) else text
    if path == "-":
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    target = Path(path)
    if target.exists() and not target.is_file():
        with open(target, "w", encoding="utf-8", newline="\n") as fh:
            for chunk in chunks:
                fh.write(chunk)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process umask (read by setting it and putting it back: there is no getter)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
