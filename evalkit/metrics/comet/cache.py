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
import logging
import math
import os
import json
import re
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from evalkit.metrics.comet.settings import CACHE_FILE, one_line
from evalkit.derived_cache import default_cache_dir  # noqa: F401 - imported from here by other modules
from evalkit.metrics.segments import ErrorSpan

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
#: SQLite's default limit on ``?`` parameters is 999 on old builds; stay below it.
_CHUNK = 900


#: What a damaged cache file can raise: sqlite3's errors, and UnicodeDecodeError when the damage makes
#: stored text (the schema, a key) invalid UTF-8, which sqlite3 then fails to decode.
_DB_ERRORS = (sqlite3.DatabaseError, UnicodeDecodeError)


#: SQLite result codes that describe the machine, not the file: a full disk, an I/O error, a lock held
#: too long, a read-only or unopenable file. The cache is then turned off for the run and kept as it is.
_ENVIRONMENT_CODES = frozenset(
    getattr(sqlite3, name)
    for name in (
        "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY", "SQLITE_CANTOPEN",
        "SQLITE_NOMEM", "SQLITE_PERM", "SQLITE_INTERRUPT", "SQLITE_NOLFS", "SQLITE_AUTH", "SQLITE_PROTOCOL",
    )
)


def _is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` says the cache file itself is damaged (only then is it moved aside).

    A full disk or an I/O error is not damage: the file is still good, and moving it aside would throw
    away every cached score for good.
    """
    if isinstance(exc, UnicodeDecodeError):
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF not in _ENVIRONMENT_CODES
    # No code: raised by the sqlite3 module itself (stored text that is not UTF-8), or made by hand.
    text = str(exc).lower()
    return any(sign in text for sign in ("could not decode", "malformed", "not a database"))


class ScoreCache:
    """COMET segment scores in one SQLite file, safe to share between processes.

    SQLite gives atomic, concurrent writes (WAL journal, a busy timeout, one transaction per batch).
    Every row carries a checksum of its key and values: a row that fails it, or holds a non-finite
    score, is reported as missing (and counted in ``corrupt``) so the caller recomputes and overwrites
    it. A file that is not a database is moved aside and a fresh one started; if the cache cannot be
    used at all (read-only directory, full disk, I/O error) it turns itself off for the run, keeps the
    file as it is, and says why in ``notices``.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory).expanduser() if directory is not None else default_cache_dir()
        self.path = self.directory / CACHE_FILE
        self.notices: list[str] = []
        self.corrupt = 0
        self.disabled = False
        self._conn: sqlite3.Connection | None = None
        self._pid: int | None = None

    # A connection must not cross a fork: each process opens its own.
    def _connect(self) -> sqlite3.Connection | None:
        if self.disabled:
            return None
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        for attempt in (1, 2):
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                for statement in _SCHEMA:
                    conn.execute(statement)
                self._conn, self._pid = conn, os.getpid()
                return conn
            except _DB_ERRORS as exc:
                if attempt == 1 and _is_damage(exc) and self._quarantine(exc):
                    continue
                self._disable(f"COMET cache {self.path} unusable ({one_line(exc)}); scoring without it")
                return None
            except OSError as exc:
                self._disable(f"COMET cache directory {self.directory} unusable ({one_line(exc)}); scoring without it")
                return None
        return None

    def _quarantine(self, exc: BaseException) -> bool:
        """Move a damaged database aside (kept for inspection) so a fresh one can start."""
        self.close()
        stamp = time.strftime("%Y%m%dT%H%M%S")
        moved = False
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{self.path}{suffix}")
            if src.exists():
                try:
                    os.replace(src, f"{self.path}.corrupt-{stamp}-{os.getpid()}{suffix}")
                    moved = True
                except OSError:
                    return False
        if moved:
            self.notices.append(f"COMET cache {self.path} was damaged ({one_line(exc)}); moved aside, starting afresh")
        return moved

    def _disable(self, notice: str) -> None:
        self.close()
        self.disabled = True
        self.notices.append(notice)
        _log.warning(notice)

    def close(self) -> None:
        """Close this process's connection (a later call reopens it)."""
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None

    def get_many(self, keys: Sequence[str]) -> dict[str, tuple[float, bool, str]]:
        """``key -> (score, cropped, device)`` for the keys held and intact; damaged rows are left out."""
        found: dict[str, tuple[float, bool, str]] = {}
        for attempt in (1, 2):
            conn = self._connect()
            if conn is None:
                return {}
            try:
                for start in range(0, len(keys), _CHUNK):
                    chunk = list(keys[start : start + _CHUNK])
                    marks = ",".join("?" * len(chunk))
                    rows = conn.execute(
                        f"SELECT key, score, cropped, device, checksum FROM scores WHERE key IN ({marks})", chunk
                    )
                    for key, score, cropped, device, checksum in rows:
                        if _row_ok(key, score, cropped, device, checksum):
                            found[key] = (float(score), bool(cropped), str(device))
                        else:
                            self.corrupt += 1
                return found
            except _DB_ERRORS as exc:
                found.clear()
                if attempt == 2 or not _is_damage(exc) or not self._quarantine(exc):
                    self._disable(f"COMET cache {self.path} unreadable ({one_line(exc)}); scoring without it")
                    return {}
        return found

    def get_spans(self, keys: Sequence[str]) -> dict[str, tuple[ErrorSpan, ...]]:
        """``key -> error spans`` for the keys whose spans are held and intact; damaged rows are left out
        (and counted in ``corrupt``), so their segments are computed again."""
        found: dict[str, tuple[ErrorSpan, ...]] = {}
        for attempt in (1, 2):
            conn = self._connect()
            if conn is None:
                return {}
            try:
                for start in range(0, len(keys), _CHUNK):
                    chunk = list(keys[start : start + _CHUNK])
                    marks = ",".join("?" * len(chunk))
                    rows = conn.execute(f"SELECT key, spans, checksum FROM spans WHERE key IN ({marks})", chunk)
                    for key, text, checksum in rows:
                        spans = _spans_from_json(key, text, checksum)
                        if spans is None:
                            self.corrupt += 1
                        else:
                            found[key] = spans
                return found
            except _DB_ERRORS as exc:
                found.clear()
                if attempt == 2 or not _is_damage(exc) or not self._quarantine(exc):
                    self._disable(f"COMET cache {self.path} unreadable ({one_line(exc)}); scoring without it")
                    return {}
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
        for attempt in (1, 2):
            conn = self._connect()
            if conn is None:
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(
                    "INSERT OR REPLACE INTO scores (key, score, cropped, device, checksum) VALUES (?, ?, ?, ?, ?)", data
                )
                if span_rows:
                    conn.executemany("INSERT OR REPLACE INTO spans (key, spans, checksum) VALUES (?, ?, ?)", span_rows)
                conn.execute("COMMIT")
                return
            except _DB_ERRORS as exc:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the transaction may not have started; nothing to undo
                if attempt == 2 or not _is_damage(exc) or not self._quarantine(exc):
                    self._disable(f"COMET cache {self.path} unwritable ({one_line(exc)}); scoring without it")
                    return

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
            except _DB_ERRORS:
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
            except _DB_ERRORS:
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
