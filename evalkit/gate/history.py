"""The gate history: one SQLite file (``reports/history.sqlite`` by default) with a row per gated issue.

``evalkit gate --record`` appends the issues of a run; ``--baseline N`` reads the last N issues of each
issue's series back (:mod:`evalkit.gate.regression` compares them). A row keeps the issue's path, id,
series, date, a hash of its content, its verdict counts, and per entry the non-info finding codes and the
scores (:class:`~evalkit.gate.facts.EntryFacts`), so failures can be recomputed under a later policy.

Concurrency: the file is in WAL mode and every append is one ``BEGIN IMMEDIATE`` transaction, so two gate
runs appending at the same time are serialised by SQLite's write lock (the second waits up to
:data:`BUSY_TIMEOUT_S`) and neither loses rows. Switching a new file to WAL is retried for as long: SQLite
fails that switch at once, without its busy handler, while another process holds the write lock of the
file it is creating too. Reading (``--baseline`` without ``--record``) opens the file read-only, so a
history on a read-only checkout or mount can serve as a baseline, and a read never changes the file.
A SQLite file that holds other tables (the COMET score cache, say) is refused, never extended.
Re-recording an issue with the same path and content is a no-op (``UNIQUE(path, digest)``), so re-running
a CI job does not double-count it.
"""

from __future__ import annotations

import datetime
import json
import os
import sqlite3
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence, TypeVar

from evalkit.errors import EvalkitError
from evalkit.gate.facts import EntryFacts, IssueFacts
from evalkit.safe_load import json_loads
from evalkit.text.unencodable import escape_unencodable

