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
    """
    chunks = [text] if isinstance(text, str) else text
    if path == "-":
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
