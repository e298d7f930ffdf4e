"""The LLM judge's answer cache: one SQLite file keyed by sha256 of what decides an answer.

The key holds the model name, the prompt version, the exact messages sent (the prompt's text and both
abstracts) and the settings that change an answer (seed, ``max_output_tokens``; temperature is always
0). A rerun over unchanged entries sends no request. Only answers that were readable JSON are kept: a
malformed answer is asked again next time. The file sits next to COMET's (``$EVALKIT_CACHE_DIR``,
else ``$XDG_CACHE_HOME/evalkit``, else ``~/.cache/evalkit``); a damaged file is moved aside, and a
cache that cannot be used (read-only, full disk) turns itself off for the run with a notice.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from evalkit.metrics.comet.cache import _DB_ERRORS, _is_damage, default_cache_dir
from evalkit.metrics.comet.settings import one_line

#: The cache file's name; the number changes when its layout does.
CACHE_FILE = "judge-v1.sqlite3"
#: Mixed into every key: bump it when the meaning of a cached answer changes.
KEY_VERSION = "evalkit.judge.llm/1"

_SCHEMA = "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, content TEXT NOT NULL, checksum TEXT NOT NULL)"


def answer_key(
    *, model: str, prompt: str, messages: Sequence[Mapping[str, str]], seed: int | None, max_output_tokens: int
) -> str:
    """The cache key of one request: sha256 over everything that decides the answer (never the API key)."""
    payload = json.dumps(
        [KEY_VERSION, model, prompt, [[m["role"], m["content"]] for m in messages], seed, max_output_tokens],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _checksum(key: str, content: str) -> str:
    return hashlib.sha256(f"{key}\x1f{content}".encode("utf-8")).hexdigest()[:16]


class AnswerCache:
    """Judge answers in one SQLite file, safe to share between processes (WAL journal, busy timeout).

    A row whose checksum does not match is treated as missing (counted in ``corrupt``) and overwritten
    by the next answer. Problems never stop the run: they go into ``notices``.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory).expanduser() if directory is not None else default_cache_dir()
        self.path = self.directory / CACHE_FILE
        self.notices: list[str] = []
        self.corrupt = 0
        self.disabled = False
        self._conn: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection | None:
        if self.disabled:
            return None
        if self._conn is not None:
            return self._conn
        for attempt in (1, 2):
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(_SCHEMA)
                self._conn = conn
                return conn
            except _DB_ERRORS as exc:
                if attempt == 1 and _is_damage(exc) and self._quarantine(exc):
                    continue
                self._disable(f"LLM judge cache {self.path} unusable ({one_line(exc)}); judging without it")
                return None
            except OSError as exc:
                self._disable(f"LLM judge cache directory {self.directory} unusable ({one_line(exc)}); judging without it")
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
            self.notices.append(f"LLM judge cache {self.path} was damaged ({one_line(exc)}); moved aside, starting afresh")
        return moved

    def _disable(self, notice: str) -> None:
        self.close()
        self.disabled = True
        self.notices.append(notice)

    def close(self) -> None:
        """Close the connection (a later call reopens it)."""
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """``key -> answer text`` for the keys held and intact."""
        found: dict[str, str] = {}
        for attempt in (1, 2):
            conn = self._connect()
            if conn is None:
                return {}
            try:
                for start in range(0, len(keys), 900):  # below SQLite's old 999-parameter limit
                    chunk = list(keys[start : start + 900])
                    rows = conn.execute(
                        f"SELECT key, content, checksum FROM answers WHERE key IN ({','.join('?' * len(chunk))})", chunk
                    )
                    for key, content, checksum in rows:
                        if isinstance(content, str) and checksum == _checksum(key, content):
                            found[key] = content
                        else:
                            self.corrupt += 1
                return found
            except _DB_ERRORS as exc:
                found.clear()
                if attempt == 2 or not _is_damage(exc) or not self._quarantine(exc):
                    self._disable(f"LLM judge cache {self.path} unreadable ({one_line(exc)}); judging without it")
                    return {}
        return found

    def put_many(self, rows: Iterable[tuple[str, str]]) -> None:
        """Store ``(key, answer text)`` rows in one transaction."""
        data = [(key, content, _checksum(key, content)) for key, content in rows]
        if not data:
            return
        for attempt in (1, 2):
            conn = self._connect()
            if conn is None:
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT OR REPLACE INTO answers (key, content, checksum) VALUES (?, ?, ?)", data)
                conn.execute("COMMIT")
                return
            except _DB_ERRORS as exc:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the transaction may not have started; nothing to undo
                if attempt == 2 or not _is_damage(exc) or not self._quarantine(exc):
                    self._disable(f"LLM judge cache {self.path} unwritable ({one_line(exc)}); judging without it")
                    return
