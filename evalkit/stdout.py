"""The command line's standard output: any declared encoding, and a stdout that is closed or gone.

:func:`evalkit.cli.main` puts a :class:`GuardedStdout` in place of ``sys.stdout`` for the whole run:

- Characters the declared encoding cannot hold (Chinese on ``PYTHONIOENCODING=ascii`` or ``latin-1``, a
  non-UTF-8 file name) are written as escapes (:data:`~evalkit.text.unencodable.ESCAPE_ERRORS`: ``\\uXXXX``,
  ``\\xNN`` for a file name's bad byte) rather than crashing or silently switching to UTF-8: what reaches
  the reader is in the encoding it asked for, nothing is dropped, and JSON stays valid JSON.
- A write to a stdout that was closed before the start (``evalkit score x.md >&-``), or whose reader went
  away (``| head -c1``: EPIPE), raises :class:`StdoutGone`, which is neither an ``OSError`` (that the
  commands would report as "cannot write FILE") nor a library error, so it reaches ``main`` untouched.

The stream has no ``buffer`` attribute on purpose: click, seeing an ASCII stream, would otherwise write
UTF-8 bytes to the buffer underneath, mixing two encodings in one output.
"""

from __future__ import annotations

import errno
from typing import Any, Iterable, TextIO

from evalkit.text.unencodable import ESCAPE_ERRORS


class StdoutGone(Exception):
    """Standard output cannot be written: closed (``reader_gone`` false) or its reader left (EPIPE)."""

    def __init__(self, reader_gone: bool, reason: str) -> None:
        self.reader_gone = reader_gone
        super().__init__(reason)


class GuardedStdout:
    """A text stream around the real stdout (``None`` when it was closed) with the behaviour above."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=ESCAPE_ERRORS)

    @property
    def encoding(self) -> str:
        """The declared encoding (UTF-8 for a closed stdout, which takes nothing anyway)."""
        return getattr(self._stream, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:
        """The error handler: escapes, never ``strict``."""
        return ESCAPE_ERRORS

    def write(self, text: str) -> int:
        """Write ``text``; :class:`StdoutGone` if stdout is closed or its reader has gone."""
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if not text:
            return 0
        if self._stream is None:
            raise StdoutGone(False, "standard output is closed")
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise _gone(exc) from None

    def writelines(self, lines: Iterable[str]) -> None:
        """Write each of ``lines``."""
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        """Flush; :class:`StdoutGone` if what was buffered can no longer be written."""
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except OSError as exc:
            raise _gone(exc) from None

    def isatty(self) -> bool:
        """Whether stdout is a terminal."""
        return self._stream is not None and self._stream.isatty()

    def fileno(self) -> int:
        """The file descriptor (``OSError`` when stdout is closed, as for any closed stream)."""
        if self._stream is None:
            raise OSError(errno.EBADF, "standard output is closed")
        return self._stream.fileno()

    def __getattr__(self, name: str) -> Any:
        if name == "buffer" or self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


def _gone(exc: OSError) -> StdoutGone:
    if isinstance(exc, BrokenPipeError):
        return StdoutGone(True, "the reader of standard output has gone")
    return StdoutGone(False, f"cannot write to standard output: {exc.strerror or exc}")
