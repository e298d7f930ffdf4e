"""The COMET score cache: one SQLite file keyed by sha256 of (model identity, precision, src, mt, ref).

Re-scoring an unchanged digest then loads no model. Checkpoint hashes are remembered there too, so a
2 GB checkpoint is read once. The error spans of a word-level model (XCOMET) are kept in a table of
their own, ``spans``, beside the scores: a file written before that table existed still loads (its
scores of such a model just lack spans, so they are computed again), and an older evalkit reading a
newer file never looks at it. See :class:`ScoreCache` for what happens when the file is damaged or the
disk is full.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from evalkit.derived_cache import default_cache_dir  # noqa: F401 - imported from here by other modules
from evalkit.metrics.comet.settings import CACHE_FILE
from evalkit.metrics.segments import ErrorSpan
from evalkit.sqlite_cache import DB_ERRORS, SqliteCache

#: Kept as the name it had when COMET was one module: a host application may filter on it.
_log = logging.getLogger("evalkit.metrics.comet")


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS scores (key TEXT PRIMARY KEY, score REAL NOT NULL, cropped INTEGER NOT NULL,"
    " device TEXT NOT NULL, checksum TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS checkpoints (path TEXT PRIMARY KEY, size INTEGER NOT NULL,"
    " mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL)",
    # The spans a word-level model gave the segment of the same key, as JSON ([] for none found).
    "CREATE TABLE IF NOT EXISTS spans (key TEXT PRIMARY KEY, spans TEXT NOT NULL, checksum TEXT NOT NULL)",
)


class ScoreCache(SqliteCache):
    """COMET segment scores in one SQLite file, safe to share between processes.

    SQLite gives atomic, concurrent writes (WAL journal, a busy timeout, one transaction per batch).
    Every row carries a checksum of its key and values: a row that fails it, or holds a non-finite
    score, is reported as missing (and counted in ``corrupt``) so the caller recomputes and overwrites
    it. A file that is not a database is moved aside and a fresh one started; if the cache cannot be
    used at all (read-only directory, full disk, I/O error) it turns itself off for the run, keeps the
    file as it is, and says why in ``notices``.
    """

    label = "COMET cache"
    work = "scoring"
    schema = _SCHEMA
    log = _log

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        super().__init__(directory, CACHE_FILE)

    def get_many(self, keys: Sequence[str]) -> dict[str, tuple[float, bool, str]]:
        """``key -> (score, cropped, device)`` for the keys held and intact; damaged rows are left out."""
        found: dict[str, tuple[float, bool, str]] = {}
        for key, score, cropped, device, checksum in self._select(
            "SELECT key, score, cropped, device, checksum FROM scores WHERE key IN ({marks})", keys
        ):
            if _row_ok(key, score, cropped, device, checksum):
                found[key] = (float(score), bool(cropped), str(device))
            else:
                self.corrupt += 1
        return found

    def get_spans(self, keys: Sequence[str]) -> dict[str, tuple[ErrorSpan, ...]]:
        """``key -> error spans`` for the keys whose spans are held and intact; damaged rows are left out
        (and counted in ``corrupt``), so their segments are computed again."""
        found: dict[str, tuple[ErrorSpan, ...]] = {}
        for key, text, checksum in self._select("SELECT key, spans, checksum FROM spans WHERE key IN ({marks})", keys):
            spans = _spans_from_json(key, text, checksum)
            if spans is None:
                self.corrupt += 1
            else:
                found[key] = spans
        return found

    def put_many(
        self,
        rows: Iterable[tuple[str, float, bool, str]],
        spans: Mapping[str, Sequence[ErrorSpan]] | None = None,
    ) -> None:
        """Store ``(key, score, cropped, device)`` rows in one transaction; non-finite scores are not stored.

        ``spans`` (for a word-level model) maps keys of those rows to their error spans, stored in the
        same transaction, so a score is never kept without the spans that came with it.
        """
        # + 0.0 turns -0.0 into 0.0: SQLite stores -0.0 as the integer 0, and the checksum of the value
        # read back would no longer match, so the score would be recomputed on every run.
        data = [
            (key, float(score) + 0.0, int(bool(cropped)), device, _checksum(key, float(score) + 0.0, bool(cropped), device))
            for key, score, cropped, device in rows
            if math.isfinite(score)
        ]
        if not data:
            return
        stored = {row[0] for row in data}
        span_rows = [
            (key, text, _spans_checksum(key, text))
            for key, text in ((k, _spans_to_json(v)) for k, v in (spans or {}).items() if k in stored)
        ]
        self._write([
            ("INSERT OR REPLACE INTO scores (key, score, cropped, device, checksum) VALUES (?, ?, ?, ?, ?)", data),
            ("INSERT OR REPLACE INTO spans (key, spans, checksum) VALUES (?, ?, ?)", span_rows),
        ])

    def checkpoint_sha256(self, path: Path) -> str:
        """sha256 of a checkpoint file, remembered by (path, size, mtime) so a 2 GB file is read once."""
        resolved = str(Path(path).resolve())
        stat = os.stat(resolved)
        conn = self._connect()
        if conn is not None:
            try:
                row = conn.execute(
                    "SELECT sha256 FROM checkpoints WHERE path = ? AND size = ? AND mtime_ns = ?",
                    (resolved, stat.st_size, stat.st_mtime_ns),
                ).fetchone()
            except DB_ERRORS:
                row = None
            if row and isinstance(row[0], str) and re.fullmatch(r"[0-9a-f]{64}", row[0]):
                return row[0]
        digest = file_sha256(resolved)
        if conn is not None:
            try:
                conn.execute(
                    "INSERT OR REPLACE INTO checkpoints (path, size, mtime_ns, sha256) VALUES (?, ?, ?, ?)",
                    (resolved, stat.st_size, stat.st_mtime_ns, digest),
                )
            except DB_ERRORS:
                pass  # only a memo: the next run hashes the file again
        return digest


def _checksum(key: str, score: float, cropped: bool, device: str) -> str:
    return hashlib.sha256(f"{key}\x1f{score!r}\x1f{int(cropped)}\x1f{device}".encode()).hexdigest()[:16]


#: The fields of an :class:`ErrorSpan`, in the order a stored span lists them.
_SPAN_FIELDS = ("text", "start", "end", "severity", "confidence", "category")


def _spans_to_json(spans: Sequence[ErrorSpan]) -> str:
    # A list per span, not an object: smaller, and float repr round-trips, so a rerun gets identical spans.
    return json.dumps([[getattr(s, f) for f in _SPAN_FIELDS] for s in spans], ensure_ascii=False)


def _spans_checksum(key: str, text: str) -> str:
    return hashlib.sha256(f"{key}\x1fspans\x1f{text}".encode()).hexdigest()[:16]


def _spans_from_json(key: Any, text: Any, checksum: Any) -> tuple[ErrorSpan, ...] | None:
    """The spans of a stored row, or ``None`` when the row fails its checksum or is not a list of spans."""
    if not isinstance(text, str) or not isinstance(checksum, str) or checksum != _spans_checksum(key, text):
        return None
    try:
        items = json.loads(text)
        spans = []
        for item in items:
            fields = dict(zip(_SPAN_FIELDS, item, strict=True))
            span = ErrorSpan(**fields)
            if not (isinstance(span.text, str) and isinstance(span.start, int) and isinstance(span.end, int)):
                return None
            spans.append(span)
        return tuple(spans)
    except (ValueError, TypeError):  # not JSON, not a list of lists of six
        return None


def _row_ok(key: Any, score: Any, cropped: Any, device: Any, checksum: Any) -> bool:
    if not isinstance(score, float) or not math.isfinite(score) or cropped not in (0, 1):
        return False
    if not isinstance(device, str) or not isinstance(checksum, str):
        return False
    return checksum == _checksum(key, score, bool(cropped), device)


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 hex digest of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
