"""Each issue's canonical JSON written by the worker process that scored it, for the report to copy.

Dumping a corpus-sized report (120 MB of JSON) took the parent of a parallel run ~1.8 s after its
workers had finished, while all cores but one sat idle. An :class:`IssueJsonSpool` given to
:func:`evalkit.pipeline.score` has every worker dump the issues it scores, into files of a private
temporary directory, while the other workers still score theirs; the parent then only copies the
files into the report in issue order (:func:`evalkit.report.canonical.iter_report_json`). The text is
the one the parent would have dumped, byte for byte: it comes from the same function.

A spool is a context manager: its directory is removed when the report has been written, whatever
happened. An issue the spool could not write (a full disk, say) is dumped by the parent as before.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from evalkit.records import IssueResult, SpooledJson
from evalkit.text.unencodable import ESCAPE_ERRORS


class IssueJsonSpool:
    """A temporary directory of issues' canonical JSON; calling it with an issue writes that issue's file.

    It is handed to worker processes (forked: nothing is pickled), so the files are named after the
    writing process and a per-process count, never after anything two workers could share.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        """A spool in a new hidden directory inside ``directory`` (default: the system's temporary
        directory); spools left there by processes that are gone (killed outright) are removed first.

        The report's own directory is the natural place: the files are then on the filesystem the report
        is written to, whatever the system's temporary directory is like. Raises ``OSError`` when the
        directory cannot be made.
        """
        from evalkit.report.write import SPOOL_PREFIX, remove_stale_spools

        parent = Path(directory) if directory is not None else Path(tempfile.gettempdir())
        remove_stale_spools(parent)
        while True:
            path = parent / f"{SPOOL_PREFIX}{os.getpid()}.{secrets.token_hex(4)}"
            try:
                path.mkdir(mode=0o700)
                break
            except FileExistsError:
                continue
        self.directory = str(path)
        self._count = itertools.count()

    def __call__(self, issue: IssueResult) -> SpooledJson | None:
        """Write the canonical JSON of ``issue``; ``None`` when it could not be written (the writer then dumps it)."""
        from evalkit.report.canonical import iter_issue_json

        # The JSON text holds no lone surrogate (json_text escapes them), so it always encodes; the
        # handler is the report file's, in case.
        data = "".join(iter_issue_json(issue)).encode("utf-8", errors=ESCAPE_ERRORS)
        path = os.path.join(self.directory, f"{os.getpid()}-{next(self._count)}.json")
        try:
            with open(path, "wb") as fh:
                fh.write(data)
        except OSError:
            return None
        return SpooledJson(path, len(data))

    def close(self) -> None:
        """Remove the directory and everything in it."""
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "IssueJsonSpool":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