#: Bumped when the table layout changes; a file with another version is refused, not silently misread.
SCHEMA_VERSION = 1
#: How long an append waits for another process's write transaction before giving up.
BUSY_TIMEOUT_S = 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS issues (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded_at TEXT NOT NULL,
    path TEXT NOT NULL,
    issue_id TEXT NOT NULL,
    series TEXT NOT NULL,
    channel TEXT,
    date TEXT,
    digest TEXT NOT NULL,
    entries INTEGER NOT NULL,
    failing INTEGER NOT NULL,
    waived INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    tool_version TEXT,
    policy TEXT,
    commit_sha TEXT,
    entry_facts TEXT NOT NULL,
    UNIQUE (path, digest)
);
CREATE INDEX IF NOT EXISTS issues_series ON issues (series, date, id);
"""


T = TypeVar("T")


class HistoryError(EvalkitError):
    """The history file cannot be opened, read or written (the message names the file)."""


@dataclass(frozen=True)
class AppendResult:
    """What an append did: rows added, and issues left out because the same content was already recorded."""

    added: int
    already: int


class History:
    """A history file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._writable = False

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (if one was opened)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def exists(self) -> bool:
        """Whether the file exists (a missing history just means no baseline yet)."""
        return os.path.isfile(self.path)

    def append(
        self,
        issues: Sequence[IssueFacts],
        *,
        tool_version: str,
        policy: str,
        commit: str | None = None,
        now: datetime.datetime | None = None,
    ) -> AppendResult:
        """Record ``issues`` in one transaction; issues already recorded with the same content are skipped."""
        stamp = (now or datetime.datetime.now(datetime.timezone.utc)).isoformat(timespec="seconds")
        db = self._writer()
        added = 0
        try:
            with _write(db):
                for issue in issues:
                    cursor = db.execute(
                        "INSERT OR IGNORE INTO issues (recorded_at, path, issue_id, series, channel, date, digest, entries,"
                        " failing, waived, passed, tool_version, policy, commit_sha, entry_facts)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            stamp,
                            # SQLite refuses the undecodable bytes of a non-UTF-8 file name: store them as \xNN
                            # (the same text every append and lookup of that file gives).
                            escape_unencodable(issue.path),
                            escape_unencodable(issue.issue_id),
                            escape_unencodable(issue.series),
                            None if issue.channel is None else escape_unencodable(issue.channel),
                            issue.date,
                            issue.digest,
                            len(issue.entries),
                            issue.failing,
                            issue.waived,
                            int(issue.passed),
                            tool_version,
                            policy,
                            commit,
                            json.dumps([e.to_dict() for e in issue.entries], ensure_ascii=False, sort_keys=True),
                        ),
                    )
                    added += cursor.rowcount
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot record in history {self.path}: {exc}") from None
        return AppendResult(added=added, already=len(issues) - added)

    def baseline(self, issue: IssueFacts, n: int, *, same_series: bool = True) -> list[IssueFacts]:
        """The last ``n`` recorded issues before ``issue``: newest first, of its series when ``same_series``.

        "Last" means the latest date (for issues whose file name gives one), then the latest recorded. An
        issue with the same content as ``issue`` is never part of its own baseline, issues dated after it are
        left out. A dated issue recorded several times (edited) counts once, with its latest content; an
        undated file rewritten every day (``cs.CL.md``) is a new issue each time its content changes.
        """
        db = self._reader() if n > 0 else None
        if db is None:
            return []
        clauses = ["digest != ?", "(date IS NULL OR id IN (SELECT MAX(id) FROM issues WHERE date IS NOT NULL GROUP BY path))"]
        params: list[object] = [issue.digest]
        if same_series:
            clauses.append("series = ?")
            params.append(escape_unencodable(issue.series))
        if issue.date is not None:
            clauses.append("(date IS NULL OR date <= ?)")
            params.append(issue.date)
        if issue.path:
            # A rewritten per-channel file is a new issue of the series: keep its older versions. A dated
            # file of the same path is the same issue edited: leave it out.
            clauses.append("NOT (path = ? AND date IS NOT NULL)")
            params.append(escape_unencodable(issue.path))
        sql = (
            "SELECT id, path, issue_id, series, channel, date, digest, failing, waived, passed, entry_facts FROM issues"
            f" WHERE {' AND '.join(clauses)} ORDER BY COALESCE(date, '') DESC, id DESC LIMIT ?"
        )
        params.append(n)
        try:
            rows = db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot read history {self.path}: {exc}") from None
        return [self._facts(row) for row in rows]

    def count(self) -> int:
        """Number of recorded issues (0 for a missing file)."""
        db = self._reader()
        if db is None:
            return 0
        try:
            return int(db.execute("SELECT COUNT(*) FROM issues").fetchone()[0])
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot read history {self.path}: {exc}") from None

    def rows(self) -> Iterator[IssueFacts]:
        """Every recorded issue in recording order (for inspection and tests)."""
        db = self._reader()
        if db is None:
            return iter(())
        sql = "SELECT id, path, issue_id, series, channel, date, digest, failing, waived, passed, entry_facts FROM issues ORDER BY id"
        try:
            return iter([self._facts(row) for row in db.execute(sql).fetchall()])
        except sqlite3.Error as exc:
            raise HistoryError(f"cannot read history {self.path}: {exc}") from None

    def _facts(self, row: Sequence[object]) -> IssueFacts:
        """The issue stored in ``row`` (``id`` first); :class:`HistoryError` naming the file and row when a
        hand edit left a value of the wrong type, a NULL, or entry facts that are not what evalkit writes."""
        row_id, path, issue_id, series, channel, date, digest, failing, waived, passed, entry_facts = row
        try:
            for name, value in (("path", path), ("issue_id", issue_id), ("series", series), ("digest", digest), ("entry_facts", entry_facts)):
                if not isinstance(value, str):
                    raise ValueError(f"{name} must be text, got {_sql_type(value)}")
            for name, value in (("channel", channel), ("date", date)):
                if value is not None and not isinstance(value, str):
                    raise ValueError(f"{name} must be text or NULL, got {_sql_type(value)}")
            for name, value in (("failing", failing), ("waived", waived), ("passed", passed)):
                if not isinstance(value, int):
                    raise ValueError(f"{name} must be an integer, got {_sql_type(value)}")
            facts = json_loads(entry_facts)
            if not isinstance(facts, list) or not all(isinstance(e, dict) for e in facts):
                raise ValueError("entry_facts must be a JSON list of objects")
            entries = tuple(EntryFacts.from_dict(e) for e in facts)
        except json.JSONDecodeError as exc:
            raise HistoryError(f"{self.path}: row {row_id}: entry_facts is not valid JSON ({exc.msg})") from None
        except KeyError as exc:
            raise HistoryError(f"{self.path}: row {row_id}: an entry in entry_facts lacks the key {exc}") from None
        except (ValueError, TypeError, AttributeError) as exc:
            raise HistoryError(f"{self.path}: row {row_id}: {exc} (edited by hand? evalkit cannot read it)") from None
        return IssueFacts(
            path=path,
            issue_id=issue_id,
            series=series,
            channel=channel,
            date=date,
            digest=digest,
            entries=entries,
            failing=failing,
            waived=waived,
            passed=bool(passed),
        )

    # --- connection --------------------------------------------------------------------------------

    def _reader(self) -> sqlite3.Connection | None:
        """A connection to read with, or ``None`` when there is no history yet (no file, or one with no
        tables: being created by another process this moment, or made by ``touch``)."""
        if self._db is not None:
            return self._db
        if not self.exists():
            return None
        db = self._opened(self._open_for_reading)
        self._db, self._writable = db, False
        return db

    def _writer(self) -> sqlite3.Connection:
        """A read-write connection (the file and its tables made if missing); replaces a read-only one."""
        if self._db is not None and self._writable:
            return self._db
        self.close()
        db = self._opened(self._open_for_writing)
        self._db, self._writable = db, True
        return db

    def _opened(self, how: Callable[[], T]) -> T:
        """``how()``, its SQLite and OS errors turned into a :class:`HistoryError` naming the file."""
        try:
            return how()
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"cannot open history {self.path}: {exc}") from None
        except OSError as exc:
            raise HistoryError(f"cannot open history {self.path}: {exc.strerror or exc}") from None

    def _open_for_writing(self) -> sqlite3.Connection:
        parent = os.path.dirname(self.path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        # isolation_level=None: transactions are opened explicitly (BEGIN IMMEDIATE), not by the module.
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            mode = _retry_while_busy(lambda: db.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            if str(mode).lower() != "wal":
                # Some file systems (network mounts) refuse WAL; the rollback journal is still safe, only slower.
                db.execute("PRAGMA journal_mode = DELETE")
            with _write(db):
                if self._check_tables(db):
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute("INSERT INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        except BaseException:
            db.close()
            raise
        return db

    def _open_for_reading(self) -> sqlite3.Connection | None:
        uri = f"file:{urllib.parse.quote(os.path.abspath(self.path), errors='surrogateescape')}"
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            try:
                empty = self._check_tables(db)
            except sqlite3.OperationalError as exc:
                if getattr(exc, "sqlite_errorcode", 0) & 0xFF not in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY):
                    raise
                # A WAL file in a folder we cannot write: SQLite cannot make the shared-memory file a reader
                # needs. Nobody can be writing through this path then, so the file may be read as immutable.
                db.close()
                db = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None)
                empty = self._check_tables(db)
        except BaseException:
            db.close()
            raise
        if empty:
            db.close()
            return None
        return db

    def _check_tables(self, db: sqlite3.Connection) -> bool:
        """Refuse a file that is not an evalkit history of this schema; ``True`` when it has no tables yet."""
        tables = {str(row[0]) for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        tables.discard("sqlite_sequence")
        if not tables:
            return True
        if not {"meta", "issues"} <= tables:
            raise HistoryError(
                f"{self.path} is not an evalkit history: it holds the tables {', '.join(sorted(tables))}"
                " (a COMET score cache or another tool's database?); give --history a file of its own"
            )
        row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None or row[0] != str(SCHEMA_VERSION):
            raise HistoryError(
                f"{self.path}: history schema {row[0] if row else 'unknown'}, this evalkit reads {SCHEMA_VERSION};"
                " use a new history file"
            )
        return False


def _retry_while_busy(operation: Callable[[], T]) -> T:
    """``operation()``, retried while SQLite answers "database is locked", for up to :data:`BUSY_TIMEOUT_S`.

    For the statements SQLite does not retry itself: changing the journal mode needs an exclusive lock,
    and SQLite gives up at once (to avoid a deadlock) when another connection holds the write lock.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    delay = 0.002
    while True:
        try:
            return operation()
        except sqlite3.OperationalError as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if code not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or time.monotonic() >= deadline:
                raise
        _pause(delay)
        delay = min(delay * 2, 0.2)


def _pause(seconds: float) -> None:
    """Wait between two tries (its own function so a test can tell that a try was repeated)."""
    time.sleep(seconds)


@contextmanager
def _write(db: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error).

    IMMEDIATE takes the write lock up front, so two writers queue on the busy timeout instead of both
    reading first and one then failing to upgrade its lock.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _sql_type(value: object) -> str:
    return "NULL" if value is None else {bytes: "a BLOB", float: "a REAL", int: "an INTEGER", str: "TEXT"}.get(type(value), type(value).__name__)
