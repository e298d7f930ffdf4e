"""What evalkit's SQLite caches share: opening the file, telling damage from a bad machine, giving up politely.

The COMET score cache (:class:`evalkit.metrics.comet.cache.ScoreCache`) and the LLM judge's answer
cache (:class:`evalkit.judges.llm.cache.AnswerCache`) are one SQLite file each in the cache directory,
shared between processes (WAL journal, a busy timeout). :class:`SqliteCache` holds their common life
cycle: a connection per process (never across a fork), a file that is not a database moved aside and
started afresh, and a cache that cannot be used at all (read-only directory, full disk, I/O error)
turned off for the run with a one-line notice, the file kept as it is. Subclasses add their tables
and queries.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, ClassVar, Sequence

from evalkit.derived_cache import default_cache_dir
from evalkit.text.chars import exception_line as one_line

#: What a damaged cache file can raise: sqlite3's errors, and UnicodeDecodeError when the damage makes
#: stored text (the schema, a key) invalid UTF-8, which sqlite3 then fails to decode.
DB_ERRORS = (sqlite3.DatabaseError, UnicodeDecodeError)

#: Seconds a connection waits for another one's lock (SQLite's busy timeout, and opening the file).
BUSY_TIMEOUT = 30.0
#: Keys per ``IN (...)`` query: below SQLite's old limit of 999 parameters.
CHUNK = 900

#: SQLite result codes that describe the machine, not the file: a full disk, an I/O error, a lock held
#: too long, a read-only or unopenable file. The cache is then turned off for the run and kept as it is.
_ENVIRONMENT_CODES = frozenset(
    getattr(sqlite3, name)
    for name in (
        "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY", "SQLITE_CANTOPEN",
        "SQLITE_NOMEM", "SQLITE_PERM", "SQLITE_INTERRUPT", "SQLITE_NOLFS", "SQLITE_AUTH", "SQLITE_PROTOCOL",
    )
)


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` says the cache file itself is damaged (only then is it moved aside).

    A full disk or an I/O error is not damage: the file is still good, and moving it aside would throw
    away everything cached in it for good.
    """
    if isinstance(exc, UnicodeDecodeError):
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF not in _ENVIRONMENT_CODES
    # No code: raised by the sqlite3 module itself (stored text that is not UTF-8), or made by hand.
    text = str(exc).lower()
    return any(sign in text for sign in ("could not decode", "malformed", "not a database"))


def _busy(exc: BaseException) -> bool:
    """Whether ``exc`` is another connection holding the lock (worth waiting for), not trouble."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class SqliteCache:
    """One SQLite cache file: ``label`` names it in notices ("COMET cache"), ``work`` is what the run
    goes on doing without it ("scoring"), ``schema`` the statements that create its tables, ``log`` a
    logger that also receives the notice of a cache turned off (``None``: notices only)."""

    label: ClassVar[str]
    work: ClassVar[str]
    schema: ClassVar[tuple[str, ...]]
    log: ClassVar[logging.Logger | None] = None

    def __init__(self, directory: str | os.PathLike[str] | None, filename: str) -> None:
        self.directory = Path(directory).expanduser() if directory is not None else default_cache_dir()
        self.path = self.directory / filename
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
        deadline = time.monotonic() + BUSY_TIMEOUT
        attempt = 0
        while attempt < 2:
            attempt += 1
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                for statement in self.schema:
                    conn.execute(statement)
                self._conn, self._pid = conn, os.getpid()
                return conn
            except DB_ERRORS as exc:
                # Two processes creating the file at once: switching it to WAL does not wait on SQLite's
                # busy handler, so the loser sees "database is locked" at once. Wait and open again.
                if _busy(exc) and time.monotonic() < deadline:
                    attempt -= 1
                    time.sleep(0.05)
                    continue
                if attempt == 1 and is_damage(exc) and self._quarantine(exc):
                    continue
                self._disable(f"{self.label} {self.path} unusable ({one_line(exc)}); {self.work} without it")
                return None
            except OSError as exc:
                self._disable(f"{self.label} directory {self.directory} unusable ({one_line(exc)}); {self.work} without it")
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
            self.notices.append(f"{self.label} {self.path} was damaged ({one_line(exc)}); moved aside, starting afresh")
        return moved

    def _give_up(self, exc: BaseException, attempt: int, what: str) -> bool:
        """After ``exc`` in a query: ``True`` to try once more (the file was damaged and moved aside),
        ``False`` when the cache is now off for the run (``what``: "unreadable", "unwritable")."""
        if attempt == 1 and is_damage(exc) and self._quarantine(exc):
            return True
        self._disable(f"{self.label} {self.path} {what} ({one_line(exc)}); {self.work} without it")
        return False

    def _select(self, query: str, keys: Sequence[str]) -> list[tuple[Any, ...]]:
        """Every row of ``query`` (its ``{marks}`` standing for the placeholders of a chunk of ``keys``),
        or none when the cache is off or becomes unreadable (a damaged file is moved aside and tried once
        more, empty)."""
        for attempt in (1, 2):
            conn = self._connect()
            if conn is None:
                return []
            try:
                rows: list[tuple[Any, ...]] = []
                for start in range(0, len(keys), CHUNK):
                    chunk = list(keys[start : start + CHUNK])
                    rows.extend(conn.execute(query.format(marks=",".join("?" * len(chunk))), chunk))
                return rows
            except DB_ERRORS as exc:
                if not self._give_up(exc, attempt, "unreadable"):
                    return []
        return []

    def _write(self, batches: Sequence[tuple[str, Sequence[tuple[Any, ...]]]]) -> None:
        """``(statement, rows)`` batches in one transaction: all stored, or none (the cache then says why)."""
        for attempt in (1, 2):
            conn = self._connect()
            if conn is None:
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
                for statement, rows in batches:
                    if rows:
                        conn.executemany(statement, rows)
                conn.execute("COMMIT")
                return
            except DB_ERRORS as exc:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the transaction may not have started; nothing to undo
                if not self._give_up(exc, attempt, "unwritable"):
                    return

    def _disable(self, notice: str) -> None:
        self.close()
        self.disabled = True
        self.notices.append(notice)
        if self.log is not None:
            self.log.warning(notice)

    def close(self) -> None:
        """Close this process's connection (a later call reopens it)."""
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None
